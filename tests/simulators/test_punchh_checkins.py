"""Check-ins (points per program, external_uid idempotency, the amount rules), receipt details
(store, update, void), and the Punchh key: its digits, the EAN-13 of the printed barcode, and one
key per check across redemption, check-in and receipt details."""

from __future__ import annotations

import httpx
import pytest

from poscert.simulators.core.transports import mock_transport
from poscert.simulators.punchh.receipts import barcode, check_digit
from tests.simulators.punchh.support import *  # noqa: F403  (the fixtures)
from tests.simulators.punchh.support import BASE, guest, key_for, menu, order, receipt, regular

CHECKIN = "/api/pos/checkins"
RECEIPT = "/receipt_details"


def test_a_check_in_earns_points_and_a_replay_earns_nothing_twice(pos, biz):
    user = regular(biz)
    body = receipt(email=user.email, external_uid="CHK-1")
    first = pos.post(CHECKIN, json=body)
    assert first.status_code == 200, first.text
    assert first.json()["points_earned"] == 10 and first.json()["balance"]["points_balance"] == 510
    replay = pos.post(CHECKIN, json=body)
    assert replay.json() == first.json() and biz.points(user) == 510
    [checkin] = biz.checkins.values()
    assert (checkin.punchh_key, checkin.transaction_no, checkin.receipt_amount) == (key_for(2), "4488", 10)
    again = pos.post(CHECKIN, json={**body, "external_uid": "CHK-2"})  # the same check, another uid
    assert again.status_code == 422 and "already been checked in" in again.json()["error"]


@pytest.mark.parametrize(
    "identifier", ["phone", "card_number", "user_as_qrcode", "redemption_code", "single_scan_code"]
)
def test_any_documented_identifier_names_the_guest(pos, biz, identifier):
    user = regular(biz)
    value = {
        "phone": user.phone,
        "card_number": user.card_number,
        "user_as_qrcode": user.qr_codes[1],
        "redemption_code": next(c.code for c in biz.codes.values() if c.user_id == user.id),
        "single_scan_code": next(c.code for c in biz.scan_codes.values() if c.expires_at > biz.now()),
    }[identifier]
    answer = pos.post(CHECKIN, json=receipt(**{identifier: value}))
    assert answer.status_code == 200, answer.text
    assert answer.json()["id"] == user.id


def test_check_in_refusals(pos, biz):
    assert pos.post(CHECKIN, json=receipt()).json() == {
        "error": "Required parameter missing or the value is empty: email"
    }
    assert pos.post(CHECKIN, json=receipt(email="no@example.com")).status_code == 404
    banned = pos.post(CHECKIN, json=receipt(email=guest(biz, "banned").email))
    assert banned.status_code == 422 and "banned" in banned.json()["error"]
    small = receipt([menu("Cookie", 2), menu("Cash", 2, "P", item_id="CASH")], email=regular(biz).email)
    small.update(receipt_amount=2, subtotal_amount=2, payable=2)
    assert pos.post(CHECKIN, json=small).json() == {"error": "Minimum check-in amount is $3.00"}
    missing = {k: v for k, v in receipt(email=regular(biz).email).items() if k != "pos_type"}
    assert pos.post(CHECKIN, json=missing).json() == {
        "error": "Required parameter missing or the value is empty: pos_type"
    }
    bad_item = receipt(email=regular(biz).email)
    del bad_item["menu_items"][0]["item_name"]
    assert pos.post(CHECKIN, json=bad_item).json()["error"].endswith("item_name_0")
    bad_type = receipt(email=regular(biz).email)
    bad_type["menu_items"][1]["menu_item_type"] = "X"
    assert pos.post(CHECKIN, json=bad_type).json() == {"error": "Invalid value for parameter: menu_item_type_1"}


@pytest.mark.parametrize(
    "change, rule",
    [
        ({"subtotal_amount": 11}, "receipt_amount (10.00) must equal subtotal_amount (11.00)"),
        ({"subtotal_amount": 9, "receipt_amount": 9}, "ΣM − ΣD = 12.00 − 2.00 = 10.00"),
        ({"payable": 12}, "payable (12.00) must equal the payments (ΣP = 11.00)"),
    ],
)
def test_amount_rules_are_enforced_and_named(pos, biz, change, rule):
    answer = pos.post(CHECKIN, json=receipt(email=regular(biz).email, **change))
    assert answer.status_code == 422
    assert answer.json()["error"].startswith("Receipt amounts do not balance: ") and rule in answer.json()["error"]
    assert biz.checkins == {}


