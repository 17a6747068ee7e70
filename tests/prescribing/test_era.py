"""The era's standard of care when the ordered drug did not exist yet (alternatives.csv era: groups)."""

from __future__ import annotations

import datetime as dt

from tests.prescribing.helpers import at, code_of, order, patient

AMOXICILLIN_TAB = "308192"
PENICILLIN_V = "834102"
TETRACYCLINE = "198250"
PENICILLIN_G_INJ = "105078"
NITROFURANTOIN = "1648755"
AMPICILLIN_CAP = "308212"
SMX_TMP_DS = "198335"
METFORMIN_ER = "860975"
METFORMIN_IR = "861007"
GLIPIZIDE = "310490"
GLARGINE = "311041"
NPH = "311028"


def test_strep_throat_before_amoxicillin_gets_penicillin_v_then_tetracycline_or_penicillin_g() -> None:
    sim = patient(dt.date(1930, 1, 1))
    at(sim, dt.date(1965, 3, 1))
    assert code_of(order(sim, AMOXICILLIN_TAB, days=10)) == PENICILLIN_V
    at(sim, dt.date(1955, 3, 1))  # penicillin V from 1957 (approved 1956)
    assert code_of(order(sim, AMOXICILLIN_TAB, days=10)) == TETRACYCLINE
    child = patient(dt.date(1950, 1, 1))
    at(child, dt.date(1955, 3, 1))  # a 5-year-old: no tetracycline under 8
    assert code_of(order(child, AMOXICILLIN_TAB, days=10)) == PENICILLIN_G_INJ


def test_cystitis_before_trimethoprim_sulfamethoxazole_gets_ampicillin() -> None:
    sim = patient(dt.date(1930, 1, 1))
    at(sim, dt.date(1968, 3, 1))
    entry = order(sim, NITROFURANTOIN, days=5)
    assert code_of(entry) == AMPICILLIN_CAP and entry["prescribing"]["rule"] == "us_approval"
    at(sim, dt.date(1980, 3, 1))
    assert code_of(order(sim, NITROFURANTOIN, days=5)) == SMX_TMP_DS


def test_metformin_er_before_2000_is_immediate_release_metformin_from_1995() -> None:
    sim = patient(dt.date(1930, 1, 1))
    at(sim, dt.date(1996, 3, 1))
    assert code_of(order(sim, METFORMIN_ER, chronic=True)) == METFORMIN_IR
    other = patient(dt.date(1930, 1, 1))
    at(other, dt.date(1993, 3, 1))
    assert code_of(order(other, METFORMIN_ER, chronic=True)) == GLIPIZIDE


def test_glargine_before_2000_is_nph_dosed_in_units_by_weight() -> None:
    sim = patient(dt.date(1930, 1, 1))
    at(sim, dt.date(1990, 3, 1))
    entry = order(sim, GLARGINE, chronic=True)
    assert code_of(entry) == NPH
    assert entry["dosage"]["dose_unit"] == "[iU]" and entry["dosage"]["units_per_kg"] == 0.2


def test_more_era_substitutes_children_liquid_thiazide_tricyclic() -> None:
    child = patient(dt.date(1960, 1, 1))
    at(child, dt.date(1964, 3, 1))
    assert code_of(order(child, "308189", days=10)) == "834040"  # amoxicillin suspension -> penicillin V solution
    sim = patient(dt.date(1920, 1, 1))
    at(sim, dt.date(1970, 3, 1))
    assert code_of(order(sim, SMX_TMP_DS, days=3)) == AMPICILLIN_CAP
    thiazide = order(sim, "314076", chronic=True)  # lisinopril -> hydrochlorothiazide (12.5 mg start strength)
    assert thiazide["codes"][0]["display"].lower().startswith("hydrochlorothiazide")
    # sertraline -> amitriptyline, at its labelled 50 mg bedtime start (dosing.csv)
    assert code_of(order(sim, "312938", chronic=True)) == "856845"


