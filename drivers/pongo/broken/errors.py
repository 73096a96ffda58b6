"""Broken Pongo integrations: ALL-ERR-01, platform errors, time-outs and 5xx not survived."""

from __future__ import annotations

import secrets

import httpx

from poscert.drivers.contract import Connection, LoyaltyScreen, RewardOffer
from poscert.drivers.pongo.broken.registry import breaks
from poscert.drivers.pongo.client import PongoUnavailable
from poscert.drivers.pongo.conforming.orders import ConfirmsWithUseAfterPayment, Use
from poscert.drivers.pongo.reference import PongoKiosk
from poscert.drivers.till import Pending

TOLD = "Platform errors, time-outs and 5xx are handled: the customer is told [...] (catalog)"
NOT_TWICE = "Platform errors, time-outs and 5xx are handled: [...] no order is sent twice [...] (catalog)"
NOT_LOST = (
    "Platform errors, time-outs and 5xx are handled: [...] no paid order is lost (it is retried later with the "
    "same identity). (catalog)"
)


@breaks("ALL-ERR-01", guide=NOT_LOST)
class ForgetsFailedOrders(PongoKiosk):
    """When Pongo fails, the paid order is dropped and the customer told nothing."""

    def _send_order(self, pending):
        return super()._send_order(pending) or _Answered()


class _Answered:
    status_code = 201

    def json(self) -> dict:
        return {"data": {"points_earned": 0}}


@breaks("ALL-ERR-01", guide=NOT_LOST)
class ThrottledIsRefused(PongoKiosk):
    """Takes Pongo's 429 (too many requests) for a refusal, not for "come back later": the paid order is dropped."""

    def __init__(self, connection: Connection) -> None:
        super().__init__(connection)
        self.pongo.come_back_later = frozenset()


@breaks("ALL-ERR-01", guide=NOT_TWICE)
class NewIdAfter202(PongoKiosk):
    """Takes Pongo's 202 "already processed" for a refusal and sends the order again under a new order_id."""

    def _send_order(self, pending: Pending) -> httpx.Response | None:
        response = super()._send_order(pending)
        if response is None or response.status_code != 202:
            return response
        renamed = {**pending.payload, "order_id": f"{pending.payload['order_id']}-{secrets.token_hex(2)}"}
        return super()._send_order(Pending(pending.tenant, renamed))


@breaks("ALL-ERR-01", guide=NOT_TWICE)
class BuysAgainWhenTheAnswerIsLost(PongoKiosk):
    """Buys the reward again when Pongo's answer is lost: a purchase that went through is paid for twice."""

    def _redeem(self, reward_id: str) -> LoyaltyScreen:
        try:
            return super()._redeem(reward_id)
        except PongoUnavailable:
            return super()._redeem(reward_id)


@breaks("ALL-ERR-01", guide=TOLD)
class RedeemUnguarded(PongoKiosk):
    """Buys a reward without guarding the call: when Pongo fails, redeeming crashes the screen."""

    def redeem(self, reward_id: str) -> LoyaltyScreen:
        return self._show(self._redeem(reward_id))


@breaks("ALL-ERR-01", guide=TOLD)
class AddRewardUnguarded(PongoKiosk):
    """Reads the customer's purchases again when a new one is added, unguarded: when Pongo fails, the order crashes."""

    def add_reward(self, won_reward_id: str) -> RewardOffer:
        self._won_reward(won_reward_id)
        return super().add_reward(won_reward_id)


@breaks("ALL-ERR-01", guide=NOT_LOST)
class ForgetsRewardsItCouldNotMarkUsed(ConfirmsWithUseAfterPayment):
    """Marks rewards used after payment, but forgets one when Pongo fails: it stays available to be used again."""

    def _use(self, use: Use) -> bool:
        super()._use(use)
        return True


@breaks("ALL-ERR-01", guide=TOLD)
class DroppedConnectionCrashes(PongoKiosk):
    """Counts time-outs and 5xx as Pongo being down, but a dropped connection escapes as an error."""

    def __init__(self, connection: Connection) -> None:
        super().__init__(connection)
        send = self.pongo.http.send

        def send_or_crash(request: httpx.Request, **kwargs) -> httpx.Response:
            try:
                return send(request, **kwargs)
            except (httpx.NetworkError, httpx.RemoteProtocolError) as dropped:
                raise RuntimeError(f"lost the connection to Pongo: {dropped}") from dropped

        self.pongo.http.send = send_or_crash
