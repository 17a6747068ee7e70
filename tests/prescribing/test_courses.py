"""Courses as the label gives them (terminology/prescribing/steps.csv, regimens.csv, continuation.csv,
paediatric_range.csv): varenicline titration, nicotine patch step-down, a substitute's own schedule,
antidepressants continued after remission, children's whole-tablet doses, cystitis era substitutes."""

from __future__ import annotations

import datetime as dt

from ehrsim.record.times import from_date
from tests.prescribing.helpers import at, code_of, onset, order, patient

DAY = 86400.0
VARENICLINE = {0.5: "636671", 1: "636676"}
NICOTINE = {21: "198030", 14: "198029", 7: "198031"}
PENICILLIN_V = {250: "834061", 500: "834102"}
STREP = [{"system": "SNOMED-CT", "code": "43878008", "display": "Streptococcal sore throat (disorder)"}]
CYSTITIS = [{"system": "SNOMED-CT", "code": "307426000", "display": "Acute infective cystitis (disorder)"}]


def _weigh(sim, kg: float) -> None:  # type: ignore[no-untyped-def]
    sim.rec.add("observations", {"time": sim.now, "codes": [{"code": "29463-7"}], "value": kg}, None)


def _meds(sim):  # type: ignore[no-untyped-def]
    return sorted(sim.rec.lists["medications"], key=lambda m: m["start"])


def test_varenicline_starts_with_a_week_of_0_5_mg_then_1_mg_twice_daily_to_week_12() -> None:
    sim = patient(dt.date(1970, 1, 1))
    t = at(sim, dt.date(2015, 3, 1))
    main = order(sim, VARENICLINE[1], days=84)
    meds = _meds(sim)
    assert [code_of(m) for m in meds] == [VARENICLINE[0.5], VARENICLINE[0.5], VARENICLINE[1]]
    assert [m["dosage"]["frequency"] for m in meds] == [1, 2, 1]  # the module's 1 mg order keeps its own dosage
    assert meds[0]["start"] == t and meds[0]["stop"] == meds[1]["start"] == t + 3 * DAY
    assert meds[1]["stop"] == main["start"] == t + 7 * DAY
    assert main["stop"] == t + 84 * DAY  # the course keeps its 12 weeks


def test_the_nicotine_patch_is_stepped_down_after_six_weeks() -> None:
    sim = patient(dt.date(1970, 1, 1))
    t = at(sim, dt.date(2015, 3, 1))
    order(sim, NICOTINE[21], days=42)
    meds = _meds(sim)
    assert [code_of(m) for m in meds] == [NICOTINE[21], NICOTINE[14], NICOTINE[7]]
    assert meds[1]["start"] == t + 42 * DAY and meds[2]["stop"] == t + 70 * DAY


def test_a_step_the_life_did_not_reach_is_not_in_the_record() -> None:
    from ehrsim.record.build import build_record

    sim = patient(dt.date(1970, 1, 1))
    t = at(sim, dt.date(2015, 3, 1))
    order(sim, NICOTINE[21], days=42)
    sim.death_time = t + 50 * DAY
    sim.death_cause = []
    record = build_record(sim, 0)
    assert [code_of(m) for m in record["medications"]] == [NICOTINE[21], NICOTINE[14]]


def test_a_substitute_takes_its_own_schedule_for_strep_throat() -> None:
    sim = patient(dt.date(1960, 1, 1))
    t = at(sim, dt.date(1985, 3, 1))  # before azithromycin (1991): amoxicillin, twice daily for 10 days
    entry = order(sim, "308460", days=5, reason=STREP)
    assert code_of(entry) == "308192"
    assert entry["dosage"]["frequency"] == 2 and entry["stop"] == t + 10 * DAY
    same = patient(dt.date(1960, 1, 1))
    at(same, dt.date(2015, 3, 1))
    kept = order(same, "308460", days=5, reason=STREP)  # no substitution: the module's regimen stands
    assert code_of(kept) == "308460" and kept["dosage"]["frequency"] == 1


