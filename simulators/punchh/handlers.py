"""One function per operation: read the (already validated) request, ask the business backend, shape the answer.

Handlers hold no state. Bodies and queries reach them only after the schema check, so a handler
may rely on types and required fields; rules that need state are the backend's. Each handler is an
`@endpoint`: a `Refusal` raised below it is answered in the shape of the operation's family.
Several endpoints are GETs with a JSON body [C]; like Rails, they read the query string and the body
as one set of parameters (`params`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, Protocol

from poscert.simulators.core.messages import SimResponse
from poscert.simulators.core.simulator import Call
from poscert.simulators.punchh import errors
from poscert.simulators.punchh.backend import LOOKUP_FIELDS, BusinessBackend
from poscert.simulators.punchh.errors import Refusal
from poscert.simulators.punchh.models import Location
from poscert.simulators.punchh.receipts import line_items, menu_items, text


class Punchh(Protocol):
    """What handlers use of the simulator. A protocol, so this module never imports the simulator
    module that imports it: the layers stay one-way."""

    def backend(self, slug: str) -> BusinessBackend: ...


Handler = Callable[[Punchh, Call], SimResponse]


def endpoint(handler: Handler) -> Handler:
    @wraps(handler)
    def answer(sim: Punchh, call: Call) -> SimResponse:
        try:
            return handler(sim, call)
        except Refusal as refused:
            raise errors.render(call.route.operation, refused) from None

    return answer


def _backend(sim: Punchh, call: Call) -> BusinessBackend:
    return sim.backend(call.merchant or "")


def _location(sim: Punchh, call: Call) -> Location:
    return _backend(sim, call).location(call.principal.location_id)


def _params(call: Call) -> dict[str, Any]:
    body = call.body if isinstance(call.body, dict) else {}
    return {**call.query, **body}


def _ok(body: Any, status: int = 200) -> SimResponse:
    return SimResponse(status, body)


# -- the edge ----------------------------------------------------------------------------------
def ping(sim: Punchh, call: Call) -> SimResponse:
    """Each host answers /ping with a plain "OK" page [C, firewall article]."""
    return SimResponse(200, text="OK", headers={"content-type": "text/plain; charset=utf-8"})


# -- POS API 1.0 -------------------------------------------------------------------------------
@endpoint
def location_configuration(sim: Punchh, call: Call) -> SimResponse:
    return _ok(_backend(sim, call).configuration_json(_location(sim, call)))


@endpoint
def program_meta(sim: Punchh, call: Call) -> SimResponse:
    return _ok(_backend(sim, call).meta_json())


@endpoint
def create_user(sim: Punchh, call: Call) -> SimResponse:
    backend = _backend(sim, call)
    return _ok(backend.user_json(backend.create_user(call.body)))


@endpoint
def user_search(sim: Punchh, call: Call) -> SimResponse:
    return _ok(_backend(sim, call).search(call.query))


@endpoint
def user_balance(sim: Punchh, call: Call) -> SimResponse:
    params = _params(call)
    if params.get("user_id") in (None, ""):
        raise errors.missing("user_id")
    backend = _backend(sim, call)
    try:
        user = backend.user(params["user_id"])
    except Refusal as refused:
        raise Refusal(404, refused.text, listed=True) from None  # this endpoint's 404 is a bare list [C]
    return _ok({"account_balance": backend.account_balance_json(user), "subscriptions": []})


@endpoint
def create_checkin(sim: Punchh, call: Call) -> SimResponse:
    body = call.body
    return _ok(_backend(sim, call).checkin(body, menu_items(body.get("menu_items")), _location(sim, call)))


@endpoint
def receipt_details(sim: Punchh, call: Call) -> SimResponse:
    body = call.body
    _backend(sim, call).receipt_details(body, menu_items(body.get("menu_items")), _location(sim, call))
    return _ok({})


# -- Redemptions 2.0 ---------------------------------------------------------------------------
@endpoint
def find_user(sim: Punchh, call: Call) -> SimResponse:
    params = _params(call)
    for name in ("lookup_field", "lookup_value"):
        if params.get(name) in (None, ""):
            raise errors.missing(name)
    field = text(params["lookup_field"])
    if field not in LOOKUP_FIELDS:
        raise Refusal(400, errors.INVALID_VALUE.format("lookup_field"))
    backend = _backend(sim, call)
    user = backend.find(field, params["lookup_value"])
    scan = backend.scan_code(text(params["lookup_value"])) if field == "otp" else None
    return _ok(backend.find_json(user, scan))


@endpoint
def auto_select(sim: Punchh, call: Call) -> SimResponse:
    backend = _backend(sim, call)
    basket = backend.auto_select(call.body, call.principal.location_id)
    return _ok(backend.basket_json(basket))


@endpoint
def discount_lookup(sim: Punchh, call: Call) -> SimResponse:
    body = call.body
    answer = _backend(sim, call).lookup(body, line_items(body.get("line_items")), call.principal.location_id)
    return _ok(answer)


@endpoint
def discount_select(sim: Punchh, call: Call) -> SimResponse:
    body = call.body
    backend = _backend(sim, call)
    basket = backend.select(
        body["user_id"],
        body["discount_basket_items_attributes"],
        text(body.get("external_uid")).strip() or None,
        call.principal.location_id,
    )
    return _ok(backend.basket_json(basket, with_location=True))


@endpoint
def discount_unselect(sim: Punchh, call: Call) -> SimResponse:
    body = call.body
    backend = _backend(sim, call)
    basket = backend.unselect(
        body["user_id"], body["discount_basket_item_ids"], text(body.get("external_uid")).strip() or None
    )
    return _ok(backend.basket_json(basket, with_location=True))


@endpoint
def discount_active(sim: Punchh, call: Call) -> SimResponse:
    params = _params(call)
    if params.get("user_id") in (None, ""):
        raise errors.missing("user_id")
    backend = _backend(sim, call)
    basket = backend.active(params["user_id"], text(params.get("external_uid")).strip() or None)
    return _ok(backend.basket_json(basket))


@endpoint
def discount_unlock(sim: Punchh, call: Call) -> SimResponse:
    body = call.body
    _backend(sim, call).unlock(body["user_id"], text(body["external_uid"]).strip())
    return _ok({"message": errors.UNLOCKED})


@endpoint
def batch_redemption(sim: Punchh, call: Call) -> SimResponse:
    body = call.body
    answer = _backend(sim, call).batch(body, line_items(body.get("line_items")), call.principal.location_id)
    return _ok(answer)


@endpoint
def void_batch_redemption(sim: Punchh, call: Call) -> SimResponse:
    params = _params(call)
    if params.get("user_id") in (None, ""):
        raise errors.missing("user_id")
    _backend(sim, call).void_basket(call.params["redemption_ref"], params["user_id"])
    return SimResponse(202)


# -- Redemptions 1.0 ---------------------------------------------------------------------------
@endpoint
def possible_redemption(sim: Punchh, call: Call) -> SimResponse:
    body = call.body
    answer = _backend(sim, call).r1_redeem(body, menu_items(body.get("menu_items")), _location(sim, call), False)
    return _ok(answer)


@endpoint
def create_redemption(sim: Punchh, call: Call) -> SimResponse:
    body = call.body
    answer = _backend(sim, call).r1_redeem(body, menu_items(body.get("menu_items")), _location(sim, call), True)
    return _ok(answer)


@endpoint
def void_redemption(sim: Punchh, call: Call) -> SimResponse:
    _backend(sim, call).r1_void(call.body)
    return _ok({}, 202)


@endpoint
def void_multiple_redemptions(sim: Punchh, call: Call) -> SimResponse:
    body = call.body
    ids = body.get("redemption_id")
    _backend(sim, call).r1_void(body, ids if isinstance(ids, list) and ids else None)
    return _ok({}, 202)


@endpoint
def applicable_offers(sim: Punchh, call: Call) -> SimResponse:
    body = call.body
    return _ok(_backend(sim, call).applicable_offers(body, menu_items(body.get("menu_items"))))


@endpoint
def active_redemptions(sim: Punchh, call: Call) -> SimResponse:
    return _ok(_backend(sim, call).active_redemptions(call.query))


# -- Advanced Authentication -------------------------------------------------------------------
@endpoint
def send_otp(sim: Punchh, call: Call) -> SimResponse:
    return _ok(_backend(sim, call).send_otp(call.body))


@endpoint
def verify_otp(sim: Punchh, call: Call) -> SimResponse:
    return _ok(_backend(sim, call).verify_otp(call.body))
