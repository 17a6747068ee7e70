"""Measuring the physiological state: noise, rounding, eGFR from the same creatinine, ranges, flags."""

from __future__ import annotations

import datetime as dt
import itertools
import math

import numpy as np
import pytest

from ehrsim.core import egfr_equations, lab_eras, labs, ref_ranges
from ehrsim.core.physiology import Physiology, egfr_ckd_epi_2021


def _body(seed: int = 5, sex: str = "F") -> tuple[Physiology, dict[str, float]]:
    body = Physiology(np.random.default_rng(seed), sex, "white")
    return body, body.update(55, {}, 0.0)


def test_every_mapped_code_has_a_state_variable_and_every_range_row_is_ordered() -> None:
    infant = Physiology(np.random.default_rng(5), "F", "white").update(1.0, {}, 0.0)
    _, vitals = _body()
    for code, analyte in labs.analytes().items():
        assert analyte.variable in {**infant, **vitals} or analyte.variable == "EGFR MDRD", code
    for code, ranges in ref_ranges.reference_ranges().items():
        for r in ranges:
            assert r.age_from < r.age_to, code
            if r.low is not None and r.high is not None:
                assert r.low <= r.high, code


def test_results_vary_around_the_true_value_by_biological_variation_and_are_rounded() -> None:
    body, vitals = _body()
    rng = np.random.default_rng(0)
    sodium = labs.analytes()["2951-2"]
    values = [labs.measure(body, vitals, rng, sodium, float(t), 55.0) for t in range(400)]
    assert all(v == int(v) for v in values)  # reported in whole mmol/L
    assert len(set(values)) > 2
    cv = np.std(values) / np.mean(values)
    assert 0.004 < cv < 0.015  # CV_I 0.5 % and CV_A 0.7 %, plus rounding
    sbp = labs.analytes()["8480-6"]
    readings = [labs.measure(body, vitals, rng, sbp, float(t), 55.0) for t in range(400)]
    assert all(v == int(v) for v in readings) and 6 < np.std(readings) < 10


def test_egfr_is_ckd_epi_2021_of_the_creatinine_measured_at_the_same_moment() -> None:
    body, vitals = _body(sex="M")
    rng = np.random.default_rng(1)
    for t in range(50):
        creatinine = labs.measure(body, vitals, rng, labs.analytes()["2160-0"], float(t), 55.0)
        egfr = labs.measure(body, vitals, rng, labs.analytes()["98979-8"], float(t), 55.0)
        assert egfr == round(egfr_ckd_epi_2021(creatinine, 55.0, "M"))
    # eGFR first: the creatinine recorded next at that instant is the same sample
    egfr = labs.measure(body, vitals, rng, labs.analytes()["98979-8"], 99.0, 55.0)
    creatinine = labs.measure(body, vitals, rng, labs.analytes()["2160-0"], 99.0, 55.0)
    assert egfr == round(egfr_ckd_epi_2021(creatinine, 55.0, "M"))


def _t(day: str) -> float:
    import datetime as dt

    return dt.datetime.fromisoformat(day).replace(tzinfo=dt.UTC).timestamp()


