"""The printed receipt: its EAN-13 barcode of the check's Punchh key, and Receipt Details for guests without loyalty."""

from __future__ import annotations

from pytest_bdd import then, when

from poscert.simulators.punchh.errors import Refusal
from poscert.simulators.punchh.receipts import barcode as ean13
from poscert.steps.punchh.order_steps import body, orders_and_pays
from poscert.steps.punchh.world import PunchhWorld

SENT_WITH_KEY = ("create_checkin", "receipt_details", "batch_redemption")


def keys_sent(world: PunchhWorld) -> set[str]:
    """The Punchh keys the integration sent for the scenario's checks, after the payment."""
    return {
        str(body(x).get("punchh_key"))
        for x in world.calls_after(world.payment(), SENT_WITH_KEY)
        if x.ok and body(x).get("punchh_key")
    }


@when("the guest keeps the receipt")
def keeps_receipt(world: PunchhWorld) -> None:
    world.barcodes.append(world.driver.receipt_barcode())


@when("another guest orders a product and pays by card, and keeps the receipt")
def another_guest(world: PunchhWorld) -> None:
    world.start_session(world.location)
    orders_and_pays(world, "a product")
    keeps_receipt(world)


@then("the receipt carries the EAN-13 barcode of the Punchh key its check was sent with")
def barcode_of_the_key(world: PunchhWorld) -> None:
    barcode = world.barcodes[-1]
    keys = keys_sent(world)
    assert len(keys) == 1, f"the check was sent with {len(keys)} Punchh keys after payment: one check, one key"
    key = keys.pop()
    problem = world.sim.check_barcode(barcode, key)
    assert problem is None, f"the receipt's barcode {barcode!r} is not the EAN-13 of the key sent: {problem}"
    assert barcode in world.driver.receipt(), "the barcode is not printed on the receipt"


@then("each receipt has a barcode of its own")
def barcodes_differ(world: PunchhWorld) -> None:
    assert len(world.barcodes) == 2 and world.barcodes[0] != world.barcodes[1], (
        "two checks were printed with the same barcode: a Punchh key is one check's"
    )
    for barcode in world.barcodes:
        problem = world.sim.check_barcode(barcode)
        assert problem is None, f"{barcode!r}: {problem}"


@then("Receipt Details were sent after the payment, with the receipt's Punchh key")
def receipt_details_sent(world: PunchhWorld) -> None:
    """Versions sent before the payment are allowed: Punchh keeps every version of a check, and integrations send
    one at print time and whenever the check changes (support note 360022257314). The tendered one must follow."""
    payment = world.payment()
    sent = [x for x in world.calls_after(payment, "receipt_details") if x.ok]
    assert sent, "no Receipt Details were stored for the check of a guest without loyalty"
    key = world.barcodes[-1][:12]
    assert any(str(body(x).get("punchh_key", "")).zfill(12) == key for x in sent), (
        "the Receipt Details do not carry the key printed on the receipt"
    )


@then("a guest who claims the receipt's Punchh key in the app later is credited with the order")
def claimed_later(world: PunchhWorld) -> None:
    """Claimed through a proper barcode of the printed key: how the barcode is printed is PUNCHH-CHK-02's."""
    backend = world.backend()
    guest = next(iter(backend.users.values()))
    before = backend.points(guest)
    try:
        checkin = backend.claim_receipt(guest.id, ean13(world.barcodes[-1][:12]))
    except Refusal as refused:
        raise AssertionError(f"Punchh would not credit the receipt's barcode later: {refused.text}") from None
    assert checkin.points > 0 and backend.points(guest) == before + checkin.points


@then("every attempt to check it in carried the same check, with the Punchh key its receipt prints")
def same_check_resent(world: PunchhWorld) -> None:
    """The same identity is the whole check's, not only its external_uid: a resend rebuilt with a new Punchh key or
    transaction number is another check to Punchh, and the receipt's barcode no longer names the one credited."""
    attempts = [
        x for x in world.integration_calls("create_checkin") if body(x).get("external_uid") == world.order.order_id
    ]
    checks = {(str(body(x).get("punchh_key")), str(body(x).get("transaction_no"))) for x in attempts}
    assert len(checks) == 1, f"the check-in was resent as {len(checks)} checks (Punchh key, transaction_no): {checks}"
    key = next(iter(checks))[0]
    barcode = world.driver.receipt_barcode()
    assert not barcode or barcode[:12] == key.zfill(12), f"the receipt prints {barcode!r}, the check-in carries {key}"
