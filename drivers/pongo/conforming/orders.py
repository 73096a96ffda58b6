"""Conforming Pongo variants: sending orders (ORDER). Each satisfies the requirement another way the guides allow."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from poscert.drivers.contract import ORDER_PENDING_SYNC, Connection
from poscert.drivers.pongo.client import PongoError
from poscert.drivers.pongo.conforming.registry import conforms
from poscert.drivers.pongo.integration import Session, log
from poscert.drivers.pongo.reference import PongoKiosk
from poscert.drivers.till import Pending

USE_A_REWARD = (
    "Alternatively, if you are not able to indicate if a reward has been used when you send the order to Pongo, "
    "you can use the PATCH use a reward enpoint to update the customer's reward status. (000, 001)"
)


def rewards_apart(pending: Pending) -> tuple[Pending, list[str]]:
    """The order with no reward id in its lines, and the reward ids taken out of them."""
    lines = pending.payload["lines"]
    rewards = [line["reward_id"] for line in lines if line.get("reward_id")]
    bare = [{name: value for name, value in line.items() if name != "reward_id"} for line in lines]
    return Pending(pending.tenant, {**pending.payload, "lines": bare}), rewards


@dataclass(frozen=True)
class Use:
    """A reward to mark used in Pongo: with whose token, whose reward, where, in which order."""

    tenant: str
    customer: str
    won_reward_id: str
    store_slug: str
    order_id: str


@conforms("PONGO-ORDER-03", guide=USE_A_REWARD)
class ConfirmsWithUseAfterPayment(PongoKiosk):
    """Sends the order without reward ids, then marks each reward used with PATCH use a reward once Pongo has it."""

    def __init__(self, connection: Connection) -> None:
        super().__init__(connection)
        self._to_use: list[Use] = []  # rewards of orders Pongo has, not yet marked used: the background job retries

    def _settle(self, session: Session) -> None:
        super()._settle(session)
        if any(use.order_id == session.order.order_id for use in self._to_use):
            session.order.tell(
                "Your reward will be confirmed as soon as the loyalty service answers.", ORDER_PENDING_SYNC
            )

    def _send_order(self, pending: Pending) -> httpx.Response | None:
        bare, rewards = rewards_apart(pending)
        response = super()._send_order(bare)
        if rewards and response is not None and response.status_code in (201, 202):
            body = pending.payload
            customer, slug = body["customer"]["public_id"], body["loyalty_store_slug"]
            self._to_use += [Use(pending.tenant, customer, won, slug, body["order_id"]) for won in rewards]
            self._use_rewards()
        return response

    def _after_retry(self) -> None:
        super()._after_retry()
        self._use_rewards()

    def _use_rewards(self) -> None:
        self._to_use = [use for use in self._to_use if not self._use(use)]

    def _use(self, use: Use) -> bool:
        """PATCH use a reward; False when Pongo cannot answer now, to try again later."""
        path = f"/v1/customers/{use.customer}/rewards/{use.won_reward_id}/use"
        try:
            response = self.pongo.call(
                use.tenant, "PATCH", path, json={"store_slug": use.store_slug, "order_id": use.order_id}
            )
        except PongoError as error:
            log.warning("reward %s kept to mark used: %s", use.won_reward_id, error)
            return False
        if response.status_code != 200:  # a 422 "already used": an earlier answer was lost; others will not change
            log.warning("Pongo refused to mark reward %s used (%s)", use.won_reward_id, response.status_code)
        return True
