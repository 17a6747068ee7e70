"""Antihypertensives titrated at prenatal visits: a raised reading in pregnancy is acted on at that visit.

Outside pregnancy a chronic order is reviewed (and titrated) at wellness renewals. In pregnancy the
prenatal visits are every 2-4 weeks and ACOG treats to below 140/90 (CHAP trial, 2022), so a reading at
or above a threshold of ``pregnancy_bp.csv`` renews every running drug whose strength plan titrates on
systolic blood pressure once a step is due (dosing.csv ``step_days``): the renewal takes the titration
decision again (strength.py, with the plan's clinical inertia). The chart review found labetalol 100 mg
left unchanged through pregnancies with readings of 150-175 mm Hg. Functions of the ``Pharmacy``.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import TYPE_CHECKING, Any, NamedTuple

from ehrsim.core.tables import rows
from ehrsim.errors import ConfigError
from ehrsim.prescribing import courses, postpartum
from ehrsim.prescribing.patient import Patient

if TYPE_CHECKING:
    from ehrsim.prescribing.pharmacy import Pharmacy
    from ehrsim.prescribing.tables import Tables

#: a strength plan titrated on systolic BP: the reading recorded at the visit (or, in older data, the true value)
TITRATED_ON = frozenset({"obs:8480-6", "vital:Systolic Blood Pressure"})


@cache
def thresholds() -> dict[str, float]:
    """LOINC code of a blood-pressure reading -> the value at or above which treatment is stepped up."""
    out = {}
    for r in rows("prescribing/pregnancy_bp.csv"):
        try:
            out[r["loinc"]] = float(r["at_or_above"])
        except ValueError as exc:
            raise ConfigError(f"prescribing/pregnancy_bp.csv: {r['loinc']}: not a number") from exc
    return out


def raised(entry: dict[str, Any]) -> bool:
    """A blood-pressure reading (a panel's components or a single result) at or above a pregnancy threshold."""
    limits = thresholds()
    for part in (entry, *(entry.get("components") or ())):
        limit = limits.get(part["codes"][0]["code"])
        value = part.get("value")
        if limit is not None and isinstance(value, int | float) and not isinstance(value, bool) and value >= limit:
            return True
    return False


def titrate_in_pregnancy(ph: Pharmacy, entry: dict[str, Any], t: float) -> None:
    """Renew the running blood-pressure drugs due a step when a raised reading is taken in pregnancy; with none
    running, start one where the reading calls for it (``start_first_line``). In the weeks after the birth,
    persistent postpartum hypertension is treated (postpartum.py)."""
    if not raised(entry):
        return
    if not Patient(ph.sim, t).pregnant(ph.rx):
        postpartum.start_postpartum(ph, entry, t)
        return
    if start_first_line(ph, entry, t):
        return
    first_line_at_max = _at_max(ph, t)  # before this visit's steps: a step just taken is given its time
    for med, product in ph._current(t):
        plan = ph.rx.plans.get(med["codes"][0]["code"]) if product is not None else None
        if plan is None or plan.titrate not in TITRATED_ON or not med.get("chronic") or med["start"] >= t:
            continue
        mg = plan.mg_of(med["codes"][0]["code"])
        if mg is None or mg >= plan.max or t - med["start"] < plan.step:
            continue
        ph.renew(med, t, entry.get("encounter"))
    if first_line_at_max is not None:
        _add_second_line(ph, first_line_at_max, entry.get("encounter"), t)


SECOND_LINE_RULE = "pregnancy_second_line"
POSTPARTUM_END_S = (40 + 6) * 7 * 86400.0  # term plus the 6 postpartum weeks (ACOG Committee Opinion 736)


@cache
def second_line() -> tuple[str, ...]:
    """RxCUIs added, first allowed one wins, when the first-line drug is at its maximum (pregnancy_second_line.csv)."""
    return tuple(r["rxcui"] for r in rows("prescribing/pregnancy_second_line.csv"))


def _at_max(ph: Pharmacy, t: float) -> dict[str, Any] | None:
    """A running blood-pressure order when every one titrated on systolic pressure is at its maximum, else None."""
    found = None
    for med, product in ph._current(t):
        plan = ph.rx.plans.get(med["codes"][0]["code"]) if product is not None else None
        if plan is None or plan.titrate not in TITRATED_ON or not med.get("chronic"):
            continue
        mg = plan.mg_of(med["codes"][0]["code"])
        if mg is None or mg < plan.max:
            return None
        found = found or med
    return found


def _add_second_line(ph: Pharmacy, first: dict[str, Any], encounter: str | None, t: float) -> None:
    """A raised reading in pregnancy with the first-line drug at its maximum: a second agent is added (ACOG PB 203:
    labetalol, nifedipine extended release or methyldopa; CHAP 2022 treats to below 140/90)."""
    patient = Patient(ph.sim, t, encounter)
    for rxcui in second_line():
        product = ph.rx.products[rxcui]
        if ph._taking(product, t):
            return
        chosen, _ = ph.choose(product, patient)
        if chosen is not product:
            continue  # not yet on the market, or not for this patient
        why = f"raised blood pressure in pregnancy on {first['codes'][0].get('display', '')} at its maximum"
        fields = {k: v for k, v in first.items() if k not in ("id", "n", "encounter", "ordered", "prescribing")}
        start = ph.sim.physiology.pregnancy_start
        # for the pregnancy and the 6 weeks after it (ACOG: postpartum BP care), not renewed: after it the regimen is
        # the module's again (a calcium channel blocker kept for life sat beside amlodipine on a smoke run)
        stop = min((start if start is not None else t) + POSTPARTUM_END_S, ph.sim.end_time)
        fields.update(start=t, stop=max(stop, t + WEEK), stop_reason=None, codes=[product.as_code()], chronic=False)
        fields["dosage"] = {
            "amount": 1.0,
            "frequency": 1,
            "period": 1.0,
            "unit": "days",
            "dose_unit": product.dose_unit,
        }
        fields["prescribing"] = {"action": "added", "rule": SECOND_LINE_RULE, "reason": why}
        new = ph.sim.write("medications", fields, encounter)
        ph.sim.activate("medications", new)
        ph.log(t, "added", SECOND_LINE_RULE, why, product.as_code(), product.as_code(), new["id"])
        ph.review_for(product, encounter, t)
        return


# --- a first drug when none is running ----------------------------------------------------------------

FIRST_LINE_RULE = "pregnancy_first_line"


class StartRow(NamedTuple):
    code: str  # an active condition's code, "" for any pregnancy
    systolic: float
    diastolic: float
    chronic: bool  # a chronic order for the condition, else until 6 weeks after the birth


@cache
def start_rows() -> tuple[StartRow, ...]:
    """When an untreated pregnant woman's reading starts a drug (prescribing/pregnancy_bp_start.csv)."""
    out = []
    for r in rows("prescribing/pregnancy_bp_start.csv"):
        try:
            out.append(
                StartRow(
                    r["code"], float(r["systolic_at_or_above"]), float(r["diastolic_at_or_above"]), r["chronic"] == "1"
                )
            )
        except ValueError as exc:
            raise ConfigError(f"prescribing/pregnancy_bp_start.csv: {r['display']}: {exc}") from exc
    return tuple(out)


@cache
def first_line() -> tuple[str, ...]:
    """RxCUIs started, the first allowed one wins (prescribing/pregnancy_first_line.csv)."""
    return tuple(r["rxcui"] for r in rows("prescribing/pregnancy_first_line.csv"))


def reading_of(entry: dict[str, Any]) -> tuple[float, float]:
    """Systolic and diastolic values of a reading (a panel's components or a single result; 0 when absent)."""
    found = {"8480-6": 0.0, "8462-4": 0.0}
    for part in (entry, *(entry.get("components") or ())):
        code = part["codes"][0]["code"]
        value = part.get("value")
        if code in found and isinstance(value, int | float) and not isinstance(value, bool):
            found[code] = float(value)
    return found["8480-6"], found["8462-4"]


def treated(ph: Pharmacy, t: float) -> bool:
    """A blood-pressure drug is running: one titrated on systolic pressure, or a pregnancy first/second-line drug."""
    own = set(first_line()) | set(second_line())
    for med, product in ph._current(t):
        if product is None:
            continue
        plan = ph.rx.plans.get(med["codes"][0]["code"])
        if (plan is not None and plan.titrate in TITRATED_ON) or product.code in own:
            return True
    return False


def start_first_line(ph: Pharmacy, entry: dict[str, Any], t: float) -> bool:
    """A raised reading in pregnancy with no blood-pressure drug running starts labetalol (methyldopa before it
    existed) when chronic hypertension is known and the reading is >= 140/90 (CHAP 2022, ACOG 2022), or at any
    severe-range reading >= 160/110 (ACOG Committee Opinion 767). Any library's pregnancy gets it: the module's
    diagnosis code is looked up in the data, and an untreated severe reading needs none. True when one started."""
    systolic, diastolic = reading_of(entry)
    active = ph.sim.active["conditions"]
    row = next(
        (
            r
            for r in start_rows()
            if (not r.code or r.code in active) and (systolic >= r.systolic or diastolic >= r.diastolic)
        ),
        None,
    )
    if row is None or treated(ph, t):
        return False
    reason = active[row.code]["codes"][0] if row.code else _pregnancy_code(ph)
    why = f"blood pressure {systolic:g}/{diastolic:g} in pregnancy with no antihypertensive"
    start = ph.sim.physiology.pregnancy_start
    stop = None if row.chronic else min((start if start is not None else t) + POSTPARTUM_END_S, ph.sim.end_time)
    return start_drug(ph, entry.get("encounter"), t, reason, stop, row.chronic, why)


def start_drug(
    ph: Pharmacy,
    encounter: str | None,
    t: float,
    reason: dict[str, Any] | None,
    stop: float | None,
    chronic: bool,
    why: str,
    rule: str = FIRST_LINE_RULE,
) -> bool:
    """Start the first allowed first-line drug (pregnancy_first_line.csv) for ``reason``; True when one started."""
    patient = Patient(ph.sim, t, encounter)
    for rxcui in first_line():
        product = ph.rx.products[rxcui]
        chosen, _ = ph.choose(product, patient)
        if chosen is not product:
            continue  # not yet on the market, or not for this patient
        regimen = next((g for g in courses.courses().regimens.get(rxcui, ()) if not g.reason_group), None)
        fields = {
            "start": t,
            "stop": None if stop is None else max(stop, t + WEEK),
            "codes": [product.as_code()],
            "reason": [dict(reason)] if reason is not None else [],
            "chronic": chronic,
            "administered": False,
            "requested": True,
            "dosage": {
                "amount": 1.0,
                "frequency": regimen.frequency if regimen else 1,
                "period": regimen.period_days if regimen else 1.0,
                "unit": "days",
                "dose_unit": product.dose_unit,
            },
            "as_needed": False,
            "duration_days": None,
            "refills": 0,
            "instructions": [],
            "stop_reason": None,
            "prescribing": {"action": "added", "rule": rule, "reason": why},
        }
        new = ph.sim.write("medications", fields, encounter)
        ph.sim.activate("medications", new)
        ph.log(t, "added", rule, why, product.as_code(), product.as_code(), new["id"])
        ph.review_for(product, encounter, t)
        return True
    return False


def _pregnancy_code(ph: Pharmacy) -> dict[str, Any] | None:
    active = ph.sim.active["conditions"]
    found = next((active[c] for c in ph.rx.pregnancy if c in active), None)
    return found["codes"][0] if found is not None else None


# --- low-dose aspirin for a pregnancy at high risk of preeclampsia ------------------------------------

WEEK = 7 * 86400.0
ASPIRIN_RULE = "aspirin_preeclampsia_risk"


class AspirinPlan(NamedTuple):
    rxcui: str
    since: float  # the recommendation's date (POSIX seconds)
    from_s: float  # gestational age (seconds since conception) at which it is started
    until_s: float  # ... and no later
    stop_s: float  # planned end, unless the pregnancy ends first


@cache
def aspirin_plan() -> AspirinPlan:
    """The recommendation (prescribing/pregnancy_aspirin.csv, one row)."""
    (r,) = rows("prescribing/pregnancy_aspirin.csv")
    try:
        since = dt.datetime.fromisoformat(r["from_date"]).replace(tzinfo=dt.UTC).timestamp()
        weeks = [float(r[k]) * WEEK for k in ("from_week", "until_week", "stop_week")]
    except ValueError as exc:
        raise ConfigError(f"prescribing/pregnancy_aspirin.csv: {exc}") from exc
    return AspirinPlan(r["rxcui"], since, *weeks)


@cache
def high_risk_codes() -> tuple[str, ...]:
    """Condition codes that put a pregnancy at high risk of preeclampsia (prescribing/pregnancy_aspirin_risk.csv)."""
    return tuple(r["code"] for r in rows("prescribing/pregnancy_aspirin_risk.csv"))


def aspirin_at_visit(ph: Pharmacy, encounter: str | None, t: float) -> dict[str, Any] | None:
    """At a visit from 12 to 28 weeks of a pregnancy at high risk (chronic hypertension, diabetes, kidney disease),
    low-dose aspirin is started unless aspirin is taken already or must not be given. Any library's pregnancy
    gets it: the core knows the conception from the pregnancy attribute, whatever the module's codes."""
    phys = ph.sim.physiology
    start = phys.pregnancy_start
    if start is None or phys.pregnancy_end is not None or ph.pregnancy_aspirin is not None:
        return None
    plan = aspirin_plan()
    if t < plan.since or not plan.from_s <= t - start < plan.until_s:
        return None
    active = ph.sim.active["conditions"]
    risk = next((active[c] for c in high_risk_codes() if c in active), None)
    if risk is None:
        return None
    product = ph.rx.products[plan.rxcui]
    if any(p is not None and set(p.ingredients) & set(product.ingredients) for _, p in ph._current(t)):
        return None  # aspirin already (a module's own order, or secondary prevention)
    chosen, _ = ph.choose(product, Patient(ph.sim, t, encounter))
    if chosen is not product:
        return None  # an aspirin allergy, or a contraindication: nothing is substituted for prevention
    pregnancy = next((active[c] for c in ph.rx.pregnancy if c in active), None)
    reason = (pregnancy or risk)["codes"][0]
    why = f"pregnancy at high risk of preeclampsia ({risk['codes'][0].get('display', '')})"
    fields = {
        "start": t,
        "stop": min(start + plan.stop_s, ph.sim.end_time),
        "codes": [product.as_code()],
        "reason": [dict(reason)],
        "chronic": False,
        "administered": False,
        "requested": True,
        "dosage": {"amount": 1.0, "frequency": 1, "period": 1.0, "unit": "days", "dose_unit": product.dose_unit},
        "as_needed": False,
        "duration_days": None,
        "refills": 0,
        "instructions": [],
        "stop_reason": None,
        "prescribing": {"action": "added", "rule": ASPIRIN_RULE, "reason": why},
    }
    entry = ph.sim.write("medications", fields, encounter)
    ph.sim.activate("medications", entry)
    ph.pregnancy_aspirin = entry
    ph.log(t, "added", ASPIRIN_RULE, why, product.as_code(), product.as_code(), entry["id"])
    ph.review_for(product, encounter, t)  # a running NSAID gives way to aspirin, as for any new order
    return entry


def pregnancy_ended(ph: Pharmacy, t: float) -> None:
    """The pregnancy ended (delivery or loss): its aspirin ends with it, its blood-pressure course ends 6 weeks after
    the birth (``_end_bp_course``), and the drugs it substituted are reviewed at the next visit
    (``review_after_pregnancy``)."""
    entry, ph.pregnancy_aspirin = ph.pregnancy_aspirin, None
    if entry is not None:  # (a planned stop already past still leaves the active lookups here)
        ph.sim.deactivate("medications", entry, t, None)
    _end_bp_course(ph, t)
    ph.postpartum_review = True


def _end_bp_course(ph: Pharmacy, t: float) -> None:
    """A pregnancy's own blood-pressure course (a first- or second-line drug, not for chronic hypertension) was planned
    to end 46 weeks after the conception, 6 weeks after a birth at term (``POSTPARTUM_END_S``). A birth before term
    (pre-eclampsia is delivered early) left it running longer: labetalol ran 13 weeks after a birth at 35 weeks.
    It now ends 6 weeks after the actual birth (ACOG Committee Opinion 736: the postpartum period; ACOG Practice
    Bulletin 222: gestational hypertension and pre-eclampsia resolve by 12 weeks). A later raised reading in those 6
    weeks is ``postpartum.start_postpartum``'s; after them, the module's hypertension care. No random draw."""
    begun = ph.sim.physiology.pregnancy_start
    if begun is None:
        return
    own = {i for rxcui in (*first_line(), *second_line()) for i in ph.rx.products[rxcui].ingredients}
    until = t + postpartum.POSTPARTUM_S
    for med, product in ph._current(t):
        stop = med["stop"]
        if product is None or med.get("chronic") or stop is None or stop <= until or med["start"] < begun:
            continue
        if set(product.ingredients) & own:
            med["stop"] = until


def _pregnancy_rules(rx: Tables) -> frozenset[str]:
    """Ids of the rules.csv rows that hold in pregnancy (their substitutes are for the pregnancy only)."""
    return frozenset(r.rule for rules in rx.rules.values() for r in rules if r.kind == "pregnant")


def review_after_pregnancy(ph: Pharmacy, encounter: str | None, t: float) -> None:
    """The first visit after a pregnancy (the postpartum visit): a drug substituted because of the pregnancy (labetalol
    for an ACE inhibitor, insulin for a GLP-1 agonist) is renewed, so the module's own drug is chosen again. Without
    this the substitute ran to the next yearly renewal, up to a year after the birth (s13review: labetalol renewed
    long after the pregnancy). ACOG Practice Bulletin 203 (2019): postpartum, ACE inhibitors such as enalapril are
    compatible with breastfeeding; ACOG Committee Opinion 736 (2018): the postpartum visit reviews chronic
    conditions and their medicines."""
    if Patient(ph.sim, t, encounter).pregnant(ph.rx):
        return  # pregnant again before any visit: the substitutes still hold
    ph.postpartum_review = False
    rules = _pregnancy_rules(ph.rx)
    for med, _product in ph._current(t):
        if (med.get("prescribing") or {}).get("rule") in rules:
            ph.renew(med, t, encounter)
