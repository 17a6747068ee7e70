"""ehrsim's hypertension module acts on the office readings it records (s13htn): a raised reading is rechecked and
two raised readings at separate visits diagnose; a wellness visit's renewals follow its vital signs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ehrsim.record.times import from_date
from tests.engine.harness import simulate, trace

MODULES = Path(__file__).resolve().parents[2] / "modules"
PANEL, SBP, DBP = "85354-9", "8480-6", "8462-4"


def _readings(rec: dict) -> list[tuple[float, int, float, float]]:
    """(time, record order, systolic, diastolic) of every BP panel."""
    out = []
    for o in rec["observations"]:
        if o["codes"][0]["code"] == PANEL:
            v = {c["codes"][0]["code"]: c["value"] for c in o["components"]}
            out.append((o["time"], o["n"], v[SBP], v[DBP]))
    return sorted(out)


def _raised(r: tuple[float, int, float, float]) -> bool:
    return r[2] >= 140 or r[3] >= 90


def test_raised_office_readings_are_rechecked_and_two_raised_readings_diagnose() -> None:
    confirmed = rechecked = 0
    for seed in range(16):
        sim, rec = simulate("hypertension", "wellness_encounters", gender="M" if seed % 2 else "F",
                            born=dt.date(1940, 1, 1), end=dt.date(2020, 1, 1), seed=seed, folder=MODULES)  # fmt: skip
        readings = _readings(rec)
        for date, _, state in trace(sim, "hypertension"):
            if state not in ("Recheck_BP", "Recheck_Confirmed"):
                continue
            t = from_date(dt.date.fromisoformat(date)) + 86400
            before = [r for r in readings if r[0] < t]
            if state == "Recheck_BP":  # the recheck, booked by a raised reading (looked at quarterly, then 1-8 weeks)
                rechecked += 1  # (another visit's reading may fall between the raised one and the recheck)
                earlier = [r for r in before if before[-1][0] - 155 * 86400 <= r[0] < before[-1][0] - 3600]
                assert any(_raised(r) for r in earlier)
            else:  # confirmed by the recheck's own reading, raised again
                confirmed += 1
                assert _raised(before[-1])
    assert rechecked >= confirmed > 0


def test_wellness_renewals_follow_the_visits_vital_signs() -> None:
    renewals = 0
    for seed in range(6):
        _, rec = simulate("hypertension", "wellness_encounters", born=dt.date(1940, 1, 1), end=dt.date(2015, 1, 1),
                          seed=seed, folder=MODULES)  # fmt: skip
        wellness = {e["id"] for e in rec["encounters"] if e["class"] == "wellness"}
        panels = {o["encounter"]: o["n"] for o in rec["observations"] if o["codes"][0]["code"] == PANEL}
        for m in rec["medications"]:
            if m["encounter"] in wellness and m.get("chronic") and m["encounter"] in panels:
                renewals += 1
                assert m["n"] > panels[m["encounter"]], "a renewal recorded before the visit's blood pressure"
    assert renewals > 0


def test_unaware_latent_hypertension_is_found_only_through_raised_readings() -> None:
    """s13htn2: latent onsets may stay unaware (55 % at onset since s16htn, next test); they are not diagnosed at
    the next wellness visit but only if a raised reading is rechecked and confirmed (patients followed up)."""
    unaware = 0
    for seed in range(30):
        sim, _ = simulate("hypertension", "wellness_encounters", gender="M" if seed % 2 else "F",
                          born=dt.date(1940, 1, 1), end=dt.date(2020, 1, 1), seed=seed, folder=MODULES)  # fmt: skip
        states = [state for _, _, state in trace(sim, "hypertension")]
        if "Set_Unaware" not in states:
            continue
        unaware += 1
        after = states[states.index("Set_Unaware") :]
        assert "Await_Wellness" not in after and "HTN_Begins" not in after
        if "Hypertension" in after:
            assert after.index("Recheck_Confirmed") < after.index("Hypertension")
            assert "Set_Readings_Diagnosis" not in after  # the latent state keeps its floor
    assert unaware >= 2


def test_awareness_at_onset_leaves_room_for_the_hypertension_found_later() -> None:
    """s16htn: 45 % of latent onsets are aware at once (was 71.6 %, NHANES's awareness of prevalent hypertension): the
    unaware are found later through raised readings, so with 71.6 % at onset the prevalent awareness was 88 %."""
    aware = unaware = 0
    for seed in range(40):
        sim, _ = simulate("hypertension", "wellness_encounters", gender="M" if seed % 2 else "F",
                          born=dt.date(1940, 1, 1), end=dt.date(2020, 1, 1), seed=seed, folder=MODULES)  # fmt: skip
        states = [state for _, _, state in trace(sim, "hypertension")]
        if "HTN_Begins" in states:
            after = states[states.index("HTN_Begins") + 1]
            aware += after == "Await_Wellness"
            unaware += after == "Set_Unaware"
    assert aware + unaware >= 15
    assert 0.4 <= unaware / (aware + unaware) <= 0.75  # 55 % drawn unaware (was 28.4 %)


def test_a_raised_reading_not_followed_up_is_noticed_later_and_a_late_diagnosis_is_often_untreated() -> None:
    """s14htn: patients whose raised readings are not followed up at once are rechecked later (0.05 a year; Sentara,
    Lu 2025), only while the latest reading is raised; a delayed diagnosis starts a drug in 38.1 %, or none then; the
    untreated are offered a drug again at later wellness visits while their readings stay raised (s15lipid)."""
    noticed = late = reoffered = reviews = 0
    for seed in range(40):
        sim, rec = simulate("hypertension", "wellness_encounters", gender="M" if seed % 2 else "F",
                            born=dt.date(1940, 1, 1), end=dt.date(2020, 1, 1), seed=seed, folder=MODULES)  # fmt: skip
        steps = trace(sim, "hypertension")
        states = [state for _, _, state in steps]
        if "Noticed_Reset" not in states:
            continue
        noticed += 1
        assert "Set_Readings_Followed" not in states  # the prompt follow-up draw went the other way
        first = states.index("Noticed_Reset")
        date = next(d for d, _, s in steps[first:] if s == "Noticed_Reset")
        t = from_date(dt.date.fromisoformat(date)) + 86400
        before = [r for r in _readings(rec) if r[0] < t]
        assert before and _raised(before[-1])  # noticed only while the latest reading is raised
        if "Late_Untreated" in states:
            late += 1
            end = states.index("Late_Untreated")
            after = states[end:]
            started = [i for i, s in enumerate(after) if s.startswith(("Start_", "Add_"))]
            if started:  # a drug only when offered again at a wellness visit (Okonofua 2006: 13.1 % of visits)
                assert "Untreated_Reoffer" in after[: started[0]]
                reoffered += 1
            reviews += after.count("Untreated_Review")
    assert noticed >= 1
    assert late == 0 or reviews >= late  # the aware-untreated are reviewed at later wellness visits
