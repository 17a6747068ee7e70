"""Every solid cancer death follows recorded distant disease (s15adult finding #3, extended from breast cancer)."""

from __future__ import annotations

import datetime as dt

from tests.report.clinical.helpers import breaks, passes, run
from tests.report.records import RecordBuilder

RULE = "death.cancer_death_after_progression"
CERVIX = ("363354003", "Malignant neoplasm of cervix uteri (disorder)")
MELANOMA = ("93655004", "Malignant melanoma of skin (disorder)")
NSCLC_1 = ("424132000", "Non-small cell carcinoma of lung, TNM stage 1 (disorder)")
LUNG_METASTASIS = ("94391008", "Secondary malignant neoplasm of lung (disorder)")
BONE_METASTASIS = ("94222008", "Secondary malignant neoplasm of bone (disorder)")


def _death(index: int, cancer: tuple[str, str], spread: tuple[str, str] | None, *, after_death: bool = False) -> dict:
    b = RecordBuilder(index, birth=dt.date(1947, 1, 1), death=dt.date(2012, 9, 6), death_code=cancer[0])
    b.condition(cancer[0], b.at_age(62), display=cancer[1])
    if spread is not None:
        b.condition(spread[0], b.at_age(66 if after_death else 64.5), display=spread[1])
    return b.record()


def test_cervix_melanoma_or_early_lung_cancer_death_without_spread_breaks_it() -> None:
    for cancer in (CERVIX, MELANOMA, NSCLC_1):
        result = breaks(RULE, [_death(0, cancer, None)])
        assert "with no progression recorded" in result.examples[0][1][0]
    breaks(RULE, [_death(0, CERVIX, LUNG_METASTASIS, after_death=True)])  # spread only after the death


def test_a_metastasis_recorded_before_the_death_keeps_it() -> None:
    passes(RULE, [_death(0, CERVIX, LUNG_METASTASIS), _death(1, MELANOMA, LUNG_METASTASIS)])
    passes(RULE, [_death(2, NSCLC_1, BONE_METASTASIS)])
    assert run(RULE, [_death(0, ("53741008", "Coronary arteriosclerosis (disorder)"), None)]).denominator == 0
