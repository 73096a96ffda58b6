"""Conforming Pongo variants: rewards in the order (REWARD). Each satisfies the requirement another way the guides allow."""

from __future__ import annotations

from dataclasses import replace

from poscert.drivers.contract import PRODUCT_CATALOG, VOUCHERS, Connection, OrderLine, OrderView, RewardOffer
from poscert.drivers.order import paid_line
from poscert.drivers.pongo.conforming.registry import conforms
from poscert.drivers.pongo.reference import PongoKiosk

SINGLE = "If the merchant add one SKU, it means it is a single product or menu. (000, 001, 002)"


@conforms("PONGO-REWARD-01", guide=SINGLE)
class SingleProductOffered(PongoKiosk):
    """Offers a reward's single product for the customer to add with one tap, instead of adding it at once."""

    def add_reward(self, won_reward_id: str) -> RewardOffer:
        offer = super().add_reward(won_reward_id)
        if offer.applied and offer.products:  # the reference adds a single product at once: offer it instead
            self._open_order().remove_reward(won_reward_id)
            return replace(offer, applied=False, message=f"Add your free {offer.products[0].name}?")
        return offer


@conforms("PONGO-REWARD-02")
class OptionsOnLinesOfTheirOwn(PongoKiosk):
    """Charges a free product's options on lines of their own, each at its price, the way its kitchen reads them."""

    def __init__(self, connection: Connection) -> None:
        super().__init__(connection)
        self._option_lines: dict[str, list[OrderLine]] = {}  # won reward -> the option lines added with it

    def choose_reward_product(self, won_reward_id: str, sku: str, options: tuple[str, ...] = ()) -> OrderView:
        super().choose_reward_product(won_reward_id, sku)  # the product alone, free
        order = self._open_order()
        chosen = paid_line(self._product(sku), options).options  # refuses an option the product does not have
        previous = self._option_lines.get(won_reward_id, [])  # choosing again replaces them
        order.lines = [line for line in order.lines if not any(line is old for old in previous)]
        added = [OrderLine(option.sku, option.name, 1, option.price) for option in chosen]
        order.lines += added
        self._option_lines[won_reward_id] = added
        return order.view()


@conforms("PONGO-REWARD-04")
class KioskWithoutCatalog(PongoKiosk):
    """Declares no product catalog: free product rewards are neither offered nor applied; vouchers still are."""

    capabilities = PongoKiosk.capabilities - {PRODUCT_CATALOG}


@conforms("PONGO-REWARD-04")
class KioskWithoutVouchers(PongoKiosk):
    """Declares no vouchers: voucher rewards are neither offered nor applied; free products still are."""

    capabilities = PongoKiosk.capabilities - {VOUCHERS}
