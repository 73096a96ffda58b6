"""Broken Pongo integrations: rewards in the order (REWARD). Each is a reference with one realistic mistake."""

from __future__ import annotations

from dataclasses import replace

from poscert.drivers.contract import VOUCHERS, OrderView, Product
from poscert.drivers.pongo.broken.registry import breaks
from poscert.drivers.pongo.reference import PongoKiosk, PongoPOS


@breaks("PONGO-REWARD-01")
class KeepsEverySku(PongoKiosk):
    """Offers every SKU of external_id, other partners' included."""

    def add_reward(self, won_reward_id: str):
        offer = super().add_reward(won_reward_id)
        won = self._current().won.get(won_reward_id) or {}
        ours = {p.sku for p in offer.products}
        foreign = [
            Product(sku.strip(), sku.strip(), 0)
            for sku in (won.get("external_id") or "").split(",")
            if sku.strip() and sku.strip() not in ours
        ]
        return replace(offer, products=offer.products + tuple(foreign)) if foreign else offer


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


@breaks("PONGO-REWARD-05")
class PosWithoutSkuGuide(PongoPOS):
    """Gives the merchant no way to find the SKUs to type into Pongo rewards."""

    def sku_guide(self) -> list[tuple[str, str]]:
        return []
