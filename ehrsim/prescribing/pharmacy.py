"""One life's prescriber: checks every MedicationOrder a module makes before it is written.

A module names a drug; the prescriber writes what a careful clinician would have ordered at that
moment for this patient: the drug itself, or the first listed alternative when the drug is
contraindicated (allergy, kidney function, pregnancy, age, weight, an interacting drug, not yet
approved in the US), or nothing, with the reason. Every change is written on the entry
(``prescribing``) and in the life's ``events`` list (docs/record.md), so audits and teaching cases
can show it. The state that ordered keeps the entry it got, so MedicationEnd by state name or by
attribute still ends it; the ordered code stays an alias in the active lookup, so ending by codes
works too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ehrsim.prescribing import (
    antidepressants,
    bsa,
    checks,
    courses,
    dosing,
    ingredients,
    lifecycle,
    older_adults,
    pregnancy,
    result_titration,
    review,
    running,
)
from ehrsim.prescribing.lifecycle import STOPPED
from ehrsim.prescribing.patient import Patient
from ehrsim.prescribing.tables import Product, tables

if TYPE_CHECKING:
    from ehrsim.engine.simulation import Simulation
    from ehrsim.gmf.run import ModuleRun


class Pharmacy:
    """The prescribing layer for one life (``Simulation.rx``)."""

    __slots__ = (
        "_bp_limits",
        "_holders",
        "_rng",
        "events",
        "gbs_positive",
        "gbs_screened",
        "last_conception",
        "pending",
        "postpartum_review",
        "pregnancy_aspirin",
        "rx",
        "sim",
    )

    def __init__(self, sim: Simulation) -> None:
        self.sim = sim
        self.rx = tables()
        self._rng: np.random.Generator | None = None
        #: every change the layer made, in time order (the record's ``prescribing`` list)
        self.events: list[dict[str, Any]] = []
        #: chronic orders withheld because the drug did not exist yet: (run, state name, held entry)
        self.pending: list[tuple[ModuleRun, str, dict[str, Any]]] = []
        #: the module runs whose states have held a medication entry (only they can hold one: ``_repoint``)
        self._holders: dict[int, ModuleRun] = {}
        #: codes of the readings a pregnancy titration reacts to (``observed``: most results are none of them)
        self._bp_limits = pregnancy.thresholds()
        #: the low-dose aspirin the core started in the current pregnancy (pregnancy.aspirin_at_visit)
        self.pregnancy_aspirin: dict[str, Any] | None = None
        #: the latest conception (the physiology forgets a pregnancy a while after it): a device inserted before it
        #: was removed for it (running.in_place)
        self.last_conception: float | None = None
        #: a pregnancy ended: drugs substituted for it are reviewed at the next visit (pregnancy.review_after_pregnancy)
        self.postpartum_review = False
        #: the pregnancy (its start) the core decided a GBS culture for, and whether that culture was positive (gbs.py)
        self.gbs_screened: float | None = None
        self.gbs_positive = False

    def rng(self) -> np.random.Generator:
        """The prescriber's own stream, spawned at first use so it never shifts the modules' draws."""
        if self._rng is None:
            self._rng = self.sim.rng.spawn(1)[0]
        return self._rng

    # --- orders ---------------------------------------------------------------------------------

    def order(self, run: ModuleRun, state: Any, fields: dict[str, Any], t: float) -> dict[str, Any]:
        """Check, adjust and record one MedicationOrder; returns the entry the state holds."""
        sim = self.sim
        ordered = fields["codes"][0]
        product = self.rx.products.get(ordered["code"])
        one_off = fields["administered"] and not fields["chronic"]
        if one_off and product is not None and product.code in self.rx.durations:
            # a device or implant inserted at the visit stays in place for its labelled life (durations.csv), or
            # until the module removes it (MedicationEnd); s14review: 77 of 77 insertions ended with the visit
            lasts = t + (running.life(self, product.code, t) or 0.0)
            fields["stop"] = lasts if fields["stop"] is None else min(fields["stop"], lasts)
            fields["requested"] = True
            one_off = False
        if one_off:  # an administration ends with the visit it was given in
            enc = sim.desk.current(run)
            end = max(t, enc["stop"]) if enc is not None else t
            if fields["stop"] is None or fields["stop"] > end:
                planned = fields["stop"]
                fields["stop"] = end
                if enc is not None and end > t:  # the visit may run longer: the course goes on with it
                    entry = self._order(run, state, fields, t, one_off, product, ordered)
                    if entry.get("stop") == end:
                        sim.desk.cap(enc, entry, planned)
                    return entry
        return self._order(run, state, fields, t, one_off, product, ordered)

    def _order(
        self, run: ModuleRun, state: Any, fields: dict[str, Any], t: float, one_off: bool, product: Any, ordered: Any
    ) -> dict[str, Any]:
        sim = self.sim
        if product is None:
            return self._write(run, state, fields, t, activate=not one_off)
        if fields["administered"] and product.code in self.rx.durations:
            in_place = running.in_place(self, product, t)
            if in_place is not None:  # the device given before is still in place: nothing is inserted
                run.created[state.name] = in_place
                self._holders[id(run)] = run
                if state.assign_to_attribute:
                    sim.set_attribute(state.assign_to_attribute, in_place)
                return in_place
        patient = Patient(sim, t, self._encounter(run))
        if fields["chronic"]:  # an older adult within the HbA1c goal (ADA 13); severe dementia at a low systolic
            held = older_adults.within_goal_new_start(self, product, patient) or older_adults.bp_new_start(
                self, product, patient, fields.get("reason")
            )
            if held is not None:
                return self._withhold(run, state, fields, t, held)
        chosen, problem = self.choose(product, patient, fields.get("reason") or ())
        if (
            chosen is not None and chosen is product and "antidepressant" in chosen.classes
        ):  # one regimen for depression
            taken = antidepressants.serving(self, fields, chosen, t, patient.encounter)  # (antidepressants.py)
            if taken is not None:
                return self._withhold(run, state, fields, t, ("second_indication", f"{taken} treats it too", ""))
            chosen = antidepressants.answer_order(self, fields, chosen, t)
            ordered, product = fields["codes"][0], chosen
        if chosen is None:
            return self._withhold(run, state, fields, t, problem)
        if chosen is not product:
            self._substitute(fields, chosen, ordered, problem, t)
            courses.own_regimen(self, fields, chosen, product)
            devices = self.rx.durations
            if fields["administered"] and not one_off and product.code in devices and chosen.code not in devices:
                fields.update(stop=t, requested=False)  # a device's substitute is no device: given once, at the visit
                one_off = True
        chosen = dosing.paediatric(self, fields, chosen, patient, ordered, t)
        previous = dosing.previous(self, chosen, t)
        chosen = dosing.strength(self, fields, chosen, patient, ordered, t, previous)
        if not bsa.dose(self, fields, chosen, patient):  # chemotherapy: per m2 of body-surface area
            dosing.dose(self, fields, chosen, patient, previous)
        caution = chosen.classes & patient.allergy(self.rx)[1]
        if caution:
            reason = f"allergy caution: {min(caution).replace('_', ' ')} class (no severe reaction recorded)"
            fields["prescribing"] = {**(fields.get("prescribing") or {}), "caution": reason}
            self.log(t, "caution", "allergy_caution", reason, fields["codes"][0], fields["codes"][0])
        if not one_off:
            duplicate = ingredients.duplicate(self, chosen, fields, t)  # acetaminophen prn on chronic acetaminophen
            if duplicate is not None:
                return self._withhold(run, state, fields, t, (*duplicate, ""))
            if chosen is not product and running.written_now(self, chosen, t, fields["stop"]):
                return self._twin(run, state, fields, t, ordered, problem)
            washout = running.stop_interacting(self, chosen, t)
            if washout:  # the new drug starts after the washout (e.g. 36 h after the last ACE inhibitor dose)
                fields["start"] = min(t + washout, self.sim.end_time)
                if fields["stop"] is not None:
                    fields["stop"] = max(fields["stop"], fields["start"])
            running.replace_duplicates(self, chosen, t)
            over = ingredients.cap(self, fields, chosen, patient.age, t)  # the sum of its orders within the maximum
            if over is not None:
                return self._withhold(run, state, fields, t, (*over, ""))
        if not one_off and previous is not None and lifecycle.reopens(previous, fields, t):
            return lifecycle.reopen(self, run, state, previous, fields)
        new_course = not one_off and previous is None
        if new_course:  # the label's first steps (varenicline 0.5 mg for a week)
            courses.titrate(self, fields, chosen, t, self._encounter(run), "before")
        entry = self._write(run, state, fields, t, activate=not one_off)
        if new_course:  # and its step-down (a nicotine patch 21 -> 14 -> 7 mg)
            courses.titrate(self, entry, chosen, t, entry.get("encounter"), "after")
        if not one_off:
            self.review_for(chosen, entry.get("encounter"), t)
        return entry

    def review_for(self, started: Product, encounter: str | None, t: float) -> None:
        """A drug just started (or renewed as another drug) may make running orders wrong: aspirin switches a
        running NSAID; a diuretic completing the NSAID 'triple whammy' switches the NSAID."""
        if started.classes & self.rx.review_classes:
            self._review(encounter, t)
        elif targets := [self.rx.review_targets[c] for c in started.classes & self.rx.review_targets.keys()]:
            self._review(encounter, t, frozenset().union(*targets))

    def _encounter(self, run: ModuleRun) -> str | None:
        enc = self.sim.desk.current(run)
        return enc["id"] if enc is not None else None

    def choose(
        self, product: Product, patient: Patient, reasons: Any = ()
    ) -> tuple[Product | None, tuple[str, str, str] | None]:
        """(product to give or None, (rule, reason, alternatives group)): checks.choose."""
        return checks.choose(self, product, patient, reasons)

    def problem(self, product: Product, patient: Patient) -> tuple[str, str, str] | None:
        """Why ``product`` must not be given now (checks.problem), or None."""
        return checks.problem(self, product, patient)

    # --- what the order becomes -----------------------------------------------------------------

    def _substitute(
        self,
        fields: dict[str, Any],
        chosen: Product,
        ordered: dict[str, str],
        problem: tuple[str, str, str] | None,
        t: float,
    ) -> None:
        rule, reason = (problem[0], problem[1]) if problem else ("", "")
        fields["codes"] = [chosen.as_code()]
        fields.setdefault("ordered", dict(ordered))
        fields["prescribing"] = {"action": "substituted", "rule": rule, "reason": reason, "ordered": dict(ordered)}
        if fields.get("dosage") is not None:  # the module's dose, given back when the ordered drug may be renewed
            fields["prescribing"]["ordered_dosage"] = dict(fields["dosage"])
        self.log(t, "substituted", rule, reason, ordered, fields["codes"][0])

    def _withhold(
        self, run: ModuleRun, state: Any, fields: dict[str, Any], t: float, problem: tuple[str, str, str] | None
    ) -> dict[str, Any]:
        """Nothing is written; the state still holds an (unrecorded) entry so later references work."""
        rule, reason = (problem[0], problem[1]) if problem else ("", "")
        entry = {**fields, "id": None, "stop": t, "prescribing": {"action": "withheld", "rule": rule, "reason": reason}}
        run.created[state.name] = entry
        self._holders[id(run)] = run
        if state.assign_to_attribute:
            self.sim.set_attribute(state.assign_to_attribute, entry)
        self.log(t, "withheld", rule, reason, fields["codes"][0], None)
        if rule == "us_approval" and fields.get("chronic"):  # prescribed at a later visit once it exists
            self.pending.append((run, state.name, entry))
        return entry

    def _twin(
        self,
        run: ModuleRun,
        state: Any,
        fields: dict[str, Any],
        t: float,
        ordered: dict[str, str],
        problem: tuple[str, str, str] | None,
    ) -> dict[str, Any]:
        """Two drugs a module orders at one visit become the same substitute (metformin and liraglutide before their
        approval, both regular insulin): the substitute is written once, not once and replaced at the same instant
        (a 0-second course, again at every yearly renewal: 153 of 2,258 chronic courses of 100 lives of Synthea's
        library). The second drug waits, as ordered, for its own approval (``pending``)."""
        note = fields.get("prescribing") or {}
        waiting = {k: v for k, v in fields.items() if k not in ("ordered", "prescribing")}
        waiting["codes"] = [dict(ordered)]
        if note.get("ordered_dosage") is not None:
            waiting["dosage"] = dict(note["ordered_dosage"])
        given = fields["codes"][0]["display"]
        entry = self._withhold(
            run, state, waiting, t, ("duplicate_therapy", f"{given} already ordered at this visit", "")
        )
        if problem is not None and problem[0] == "us_approval" and fields.get("chronic"):
            self.pending.append((run, state.name, entry))
        return entry

    def resume(self, t: float, encounter: str | None) -> None:
        """At a visit, chronic orders withheld as not yet approved are prescribed once they may be."""
        lifecycle.resume(self, t, encounter)

    def _write(self, run: ModuleRun, state: Any, fields: dict[str, Any], t: float, *, activate: bool) -> dict[str, Any]:
        entry = self.sim.add_entry(run, "medications", fields, state)
        if state is not None:  # the state now holds the entry (``add_entry``)
            self._holders[id(run)] = run
        stop = fields["stop"]
        if activate and (stop is None or stop > t):
            self.sim.activate("medications", entry)
        return entry

    # --- renewals --------------------------------------------------------------------------------

    def renew(self, med: dict[str, Any], t: float, encounter: str | None) -> dict[str, Any] | None:
        """A chronic order renewed at a visit: the decision is taken again (lifecycle.renew)."""
        return lifecycle.renew(self, med, t, encounter)

    def _repoint(self, old: dict[str, Any], new: dict[str, Any]) -> None:
        """Whoever held the old entry (an attribute, a MedicationOrder state) holds the new one."""
        sim = self.sim
        for name, value in sim.attributes.items():
            if value is old:
                sim.attributes[name] = new
        for run in self._holders.values():  # no other run's states ever held a medication entry
            for state_name, held in run.created.items():
                if held is old:
                    run.created[state_name] = new

    # --- when the patient changes ---------------------------------------------------------------

    def started(self, kind: str, entry: dict[str, Any], t: float) -> None:
        """A condition or allergy began: ongoing orders it contraindicates are stopped or switched. A hospice care
        plan began: preventive drugs stop at the enrolment (rules.csv ``comfort_care``; the core's terminal course
        is written back from the death, so its start is the plan's, not now)."""
        code = entry["codes"][0]["code"]
        if kind == "careplans":
            if code in self.rx.comfort_care:
                self._review(entry.get("encounter"), min(t, float(entry["start"])))
            return
        if code in (self.rx.triggers if kind == "conditions" else self.rx.allergens):
            self._review(entry.get("encounter"), t)

    def comfort_started(self, enc: dict[str, Any]) -> None:
        """A hospice encounter began (any library's): running orders are reviewed under the ``comfort_care`` rules."""
        self._review(enc["id"], float(enc["start"]))

    def observed(self, entry: dict[str, Any], t: float) -> None:
        """An eGFR result in CKD stage 3 or worse: ongoing orders are checked again; a raised blood pressure in
        pregnancy: blood-pressure drugs are titrated (pregnancy.py); a result showing no response (a PHQ-9 of 10+ on
        an antidepressant): the drug is stepped up (result_titration.py)."""
        code = entry["codes"][0]["code"]
        if entry.get("components") or code in self._bp_limits:  # else not a blood pressure: ``raised`` is False
            pregnancy.titrate_in_pregnancy(self, entry, t)
            if entry.get("components"):  # severe dementia at a systolic below 130: scaled back (STOPPFrail)
                older_adults.scale_back_on_reading(self, entry, t)
        result_titration.titrate_on_result(self, entry, t)
        older_adults.deintensify_on_result(self, entry, t)  # an older adult below the HbA1c goal (ADA 13)
        if code in self.rx.result_triggers:  # an MMSE showing severe dementia: preventive drugs stop (STOPPFrail)
            floor = self.rx.result_floors.get(code)
            value = entry.get("value")
            if floor is None or (isinstance(value, int | float) and value >= floor):  # a potassium of 5.0 or more
                self._review(entry.get("encounter"), t)
        if code in self.rx.egfr_codes:
            value = entry["value"]
            if isinstance(value, int | float) and self.rx.stage_of_egfr(float(value)):
                self._review(entry.get("encounter"), t)

    def _review(self, encounter: str | None, t: float, only: frozenset[str] | None = None) -> None:
        review.review(self, encounter, t, only)

    def ended(self, entry: dict[str, Any], t: float) -> None:
        """A condition ended: the ongoing orders given for it end too, unless succeeded (review.ended)."""
        review.ended(self, entry, t)

    # --- records of what the layer did ---------------------------------------------------------

    def _current(self, t: float) -> list[tuple[dict[str, Any], Product | None]]:
        return running.current(self, t)

    def _taking(self, chosen: Product, t: float) -> bool:
        return running.taking(self, chosen, t)

    def _stop(self, entry: dict[str, Any], t: float, action: str, rule: str, reason: str) -> None:
        self.sim.deactivate("medications", entry, t, STOPPED)
        entry["stop_reason"] = dict(STOPPED)
        entry["prescribing"] = {**(entry.get("prescribing") or {}), "stopped": action, "stop_rule": rule}
        self.log(t, action, rule, reason, entry["codes"][0], None, entry["id"])

    def replace(self, entry: dict[str, Any], t: float, rule: str, reason: str) -> None:
        """Stop a running order a new one duplicates. An era substitute (a thiazide standing in for lisinopril before
        1987) stops, but the drug it stood for is still ordered: it waits for its approval (``pending``), else a
        module's own thiazide order would end the lisinopril the patient gets once it exists."""
        self._stop(entry, t, "replaced", rule, reason)
        if (entry.get("prescribing") or {}).get("rule") != "us_approval" or not entry.get("chronic"):
            return
        for run in self._holders.values():
            name = next((n for n, held in run.created.items() if held is entry), None)
            if name is not None:
                self.pending.append((run, name, entry))
                return

    def log(
        self,
        t: float,
        action: str,
        rule: str,
        reason: str,
        ordered: dict[str, str],
        given: dict[str, str] | None,
        entry: str | None = None,
    ) -> None:
        """Record what the layer (or the core, for care of its era such as hospice) substituted, withheld or changed."""
        self.events.append(
            {
                "time": int(t),
                "action": action,
                "rule": rule,
                "reason": reason,
                "ordered": dict(ordered),
                "given": dict(given) if given else None,
                "entry": entry,
            }
        )