def test_egfr_is_reported_with_the_code_and_equation_of_its_era() -> None:
    asked = [{"system": "LOINC", "code": "98979-8", "display": "CKD-EPI 2021"}]
    assert lab_eras.reported_codes(asked, _t("1998-06-01")) is None  # creatinine only before MDRD
    assert lab_eras.reported_codes(asked, _t("2003-06-01"))[0]["code"] == "33914-3"
    assert lab_eras.reported_codes(asked, _t("2015-06-01"))[0]["code"] == "62238-1"
    assert lab_eras.reported_codes(asked, _t("2021-06-01"))[0]["code"] == "62238-1"
    assert lab_eras.reported_codes(asked, _t("2022-01-01"))[0]["code"] == "98979-8"
    mdrd = [{"system": "LOINC", "code": "33914-3", "display": "MDRD"}]
    assert lab_eras.reported_codes(mdrd, _t("2023-01-01"))[0]["code"] == "98979-8"
    other = [{"system": "LOINC", "code": "2160-0", "display": "Creatinine"}]
    assert lab_eras.reported_codes(other, _t("1980-01-01")) == other
    body, vitals = _body(sex="F")
    rng = np.random.default_rng(3)
    creatinine_code, egfr_code = labs.analytes()["2160-0"], labs.analytes()["98979-8"]
    for day, equation in (("2003-06-01", "mdrd_186"), ("2008-06-01", "mdrd_175"), ("2015-06-01", "ckd_epi_2009")):
        t = _t(day)
        creatinine = labs.measure(body, vitals, rng, creatinine_code, t, 55.0)
        egfr = labs.measure(body, vitals, rng, egfr_code, t, 55.0)
        assert egfr == round(egfr_equations.egfr_equation(equation, creatinine, 55.0, "F"))
    # the published worked values: MDRD 175 x 1.0^-1.154 x 55^-0.203 x 0.742 = 57.5; CKD-EPI 2009 1.0 F 55 = 63.4
    assert egfr_equations.egfr_equation("mdrd_175", 1.0, 55.0, "F") == pytest.approx(57.5, abs=0.1)
    assert egfr_equations.egfr_equation("ckd_epi_2009", 1.0, 55.0, "F") == pytest.approx(63.4, abs=0.1)


def test_no_result_of_a_test_before_it_existed() -> None:
    """HbA1c before Koenig 1976, an HIV antibody before 1985: the core records no result (test_availability.csv)."""
    hba1c = [{"system": "LOINC", "code": "4548-4", "display": "Hemoglobin A1c/Hemoglobin.total in Blood"}]
    assert lab_eras.reported_codes(hba1c, _t("1965-06-01")) is None
    assert lab_eras.reported_codes(hba1c, _t("1976-08-25")) is None
    assert lab_eras.reported_codes(hba1c, _t("1976-08-27")) == hba1c
    hiv = [{"system": "LOINC", "code": "7917-8", "display": "HIV 1 Ab [Presence] in Serum"}]
    assert lab_eras.reported_codes(hiv, _t("1984-12-31")) is None
    assert lab_eras.reported_codes(hiv, _t("1990-01-01")) == hiv
    glucose = [{"system": "LOINC", "code": "2345-7", "display": "Glucose [Mass/volume] in Serum or Plasma"}]
    assert lab_eras.reported_codes(glucose, _t("1930-01-01")) == glucose  # fasting glucose was measured long before
    hcv_procedure = [{"system": "SNOMED-CT", "code": "104375008", "display": "Hepatitis C antibody, confirmatory test"}]
    assert not lab_eras.existed(hcv_procedure, _t("1970-03-06")) and lab_eras.existed(hcv_procedure, _t("1995-01-01"))


def test_a_module_range_moves_the_state_and_the_state_keeps_it() -> None:
    body, vitals = _body()
    rng = np.random.default_rng(2)
    a1c = labs.analytes()["4548-4"]
    value = labs.measure(body, vitals, rng, a1c, 0.0, 55.0, declared=(8.0, 9.0))
    assert 8.0 <= value <= 9.0
    later = body.update(55, {}, 30 * 86400.0)["Hemoglobin A1c"]
    assert later > 7.5  # fed back, fading over months
    much_later = body.update(56, {}, 4 * 365 * 86400.0)["Hemoglobin A1c"]
    assert much_later < 6.0


@pytest.mark.parametrize(
    ("loinc", "value", "age", "sex", "flag"),
    [
        ("2823-3", 4.2, 50, "F", "N"),
        ("2823-3", 5.5, 50, "F", "H"),
        ("2823-3", 6.8, 50, "F", "HH"),
        ("2823-3", 2.5, 50, "F", "LL"),
        ("718-7", 12.5, 50, "M", "L"),
        ("718-7", 12.5, 50, "F", "N"),
        ("2085-9", 45, 50, "F", "L"),
        ("2085-9", 45, 50, "M", "N"),
        ("2085-9", 47, 9, "F", "N"),  # a girl's HDL against the paediatric cut-off (NHLBI 2011: acceptable > 45)
        ("2085-9", 42, 9, "M", "L"),  # borderline 40-45 in a child
        ("2085-9", 47, 25, "F", "L"),
        ("1975-2", 7.0, 36 / 8766, "M", "N"),  # a predischarge bilirubin at 36 hours: neonatal interval (to 8.2)
        ("1975-2", 9.0, 36 / 8766, "M", "H"),
        ("1975-2", 5.0, 12 / 8766, "F", "N"),  # first day: to 5.8
        ("1975-2", 7.0, 0.5, "F", "H"),  # at six months the adult interval (to 1.2) holds
    ],
)
def test_interpretation_flags_follow_the_reference_interval(loinc, value, age, sex, flag) -> None:
    assert ref_ranges.flags(loinc, value, age, sex)["interpretation"] == flag


