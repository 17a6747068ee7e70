"""Infant haemoglobin work-up and severe pain scores (care.infant_low_haemoglobin_rechecked,
care.severe_pain_has_a_cause, care.severe_pain_addressed), on hand-made records."""

from __future__ import annotations

import datetime as dt

from tests.report.clinical.helpers import ACETAMINOPHEN, DAY, breaks, med, passes, run
from tests.report.records import RecordBuilder

HB = "718-7"
PAIN = "72514-3"
OA_KNEE = ("239873007", "Osteoarthritis of knee (disorder)")
HB_RULE = "care.infant_low_haemoglobin_rechecked"


def _infant(hb: float, recheck: float | None = None, index: int = 0, months: float = 12) -> dict:
    b = RecordBuilder(index, birth=dt.date(2018, 3, 1))
    t = b.at_age(months / 12)
    b.observation(HB, t, hb, unit="g/dL", enc=b.encounter(t, cls="wellness"))
    if recheck is not None:
        b.observation(HB, t + 30 * DAY, recheck, unit="g/dL", enc=b.encounter(t + 30 * DAY))
    return b.record()


def test_low_infant_haemoglobin_is_rechecked() -> None:
    result = breaks(HB_RULE, [_infant(10.5)])  # the chart review's 9-month-old at 10.5, nothing done
    assert "10.5, no recheck" in result.examples[0][1][0]
    passes(HB_RULE, [_infant(10.5, recheck=11.4), _infant(12.1, index=1), _infant(10.2, index=2, months=40)])


def test_iron_counts_as_acting_on_it() -> None:
    b = RecordBuilder(birth=dt.date(2018, 3, 1))
    t = b.at_age(1)
    b.observation(HB, t, 10.4, unit="g/dL", enc=b.encounter(t, cls="wellness"))
    b.medication("310325", t + 2 * DAY, [], display="ferrous sulfate 325 MG Oral Tablet")
    passes(HB_RULE, [b.record()])


def _pain(score: float, condition: tuple[str, str] | None = None, drug: bool = False, index: int = 0) -> dict:
    b = RecordBuilder(index, birth=dt.date(1950, 1, 1))
    t = b.at_age(70)
    enc = b.encounter(t, cls="wellness")
    if condition:
        b.condition(condition[0], t - 400 * DAY, display=condition[1])
    if drug:
        med(b, ACETAMINOPHEN, t + DAY, t + 15 * DAY)
    b.observation(PAIN, t, score, unit="{score}", enc=enc, category="survey")
    return b.record()


def test_severe_pain_needs_a_painful_condition() -> None:
    result = breaks("care.severe_pain_has_a_cause", [_pain(9)])
    assert "pain 9 with no painful condition" in result.examples[0][1][0]
    passes("care.severe_pain_has_a_cause", [_pain(8, OA_KNEE), _pain(3, index=1), _pain(6, index=2)])


def test_severe_pain_with_a_cause_is_treated() -> None:
    result = breaks("care.severe_pain_addressed", [_pain(8, OA_KNEE)])
    assert "Osteoarthritis of knee" in result.examples[0][1][0]
    passes("care.severe_pain_addressed", [_pain(8, OA_KNEE, drug=True), _pain(9, index=1), _pain(5, OA_KNEE, index=2)])


BP_RULE = "care.child_high_bp_rechecked"


def _child_bp(age: float, sbp: float, dbp: float, recheck_days: float | None = None, index: int = 0) -> dict:
    b = RecordBuilder(index, gender="F", birth=dt.date(2010, 3, 1))
    t = b.at_age(age)
    b.blood_pressure(t, sbp, dbp)["encounter"] = b.encounter(t, cls="wellness")["id"]
    if recheck_days is not None:
        u = t + int(recheck_days * DAY)
        b.blood_pressure(u, sbp - 8, dbp - 6)["encounter"] = b.encounter(u)["id"]
    return b.record()


def test_child_bp_at_the_95th_percentile_is_rechecked() -> None:
    result = breaks(BP_RULE, [_child_bp(6.5, 107, 78)])  # the chart review's 6-year-old (girl: DBP 95th 74)
    assert "107/78, not rechecked" in result.examples[0][1][0]
    passes(BP_RULE, [_child_bp(6.5, 107, 78, recheck_days=10), _child_bp(6.5, 100, 60, index=1)])
    adult, teen = _child_bp(30, 135, 85, index=2), _child_bp(13.5, 125, 75, index=3)  # an adult; 13 under 130/80
    assert passes(BP_RULE, [adult, teen, _child_bp(8, 117, 60, recheck_days=7, index=5)]).events == 1
    breaks(BP_RULE, [_child_bp(13.5, 131, 70, index=4)])  # 130/80 from 13
    breaks(BP_RULE, [_child_bp(6.5, 107, 78, recheck_days=45)])  # too late


