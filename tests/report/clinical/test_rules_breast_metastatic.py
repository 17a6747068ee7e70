"""First-line treatment of HR+/HER2- metastatic breast cancer (care.hr_positive_metastatic_breast_endocrine)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.report.clinical.helpers import DAY, breaks, med, passes, run
from tests.report.records import RecordBuilder, code

RULE = "care.hr_positive_metastatic_breast_endocrine"
LETROZOLE = ("200064", "letrozole 2.5 MG Oral Tablet")
PACLITAXEL = ("583214", "paclitaxel 100 MG Injection")
POSITIVE, NEGATIVE = code("10828004", display="Positive (qualifier value)"), code("260385009", display="Negative")


def _stage(stage: str = "258228008", er: dict[str, str] = POSITIVE, her2: dict[str, str] = NEGATIVE, **kw: Any) -> Any:
    """Breast cancer diagnosed at 45 in 2018 with its stage and receptors; ``kw``: endocrine (days after), chemo."""
    b = RecordBuilder(birth=dt.date(1973, 1, 1))
    t = b.at_age(45.5)
    b.observation("21908-9", t, code(stage, display="Stage"), unit="", category="survey")
    b.observation("85337-4", t + DAY, er, unit="", category="laboratory")
    b.observation("85319-2", t + DAY, her2, unit="", category="laboratory")
    if kw.get("chemo"):
        for cycle in range(6):
            med(b, PACLITAXEL, t + (14 + 21 * cycle) * DAY, stop=t + (14 + 21 * cycle) * DAY, administered=True)
    if kw.get("endocrine") is not None:
        med(b, LETROZOLE, int(t + kw["endocrine"] * DAY))
    return b.record()


def test_chemotherapy_first_and_late_endocrine_therapy_breaks_it() -> None:
    result = breaks(RULE, [_stage(chemo=True, endocrine=150)])
    assert "no breast endocrine therapy within 90 days" in result.examples[0][1][0]
    breaks(RULE, [_stage()])


def test_endocrine_therapy_first_line_keeps_it() -> None:
    passes(RULE, [_stage(endocrine=20)])
    passes(RULE, [_stage(endocrine=20)] * 9 + [_stage(chemo=True)])  # one in ten (visceral crisis) is tolerated


def test_other_stages_and_receptors_are_not_judged() -> None:
    assert run(RULE, [_stage(stage="258219007")]).denominator == 0  # stage 2
    assert run(RULE, [_stage(er=NEGATIVE)]).denominator == 0
    assert run(RULE, [_stage(her2=POSITIVE)]).denominator == 0