def test_an_antidepressant_continues_after_remission_until_the_prescriber_stops_it() -> None:
    sim = patient(dt.date(1970, 1, 1))
    at(sim, dt.date(2015, 3, 1))
    episode = onset(sim, "conditions", "370143000")
    drug = order(sim, "312938", chronic=True, reason=[dict(episode["codes"][0])])
    t = at(sim, dt.date(2015, 9, 1))
    sim.deactivate("conditions", episode, t, None)
    assert drug["stop"] == t + 365 * DAY  # continuation phase, not stopped at remission
    other = patient(dt.date(1970, 1, 1))
    at(other, dt.date(2015, 3, 1))
    rash = onset(other, "conditions", "271807003")
    pill = order(other, "311372", chronic=True, reason=[dict(rash["codes"][0])])
    t = at(other, dt.date(2015, 9, 1))
    other.deactivate("conditions", rash, t, None)
    assert pill["stop"] == t  # other drugs end with their reason


def test_a_childs_tablets_are_whole_tablets_of_a_strength_that_fits_the_weight() -> None:
    child = patient(dt.date(2008, 1, 1))
    at(child, dt.date(2016, 3, 1))  # 8 years
    _weigh(child, 25.0)
    entry = order(child, PENICILLIN_V[500], days=10, reason=STREP)
    assert code_of(entry) == PENICILLIN_V[250]  # 12.5 mg/kg = 312 mg: one 250 mg tablet (10 mg/kg)
    assert entry["dosage"]["units_per_dose"] == 1 and entry["dosage"]["amount"] == 250.0
    small = patient(dt.date(2013, 1, 1))
    at(small, dt.date(2016, 3, 1))  # 3 years: a chewable acetaminophen dose between tablets becomes liquid
    _weigh(small, 10.0)  # 150 mg: no whole 160 mg tablet fits 10-15 mg/kg
    liquid = order(small, "313820", days=3)
    assert code_of(liquid) == "1148399" and liquid["dosage"]["volume_ml"] > 0


def test_cystitis_before_cephalexin_gets_ampicillin_not_penicillin_v() -> None:
    sim = patient(dt.date(1940, 1, 1))
    at(sim, dt.date(1969, 3, 1))
    assert code_of(order(sim, "309114", days=7, reason=CYSTITIS)) == "308212"
    skin = patient(dt.date(1940, 1, 1))
    at(skin, dt.date(1969, 3, 1))
    assert code_of(order(skin, "309114", days=7)) == PENICILLIN_V[500]  # other infections: the era's penicillin


def test_warfarin_starts_lower_from_70() -> None:
    young = patient(dt.date(1960, 1, 1))
    at(young, dt.date(2010, 3, 1))
    assert code_of(order(young, "855332", chronic=True)) == "855332"
    old = patient(dt.date(1935, 1, 1))
    at(old, dt.date(2010, 3, 1))
    assert code_of(order(old, "855332", chronic=True)) == "855312"
    assert from_date(dt.date(2010, 3, 1)) == old.now


LEVOTHYROXINE = {25: "966220", 50: "966221", 75: "966222", 100: "892246", 125: "966224", 150: "966225"}
TSH = "3016-3"


def test_levothyroxine_is_1_6_mcg_per_kg_in_adults_and_25_mcg_titrated_on_tsh_in_the_elderly() -> None:
    adult = patient(dt.date(1970, 1, 1))
    at(adult, dt.date(2015, 3, 1))
    _weigh(adult, 80.0)  # 128 mcg: the 125 mcg tablet
    assert code_of(order(adult, LEVOTHYROXINE[75], chronic=True)) == LEVOTHYROXINE[125]
    old = patient(dt.date(1940, 1, 1))
    at(old, dt.date(2015, 3, 1))
    _weigh(old, 80.0)
    entry = order(old, LEVOTHYROXINE[75], chronic=True)
    assert code_of(entry) == LEVOTHYROXINE[25]
    at(old, dt.date(2015, 6, 1))
    old.rec.add("observations", {"time": old.now, "codes": [{"code": TSH}], "value": 7.2}, None)
    at(old, dt.date(2015, 6, 2))
    entry = old.renew("medications", entry, old.now, None)
    assert code_of(entry) == LEVOTHYROXINE[50]  # TSH still high after 6 weeks: one step up