def test_a_module_value_is_not_counted_twice_when_the_state_later_models_the_same_disease() -> None:
    body = Physiology(np.random.default_rng(8), "M", "white")
    healthy = body.update(70, {}, 0.0)["Left ventricular Ejection fraction"]
    body.impose("Left ventricular Ejection fraction", 30.0, 0.0)  # the module's echo, before the diagnosis
    assert body.update(70, {}, 0.0)["Left ventricular Ejection fraction"] == pytest.approx(30.0)
    failing = body.update(70, {"chf_type": "HFrEF"}, 86400.0)["Left ventricular Ejection fraction"]
    assert 12 <= failing <= 40 and healthy > 50
    # the state itself fell (heart failure): the module's offset is absorbed, not added on top
    assert failing >= min(30.0, body.raw["Left ventricular Ejection fraction"]) - 0.5


ESRD = {"46177005": {"start": 0.0}, "433146000": {"start": 0.0}}  # end-stage renal disease, CKD stage 5


@pytest.mark.parametrize("sex", ["M", "F"])
def test_a_modules_normal_range_does_not_undo_the_anaemia_of_kidney_failure(sex: str) -> None:
    """A wellness panel that records haemoglobin "somewhere in the normal range" (13.6-17 g/dL for men)
    must not lift an end-stage kidney patient's Hb above 13 (KDIGO 2012): the disease outranks it."""
    normal = (13.6, 17.0) if sex == "M" else (12.0, 15.4)
    hb = labs.analytes()["718-7"]
    values = []
    for seed in range(40):
        body = Physiology(np.random.default_rng(seed), sex, "white")
        vitals = body.update(62, {}, 0.0, ESRD)
        values.append(labs.measure(body, vitals, np.random.default_rng(seed), hb, 0.0, 62.0, declared=normal))
        assert body.offsets == {}  # nothing imposed on the state
    assert max(values) <= 13.0 and 9.5 <= float(np.median(values)) <= 11.5


def test_a_modules_normal_range_still_places_a_healthy_value() -> None:
    body, vitals = _body(sex="M")
    value = labs.measure(body, vitals, np.random.default_rng(3), labs.analytes()["4548-4"], 0.0, 55.0, (4.0, 4.2))
    assert 4.0 <= value <= 4.2  # no disease moved HbA1c: the module's range is kept as before


@pytest.mark.parametrize(
    ("stage", "low", "high"),
    [("431855005", 90, 999), ("431856006", 60, 90), ("433144002", 30, 60), ("431857002", 15, 30)],
)
def test_a_diagnosed_ckd_stage_keeps_egfr_in_its_kdigo_band_whatever_a_module_set(stage, low, high) -> None:
    """The stage outranks a module's separately drawn eGFR and creatinine (which may disagree), and the
    creatinine of the result that staged the patient gives an eGFR inside the stage."""
    rng = np.random.default_rng(4)
    egfr, creatinine = labs.analytes()["98979-8"], labs.analytes()["2160-0"]
    for seed in range(30):
        body = Physiology(np.random.default_rng(seed), "F", "white")
        body.update(75, {}, 0.0, {})
        body.impose("Creatinine", 0.7, 0.0)  # a module's creatinine of a healthy kidney
        vitals = body.update(75, {}, 0.0, {stage: {"start": 0.0}})
        assert low <= vitals["EGFR"] < high
        for t in range(3):
            labs.measure(body, vitals, rng, creatinine, float(t), 75.0)
            assert low <= labs.measure(body, vitals, rng, egfr, float(t), 75.0) < high


