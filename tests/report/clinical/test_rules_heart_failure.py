"""Heart-failure rules added by s18hf: the SGLT2 inhibitor of HFrEF (not at eGFR < 25, not in type 1 diabetes), the
ejection fraction measured again on therapy and the share that improves (HFimpEF). Hand-made records that break each
rule and records that do not."""

from __future__ import annotations

from tests.report.clinical.helpers import breaks, med, passes, run
from tests.report.records import RecordBuilder

DAY = 86_400
EF = "10230-1"
EGFR = "98979-8"
HF = ("88805009", "Chronic congestive heart failure (disorder)")
T1D = ("46635009", "Diabetes mellitus type 1 (disorder)")
DAPAGLIFLOZIN = ("1488569", "dapagliflozin 10 MG Oral Tablet")
CANAGLIFLOZIN = ("1373463", "canagliflozin 100 MG Oral Tablet")
CARVEDILOL = ("200031", "carvedilol 6.25 MG Oral Tablet")


def _hf(index: int, age: float, efs: list[tuple[float, float]], egfr: float | None = None) -> RecordBuilder:
    """Heart failure from ``age`` (birth 1960-06), ejection fractions at (days after onset, value)."""
    b = RecordBuilder(index=index)
    onset = b.at_age(age)
    b.condition(HF[0], onset, display=HF[1])
    for days, value in efs:
        b.observation(EF, onset + int(days * DAY), value, category="procedure")
    if egfr is not None:
        b.observation(EGFR, onset - 10 * DAY, egfr, category="laboratory")
    return b


def test_hfref_sglt2() -> None:
    untreated = _hf(0, 61, [(0, 30)])  # 2021: HFrEF with no SGLT2 inhibitor
    late = _hf(1, 61, [(0, 28)])
    med(late, DAPAGLIFLOZIN, late.at_age(61) + 300 * DAY)  # started 10 months later
    result = breaks("care.hfref_sglt2", [untreated.record(), late.record()])
    assert result.breaking == 2
    treated = _hf(0, 61, [(0, 30)])
    med(treated, DAPAGLIFLOZIN, treated.at_age(61) + 2 * DAY)
    before = _hf(1, 55, [(0, 30)])  # 2015: before the approval for heart failure, no later low result
    low_egfr = _hf(2, 61, [(0, 30)], egfr=21)  # not initiated below 25
    type1 = _hf(3, 61, [(0, 30)])
    type1.condition(T1D[0], type1.at_age(20), display=T1D[1])
    preserved = _hf(4, 61, [(0, 57)])
    passes("care.hfref_sglt2", [r.record() for r in (treated, before, low_egfr, type1, preserved)])


def test_dapagliflozin_start_low_egfr() -> None:
    b = _hf(0, 61, [(0, 30)], egfr=22)
    med(b, DAPAGLIFLOZIN, b.at_age(61) + 2 * DAY, stop=b.at_age(62))  # started at eGFR 22
    breaks("rx.dapagliflozin_start_low_egfr", [b.record()])
    ok = _hf(0, 61, [(0, 30)], egfr=40)
    med(ok, DAPAGLIFLOZIN, ok.at_age(61) + 2 * DAY, stop=ok.at_age(62))
    ok.observation(EGFR, ok.at_age(61.5), 22, category="laboratory")  # fell below 25 on it: may be continued
    renewed = _hf(1, 61, [(0, 30)], egfr=40)
    med(renewed, DAPAGLIFLOZIN, renewed.at_age(61), stop=renewed.at_age(62))
    renewed.observation(EGFR, renewed.at_age(61.9), 23, category="laboratory")
    med(renewed, DAPAGLIFLOZIN, renewed.at_age(62), stop=renewed.at_age(63))  # the yearly renewal, not a start
    passes("rx.dapagliflozin_start_low_egfr", [ok.record(), renewed.record()])


def test_sglt2_type_1_diabetes() -> None:
    b = RecordBuilder()
    b.condition(T1D[0], b.at_age(12), display=T1D[1])
    med(b, DAPAGLIFLOZIN, b.at_age(61), stop=b.at_age(62))
    breaks("rx.sglt2_type_1_diabetes", [b.record()])
    ok = RecordBuilder()  # type 1 diabetes on insulin, heart failure without the SGLT2 inhibitor
    ok.condition(T1D[0], ok.at_age(12), display=T1D[1])
    med(ok, CARVEDILOL, ok.at_age(61), stop=ok.at_age(62))
    other = RecordBuilder(index=1)  # type 2 diabetes on canagliflozin
    other.condition("44054006", other.at_age(50), display="Diabetes mellitus type 2 (disorder)")
    med(other, CANAGLIFLOZIN, other.at_age(61), stop=other.at_age(62))
    passes("rx.sglt2_type_1_diabetes", [ok.record(), other.record()])


def test_hfref_ef_reassessed() -> None:
    never = _hf(0, 55, [(0, 30)])  # no repeat
    too_late = _hf(1, 55, [(0, 30), (500, 32)])  # only at the yearly echo of the second year
    result = breaks("care.hfref_ef_reassessed", [never.record(), too_late.record()])
    assert result.breaking == 2
    passes(
        "care.hfref_ef_reassessed",
        [
            _hf(0, 55, [(0, 30), (150, 33)]).record(),  # 5 months later
            _hf(1, 55, [(0, 55)]).record(),  # preserved EF: not judged
            _hf(2, 64.4, [(0, 30)]).record(),  # diagnosed 2 months before the reference date: not followed long enough
        ],
    )


def _share(improved: int, persistent: int) -> list[dict]:
    out = []
    for i in range(improved):
        out.append(_hf(i, 55, [(0, 28), (150, 45)]).record())  # 28 -> 45: HFimpEF
    for i in range(improved, improved + persistent):
        out.append(_hf(i, 55, [(0, 30), (150, 34)]).record())
    return out


def test_hfimpef_share() -> None:
    breaks("phys.hfimpef_share", _share(0, 30))  # the ejection fraction never improves
    breaks("phys.hfimpef_share", _share(25, 5))  # nearly everyone recovers
    result = passes("phys.hfimpef_share", [*_share(8, 24), _hf(40, 55, [(0, 36), (150, 44)]).record()])
    assert result.measure is not None and abs(result.measure - 8 / 33) < 1e-9  # 36 -> 44: above 40 but not by 10
    few = run("phys.hfimpef_share", _share(1, 15))  # 16 patients: too few to judge a share
    assert few.status == "n/a" and few.measure is None
