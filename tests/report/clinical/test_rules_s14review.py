"""Rules added after the s14review chart review (seed 5151): hand-made records that break each rule and records
that do not."""

from __future__ import annotations

import datetime as dt

from tests.report.clinical.helpers import breaks, med, passes
from tests.report.records import RecordBuilder, code

COMBINED_PILL = ("238019", "ethinyl estradiol 0.03 MG / levonorgestrel 0.15 MG Oral Tablet")
NORETHINDRONE = ("198042", "norethindrone 0.35 MG Oral Tablet")
AURA = ("4473006", "Migraine with aura (disorder)")
NO_AURA = ("56097005", "Migraine without aura (disorder)")


def test_combined_contraceptive_with_migraine_aura() -> None:
    b = RecordBuilder()
    b.condition(AURA[0], b.at_age(23), stop=b.at_age(26), display=AURA[1])
    med(b, COMBINED_PILL, b.at_age(25), stop=b.at_age(26))  # chart 40: the pill started during the aura diagnosis
    breaks("rx.combined_contraceptive_with_migraine_aura", [b.record()])
    g = RecordBuilder()
    g.condition(AURA[0], g.at_age(23), display=AURA[1])
    med(g, NORETHINDRONE, g.at_age(25), stop=g.at_age(26))  # progestin-only: category 1-2
    h = RecordBuilder(index=1)
    h.condition(AURA[0], h.at_age(30), display=AURA[1])
    med(h, COMBINED_PILL, h.at_age(20), stop=h.at_age(24))  # the pill ended before the migraine began
    k = RecordBuilder(index=2)
    k.condition(NO_AURA[0], k.at_age(22), display=NO_AURA[1])
    med(k, COMBINED_PILL, k.at_age(23), stop=k.at_age(25))  # migraine without aura: category 2
    passes("rx.combined_contraceptive_with_migraine_aura", [g.record(), h.record(), k.record()])


DAY = 86_400
NITROFURANTOIN = ("1648755", "nitrofurantoin, macrocrystals 25 MG / nitrofurantoin, monohydrate 75 MG Oral Capsule")
AZTREONAM = ("1664986", "Aztreonam 2000 MG Injection")
DOXYCYCLINE = ("1650142", "doxycycline monohydrate 100 MG Oral Tablet")
CLINDAMYCIN = ("284215", "clindamycin 300 MG Oral Capsule")
AZITHROMYCIN = ("308460", "azithromycin 250 MG Oral Tablet")
CEPHALEXIN = ("309114", "cephalexin 500 MG Oral Capsule")
CEFDINIR = ("200346", "cefdinir 300 MG Oral Capsule")


def _episode(index: int, condition: str, drug: tuple[str, str], age: float = 40) -> dict:
    b = RecordBuilder(index=index)
    onset = b.at_age(age)
    b.condition(condition, onset, stop=onset + 10 * DAY)
    med(b, drug, onset, stop=onset + 7 * DAY, reason=[condition])
    return b.record()


def test_skin_infection_antibiotic_spectrum() -> None:
    result = breaks(
        "rx.skin_infection_antibiotic_spectrum",
        [
            _episode(0, "128045006", NITROFURANTOIN),
            _episode(1, "128045006", AZTREONAM),
            _episode(2, "128045006", DOXYCYCLINE),
        ],
    )
    assert (result.events, result.events_breaking) == (3, 2)
    passes(
        "rx.skin_infection_antibiotic_spectrum",
        [
            _episode(0, "128045006", DOXYCYCLINE),
            _episode(1, "128045006", CLINDAMYCIN),
            _episode(2, "307426000", NITROFURANTOIN),
        ],
    )


def test_cystitis_antibiotic_spectrum() -> None:
    breaks("rx.cystitis_antibiotic_spectrum", [_episode(0, "307426000", AZITHROMYCIN)])
    passes(
        "rx.cystitis_antibiotic_spectrum",
        [_episode(0, "307426000", NITROFURANTOIN), _episode(1, "128045006", CLINDAMYCIN)],  # clindamycin for cellulitis
    )


def test_sinusitis_otitis_antibiotic_spectrum() -> None:
    breaks("rx.sinusitis_otitis_antibiotic_spectrum", [_episode(0, "75498004", CEPHALEXIN)])
    breaks("rx.sinusitis_otitis_antibiotic_spectrum", [_episode(0, "65363002", CEPHALEXIN, age=4)])
    passes(
        "rx.sinusitis_otitis_antibiotic_spectrum",
        [
            _episode(0, "75498004", DOXYCYCLINE),
            _episode(1, "65363002", CEFDINIR, age=14),
            _episode(2, "128045006", CEPHALEXIN),  # cephalexin is a cellulitis antibiotic
        ],
    )


EF = ("10230-1", "Left ventricular Ejection fraction")
CARVEDILOL = ("200031", "carvedilol 6.25 MG Oral Tablet")
METOPROLOL_TARTRATE = ("866514", "metoprolol tartrate 50 MG Oral Tablet")
ENTRESTO = ("1656354", "sacubitril 97 MG / valsartan 103 MG Oral Tablet")
FUROSEMIDE = ("313988", "furosemide 40 MG Oral Tablet")


def _heart_failure(index: int, ef: float, drugs: list[tuple[str, str]], year_of_onset: float = 54) -> dict:
    b = RecordBuilder(index=index)
    onset = b.at_age(year_of_onset)
    b.condition("88805009", onset, display="Chronic congestive heart failure (disorder)")
    b.observation(EF[0], onset, ef, category="procedure")
    for drug in drugs:
        med(b, drug, onset + 2 * DAY, stop=onset + 400 * DAY)
    return b.record()


