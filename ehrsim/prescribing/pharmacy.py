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

import datetime as dt
from typing import TYPE_CHECKING, Any

import numpy as np

from ehrsim.prescribing import courses, dosing, lifecycle, pregnancy
from ehrsim.prescribing.lifecycle import STOPPED
from ehrsim.prescribing.patient import Patient
from ehrsim.prescribing.tables import Product, Rule, class_groups, tables
from ehrsim.record.times import from_date

if TYPE_CHECKING:
    from ehrsim.engine.simulation import Simulation
    from ehrsim.gmf.run import ModuleRun


class Pharmacy:
    """The prescribing layer for one life (``Simulation.rx``)."""

    __slots__ = ("_holders", "_rng", "events", "pending", "rx", "sim")

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
            in_place = self._in_place(product, t)
            if in_place is not None:  # the device given before is still in place: nothing is inserted
                run.created[state.name] = in_place
                self._holders[id(run)] = run
                if state.assign_to_attribute:
                    sim.set_attribute(state.assign_to_attribute, in_place)
                return in_place
        patient = Patient(sim, t, self._encounter(run))
        chosen, problem = self.choose(product, patient, fields.get("reason") or ())
        if chosen is None:
            return self._withhold(run, state, fields, t, problem)
        if chosen is not product:
            self._substitute(fields, chosen, ordered, problem, t)
            courses.own_regimen(self, fields, chosen, product)
        chosen = dosing.paediatric(self, fields, chosen, patient, ordered, t)
        previous = dosing.previous(self, chosen, t)
        chosen = dosing.strength(self, fields, chosen, patient, ordered, t, previous)
        dosing.dose(self, fields, chosen, patient, previous)
        caution = chosen.classes & patient.allergy(self.rx)[1]
        if caution:
            reason = f"allergy caution: {min(caution).replace('_', ' ')} class (no severe reaction recorded)"
            fields["prescribing"] = {**(fields.get("prescribing") or {}), "caution": reason}
            self._log(t, "caution", "allergy_caution", reason, fields["codes"][0], fields["codes"][0])
        if not one_off:
            washout = self._stop_interacting(chosen, t)
            if washout:  # the new drug starts after the washout (e.g. 36 h after the last ACE inhibitor dose)
                fields["start"] = min(t + washout, self.sim.end_time)
                if fields["stop"] is not None:
                    fields["stop"] = max(fields["stop"], fields["start"])
            self._replace_duplicates(chosen, t)
        new_course = not one_off and previous is None
        if new_course:  # the label's first steps (varenicline 0.5 mg for a week)
            courses.titrate(self, fields, chosen, t, self._encounter(run), "before")
        entry = self._write(run, state, fields, t, activate=not one_off)
        if new_course:  # and its step-down (a nicotine patch 21 -> 14 -> 7 mg)
            courses.titrate(self, entry, chosen, t, entry.get("encounter"), "after")
        if not one_off and chosen.classes & self.rx.review_classes:  # e.g. aspirin: a running NSAID is switched
            self._review(entry.get("encounter"), t)
        elif not one_off and (
            targets := [self.rx.review_targets[c] for c in chosen.classes & self.rx.review_targets.keys()]
        ):
            self._review(entry.get("encounter"), t, frozenset().union(*targets))  # a diuretic: a running NSAID
        return entry

    def _encounter(self, run: ModuleRun) -> str | None:
        enc = self.sim.desk.current(run)
        return enc["id"] if enc is not None else None

    def choose(
        self, product: Product, patient: Patient, reasons: Any = ()
    ) -> tuple[Product | None, tuple[str, str, str] | None]:
        """(product to give or None, (rule, reason, alternatives group) when the ordered one is not given).

        A group ``GROUP|CONDITION_GROUP`` is used instead of ``GROUP`` when the order is for a condition of
        that group (e.g. cystitis before cephalexin gets ampicillin, not penicillin V).
        """
        problem = self.problem(product, patient)
        if problem is None:
            return product, None
        group = problem[2]
        for reason in reasons:
            code = reason.get("code")
            specific = next(
                (
                    f"{group}|{g}"
                    for g in sorted(self.rx.reason_groups.get(code, ()))
                    if f"{group}|{g}" in self.rx.alternatives
                ),
                None,
            )
            if specific is not None:
                group = specific
                break
        for alt in self.rx.alternatives.get(group, ()):
            if alt.route not in ("any", product.route) or not alt.min_age <= patient.age < alt.max_age:
                continue
            candidate = self.rx.products[alt.code]
            if self.problem(candidate, patient) is None:
                return candidate, problem
        return None, problem

    def problem(self, product: Product, patient: Patient) -> tuple[str, str, str] | None:
        """Why ``product`` must not be given now: (rule id, reason, alternatives group), or None."""
        rx = self.rx
        t = patient.t
        if product.approvals and t < product.approvals[0][0]:
            pending = [key for since, key in product.approvals if t < since]
            keys = (*pending, product.code, *product.ingredients)  # a new form of an old drug: the drug's era group
            group = next((f"era:{k}" for k in keys if f"era:{k}" in rx.alternatives), "")
            return "us_approval", f"{pending[-1]} not yet approved in the US", group
        for since, key in product.withdrawals:
            if t >= since:
                return "us_withdrawn", f"{key} withdrawn from the US market", f"era:{key}"
        avoid, _caution = patient.allergy(rx)
        if avoid:
            hit = product.classes & avoid
            if hit:
                cls = min(hit)
                return f"allergy_{cls}", f"allergy: {cls.replace('_', ' ')} class", f"allergy:{cls}"
        for key in product.rule_keys:
            for rule in rx.rules.get(key, ()):
                if self._applies(rule, patient):
                    return rule.rule, rule.rationale, rule.alternatives if rule.action == "substitute" else ""
            for active_class, action, rule_id, rationale, _washout in rx.interactions.get(key, ()):
                if action == "withhold" and self._active_class(active_class, t):
                    return rule_id, rationale, ""
        return None

    def _applies(self, rule: Rule, patient: Patient) -> bool:
        kind = rule.kind
        if kind == "ckd_stage_at_least":
            return patient.ckd_stage(self.rx) >= rule.threshold
        if kind == "pregnant":
            return patient.pregnant(self.rx)
        if kind == "age_below":
            if rule.subject and patient.t < from_date(dt.date(int(rule.subject), 1, 1)):
                return False  # a rule of a later era (``subject``: the year it starts), e.g. Reye syndrome 1982
            return patient.age < rule.threshold
        if kind == "has_condition":
            if rule.threshold and patient.t >= from_date(dt.date(int(rule.threshold), 1, 1)):
                return False  # a contraindication of its era, lifted on 1 January of ``threshold``
            active = self.sim.active["conditions"]
            return any(code in active for code in self.rx.condition_groups[rule.subject])
        if kind == "taking_class":
            return self._active_class(rule.subject, patient.t)
        if kind == "taking_classes":  # e.g. an NSAID with an ACE inhibitor or ARB and a diuretic
            groups = class_groups(rule.subject)[0]
            return all(any(self._active_class(c, patient.t) for c in group) for group in groups)
        return patient.chart_weight() < rule.threshold  # weight_below: a device band, by the chart weight

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
        self._log(t, "substituted", rule, reason, ordered, fields["codes"][0])

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
        self._log(t, "withheld", rule, reason, fields["codes"][0], None)
        if rule == "us_approval" and fields.get("chronic"):  # prescribed at a later visit once it exists
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
        """A condition or allergy began: ongoing orders it contraindicates are stopped or switched."""
        code = entry["codes"][0]["code"]
        if code in (self.rx.triggers if kind == "conditions" else self.rx.allergens):
            self._review(entry.get("encounter"), t)

    def observed(self, entry: dict[str, Any], t: float) -> None:
        """An eGFR result in CKD stage 3 or worse: ongoing orders are checked again; a raised blood pressure in
        pregnancy: blood-pressure drugs are titrated (pregnancy.py)."""
        pregnancy.titrate_in_pregnancy(self, entry, t)
        if entry["codes"][0]["code"] in self.rx.egfr_codes:
            value = entry["value"]
            if isinstance(value, int | float) and self.rx.stage_of_egfr(float(value)):
                self._review(entry.get("encounter"), t)

    def _review(self, encounter: str | None, t: float, only: frozenset[str] | None = None) -> None:
        """Stop (or switch) every ongoing order (of the ``only`` classes) the patient's state now contraindicates."""
        patient = Patient(self.sim, t)
        for med, product in self._current(t):
            if product is None or (only is not None and not product.classes & only):
                continue
            chosen, problem = self.choose(product, patient, med.get("reason") or ())
            if problem is None:
                continue
            if med["start"] >= t:  # written this very instant (a renewal): it is withdrawn, not stopped
                self.sim.rec.lists["medications"].remove(med)
                self.sim.deactivate("medications", med, t, None)
                self._log(t, "withheld", problem[0], problem[1], med["codes"][0], None)
            else:
                self._stop(med, t, "stopped", problem[0], problem[1])
            if chosen is not None and not self._taking(chosen, t):
                self._switch(med, chosen, problem, encounter, t)

    def ended(self, entry: dict[str, Any], t: float) -> None:
        """A condition ended: the ongoing orders given for it (no planned stop) end too.

        Unless the drug treats what the condition leaves behind (successors.csv: a statin, aspirin or
        beta-blocker after a myocardial infarction goes on for its history; a P2Y12 inhibitor until 12
        months after the infarction): then the order's reason becomes the successor condition.
        """
        code = entry["codes"][0]["code"]
        for med, product in self._current(t):
            if med["stop"] is None and any(r.get("code") == code for r in med.get("reason") or ()):
                if product is not None and lifecycle.succeed(self, med, product, entry, t):
                    continue
                if product is not None and courses.continue_after(self, med, product, entry, t):
                    continue  # e.g. an antidepressant goes on after remission (the module may stop it earlier)
                self._stop(med, t, "ended", "reason_ended", f"{entry['codes'][0].get('display', code)} ended")

    def _switch(
        self, med: dict[str, Any], chosen: Product, problem: tuple[str, str, str], encounter: str | None, t: float
    ) -> None:
        """Start ``chosen`` in place of the stopped ``med``; whoever held the old entry holds the new one."""
        sim = self.sim
        fields = {k: v for k, v in med.items() if k not in ("id", "n", "encounter", "prescribing")}
        fields.update(start=t, stop=None, stop_reason=None)
        ordered = med.get("ordered") or med["codes"][0]
        fields["ordered"] = dict(ordered)
        self._substitute(fields, chosen, med["codes"][0], problem, t)
        courses.own_regimen(self, fields, chosen, self.rx.products.get(med["codes"][0]["code"]))
        fields["ordered"] = dict(ordered)
        new = sim.rec.add("medications", fields, encounter)
        sim.activate("medications", new)
        self._repoint(med, new)

    # --- what else the order changes ------------------------------------------------------------

    def _current(self, t: float) -> list[tuple[dict[str, Any], Product | None]]:
        """Active, ongoing orders (single administrations are never active) with their products."""
        seen: set[int] = set()
        out = []
        for entry in self.sim.active["medications"].values():
            if id(entry) in seen or (entry["stop"] is not None and entry["stop"] <= t):
                continue
            seen.add(id(entry))
            out.append((entry, self.rx.products.get(entry["codes"][0]["code"])))
        return out

    def _in_place(self, product: Product, t: float) -> dict[str, Any] | None:
        """The running order of this long-acting device or implant still within its labelled duration."""
        lasts = self.rx.durations[product.code]
        return next((e for e, p in self._current(t) if p is product and t < e["start"] + lasts), None)

    def _taking(self, chosen: Product, t: float) -> bool:
        """Already on this drug or one of its duplicate group (a switch to it would duplicate)."""
        return any(
            p is chosen or (p is not None and chosen.duplicate_groups & p.duplicate_groups) for _, p in self._current(t)
        )

    def _active_class(self, cls: str, t: float) -> bool:
        return any(product is not None and cls in product.classes for _, product in self._current(t))

    def _stop_interacting(self, chosen: Product, t: float) -> float:
        """Stop running orders the new one must not overlap; returns the washout before it may start."""
        washout = 0.0
        for key in chosen.classes:
            for active_class, action, rule, rationale, wait in self.rx.interactions.get(key, ()):
                if action != "stop_active":
                    continue
                for entry, product in self._current(t):
                    if product is not None and active_class in product.classes:
                        self._stop(entry, t, "stopped", rule, rationale)
                if wait:  # also when the module itself stopped it just before: wait out the rest
                    washout = max(washout, self._since_stopped(active_class, t, wait))
        return washout

    def _since_stopped(self, cls: str, t: float, wait: float) -> float:
        """How long the new order must still wait after the last order of ``cls`` stopped (0 if long ago)."""
        latest = -float("inf")
        for entry in self.sim.rec.lists["medications"]:  # only for orders with a washout (rare)
            stop = entry["stop"]
            if stop is not None and t - wait < stop <= t:
                product = self.rx.products.get(entry["codes"][0]["code"])
                if product is not None and cls in product.classes:
                    latest = max(latest, stop)
        return max(0.0, latest + wait - t)

    def _replace_duplicates(self, chosen: Product, t: float) -> None:
        """A new order of the same drug or duplicate group replaces the older one."""
        for entry, product in self._current(t):
            if product is None:
                continue
            if product is chosen or chosen.duplicate_groups & product.duplicate_groups:
                group = min(chosen.duplicate_groups & product.duplicate_groups, default="same drug")
                self._stop(entry, t, "replaced", "duplicate_therapy", f"duplicate therapy: {group.replace('_', ' ')}")

    def _stop(self, entry: dict[str, Any], t: float, action: str, rule: str, reason: str) -> None:
        self.sim.deactivate("medications", entry, t, STOPPED)
        entry["stop_reason"] = dict(STOPPED)
        entry["prescribing"] = {**(entry.get("prescribing") or {}), "stopped": action, "stop_rule": rule}
        self._log(t, action, rule, reason, entry["codes"][0], None, entry["id"])

    def _log(
        self,
        t: float,
        action: str,
        rule: str,
        reason: str,
        ordered: dict[str, str],
        given: dict[str, str] | None,
        entry: str | None = None,
    ) -> None:
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