def test_chemotherapy_before_taxanes_and_carboplatin_is_a_cisplatin_etoposide_doublet() -> None:
    sim = patient(dt.date(1920, 1, 1))
    at(sim, dt.date(1985, 3, 1))
    assert code_of(order(sim, "583214", administered=True)) == "1734340"  # paclitaxel -> etoposide
    assert code_of(order(sim, "597195", administered=True)) == "1736854"  # carboplatin -> cisplatin


def test_a_child_with_cystitis_before_1973_gets_ampicillin_suspension_by_weight() -> None:
    child = patient(dt.date(1965, 1, 1))
    at(child, dt.date(1969, 3, 1))
    entry = order(child, NITROFURANTOIN, days=5)
    assert code_of(entry) == "308210"
    assert entry["dosage"]["mg_per_kg"] == 25.0 and entry["dosage"]["dose_unit"] == "mg"


def test_metformin_in_heart_failure_is_substituted_only_before_the_2006_label_change() -> None:
    from tests.prescribing.helpers import onset

    sim = patient(dt.date(1930, 1, 1))
    at(sim, dt.date(1998, 3, 1))
    onset(sim, "conditions", "88805009")  # chronic congestive heart failure
    before = order(sim, METFORMIN_IR, chronic=True)  # glargine (2000) not yet: glipizide (2.5 mg start from 65)
    assert "glipizide" in before["codes"][0]["display"].lower()
    assert before["prescribing"]["rule"] == "metformin_heart_failure_era"
    at(sim, dt.date(2010, 3, 1))
    assert code_of(order(sim, METFORMIN_IR, chronic=True)) == METFORMIN_IR


def test_before_acetaminophen_1955_the_antipyretic_is_aspirin_for_children_too_until_reye_1982() -> None:
    adult = patient(dt.date(1900, 1, 1))
    at(adult, dt.date(1940, 3, 1))
    entry = order(adult, "313782", days=3)  # acetaminophen 325 mg
    assert code_of(entry) == "212033" and entry["prescribing"]["rule"] == "us_approval"  # aspirin 325 mg
    twin = order(adult, "198405", days=3)  # ibuprofen at the same visit: the same aspirin, already ordered
    assert twin["id"] is None and twin["prescribing"]["rule"] == "duplicate_therapy"
    at(adult, dt.date(1940, 4, 1))
    assert code_of(order(adult, "198405", days=3)) == "212033"  # ibuprofen 100 mg: no acetaminophen yet either
    child = patient(dt.date(1932, 1, 1))
    at(child, dt.date(1940, 3, 1))  # 8 years old: children's aspirin, no Reye advisory yet
    assert code_of(order(child, "313820", days=3)) == "243670"
    at(child, dt.date(1957, 3, 1))  # 25 years old once acetaminophen exists: the adult 325 mg tablet (outgrown.csv)
    assert code_of(order(child, "313820", days=3)) == "313782"
    later = patient(dt.date(1980, 1, 1))
    at(later, dt.date(1990, 3, 1))  # after the 1982 advisory aspirin is substituted in a child
    assert code_of(order(later, "243670", days=3)) != "243670"


def test_chlorpheniramine_only_from_1949_diphenhydramine_before() -> None:
    sim = patient(dt.date(1900, 1, 1))
    at(sim, dt.date(1947, 3, 1))
    assert code_of(order(sim, "1363309", days=5)) == "1049630"
    at(sim, dt.date(1950, 3, 1))
    assert code_of(order(sim, "1363309", days=5)) == "1363309"


def test_a_toddler_gets_no_aspirin_tablet_even_before_the_reye_advisory() -> None:
    toddler = patient(dt.date(1964, 1, 1))
    at(toddler, dt.date(1966, 3, 1))
    assert code_of(order(toddler, "243670", days=3)) != "243670"