def test_payments_must_cover_subtotal_services_and_taxes(pos, biz):
    items = [menu("Latte", 10), menu("Service", 3, "S", item_id="SVC"), menu("Tax", 1, "T", item_id="TAX")]
    unpaid = receipt(items + [menu("Visa", 13, "P", item_id="VISA")], email=regular(biz).email, payable=None)
    unpaid.pop("payable")
    answer = pos.post(CHECKIN, json=unpaid)
    assert (
        "subtotal + services + taxes (10.00 + 3.00 + 1.00 = 14.00) must equal the payments (ΣP = 13.00)"
        in answer.json()["error"]
    )
    paid = receipt(items + [menu("Visa", 14, "P", item_id="VISA")], email=regular(biz).email, payable=14)
    assert pos.post(CHECKIN, json=paid).status_code == 200
    # No P lines: nothing says how it was paid, so only ΣM − ΣD is checked; a negative M is a discount.
    loose = receipt([menu("Latte", 12), menu("Comp", -2)], key=key_for(7), transaction_no="9", email=regular(biz).email)
    assert pos.post(CHECKIN, json=loose).status_code == 200


def test_numbers_may_arrive_as_strings(pos, biz):
    body = receipt(
        [menu("Latte", "6.50"), menu("Bagel", "3.50", item_id=12, serial=2), menu("Cash", "10", "P", item_id="CASH")],
        email=regular(biz).email,
        transaction_no=4488,
    )
    body.update(receipt_amount="10", subtotal_amount="10.00", payable="10")
    answer = pos.post(CHECKIN, json=body)
    assert answer.status_code == 200, answer.text


@pytest.mark.parametrize(
    "key, message",
    [
        ("PUNCHH_KEY_GOES_HERE", "punchh_key must be digits only"),
        ("12345", "punchh_key must be 11, 12 or 20 digits (got 5)"),
        ("3749510020601", "the 13th digit is the barcode's check digit"),
    ],
)
def test_a_malformed_key_is_refused(pos, biz, key, message):
    answer = pos.post(CHECKIN, json=receipt(key=key, email=regular(biz).email))
    assert answer.status_code == 422 and message in answer.json()["error"]
    answer = pos.post(RECEIPT, json=receipt(key=key, amount=10))
    assert answer.status_code == 422 and message in answer.json()["error"]


def test_eleven_and_twenty_digit_keys_are_accepted(pos, biz):
    assert pos.post(RECEIPT, json=receipt(key="37495100206", amount=10)).status_code == 200
    assert pos.post(RECEIPT, json=receipt(key="3" * 20, transaction_no="2", amount=10)).status_code == 200


def test_one_key_per_check_across_redemption_check_in_and_receipt(pos, biz):
    user = regular(biz)
    flat = next(r for r in biz.rewards_of(user) if r.name == "$2 Off Your Order")
    pos.post(
        "/api/pos/discounts/select",
        json={
            "user_id": user.id,
            "discount_basket_items_attributes": [{"discount_type": "reward", "discount_id": str(flat.id)}],
        },
    )
    assert (
        pos.post(
            "/api/pos/batch_redemptions", json=order(user, transaction_no="4488", punchh_key=key_for(2))
        ).status_code
        == 200
    )
    other_key = pos.post(CHECKIN, json=receipt(key=key_for(3), email=user.email))
    assert other_key.status_code == 422
    assert other_key.json()["error"].startswith(f"transaction 4488 was sent with punchh_key {key_for(2)}")
    reused = pos.post(RECEIPT, json=receipt(key=key_for(2), transaction_no="4489", amount=10))
    assert reused.json()["error"].startswith(f"punchh_key {key_for(2)} already belongs to transaction 4488")
    assert pos.post(CHECKIN, json=receipt(key=key_for(2), email=user.email)).status_code == 200
    assert pos.post(RECEIPT, json=receipt(key=key_for(2), amount=10)).status_code == 200
    assert biz.punchh_key_of(pos_location(biz), "4488") == key_for(2)


def pos_location(biz):
    return next(iter(biz.locations))


def test_the_same_key_at_another_store_is_another_check(psim, pos, biz):
    assert pos.post(RECEIPT, json=receipt(amount=10)).status_code == 200
    with httpx.Client(transport=mock_transport(psim), base_url=BASE, headers=psim.pos_headers(index=1)) as airport:
        assert airport.post(RECEIPT, json=receipt(transaction_no="1", amount=10)).status_code == 200