def test_a_module_creatinine_left_in_the_engines_cache_does_not_take_egfr_out_of_the_stage() -> None:
    """The engine's cache holds a module's raw creatinine right after it set it; the stage still rules."""
    body = Physiology(np.random.default_rng(11), "F", "white")
    body.update(72, {}, 0.0, {})
    body.impose("Creatinine", 2.1, 0.0)  # CKD-EPI about 24 at 72: stage 4, not the stage 3 being diagnosed
    vitals = body.update(72, {"ckd": 3}, 0.0, {"433144002": {"start": 0.0}})
    vitals["Creatinine"] = 2.1  # what Simulation.set_vital leaves in its cache
    egfr = labs.measure(body, vitals, np.random.default_rng(0), labs.analytes()["98979-8"], 0.0, 72.0)
    assert 30 <= egfr < 60


def test_ldl_of_a_lipid_panel_never_exceeds_total_minus_hdl_and_follows_friedewald() -> None:
    rng = np.random.default_rng(4)
    a = labs.analytes()
    order = ("2093-3", "2571-8", "18262-6", "2085-9")  # Synthea's panel order: HDL after LDL
    for seed in range(60):
        body, vitals = _body(seed=seed, sex="M" if seed % 2 else "F")
        for visit in range(5):
            t = float(seed * 100 + visit)
            got = {code: labs.measure(body, vitals, rng, a[code], t, 55.0) for code in order}
            total, tg, ldl, hdl = (got[c] for c in order)
            assert ldl <= total - hdl
            if tg <= 400:  # Friedewald, within the direct assay's analytical error (CV 2.5 %, 4 SD)
                assert abs(ldl - (total - hdl - tg / 5)) <= 0.10 * (total - hdl - tg / 5) + 1
    # a lone LDL (no other lipid asked for) still varies around the true value
    body, vitals = _body(seed=1)
    values = [labs.measure(body, vitals, rng, a["18262-6"], float(t), 55.0) for t in range(1000, 1300)]
    assert abs(np.mean(values) - vitals["LDL"]) < 0.05 * vitals["LDL"] and np.std(values) > 3


def test_head_circumference_and_a_childs_height_never_shrink_between_visits() -> None:
    rng = np.random.default_rng(7)
    head, height = labs.analytes()["9843-4"], labs.analytes()["8302-2"]
    shrinks = 0
    for seed in range(40):
        body = Physiology(np.random.default_rng(seed), "M" if seed % 2 else "F", "white")
        heads, heights = [], []
        for month in range(0, 36, 1):  # monthly visits: growth per visit is close to the noise (0.3 cm)
            age = month / 12.0
            vitals = body.update(age, {}, month * 30.4 * 86400.0)
            t = month * 30.4 * 86400.0
            heads.append(labs.measure(body, vitals, rng, head, t, age))
            heights.append(labs.measure(body, vitals, rng, height, t, age))
        shrinks += sum(b < a for a, b in itertools.pairwise(heads))
        shrinks += sum(b < a for a, b in itertools.pairwise(heights))
        assert heads[-1] - heads[0] > 10  # still growing: ~35 -> ~49 cm
    assert shrinks == 0


def test_bmi_percentile_attribute_is_that_of_each_bmi_measured() -> None:
    from types import SimpleNamespace

    from ehrsim.core.growth import bmi_percentile
    from ehrsim.engine import lifecycle

    year = 365.25 * 86400.0
    body = Physiology(np.random.default_rng(3), "F", "white")
    attributes: dict[str, float] = {}
    sim = SimpleNamespace(
        physiology=body,
        rng=np.random.default_rng(0),
        birth_time=0.0,
        pinned_vitals={},
        set_attribute=attributes.__setitem__,
    )
    seen = []
    for age in (2.0, 2.5, 3.0, 3.25, 7.6):
        sim.now, sim.vitals = age * year, body.update(age, {}, age * year)
        bmi = lifecycle.measure(sim, "39156-5", "BMI", None)
        assert attributes["bmi_percentile"] == round(bmi_percentile(age, "F", bmi), 1)
        seen.append(attributes["bmi_percentile"])
    assert seen[0] != seen[1]  # refreshed between birthdays (2.0 and 2.5 differ)
    sim.now, sim.vitals = 25 * year, body.update(25.0, {}, 25 * year)
    lifecycle.measure(sim, "39156-5", "BMI", None)
    assert attributes["bmi_percentile"] == seen[-1]  # adults: no percentile


