"""The merchant's side: connecting with Pongo, the store mapping, the SKU guide."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

from pytest_bdd import given, parsers, then, when

from poscert.steps.pongo.world import PongoWorld, forge_state


@given("the merchant has connected the integration")
def connected(world: PongoWorld) -> None:
    world.connect(world.merchant)


@given("the merchant has connected the integration and mapped its locations")
def connected_and_mapped(world: PongoWorld) -> None:
    world.connect(world.merchant)
    world.map_locations(world.merchant)


@given("a second merchant has connected the integration and mapped a location")
def second_merchant(world: PongoWorld) -> None:
    world.connect(world.merchants[1])
    world.map_locations(world.merchants[1])


@given(parsers.re(r"the merchant press(?:es|ed) \"Connect with Pongo\" in the partner's admin"))
@when(parsers.re(r"the merchant press(?:es|ed) \"Connect with Pongo\" in the partner's admin"))
def press_connect(world: PongoWorld) -> None:
    world.authorize_url = world.driver.start_connect()


@then("the browser opens Pongo's OAuth form for the partner's client with a state and a whitelisted redirect URI")
def oauth_form_url(world: PongoWorld) -> None:
    url = urlparse(world.authorize_url)
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    pongo = ("https://sandbox-api.heypongo.com", "https://api.heypongo.com", world.connection.base_url.rstrip("/"))
    assert f"{url.scheme}://{url.netloc}" in pongo, url  # the base URL given: the served simulator over HTTP
    assert url.path == "/v1/oauth/form", f"the button opens {url.path}, not Pongo's OAuth form"
    assert query.get("client_id") == world.connection.client_id, "the form is not opened for the partner's client"
    assert len(query.get("state", "")) >= 16, "no unguessable state travels with the authorization request"
    assert query.get("redirect_uri") in world.sim.oauth_client.redirect_uris, "the redirect URI is not whitelisted"


@when("the merchant approves the connection on Pongo's form")
def approve(world: PongoWorld) -> None:
    world.driver.finish_connect(world.consent(world.authorize_url, world.merchant))


@when("a callback arrives with a valid code but a state the integration never issued")
def forged_callback(world: PongoWorld) -> None:
    callback = world.consent(world.authorize_url, world.merchant)
    try:
        world.driver.finish_connect(forge_state(callback))
    except Exception as refused:  # the contract: finish_connect raises on a callback it did not issue
        world.refused = refused


@when("a callback arrives with a new code but the state of that connection")
def replayed_state(world: PongoWorld) -> None:
    """Pongo's form echoes the state it was opened with: going through it again yields a genuine code
    under a state the integration already used, which a single-use state refuses."""
    callback = world.consent(world.authorize_url, world.merchant)
    try:
        world.driver.finish_connect(callback)
    except Exception as refused:  # the contract: finish_connect raises on a callback it did not issue
        world.refused = refused


@then("the integration refuses the callback")
def callback_refused(world: PongoWorld) -> None:
    assert world.refused is not None, "the integration accepted a callback whose state it never issued or already used"


@then("no authorization code was exchanged")
def no_code_exchanged(world: PongoWorld) -> None:
    grants = world.token_grants("authorization_code", "client_credentials")
    assert not grants, f"the code was exchanged anyway: {[x.title() for x in grants]}"


@then("the integration exchanged the authorization code for tokens once")
def code_exchanged(world: PongoWorld) -> None:
    grants = world.token_grants("authorization_code", "client_credentials")
    assert len(grants) == 1, f"expected one code exchange, saw {[x.title() for x in grants]}"
    assert grants[0].status == 200, f"the code exchange failed: {grants[0].response_body}"


@then("the integration can call Pongo on behalf of the merchant")
def calls_on_behalf(world: PongoWorld) -> None:
    world.offered_stores = world.driver.sync_stores()
    calls = world.integration_calls("list_stores")
    assert calls and calls[-1].status == 200, "the integration could not read the merchant's stores"
    assert calls[-1].merchant == world.merchant, f"the call reached merchant {calls[-1].merchant}"


@given("the access token has expired")
@when("the access token expires again")
def token_expired(world: PongoWorld) -> None:
    world.sim.clock.advance(world.sim.access_token_ttl + 1)
    world.journal.event("access_token_expired")


@then("the integration renewed its access without asking the merchant again")
def renewed(world: PongoWorld) -> None:
    """By any grant Pongo's token endpoint takes (a refresh token, the code again): the guides name none."""
    expired = world.journal.events("access_token_expired")[-1]
    grants = [x for x in world.integration_calls("oauth_token") if x.seq > expired.seq]
    assert any(x.status == 200 for x in grants), (
        f"no new access token since the last one expired: {[x.title() for x in grants] or 'none asked for'}"
    )


@given(parsers.parse('the merchant has opened a new store "{name}" in Pongo'))
def new_store(world: PongoWorld, name: str) -> None:
    world.backend().add_store(name)


@when("the merchant opens the store mapping in the partner's admin")
def open_mapping(world: PongoWorld) -> None:
    world.offered_stores = list(world.driver.sync_stores())


@then("the integration retrieved the merchant's stores from Pongo")
def stores_retrieved(world: PongoWorld) -> None:
    calls = [x for x in world.integration_calls("list_stores") if x.status == 200]
    assert calls, "the store mapping was not read from Pongo (GET stores)"
    assert all(x.merchant == world.merchant for x in calls)


@then("the stores offered are exactly the merchant's Pongo stores")
def stores_offered(world: PongoWorld) -> None:
    expected = sorted(s.slug for s in world.backend().stores)
    assert sorted(world.offered_stores) == expected, f"offered {sorted(world.offered_stores)}, Pongo has {expected}"


@when("the merchant looks up the SKUs in the partner's admin")
def look_up_skus(world: PongoWorld) -> None:
    world.sku_guide = list(world.driver.sku_guide())


@then("every product and option of the catalog is listed with its SKU")
def skus_listed(world: PongoWorld) -> None:
    listed = {sku for sku, _ in world.sku_guide}
    expected = {p.sku for p in world.driver.catalog()} | {o.sku for p in world.driver.catalog() for o in p.options}
    assert expected <= listed, f"SKUs the merchant cannot find: {sorted(expected - listed)}"
