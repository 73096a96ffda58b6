"""Broken Pongo integrations: rewards in the order (REWARD). Each is a reference with one realistic mistake."""

from __future__ import annotations

from dataclasses import replace
from os.path import commonprefix
from typing import Any

from poscert.drivers.contract import VOUCHERS, OrderView, Product
from poscert.drivers.pongo.broken.registry import breaks
from poscert.drivers.pongo.reference import PongoKiosk, PongoPOS
from poscert.drivers.pongo.wire import skus_of

FILTER = (
    "The external_id field can returns multiple SKUs from multiple partner. So you need to filter the SKUs to "
    "retains only the one matching in your system. (000, 001, 002)"
)
ONE_OR_MANY = (
    "If the merchant add one SKU, it means it is a single product or menu. If the merchant add multiple SKUs, "
    "it is a list of product or menu. (000, 001, 002)"
)
ANY_OPTIONS = (
    "Ensure the customer choosing a reward corresponding to a product with paid option can choose any options. "
    "(000, 001, 002)"
)


@breaks("PONGO-REWARD-01", guide=FILTER)
class KeepsEverySku(PongoKiosk):
    """Offers every SKU of external_id, other partners' included."""

    def add_reward(self, won_reward_id: str):
        offer = super().add_reward(won_reward_id)
        won = self._current().won.get(won_reward_id) or {}
        ours = {p.sku for p in offer.products}
        foreign = [Product(sku, sku, 0) for sku in skus_of(won.get("external_id")) if sku not in ours]
        return replace(offer, products=offer.products + tuple(foreign)) if foreign else offer


@breaks("PONGO-REWARD-01", guide=FILTER)
class SkuFoundInText(PongoKiosk):
    """Looks for each of its SKUs inside the external_id text: another SKU that contains one of ours matches it."""

    def _reward_products(self, won: dict[str, Any]) -> list[Product]:
        return [product for product in self.catalog() if product.sku in (won.get("external_id") or "")]


@breaks("PONGO-REWARD-01", guide=ONE_OR_MANY)
class SingleSkuTakenAsIs(PongoKiosk):
    """Takes a single SKU for the reward's product as it is, without looking it up: another partner's is offered."""

    def _reward_products(self, won: dict[str, Any]) -> list[Product]:
        skus = skus_of(won.get("external_id"))
        if len(skus) != 1:
            return super()._reward_products(won)
        return [next((p for p in self.catalog() if p.sku == skus[0]), Product(skus[0], skus[0], 0))]


@breaks("PONGO-REWARD-01", guide=FILTER)
class KeepsSkusOfItsBrand(PongoKiosk):
    """Keeps the SKUs that carry its own prefix: one of the brand's products this kiosk does not sell is offered."""

    def _reward_products(self, won: dict[str, Any]) -> list[Product]:
        sold = {product.sku: product for product in self.catalog()}
        brand = commonprefix(list(sold))  # "PSC-"
        ours = [sku for sku in skus_of(won.get("external_id")) if sku.startswith(brand)]
        return [sold.get(sku, Product(sku, sku, 0)) for sku in ours]


@breaks("PONGO-REWARD-02")
class FreeOptions(PongoKiosk):
    """Gives the options of a free product away too."""

    def choose_reward_product(self, won_reward_id: str, sku: str, options: tuple[str, ...] = ()) -> OrderView:
        super().choose_reward_product(won_reward_id, sku, options)
        order = self._open_order()
        order.lines = [
            replace(line, options=tuple(replace(o, price=0) for o in line.options)) if line.reward_id else line
            for line in order.lines
        ]
        return order.view()


@breaks("PONGO-REWARD-02", guide=ANY_OPTIONS)
class NoOptionsOnRewards(PongoKiosk):
    """Takes a free product without the options the customer picked: a reward product cannot have any."""

    def choose_reward_product(self, won_reward_id: str, sku: str, options: tuple[str, ...] = ()) -> OrderView:
        return super().choose_reward_product(won_reward_id, sku)


@breaks("PONGO-REWARD-03")
class VoucherWithOwnCode(PongoKiosk):
    """Creates the voucher under a code of its own instead of the reward's coupon_code."""

    def add_reward(self, won_reward_id: str):
        offer = super().add_reward(won_reward_id)
        order = self._open_order()
        order.vouchers = [replace(v, code=f"KSK-{v.won_reward_id[-6:].upper()}") for v in order.vouchers]
        return replace(offer, voucher_code=order.vouchers[0].code) if offer.voucher_code else offer


@breaks("PONGO-REWARD-04")
class DeclaresNoVouchersButOffersThem(PongoKiosk):
    """Tells Pongo it takes no vouchers, yet offers voucher rewards for redemption."""

    capabilities = PongoKiosk.capabilities - {VOUCHERS}

    def _supports(self, reward_type: str) -> bool:
        return True


@breaks("PONGO-REWARD-04")
class AppliesVouchersItDeclaredOff(PongoKiosk):
    """Declares no vouchers and offers none, yet applies to the order a voucher the customer bought elsewhere."""

    capabilities = PongoKiosk.capabilities - {VOUCHERS}

    def _usable(self, won: dict[str, Any] | None) -> bool:
        return won is not None


@breaks("PONGO-REWARD-05")
class PosWithoutSkuGuide(PongoPOS):
    """Gives the merchant no way to find the SKUs to type into Pongo rewards."""

    def sku_guide(self) -> list[tuple[str, str]]:
        return []