def test_a_stage_diagnosed_under_mdrd_keeps_the_reported_mdrd_egfr_in_the_band() -> None:
    rng = np.random.default_rng(5)
    t = _t("2004-06-01")
    for seed in range(30):  # stage 1 (>= 90): MDRD reads lower than CKD-EPI 2021 there, so the draw must use it
        body = Physiology(np.random.default_rng(seed), "M", "white")
        body.update(60, {}, t, {})
        vitals = body.update(60, {}, t, {"431855005": {"start": t}})
        for k in range(3):
            labs.measure(body, vitals, rng, labs.analytes()["2160-0"], t + k, 60.0)
            assert labs.measure(body, vitals, rng, labs.analytes()["98979-8"], t + k, 60.0) >= 90


def test_a_childs_egfr_is_bedside_schwartz_of_the_creatinine_measured_with_it() -> None:
    """A module may set a child's creatinine (Synthea's kidney modules): the eGFR beside it follows that
    creatinine and the child's height (0.413 x height / creatinine), not the state's earlier eGFR."""
    body = Physiology(np.random.default_rng(3), "F", "white")
    vitals = body.update(16.0, {}, 0.0)
    rng = np.random.default_rng(2)
    egfr_code = labs.analytes()["98979-8"]
    creatinine = labs.measure(body, vitals, rng, labs.analytes()["2160-0"], 5.0, 16.0, declared=(2.4, 2.8))
    egfr = labs.measure(body, vitals, rng, egfr_code, 5.0, 16.0)
    assert creatinine is not None and 2.0 < creatinine < 3.2
    assert egfr == round(0.413 * vitals["Height"] / creatinine)


@pytest.mark.parametrize(
    ("ckd", "diagnosed", "low", "high"),
    [
        (3, None, 30, 60),  # a module's stage alone
        (4, "433144002", 25, 30),  # one stage ahead of the chart: just past the threshold, within 5 of stage 3
        (3, "431855005", 86, 90),  # two stages ahead (Synthea re-stages years later): the edge of the next stage
        (5, "431857002", 10, 15),
    ],
)
def test_a_modules_hidden_ckd_stage_is_reconciled_with_the_diagnosed_stage(ckd, diagnosed, low, high) -> None:
    rng = np.random.default_rng(4)
    egfr, creatinine = labs.analytes()["98979-8"], labs.analytes()["2160-0"]
    for seed in range(20):
        body = Physiology(np.random.default_rng(seed), "M", "white")
        conditions = {} if diagnosed is None else {diagnosed: {"start": 0.0}}
        vitals = body.update(68, {"ckd": ckd}, 0.0, conditions)
        assert low <= vitals["EGFR"] < high
        labs.measure(body, vitals, rng, creatinine, float(seed), 68.0)
        assert low - 0.5 <= labs.measure(body, vitals, rng, egfr, float(seed), 68.0) < high + 0.5


def test_a_module_creatinine_range_of_another_stage_does_not_contradict_the_diagnosed_stage() -> None:
    """Synthea's kidney modules give creatinine ranges by their hidden stage; while the chart says stage 3,
    a range of stage 5 values is not adopted, and a range overlapping stage 3 is kept to its stage-3 part."""
    rng = np.random.default_rng(7)
    creatinine, egfr = labs.analytes()["2160-0"], labs.analytes()["98979-8"]
    for seed in range(20):
        body = Physiology(np.random.default_rng(seed), "M", "white")
        vitals = body.update(66, {"ckd": 5}, 0.0, {"433144002": {"start": 0.0}})
        for t, declared in ((1.0, (4.5, 6.0)), (2.0, (1.0, 2.6))):
            c = labs.measure(body, vitals, rng, creatinine, t, 66.0, declared=declared)
            assert c is not None and 25 <= labs.measure(body, vitals, rng, egfr, t, 66.0) < 65