def test_receipt_details_versions_update_and_void(psim, pos, biz):
    user = regular(biz)
    first = pos.post(RECEIPT, json=receipt(amount=10))
    assert (first.status_code, first.json()) == (200, {})
    assert pos.post(RECEIPT, json=receipt(amount=11, subtotal_amount=11)).status_code == 422  # still balanced, always
    pos.post(RECEIPT, json=receipt(amount=10, employee_name="Sam"))  # less than 1 s later: overwrites
    stored = biz.receipts[(pos_location(biz), key_for(2))]
    assert len(stored.versions) == 1 and stored.latest.body["employee_name"] == "Sam"
    psim.clock.advance(1)
    pos.post(CHECKIN, json=receipt(email=user.email))
    assert biz.points(user) == 510
    bigger = receipt(
        [menu("Latte", 6), menu("Sandwich", 9, item_id="2210", serial="2.0"), menu("Promo", 2, "D", serial="3.0")],
        amount=13,
    )
    bigger.update(receipt_amount=13, subtotal_amount=13, payable=14)
    assert pos.post(RECEIPT, json=bigger).status_code == 200
    assert len(stored.versions) == 2 and biz.points(user) == 513  # the check-in follows the updated receipt
    psim.clock.advance(1)
    assert pos.post(RECEIPT, json={**bigger, "status": "void"}).status_code == 200
    assert stored.voided and biz.points(user) == 500  # the points go back
    assert len(stored.versions) == 3


def test_voiding_the_receipt_gives_the_redemptions_back(pos, biz):
    user = regular(biz)
    five_off = next(r for r in biz.redeemables.values() if r.name == "$5 Off")
    pos.post(
        "/api/pos/discounts/select",
        json={
            "user_id": user.id,
            "discount_basket_items_attributes": [{"discount_type": "redeemable", "discount_id": str(five_off.id)}],
        },
    )
    pos.post("/api/pos/batch_redemptions", json=order(user, transaction_no="4488", punchh_key=key_for(2)))
    assert biz.points(user) == 400
    pos.post(CHECKIN, json=receipt(email=user.email))
    assert biz.points(user) == 410
    pos.post(RECEIPT, json=receipt(amount=10, status="VOID"))
    assert biz.points(user) == 500 and all(r.status == "voided" for r in biz.redemptions.values())


def test_the_printed_barcode_is_the_key_plus_its_ean13_check_digit(psim):
    assert check_digit("315788232640") == 1  # a barcode from a Punchh support article [C]
    assert barcode("315788232640") == "3157882326401"
    assert barcode("37495100206") == "0374951002063"  # an 11-digit key is zero-padded [I]
    assert psim.check_barcode("3157882326401") is None
    assert psim.check_barcode("3157882326401", "315788232640") is None
    assert "check digit 2 is wrong" in psim.check_barcode("3157882326402")
    assert "not the check's punchh_key" in psim.check_barcode("3157882326401", "374951002060")
    assert "13 digits" in psim.check_barcode("315788232640")


def test_a_receipt_without_a_member_can_be_claimed_later_by_its_barcode(pos, biz):
    newcomer = guest(biz, "newcomer")
    pos.post(RECEIPT, json=receipt(amount=10))
    printed = barcode(key_for(2))
    with pytest.raises(Exception, match="check digit"):
        biz.claim_receipt(newcomer.id, printed[:12] + str((int(printed[12]) + 1) % 10))
    checkin = biz.claim_receipt(newcomer.id, printed)
    assert checkin.points == 10 and biz.points(newcomer) == 10
    with pytest.raises(Exception, match="No receipt to claim"):
        biz.claim_receipt(regular(biz).id, printed)


def test_each_program_earns_its_own_way(psim):
    with httpx.Client(transport=mock_transport(psim), base_url=BASE) as http:
        pizza = psim.backend("punchh-pizza-co")
        user = regular(pizza)  # 540 points: $21 banked, 15 points
        answer = http.post(CHECKIN, json=receipt(email=user.email), headers=psim.pos_headers("punchh-pizza-co"))
        assert answer.json()["points_earned"] == 10
        assert (answer.json()["balance"]["banked_rewards"], answer.json()["balance"]["points_balance"]) == ("22.00", 0)
        bagels = psim.backend("bagel-barn")
        user = regular(bagels)  # 12 visits
        answer = http.post(CHECKIN, json=receipt(email=user.email), headers=psim.pos_headers("bagel-barn"))
        assert answer.json()["points_earned"] == 1 and answer.json()["balance"]["total_visits"] == 13
        small = receipt(
            [menu("Bagel", 4), menu("Cash", 4, "P", item_id="C")], key=key_for(5), transaction_no="5", email=user.email
        )
        small.update(receipt_amount=4, subtotal_amount=4, payable=4)
        answer = http.post(CHECKIN, json=small, headers=psim.pos_headers("bagel-barn"))
        assert answer.json() == {"error": "Minimum check-in amount is $5.00"}
