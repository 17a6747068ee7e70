"""A module's vaccine product given after it left the US market becomes its series' current product (any library)."""

from __future__ import annotations

import datetime as dt

from ehrsim.core.immunizations import current_product
from ehrsim.record.times import from_date
from tests.engine.harness import simulate

MENACTRA = {"system": "CVX", "code": "114", "display": "meningococcal MCV4P"}


def test_menactra_after_2022_is_menquadfi_or_menveo() -> None:
    assert current_product(MENACTRA, from_date(dt.date(2023, 7, 3)), 0.2)["code"] == "203"  # type: ignore[index]
    assert current_product(MENACTRA, from_date(dt.date(2023, 7, 3)), 0.8)["code"] == "136"  # type: ignore[index]
    assert current_product(MENACTRA, from_date(dt.date(2015, 7, 3)), 0.2) is None  # still marketed then
    assert current_product({"system": "CVX", "code": "203"}, from_date(dt.date(2023, 7, 3)), 0.2) is None
    assert current_product({"system": "CVX", "code": "08"}, from_date(dt.date(2023, 7, 3)), 0.2) is None


def test_a_module_giving_menactra_in_2023_records_the_current_product_and_the_substitution() -> None:
    given = set()
    for seed in range(8):
        _, record = simulate("menactra_adult", born=dt.date(1967, 3, 1), seed=seed)
        (dose,) = [i for i in record["immunizations"] if i["codes"][0]["code"] in ("114", "136", "203")]
        given.add(dose["codes"][0]["code"])
        (event,) = [e for e in record["prescribing"] if e["rule"] == "vaccine_product_era"]
        assert event["ordered"]["code"] == "114" and event["given"] == dose["codes"][0] and event["entry"] == dose["id"]
    assert given <= {"136", "203"} and given


def test_a_module_giving_menactra_in_2015_keeps_it() -> None:
    _, record = simulate("menactra_adult", born=dt.date(1959, 3, 1), seed=1)
    assert [i["codes"][0]["code"] for i in record["immunizations"] if i["codes"][0]["code"] == "114"] == ["114"]