def test_gerd_gets_omeprazole_20_mg_and_famotidine_before_omeprazole_existed() -> None:
    sim = patient(dt.date(1950, 1, 1))
    at(sim, dt.date(2010, 3, 1))
    assert code_of(order(sim, "200329", days=56)) == "198051"
    old = patient(dt.date(1930, 1, 1))
    at(old, dt.date(1988, 3, 1))  # omeprazole 1989: an H2 blocker, twice daily
    entry = order(old, "200329", days=56)
    assert code_of(entry) == "310273" and entry["dosage"]["frequency"] == 2


def test_a_child_dosed_by_weight_is_weighed_at_the_visit() -> None:
    from tests.prescribing.helpers import Run

    child = patient(dt.date(2012, 1, 1))
    at(child, dt.date(2013, 1, 1))
    _weigh(child, 8.0)  # a chart weight from a year ago: too old for a 2-year-old's dose
    at(child, dt.date(2014, 1, 1))
    visit = {"id": "sick-visit", "start": child.now, "stop": child.now + 3600.0}
    entry = order(child, "308189", days=10, run=Run(encounter=visit))
    weights = [o for o in child.rec.lists["observations"] if o["codes"][0]["code"] == "29463-7"]
    assert len(weights) == 2 and weights[-1]["encounter"] == "sick-visit" and weights[-1]["time"] == child.now
    assert entry["dosage"]["weight_kg"] == weights[-1]["value"]
    order(child, "313820", days=3, run=Run(encounter=visit))  # weighed once per visit
    assert len([o for o in child.rec.lists["observations"] if o["codes"][0]["code"] == "29463-7"]) == 2


def test_apixaban_is_2_5_mg_with_two_of_age_80_weight_60_kg_creatinine_1_5() -> None:
    old = patient(dt.date(1930, 1, 1))
    at(old, dt.date(2015, 3, 1))  # 85 years
    _weigh(old, 58.0)
    assert code_of(order(old, "1364445", chronic=True)) == "1364435"
    heavy = patient(dt.date(1930, 1, 1))
    at(heavy, dt.date(2015, 3, 1))  # 85 but 75 kg and no creatinine result: one criterion only
    _weigh(heavy, 75.0)
    assert code_of(order(heavy, "1364445", chronic=True)) == "1364445"
    renal = patient(dt.date(1930, 1, 1))
    at(renal, dt.date(2015, 3, 1))
    _weigh(renal, 75.0)
    renal.rec.add("observations", {"time": renal.now, "codes": [{"code": "2160-0"}], "value": 1.8}, None)
    assert code_of(order(renal, "1364445", chronic=True)) == "1364435"


def test_diazepam_starts_at_2_mg_from_65_and_tetracycline_is_500_mg_for_pneumonia() -> None:
    old = patient(dt.date(1930, 1, 1))
    at(old, dt.date(2000, 3, 1))
    assert code_of(order(old, "197591", days=14)) == "197590"
    adult = patient(dt.date(1950, 1, 1))
    at(adult, dt.date(2000, 3, 1))
    assert code_of(order(adult, "197591", days=14)) == "197591"
    pneumonia = [{"system": "SNOMED-CT", "code": "233604007", "display": "Pneumonia (disorder)"}]
    sick = patient(dt.date(1930, 1, 1))
    at(sick, dt.date(1970, 3, 1))
    assert code_of(order(sick, "198250", days=10, reason=pneumonia)) == "198252"  # 500 mg four times daily
    other = patient(dt.date(1930, 1, 1))
    at(other, dt.date(1970, 3, 1))
    assert code_of(order(other, "198250", days=10)) == "198250"


