"""Broken Spoonity integrations: checking in (ID), the reward list (REW) and POS sessions (SESSION).

Each is a reference with one realistic mistake; the subtle ones first.
"""

from __future__ import annotations

from dataclasses import replace

from poscert.drivers.contract import CUSTOMER_NOT_FOUND, LoyaltyScreen, ShownReward
from poscert.drivers.spoonity.broken.registry import breaks
from poscert.drivers.spoonity.client import SpoonityUnavailable, body
from poscert.drivers.spoonity.integration import PERKS, Session
from poscert.drivers.spoonity.reference import SpoonityKiosk, SpoonityPOS

EVERY_ORDER = "A necessary step for completing any order is to identify the customer. (004)"
ELIGIBLE_ONLY = (
    "The response will include [...] information about which rewards they are eligible for. (004); "
    "the customer's eligible rewards are shown (catalog)"
)
CHECKED_IN_AGAIN = (
    "Whenever possible, completed or previously-created POS sessions should be closed. [...] If the system does not "
    "automatically clean up a spent session, then your application should take steps to manually close them. (004)"
)


# -- SPOON-ID-01 ------------------------------------------------------------------------------
@breaks("SPOON-ID-01", guide=EVERY_ORDER)
class ChecksInOncePerCustomer(SpoonityKiosk):
    """Remembers a customer's check-in by what they typed: a returning customer's order has no POS session of its own."""

    def __init__(self, connection) -> None:
        super().__init__(connection)
        self._seen: dict[str, Session] = {}

    def _check_in(self, identifier: str) -> LoyaltyScreen:
        visit = self._visit()
        if (known := self._seen.get(identifier)) is not None:
            self._forget_customer(visit)
            visit.card_number, visit.details, visit.points = identifier, known.details, known.points
            return self._show(visit, self._customer_screen(visit))
        screen = super()._check_in(identifier)
        if visit.details is not None:
            self._seen[identifier] = replace(visit)
        return screen


@breaks("SPOON-ID-01")
class KeepsThePreviousCustomer(SpoonityPOS):
    """An identifier Spoonity does not know shows "not found" but leaves the previous customer on the order."""

    def _check_in(self, identifier: str) -> LoyaltyScreen:
        visit = self._visit()
        before = (visit.card_number, visit.details, dict(visit.known), visit.points)
        screen = super()._check_in(identifier)
        if CUSTOMER_NOT_FOUND in screen.notices:
            visit.card_number, visit.details, visit.known, visit.points = before
        return screen


# -- SPOON-ID-02 ------------------------------------------------------------------------------
@breaks("SPOON-ID-02", guide=ELIGIBLE_ONLY)
class ShowsEveryRewardAsEligible(SpoonityKiosk):
    """Shows every reward of the merchant on the customer's screen as redeemable, not the ones they are eligible for."""

    def _customer_screen(self, visit: Session) -> LoyaltyScreen:
        screen = super()._customer_screen(visit)
        try:
            perks = body(self._call(visit, "GET", PERKS)).get("data") or []
        except SpoonityUnavailable:
            return screen
        screen.rewards = [self._reward(perk, perk.get("name", ""), True) for perk in perks]
        return screen


@breaks("SPOON-ID-02")
class PointsFromTheGiftCard(SpoonityPOS):
    """Shows the gift card (quick pay) balance where the points balance belongs: the two balances confused."""

    def _customer_screen(self, visit: Session) -> LoyaltyScreen:
        screen = super()._customer_screen(visit)
        quick_pay = ((visit.details or {}).get("quick_pay_balance") or {}).get("amount")
        return replace(screen, balance=int(quick_pay or 0))


# -- SPOON-REW-01 -----------------------------------------------------------------------------
@breaks("SPOON-REW-01")
class EligibleListAsFullList(SpoonityKiosk):
    """Shows the session's eligible list as the merchant's full reward list: what nobody can afford is never seen."""

    def reward_list(self) -> list[ShownReward]:
        return list(self._current().screen.rewards)


@breaks("SPOON-REW-01")
class MergesEligibleListsSeen(SpoonityPOS):
    """Builds the full list from the eligible lists of every customer checked in so far, never from the perk list."""

    def __init__(self, connection) -> None:
        super().__init__(connection)
        self._every: dict[str, ShownReward] = {}

    def _customer_screen(self, visit: Session) -> LoyaltyScreen:
        screen = super()._customer_screen(visit)
        self._every |= {reward.id: reward for reward in screen.rewards}
        return screen

    def reward_list(self) -> list[ShownReward]:
        points = self._current().points or 0
        return [replace(r, redeemable=(r.cost or 0) <= points) for r in self._every.values()]


@breaks("SPOON-REW-01")
class AffordableBelowBalanceOnly(SpoonityKiosk):
    """Offers a reward of the full list only when it costs less than the points held: a customer holding exactly
    its cost is told they cannot afford it."""

    def reward_list(self) -> list[ShownReward]:
        points = self._current().points or 0
        return [replace(r, redeemable=(r.cost or 0) < points) for r in super().reward_list()]


# -- SPOON-SESSION-01 -------------------------------------------------------------------------
@breaks("SPOON-SESSION-01")
class NeverClosesSessions(SpoonityKiosk):
    """Leaves every POS session to Spoonity's clean-up, even when the merchant turned it off."""

    def _end(self, visit: Session) -> None:
        visit.pos_session = None


@breaks("SPOON-SESSION-01")
class ClosesOnlyAfterAnOrder(SpoonityPOS):
    """Closes the session once the order is submitted; a customer who leaves without ordering keeps theirs open."""

    def close_session(self) -> None:
        self._current().pos_session = None


@breaks("SPOON-SESSION-01", guide=CHECKED_IN_AGAIN)
class ReplacesSessionWithoutClosing(SpoonityKiosk):
    """A customer checked in again gets a new session; the one opened before is dropped, never closed."""

    def _forget_customer(self, visit: Session) -> None:
        visit.pos_session = None  # forgotten, not closed
        super()._forget_customer(visit)
