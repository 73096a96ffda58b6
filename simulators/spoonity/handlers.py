"""One function per operation: read the (already validated) request, ask the vendor backend, shape the answer.

Handlers hold no state. A `Refusal` raised below them is rendered in Spoonity's envelope (`@endpoint`).
`POST /order` is two operations behind one path [seed 004]: a body with `amount` and no `subtotal`
is a gift card debit/credit, anything else an order.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Protocol

from poscert.simulators.core.messages import SimResponse
from poscert.simulators.core.simulator import Call
from poscert.simulators.spoonity import errors
from poscert.simulators.spoonity.backend import VendorBackend
from poscert.simulators.spoonity.errors import Refusal


class Spoonity(Protocol):
    """What handlers use of the simulator (a protocol: this module never imports the simulator)."""

    def backend(self, slug: str) -> VendorBackend: ...


Handler = Callable[[Spoonity, Call], SimResponse]


def endpoint(handler: Handler) -> Handler:
    @wraps(handler)
    def answer(sim: Spoonity, call: Call) -> SimResponse:
        try:
            return handler(sim, call)
        except Refusal as refused:
            raise errors.render(refused) from None

    return answer


def _backend(sim: Spoonity, call: Call) -> VendorBackend:
    return sim.backend(call.merchant or "")


def _body(call: Call) -> dict:
    return call.body if isinstance(call.body, dict) else {}


def is_gift_card(body: dict) -> bool:
    return "amount" in body and "subtotal" not in body


@endpoint
def open_session(sim: Spoonity, call: Call) -> SimResponse:
    return SimResponse(201, _backend(sim, call).open_session(call.principal.id, _body(call)["card_number"]))


@endpoint
def get_session(sim: Spoonity, call: Call) -> SimResponse:
    return SimResponse(200, _backend(sim, call).session_details(call.query["pos_session_hash"]))


@endpoint
def close_session(sim: Spoonity, call: Call) -> SimResponse:
    hash_ = _body(call).get("pos_session_hash") or call.query.get("pos_session_hash")
    if not hash_:
        raise errors.missing("pos_session_hash")
    return SimResponse(200, _backend(sim, call).close_session(hash_))


@endpoint
def perk_list(sim: Spoonity, call: Call) -> SimResponse:
    return SimResponse(200, _backend(sim, call).perks_json())


@endpoint
def submit_order(sim: Spoonity, call: Call) -> SimResponse:
    body = _body(call)
    backend = _backend(sim, call)
    if is_gift_card(body):
        return SimResponse(200, backend.gift_card(call.principal.id, body))
    return SimResponse(200, backend.submit_order(call.principal.id, body))


@endpoint
def void_order(sim: Spoonity, call: Call) -> SimResponse:
    return SimResponse(200, _backend(sim, call).void(call.principal.id, str(_body(call)["receipt"])))


@endpoint
def loyalty_payment(sim: Spoonity, call: Call) -> SimResponse:
    return SimResponse(200, _backend(sim, call).loyalty_pay(call.principal.id, _body(call)))