def test_inhaled_fluticasone_steps_up_to_110_mcg_when_fev1_fvc_shows_poor_control() -> None:
    sim = patient(dt.date(1990, 1, 1))
    at(sim, dt.date(2010, 3, 1))
    entry = order(sim, "895994", chronic=True, amount=2.0)
    assert code_of(entry) == "895994"
    at(sim, dt.date(2011, 3, 1))
    sim.rec.add("observations", {"time": sim.now, "codes": [{"code": "19926-5"}], "value": 84.0}, None)
    entry = sim.renew("medications", entry, sim.now + 60.0, None)
    assert code_of(entry) == "895994"  # well controlled: low dose stays
    at(sim, dt.date(2012, 3, 1))
    sim.rec.add("observations", {"time": sim.now, "codes": [{"code": "19926-5"}], "value": 71.0}, None)
    entry = sim.renew("medications", entry, sim.now + 60.0, None)
    assert code_of(entry) == "1360333" and entry["dosage"]["amount"] == 2.0  # medium dose, still 2 puffs


def test_a_toddler_gets_fexofenadine_suspension_by_weight() -> None:
    tot = patient(dt.date(2014, 1, 1))
    at(tot, dt.date(2015, 3, 1))  # 14 months
    _weigh(tot, 10.0)
    entry = order(tot, "997501", chronic=True)
    assert code_of(entry) == "997491" and entry["dosage"]["amount"] == 15.0  # 15 mg twice daily (label, under 2)


def test_a_childs_fluticasone_stays_at_44_mcg() -> None:
    child = patient(dt.date(2005, 1, 1))
    at(child, dt.date(2013, 3, 1))
    entry = order(child, "895994", chronic=True, amount=2.0)
    at(child, dt.date(2014, 3, 1))
    child.rec.add("observations", {"time": child.now, "codes": [{"code": "19926-5"}], "value": 70.0}, None)
    entry = child.renew("medications", entry, child.now + 60.0, None)
    assert code_of(entry) == "895994"  # 110 mcg x 2 puffs twice daily would be a high dose at 9 years


def test_the_ordered_drug_renewed_after_its_era_substitute_gets_the_modules_dose_back() -> None:
    sim = patient(dt.date(1950, 1, 1))
    at(sim, dt.date(2005, 3, 1))  # liraglutide (2010) not yet approved: basal insulin by weight
    entry = order(sim, "897122", chronic=True, amount=0.2)
    assert code_of(entry) == "311041" and entry["dosage"]["dose_unit"] == "[iU]"
    at(sim, dt.date(2011, 3, 1))
    entry = sim.renew("medications", entry, sim.now, None)
    assert code_of(entry) == "897122"
    assert entry["dosage"]["amount"] == 0.2 and "units_per_kg" not in entry["dosage"]  # 0.2 mL, not 49 "mL"


def test_regular_insulin_in_place_of_metformin_is_given_before_each_meal_also_after_renewal() -> None:
    sim = patient(dt.date(1934, 1, 1))
    at(sim, dt.date(1976, 6, 17))  # before metformin (1995): regular insulin, the chart review's once a day
    _weigh(sim, 80.0)
    entry = order(sim, "860975", chronic=True)
    assert code_of(entry) == "311034"
    assert entry["dosage"]["frequency"] == 3 and entry["dosage"]["amount"] == 8.0  # 0.1 units/kg before each meal
    at(sim, dt.date(1977, 6, 7))
    entry = sim.renew("medications", entry, sim.now, None)
    assert code_of(entry) == "311034" and entry["dosage"]["frequency"] == 3  # the renewal keeps the schedule


def test_fluticasone_steps_back_down_to_44_mcg_after_a_controlled_review() -> None:
    sim = patient(dt.date(1990, 1, 1))
    at(sim, dt.date(2010, 3, 1))
    entry = order(sim, "895994", chronic=True, amount=2.0)
    at(sim, dt.date(2011, 3, 1))
    sim.rec.add("observations", {"time": sim.now, "codes": [{"code": "19926-5"}], "value": 71.0}, None)
    entry = sim.renew("medications", entry, sim.now + 60.0, None)
    assert code_of(entry) == "1360333"  # not well controlled: medium dose
    at(sim, dt.date(2011, 4, 1))
    sim.rec.add("observations", {"time": sim.now, "codes": [{"code": "19926-5"}], "value": 85.0}, None)
    entry = sim.renew("medications", entry, sim.now + 60.0, None)
    assert code_of(entry) == "1360333"  # controlled for a month only: not yet stepped down (EPR-3: 3 months)
    at(sim, dt.date(2012, 3, 1))
    sim.rec.add("observations", {"time": sim.now, "codes": [{"code": "19926-5"}], "value": 84.0}, None)
    entry = sim.renew("medications", entry, sim.now + 60.0, None)
    assert code_of(entry) == "895994" and entry["dosage"]["amount"] == 2.0  # well controlled: back to low dose