def test_the_wellness_module_flags_the_table_s_readings() -> None:
    """modules/wellness/vitals.json holds the same thresholds as terminology/vitals/child_bp_95th.csv."""
    import csv
    import json

    from ehrsim.paths import modules_dir, terminology_dir

    with open(terminology_dir() / "vitals" / "child_bp_95th.csv", newline="") as fh:
        table = {(int(r["age"]), r["sex"]): (int(r["sbp_95"]), int(r["dbp_95"])) for r in csv.DictReader(fh)}
    check = json.loads((modules_dir() / "wellness" / "vitals.json").read_text())["states"]["Child_BP_Check"]
    found = {}
    for option in check["conditional_transition"][:-1]:
        parts = option["condition"]["conditions"]
        age, sex = parts[0]["quantity"], parts[2]["gender"]
        sbp, dbp = (c["value"] for c in parts[3]["conditions"])
        found[age, sex] = (sbp, dbp)
        assert option["transition"] == "Child_BP_High"
    assert found == table


def test_known_anaemia_counts_as_acting_on_a_low_haemoglobin() -> None:
    """A repeat still under 11 confirms anaemia: diagnosed then, the result is acted on; a later low one too."""
    b = RecordBuilder(birth=dt.date(2018, 3, 1))
    t = b.at_age(1)
    b.observation(HB, t, 10.4, unit="g/dL", enc=b.encounter(t, cls="wellness"))
    u = t + 30 * DAY
    b.observation(HB, u, 10.5, unit="g/dL", enc=b.encounter(u))
    b.condition("271737000", u, display="Anemia (disorder)")
    b.observation(HB, u + 80 * DAY, 10.6, unit="g/dL", enc=b.encounter(u + 80 * DAY))
    passes(HB_RULE, [b.record()])
    b.lists["conditions"].clear()
    breaks(HB_RULE, [b.record()])  # the last two low results, nothing after them


SHARE_RULE = "pop.child_bp_at_95th_share"


def _children(high: int, normal: int) -> list[dict]:
    """6-year-old girls with one wellness reading each: ``high`` at 112/76 (the table's 95th at 6 is 111/74),
    ``normal`` at 98/58."""
    out = []
    for i in range(high + normal):
        sbp, dbp = (112, 76) if i < high else (98, 58)
        out.append(_child_bp(6.5, sbp, dbp, index=i))
    return out


def test_the_share_of_child_readings_at_the_95th_percentile_is_judged_on_a_band() -> None:
    result = breaks(SHARE_RULE, _children(30, 200))  # 13 %, as on the session-9 start code
    assert result.measure == 30 / 230
    assert passes(SHARE_RULE, _children(12, 218)).measure == 12 / 230  # 5.2 %
    breaks(SHARE_RULE, _children(0, 230))  # none at all: a model without a tail
    few = run(SHARE_RULE, _children(30, 100))  # under 200 readings: too few to judge a share of a few per cent
    assert few.measure is None and few.status != "FAIL"


BMI_RULE = "phys.bmi_over_40_at_10_13"


def _bmis(over_40: int, normal: int, age: float = 12.5) -> list[dict]:
    """Children with one wellness BMI each at ``age``: ``over_40`` at 43.5, the rest at 19.0."""
    out = []
    for i in range(over_40 + normal):
        b = RecordBuilder(i, birth=dt.date(2005, 3, 1))
        t = b.at_age(age)
        b.observation("39156-5", t, 43.5 if i < over_40 else 19.0, unit="kg/m2", enc=b.encounter(t, cls="wellness"))
        out.append(b.record())
    return out


def test_a_bmi_over_40_at_10_to_13_is_very_rare() -> None:
    result = breaks(BMI_RULE, _bmis(2, 198))  # 1 %, as on the s16kids start code (11 of 1,040 results)
    assert result.measure == 2 / 200
    passes(BMI_RULE, _bmis(0, 200))
    assert run(BMI_RULE, _bmis(2, 198, age=16.0)).denominator == 0  # older teenagers are not judged here
    few = run(BMI_RULE, _bmis(2, 50))  # too few results to judge a share of a few per thousand
    assert few.measure is None and few.status != "FAIL"