def test_penicillin_v_before_1956_is_penicillin_g_and_a_childs_ciprofloxacin_before_1987_is_ampicillin() -> None:
    """Synthea's strep throat and cystitis orders in their era: treated with the era's drug, not withheld."""
    sim = patient(dt.date(1940, 1, 1))
    at(sim, dt.date(1955, 6, 1))
    assert code_of(order(sim, "834102", days=10)) == "105078"
    child = patient(dt.date(1972, 1, 1))
    at(child, dt.date(1980, 6, 1))  # 8 years old
    assert code_of(order(child, "309309", days=3)) == "308210"
    teen = patient(dt.date(1965, 1, 1))
    at(teen, dt.date(1980, 6, 1))  # 15
    assert code_of(order(teen, "309309", days=3)) == "308212"


FEXOFENADINE_30_TAB = "997488"
FEXOFENADINE_SUSP = "997491"
CETIRIZINE_5_TAB = "1014676"
DIPHENHYDRAMINE_SOLUTION = "1049906"


def test_a_young_childs_fexofenadine_tablet_before_the_suspension_is_a_diphenhydramine_solution() -> None:
    """Synthea's otc_antihistamine orders fexofenadine 30 mg tablets at 2-5 years in the 2000s: the era's liquid
    (diphenhydramine solution by weight) before the suspension (2011); from 2011 the suspension."""
    child = patient(dt.date(2000, 1, 1))
    at(child, dt.date(2003, 6, 1))  # 3.4 years, 2003
    entry = order(child, FEXOFENADINE_30_TAB, days=10)
    assert code_of(entry) == DIPHENHYDRAMINE_SOLUTION
    assert entry["dosage"]["dose_unit"] == "mg" and 10 <= entry["dosage"]["amount"] <= 25  # 1.25 mg/kg a dose
    later = patient(dt.date(2012, 1, 1))
    at(later, dt.date(2015, 6, 1))
    assert code_of(order(later, FEXOFENADINE_30_TAB, days=10)) == FEXOFENADINE_SUSP
    older = patient(dt.date(1995, 1, 1))
    at(older, dt.date(2003, 6, 1))  # 8 years: the tablet is kept
    assert code_of(order(older, FEXOFENADINE_30_TAB, days=10)) == FEXOFENADINE_30_TAB


def test_an_antihistamine_tablet_under_2_is_the_suspension_from_6_months_or_withheld() -> None:
    infant = patient(dt.date(2002, 1, 1))
    at(infant, dt.date(2003, 1, 1))  # 1 year old in 2003: no suspension yet, no tablet: withheld with the reason
    entry = order(infant, FEXOFENADINE_30_TAB, days=10)
    assert entry["id"] is None and entry["prescribing"]["action"] == "withheld"
    assert entry["prescribing"]["rule"] == "antihistamine_tablet_infant"
    baby = patient(dt.date(2015, 1, 1))
    at(baby, dt.date(2015, 4, 1))  # 3 months: withheld even now
    assert order(baby, CETIRIZINE_5_TAB, days=10)["prescribing"]["action"] == "withheld"
    at(baby, dt.date(2016, 1, 1))  # 1 year: the fexofenadine suspension
    assert code_of(order(baby, CETIRIZINE_5_TAB, days=10)) == FEXOFENADINE_SUSP
    toddler = patient(dt.date(2012, 1, 1))
    at(toddler, dt.date(2015, 6, 1))  # 3.4 years: the cetirizine tablet is not judged by this rule
    assert code_of(order(toddler, CETIRIZINE_5_TAB, days=10)) == CETIRIZINE_5_TAB


def test_fosfomycin_before_trimethoprim_sulfamethoxazole_is_the_cystitis_antibiotic_of_the_day() -> None:
    """s17syn: Synthea's fosfomycin (1996) for a cystitis in 1961 was withheld with nothing in its place."""
    cystitis = [{"system": "SNOMED-CT", "code": "307426000", "display": "Acute infective cystitis (disorder)"}]
    for year, given in ((1961, "198250"), (1966, "308212"), (1980, "198335")):  # tetracycline, ampicillin, TMP-SMX
        sim = patient(dt.date(1940, 1, 1))
        at(sim, dt.date(year, 6, 22))
        assert code_of(order(sim, "808917", days=3, reason=cystitis)) == given