def test_levothyroxine_is_dosed_on_ideal_body_weight_in_obesity() -> None:
    heavy = patient(dt.date(1970, 1, 1))
    at(heavy, dt.date(2015, 3, 1))
    _weigh(heavy, 120.0)  # 192 mcg on actual weight: the 150 mcg cap
    heavy.rec.add("observations", {"time": heavy.now, "codes": [{"code": "8302-2"}], "value": 165.0}, None)
    # ideal body weight at BMI 25: 25 x 1.65^2 = 68 kg -> 109 mcg: the 100 mcg tablet
    assert code_of(order(heavy, LEVOTHYROXINE[75], chronic=True)) == LEVOTHYROXINE[100]
    lean = patient(dt.date(1970, 1, 1))
    at(lean, dt.date(2015, 3, 1))
    _weigh(lean, 60.0)  # under the ideal weight: the actual weight, 96 mcg -> the 75 mcg tablet
    lean.rec.add("observations", {"time": lean.now, "codes": [{"code": "8302-2"}], "value": 180.0}, None)
    assert code_of(order(lean, LEVOTHYROXINE[75], chronic=True)) == LEVOTHYROXINE[75]


def test_regular_insulin_for_an_order_without_a_dosage_is_still_given_before_meals() -> None:
    sim = patient(dt.date(1934, 1, 1))
    at(sim, dt.date(1966, 5, 26))  # Synthea's library orders metformin without a dosage
    _weigh(sim, 84.5)
    entry = order(sim, "860975", chronic=True, no_dosage=True)
    assert code_of(entry) == "311034" and entry["dosage"]["frequency"] == 3


def test_labetalol_in_place_of_lisinopril_in_pregnancy_is_twice_daily() -> None:
    sim = patient(dt.date(1985, 1, 1), pregnant=True)
    at(sim, dt.date(2015, 3, 1))
    entry = order(sim, "314076", chronic=True)  # lisinopril 10 mg once daily
    assert code_of(entry) == "896758" and entry["dosage"]["frequency"] == 2


def test_an_infants_parenteral_antibiotic_is_a_weight_based_part_of_the_vial() -> None:
    """The lead's session-12 chart read: ceftriaxone 1000 mg (one adult vial) for a 5.9 kg infant with pneumonia, and
    cefazolin 2 g every 8 hours for a 3-month-old's cellulitis (paediatric.csv: 50 mg/kg once daily, 16.7 mg/kg every
    8 hours, the dose in mg of the reconstituted vial)."""
    infant = patient(dt.date(2024, 6, 1))
    at(infant, dt.date(2024, 9, 1))
    _weigh(infant, 5.9)
    ceftriaxone = order(infant, "1665021", administered=True, days=5)
    assert code_of(ceftriaxone) == "1665021"
    assert ceftriaxone["dosage"]["amount"] == 295.0 and ceftriaxone["dosage"]["dose_unit"] == "mg"
    assert ceftriaxone["dosage"]["frequency"] == 1 and "units_per_dose" not in ceftriaxone["dosage"]
    cefazolin = order(infant, "1665060", administered=True, days=5, frequency=3)
    assert cefazolin["dosage"]["amount"] == 98.5 and cefazolin["dosage"]["frequency"] == 3
    adult = patient(dt.date(1970, 1, 1))
    at(adult, dt.date(2024, 9, 1))
    vial = order(adult, "1665021", administered=True, days=5)
    assert vial["dosage"]["amount"] == 1.0 and vial["dosage"]["dose_unit"] == "{dose}"  # the adult's whole vial