def test_hfref_treated() -> None:
    broken = [_heart_failure(0, 34, [FUROSEMIDE]), _heart_failure(1, 31, [METOPROLOL_TARTRATE, ENTRESTO])]
    result = breaks("care.hfref_treated", broken)
    assert result.breaking == 2
    passes(
        "care.hfref_treated",
        [
            _heart_failure(0, 34, [FUROSEMIDE, CARVEDILOL, ENTRESTO]),
            _heart_failure(1, 57, [FUROSEMIDE]),  # preserved EF: diuretic and MRA territory
            _heart_failure(2, 30, [FUROSEMIDE], year_of_onset=30),  # diagnosed in 1990, before the 2001 guideline
        ],
    )


def _delivery(index: int, before_kg: float, after_kg: float | None, after_days: int = 42) -> dict:
    b = RecordBuilder(index=index)
    t = b.at_age(31)
    b.observation("29463-7", t - 9 * DAY, before_kg, unit="kg", category="vital-signs")
    b.procedure("177184002", t)  # normal delivery
    if after_kg is not None:
        b.observation("29463-7", t + after_days * DAY, after_kg, unit="kg", category="vital-signs")
    return b.record()


def test_postpartum_weight_loss() -> None:
    result = breaks("phys.postpartum_weight_loss", [_delivery(0, 75.8, 74.4), _delivery(1, 80.5, 80.6)])  # charts 40, 3
    assert (result.events, result.events_breaking) == (2, 2)
    passes(
        "phys.postpartum_weight_loss",
        [
            _delivery(0, 75.8, 67.9),
            _delivery(1, 80.5, None),  # no postnatal weight: not judged
            _delivery(2, 80.5, 80.4, after_days=200),  # a weight a year later is not the puerperium
        ],
    )


def test_virtual_visit_in_person() -> None:
    b = RecordBuilder(birth=dt.date(1925, 10, 4))
    video = b.encounter(b.at_age(95.3), cls="virtual")
    b.procedure("401191002", video["start"], enc=video)  # chart 177: a foot examination by video
    lab = b.encounter(b.at_age(95.5), cls="virtual")
    b.observation("4548-4", lab["start"], 7.1, enc=lab)  # an HbA1c drawn at a video visit
    result = breaks("rec.virtual_visit_in_person", [b.record()])
    assert (result.events, result.events_breaking) == (2, 2)
    g = RecordBuilder(birth=dt.date(1925, 10, 4))
    video = g.encounter(g.at_age(95.3), cls="virtual")
    g.procedure("228557008", video["start"], enc=video)  # cognitive behavioural therapy by video
    g.observation("44261-6", video["start"], 6, enc=video, category="survey")  # a PHQ-9 asked by video
    office = g.encounter(g.at_age(95.5))
    g.procedure("401191002", office["start"], enc=office)  # the foot examination in the office
    passes("rec.virtual_visit_in_person", [g.record()])


CANAGLIFLOZIN = ("1373463", "canagliflozin 100 MG Oral Tablet")
METFORMIN = ("860975", "24 HR metformin hydrochloride 500 MG Extended Release Oral Tablet")


def _diabetic_ckd(index: int, drugs: list[tuple[str, str]], ckd_year: float = 2021) -> dict:
    b = RecordBuilder(index=index, birth=dt.date(1960, 1, 1))
    b.condition("44054006", b.at_age(50), display="Diabetes mellitus type 2 (disorder)")
    ckd = b.at_age(ckd_year - 1960)
    b.condition("433144002", ckd, display="Chronic kidney disease stage 3 (disorder)")
    for drug in drugs:
        med(b, drug, ckd + 90 * DAY, stop=ckd + 455 * DAY)
    return b.record()


def test_sglt2_diabetic_ckd() -> None:
    breaks("care.sglt2_diabetic_ckd", [_diabetic_ckd(0, [METFORMIN])])  # chart 6: metformin, no SGLT2 inhibitor
    old = RecordBuilder(index=2, birth=dt.date(1940, 1, 1))
    old.condition("44054006", old.at_age(50), stop=old.at_age(60), display="Diabetes mellitus type 2 (disorder)")
    old.condition("433144002", old.at_age(65), display="Chronic kidney disease stage 3 (disorder)")  # diabetes over
    recent = _diabetic_ckd(3, [METFORMIN], ckd_year=2024.5)  # REFERENCE is 2025-01-01: not followed for a year yet
    result = passes("care.sglt2_diabetic_ckd", [_diabetic_ckd(0, [METFORMIN, CANAGLIFLOZIN]), old.record(), recent])
    assert result.denominator == 1


RAPID_STREP = "78012-2"


def test_no_strep_test_under_3() -> None:
    b = RecordBuilder(birth=dt.date(2024, 11, 20))
    t = b.at_age(0.21)
    b.condition("195662009", t, stop=t + 8 * DAY, display="Acute viral pharyngitis (disorder)")
    b.observation(RAPID_STREP, t, code("260385009", display="Negative (qualifier value)"))  # chart 39 at 11 weeks
    breaks("care.no_strep_test_under_3", [b.record()])
    g = RecordBuilder(birth=dt.date(2020, 1, 1))
    t = g.at_age(2.5)
    g.observation(RAPID_STREP, t, code("10828004", display="Positive (qualifier value)"))
    g.condition("43878008", t, stop=t + 10 * DAY, display="Streptococcal sore throat (disorder)")  # it found strep
    g.observation(RAPID_STREP, g.at_age(4), code("260385009", display="Negative (qualifier value)"))  # from 3
    passes("care.no_strep_test_under_3", [g.record()])
