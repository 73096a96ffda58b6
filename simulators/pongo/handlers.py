"""One function per operation: read the (already validated) request, ask the backend, shape the answer.

Handlers hold no state. Bodies and queries reach them only after the schema check,
so a handler may rely on types and required fields; rules that need state are the backend's.
"""

from __future__ import annotations

import html
from math import ceil
from typing import Any, Protocol
from urllib.parse import urlencode

from poscert.simulators.core.messages import SimResponse
from poscert.simulators.core.simulator import Call
from poscert.simulators.pongo import errors
from poscert.simulators.pongo.backend import MerchantBackend
from poscert.simulators.pongo.platform import PlatformState

DEFAULT_PER_PAGE = 15
MAX_PER_PAGE = 100


class Pongo(Protocol):
    """What handlers use of the simulator. A protocol, so this module never imports the simulator
    module that imports it: the layers stay one-way."""

    hosts: tuple[str, ...]
    state: PlatformState

    def backend(self, slug: str) -> MerchantBackend: ...


def _data(value: Any, status: int = 200) -> SimResponse:
    return SimResponse(status, {"data": value})


def _backend(sim: Pongo, call: Call) -> MerchantBackend:
    return sim.backend(call.merchant)


def _int(query: dict[str, str], name: str) -> int | None:
    return int(query[name]) if query.get(name) else None


# -- OAuth ----------------------------------------------------------------------------
def oauth_form(sim: Pongo, call: Call) -> SimResponse:
    q = call.query
    scopes = sim.state.check_authorization(q["client_id"], q["redirect_uri"], q.get("scope"))
    client = sim.state.clients[q["client_id"]]
    hidden = "".join(
        f'<input type="hidden" name="{name}" value="{html.escape(q.get(name) or "")}">'
        for name in ("client_id", "redirect_uri", "state", "scope")
    )
    listed = "".join(f"<li>{html.escape(s)}</li>" for s in scopes)
    page = (
        f"<!doctype html><html><head><title>Connect {html.escape(client.name)} to Pongo</title></head><body>"
        f"<h1>{html.escape(client.name)} wants to access your Pongo account</h1><ul>{listed}</ul>"
        f'<form method="post" action="/v1/oauth/form">{hidden}'
        '<input type="email" name="email"><input type="password" name="password">'
        '<button name="decision" value="approve">Approve</button>'
        '<button name="decision" value="deny">Deny</button></form></body></html>'
    )
    return SimResponse(200, text=page)


def oauth_authorize(sim: Pongo, call: Call) -> SimResponse:
    b = call.body
    scopes = sim.state.check_authorization(b["client_id"], b["redirect_uri"], b.get("scope"))
    if b["decision"] == "deny":
        answer = {"error": "access_denied"}
    else:
        merchant = sim.state.login(b.get("email"), b.get("password"))
        if merchant is None:
            raise errors.invalid({"email": ["These credentials do not match our records."]})
        answer = {"code": sim.state.issue_code(b["client_id"], b["redirect_uri"], merchant, scopes)}
    if b.get("state") is not None:
        answer["state"] = b["state"]
    separator = "&" if "?" in b["redirect_uri"] else "?"
    return SimResponse(302, headers={"location": b["redirect_uri"] + separator + urlencode(answer)})


def oauth_token(sim: Pongo, call: Call) -> SimResponse:
    return SimResponse(200, sim.state.token(call.body), {"cache-control": "no-store", "pragma": "no-cache"})


def oauth_me(sim: Pongo, call: Call) -> SimResponse:
    backend = _backend(sim, call)
    return _data(
        {
            "merchant": {"public_id": backend.public_id, "name": backend.name, "slug": backend.slug},
            "client_id": call.principal.client_id,
            "scopes": list(call.principal.scopes),
        }
    )


# -- stores and customers ---------------------------------------------------------------
def list_stores(sim: Pongo, call: Call) -> SimResponse:
    return _data([s.to_json() for s in _backend(sim, call).stores])


