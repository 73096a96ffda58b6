"""The default dataset crosses borders: stores in several countries, customers' phones of several countries,
the same for the same seed, and each simulator's merchants its own even though a merchant is drawn once."""

from __future__ import annotations

import re

from poscert.simulators.pongo.simulator import PongoSimulator

CALLING_CODES = {"32": "BE", "33": "FR", "31": "NL"}


def test_stores_and_phones_of_several_countries():
    shop = PongoSimulator().backend(PongoSimulator().default_merchant)
    assert [store.country for store in shop.stores][:2] == ["BE", "FR"]  # the partner's first two locations
    customers = list(shop.customers.values())
    countries = {CALLING_CODES[c.international_phone_number[:2]] for c in customers}
    assert countries == {"BE", "FR", "NL"}
    assert all(re.fullmatch(r"[1-9][0-9]{7,14}", c.international_phone_number) for c in customers)
    assert all(c.international_phone_number.startswith("32") for c in customers[:3])  # the fixed customers
    assert len({c.international_phone_number for c in customers}) == len(customers)


def test_same_seed_same_borders_and_merchants_are_never_shared():
    first, second = PongoSimulator(seed=11), PongoSimulator(seed=11)
    a, b = first.backend(first.default_merchant), second.backend(second.default_merchant)
    assert [c.to_json() for c in a.customers.values()] == [c.to_json() for c in b.customers.values()]
    assert [s.to_json() for s in a.stores] == [s.to_json() for s in b.stores]
    assert a.new_id("x_") == b.new_id("x_")  # the generators resume at the same place
    next(iter(a.customers.values())).tags.append("vip")
    a.stores.pop()
    assert "vip" not in next(iter(b.customers.values())).tags and len(b.stores) == 3
    first.reset()
    again = first.backend(first.default_merchant)
    assert len(again.stores) == 3 and "vip" not in next(iter(again.customers.values())).tags
    other_seed = PongoSimulator(seed=12).backend(first.default_merchant)
    assert [c.international_phone_number for c in other_seed.customers.values()] != [
        c.international_phone_number for c in b.customers.values()
    ]