def test_a_normal_range_does_not_lift_haemoglobin_above_the_kidney_failure_ceiling_when_already_low() -> None:
    """A woman whose haemoglobin is already under the ESRD ceiling: a module's normal range (Synthea's COVID-19
    daily labs, 11.1-14.1) is not adopted, so no offset later lifts her above the ceiling."""
    hb = labs.analytes()["718-7"]
    rng = np.random.default_rng(1)
    for seed in (39, 77, 300, 361, 480):  # women whose haemoglobin is under the ceiling without kidney failure
        body = Physiology(np.random.default_rng(seed), "F", "white")
        esrd = {"46177005": {"start": 0.0}}
        body.update(60, {}, 0.0, esrd)
        vitals = body.update(60, {}, 0.0, esrd)
        labs.measure(body, vitals, rng, hb, 1.0, 60.0, declared=(11.1, 14.1))
        later = body.update(60, {}, 86400.0, esrd)
        assert later["Hemoglobin"] == vitals["Hemoglobin"]  # no offset from the normal range


def test_a_further_coding_of_a_test_not_yet_available_is_dropped() -> None:
    """Synthea's SpO2 is coded 2708-6 then 59408-5 (pulse oximetry, from 1983): in 1970 only the first stays."""
    spo2 = [
        {"system": "LOINC", "code": "2708-6", "display": "Oxygen saturation in Arterial blood"},
        {"system": "LOINC", "code": "59408-5", "display": "Oxygen saturation in Arterial blood by Pulse oximetry"},
    ]
    assert lab_eras.reported_codes(spo2, _t("1970-06-01")) == spo2[:1]
    assert lab_eras.reported_codes(spo2, _t("1990-06-01")) == spo2
    assert lab_eras.reported_codes(spo2[::-1], _t("1970-06-01")) is None  # coded first: no result, as before


def test_a_module_creatinine_at_a_stage_edge_keeps_the_reported_egfr_in_the_diagnosed_stage() -> None:
    """Synthea's CKD 3 panel asks creatinine 1.9-2.1: for a woman of 66 in 2016 that is eGFR 26-29 by CKD-EPI 2009
    (28 was charted beside the stage 3 diagnosis); the range is narrowed to creatinines whose eGFR by the era's
    equation and by CKD-EPI 2021 stays inside stage 3 (clear of its edges), or dropped when none is."""
    from ehrsim.core.egfr_equations import egfr_equation
    from ehrsim.core.labs import _within_band

    t2016 = dt.datetime(2016, 10, 12, tzinfo=dt.UTC).timestamp()
    assert _within_band((1.9, 2.1), (30.0, 60.0), 66, "F", t2016) is None  # the state's own value is kept
    low, high = _within_band((1.2, 2.1), (30.0, 60.0), 66, "F", t2016)  # type: ignore[misc]
    for creatinine in (low, high):
        for equation in ("ckd_epi_2009", "ckd_epi_2021"):
            assert 30 <= egfr_equation(equation, creatinine, 66, "F") < 60
    assert _within_band((1.9, 2.1), (30.0, 60.0), 50, "M", t2016) == (1.9, 2.1)  # inside stage 3 for him


def test_an_egfr_band_holds_for_the_equation_reported_at_the_time() -> None:
    """MDRD and CKD-EPI 2009 read lower than CKD-EPI 2021 at one creatinine: the state's band (2021 terms) starts
    higher in their eras so the charted value agrees with the stage (a stage 1 patient charted at 86 in 2016)."""
    from ehrsim.core.physio_effects import reported_band

    t2004 = dt.datetime(2004, 4, 5, tzinfo=dt.UTC).timestamp()
    t2016 = dt.datetime(2016, 1, 28, tzinfo=dt.UTC).timestamp()
    t2023 = dt.datetime(2023, 1, 1, tzinfo=dt.UTC).timestamp()
    for t, equation in ((t2004, "mdrd_186"), (t2016, "ckd_epi_2009")):
        for band in ((90.0, math.inf), (60.0, 90.0), (30.0, 60.0), (15.0, 30.0)):
            low, high = reported_band(*band, 61, "F", t)
            assert low > band[0] and high <= band[1]
            creatinine = egfr_equations.creatinine_at("ckd_epi_2021", low, 61, "F")
            assert egfr_equations.egfr_equation(equation, creatinine, 61, "F") == pytest.approx(band[0], abs=0.01)
    assert reported_band(30.0, 60.0, 61, "F", t2023) == (30.0, 60.0)  # CKD-EPI 2021: as it is
    assert reported_band(30.0, 60.0, 10, "F", t2016) == (30.0, 60.0)  # a child: Schwartz