def list_customers(sim: Pongo, call: Call) -> SimResponse:
    q = call.query
    found = _backend(sim, call).search_customers(q.get("phone"), q.get("email"))
    page = max(_int(q, "page") or 1, 1)
    per_page = min(max(_int(q, "per_page") or DEFAULT_PER_PAGE, 1), MAX_PER_PAGE)
    last = max(ceil(len(found) / per_page), 1)
    base = f"https://{call.request.host or sim.hosts[0]}{call.request.path}?page="
    return SimResponse(
        200,
        {
            "data": [c.to_json() for c in found[(page - 1) * per_page : page * per_page]],
            "links": {
                "first": f"{base}1",
                "last": f"{base}{last}",
                "prev": f"{base}{page - 1}" if page > 1 else None,
                "next": f"{base}{page + 1}" if page < last else None,
            },
            "meta": {"current_page": page, "per_page": per_page, "total": len(found), "last_page": last},
        },
    )


def create_customer(sim: Pongo, call: Call) -> SimResponse:
    return _data(_backend(sim, call).create_customer_from(call.body).to_json(), 201)


def get_customer(sim: Pongo, call: Call) -> SimResponse:
    return _data(_backend(sim, call).customer(call.params["public_id"]).to_json())


def get_customer_by_phone(sim: Pongo, call: Call) -> SimResponse:
    customer = _backend(sim, call).customer_by_phone(call.params["international_phone_number"])
    if customer is None:
        raise errors.not_found("Customer")
    return _data(customer.to_json())


def customer_exists(sim: Pongo, call: Call) -> SimResponse:
    found = _backend(sim, call).customer_by_phone(call.params["international_phone_number"])
    return SimResponse(200 if found else 404)


def update_customer(sim: Pongo, call: Call) -> SimResponse:
    backend = _backend(sim, call)
    return _data(backend.update_customer(backend.customer(call.params["public_id"]), call.body).to_json())


# -- rewards ----------------------------------------------------------------------------
def list_rewards(sim: Pongo, call: Call) -> SimResponse:
    q = call.query
    backend = _backend(sim, call)
    if q.get("customer") and q["customer"] not in backend.customers:
        raise errors.field_invalid("customer")
    if q.get("store_slug") and backend.store(q["store_slug"]) is None:
        raise errors.field_invalid("store_slug")
    found = backend.rewards_for(
        q.get("customer") or None, q.get("store_slug") or None, _int(q, "min_points"), _int(q, "max_points")
    )
    return _data([r.to_json() for r in found])


def buy_reward(sim: Pongo, call: Call) -> SimResponse:
    b = call.body
    won = _backend(sim, call).buy_reward(
        call.params["reward_public_id"], b["customer"], b["store_slug"], b.get("used"), b.get("pin")
    )
    return _data(won.to_json(), 201)


def list_won_rewards(sim: Pongo, call: Call) -> SimResponse:
    found = _backend(sim, call).won_rewards_of(call.params["public_id"], call.query.get("status") or "available")
    return _data([w.to_json() for w in found])


def use_reward(sim: Pongo, call: Call) -> SimResponse:
    won = _backend(sim, call).use_reward(
        call.params["public_id"], call.params["won_public_id"], call.body["store_slug"], call.body.get("order_id")
    )
    return _data(won.to_json())


# -- orders and check-ins -----------------------------------------------------------------
def create_order(sim: Pongo, call: Call) -> SimResponse:
    order, created = _backend(sim, call).create_order(call.body)
    if not created:
        return SimResponse(202, {"message": "This order has already been processed.", "id": order.public_id})
    return _data(order.to_json(), 201)


def update_order_status(sim: Pongo, call: Call) -> SimResponse:
    order = _backend(sim, call).update_order_status(
        call.params["order_public_id"], call.body["status"], call.body.get("delivery_status")
    )
    return _data(order.to_json())


def create_checkin(sim: Pongo, call: Call) -> SimResponse:
    return _data(_backend(sim, call).checkin(call.body).to_json(), 201)


# -- webhooks -----------------------------------------------------------------------------
def list_webhooks(sim: Pongo, call: Call) -> SimResponse:
    return _data([h.to_json() for h in sim.state.subscriptions(call.merchant)])


def create_webhook(sim: Pongo, call: Call) -> SimResponse:
    b = call.body
    return _data(sim.state.subscribe(call.merchant, b["event"], b["url"], b.get("secret")).to_json(), 201)


def delete_webhook(sim: Pongo, call: Call) -> SimResponse:
    sim.state.unsubscribe(call.merchant, call.params["id"])
    return SimResponse(204)