def test_a_module_creatinine_for_a_child_keeps_the_schwartz_egfr_in_the_diagnosed_stage() -> None:
    """Synthea's stage 1 panel asks creatinine 1.4-1.8: for a 17-year-old of 165 cm that is a Schwartz eGFR of 38-49,
    charted beside the stage 1 diagnosis; now dropped (the state's own value is kept), and a range that fits kept."""
    from ehrsim.core.labs import _within_band

    t2000 = dt.datetime(2000, 6, 9, tzinfo=dt.UTC).timestamp()
    assert _within_band((1.4, 1.8), (90.0, math.inf), 17, "F", t2000, height=165.0) is None
    low, high = _within_band((0.3, 1.8), (30.0, 60.0), 12, "M", t2000, height=150.0)  # type: ignore[misc]
    for creatinine in (low, high):
        assert 30 <= egfr_equations.schwartz_bedside(creatinine, 150.0) < 60


def test_a_modules_creatinine_range_is_adopted_only_as_far_as_the_kidney_can_have_declined() -> None:
    """A panel asking creatinine 1.9-2.1 (Synthea's stage 3 range) of a 60-year-old man at eGFR 80 a quarter of a
    year after the state's last update: the true creatinine goes no higher than that of an eGFR 1.25 lower (5 a
    year), and that is what the state keeps (its offset)."""
    from ehrsim.core.physio_tables import creatinine_for_egfr

    year = 365.25 * 86400
    body = Physiology(np.random.default_rng(3), "M", "white")
    vitals = body.update(60.0, {}, t=60.0 * year)
    creatinine = labs.analytes()["2160-0"]
    value = labs.measure(body, vitals, np.random.default_rng(0), creatinine, 60.25 * year, 60.25, declared=(1.9, 2.1))
    reach = creatinine_for_egfr(vitals["EGFR"] - 1.25, 60.25, "M")
    assert value < 1.9 and abs(value - reach) < 0.3  # the reachable value with its noise, not the module's range
    assert body.offsets["Creatinine"][0] == pytest.approx(math.log(reach) - math.log(body.raw["Creatinine"]), abs=0.01)


def test_no_assay_before_its_publication() -> None:
    """s17review: the core drops a rapid influenza antigen before 1991, a leukocyte esterase strip before 1981, ALT
    before 1955, a Glasgow coma score before 1974, an allergen IgE before RAST (1967), HCV screening before 1989."""
    cases = [
        ("LOINC", "80382-5", "1934-11-12", "1995-01-01"),
        ("LOINC", "5799-2", "1935-06-01", "1990-01-01"),
        ("LOINC", "5802-4", "1935-06-01", "1960-01-01"),
        ("LOINC", "1742-6", "1945-04-30", "1961-05-01"),
        ("LOINC", "9269-2", "1937-01-01", "1980-01-01"),
        ("LOINC", "6206-7", "1958-01-01", "1970-01-01"),
        ("SNOMED-CT", "413107006", "1970-01-05", "1995-01-01"),
        ("SNOMED-CT", "68071007", "1930-04-01", "1950-01-01"),
    ]
    for system, code, before, after in cases:
        coded = [{"system": system, "code": code, "display": code}]
        assert not lab_eras.existed(coded, _t(before)) and lab_eras.existed(coded, _t(after)), code
        if system == "LOINC":
            assert lab_eras.reported_codes(coded, _t(before)) is None
            assert lab_eras.reported_codes(coded, _t(after)) == coded
