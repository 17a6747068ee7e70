"""The record side of a life: entries written, activated, stopped and renewed, waking the Guards that read them.

A mixin of ``Simulation`` (split out by concept; no state of its own): every change to the record goes
through these methods, so watchers are told and the prescribing layer sees conditions and results.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

import numpy as np

from ehrsim.core import immunizations, lab_eras, ref_ranges
from ehrsim.engine import indications, lifecycle, parameters, pregnancy_bp, result_follow_up
from ehrsim.prescribing import antidepressants, gbs, prophylaxis, running
from ehrsim.record.times import to_date

#: the sample's creatinine, reported with every eGFR computed from it (any library's module asking for the eGFR alone)
SERUM_CREATININE = {"system": "LOINC", "code": "2160-0", "display": "Creatinine [Mass/volume] in Serum or Plasma"}
CREATININE_CODES = ("2160-0", "38483-4")
#: encounter classes whose reason, when the module gave none, is the first condition diagnosed in them (the visit
#: diagnosis an EHR lists for every sick visit); wellness, home, nursing-facility and hospice stays keep theirs
VISIT_DIAGNOSIS_CLASSES = frozenset({"ambulatory", "outpatient", "urgentcare", "emergency", "virtual", "inpatient"})

if TYPE_CHECKING:
    from ehrsim.core.physiology import Physiology
    from ehrsim.engine.encounters import EncounterDesk
    from ehrsim.engine.recorder import Recorder
    from ehrsim.gmf.run import ModuleRun
    from ehrsim.gmf.states import State
    from ehrsim.prescribing import Pharmacy


class RecordWrites:
    """``Simulation``'s methods that write the record (see ``engine/simulation.py`` for the rest)."""

    if TYPE_CHECKING:  # provided by Simulation
        rec: Recorder
        desk: EncounterDesk
        rx: Pharmacy
        attributes: dict[str, Any]
        rng: np.random.Generator
        now: float
        _watchers: dict[str, Any]
        _vitals_at: float
        physiology: Physiology
        birth_time: float
        product_draw: float

        def set_attribute(self, name: str, value: Any) -> None: ...
        def notify(self, key: str) -> None: ...

    def add_entry(self, run: ModuleRun, kind: str, fields: dict[str, Any], state: State | None) -> dict[str, Any]:
        withdrawn = None
        if kind == "observations":
            same = self._same_result(fields)
            if same is not None:  # one sample, one result: a second report of it points at the first
                if state is not None:
                    run.created[state.name] = same
                return same
        elif kind == "immunizations":
            prior = immunizations.held_by(fields["codes"][0]["code"], self.rec.lists["immunizations"], fields["time"])
            if prior is not None:  # a module's wound Td within 5 years of a tetanus-toxoid dose: covered, not given
                return prior
            ordered = fields["codes"][0]
            current = immunizations.current_product(ordered, int(fields["time"]), self.product_draw)
            if current is not None:  # a product no longer marketed (Menactra after 2022): the series' current one
                fields["codes"], withdrawn = [current], ordered
        enc = self.desk.current(run)
        entry = self.rec.add(kind, fields, enc["id"] if enc is not None else None)
        if withdrawn is not None:
            reason = f"{withdrawn.get('display')} no longer marketed: {entry['codes'][0]['display']} given"
            self.rx.log(
                entry["time"], "substituted", "vaccine_product_era", reason, withdrawn, entry["codes"][0], entry["id"]
            )
        if state is not None:
            run.created[state.name] = entry
            attribute = getattr(state, "assign_to_attribute", None) if _assigns(type(state)) else None
            if attribute:
                self.set_attribute(attribute, entry)
        if kind == "observations":
            if self._watchers:
                self._changed(entry, "obs")
            self.rx.observed(entry, self.now)  # an eGFR result may stop a drug
            result_follow_up.follow_up(self, entry)  # type: ignore[arg-type]  # a PHQ-9 of 15+: a referral
            pregnancy_bp.observed(self, entry)  # type: ignore[arg-type]  # raised before 20 weeks of pregnancy
            if entry["codes"][0]["code"] in lab_eras.egfr_codes():
                self._creatinine_of_egfr(entry)
        elif kind == "procedures":
            code = entry["codes"][0]["code"]
            if code in prophylaxis.bundles():
                prophylaxis.give(self, run, entry)  # type: ignore[arg-type]  # cefazolin before a caesarean
            if code in gbs.delivery_codes():
                gbs.at_delivery(self, run, entry)  # type: ignore[arg-type]  # penicillin G after a positive GBS culture
        return entry

    def _creatinine_of_egfr(self, egfr: dict[str, Any]) -> None:
        """The laboratory reports the creatinine an eGFR was computed from (the chart review found 2,134 of 3,948
        eGFR results alone): recorded unless a creatinine of this sample is already in the record."""
        t = egfr["time"]
        latest = self.rec.latest_obs
        if any((o := latest.get(c)) is not None and o["time"] == t for c in CREATININE_CODES):
            return
        last = self.physiology.last.get("Creatinine")
        if last is None or last[0] != t:
            return  # the eGFR did not come from a creatinine measured now (a module's own number)
        value = round(float(last[1]), 2)
        age = (t - self.birth_time) / lifecycle.YEAR
        fields = {
            "time": t,
            "category": "laboratory",
            "codes": [dict(SERUM_CREATININE)],
            "value": value,
            "value_type": "numeric",
            "unit": "mg/dL",
            "components": [],
            "report": None,
            **ref_ranges.flags(SERUM_CREATININE["code"], value, age, self.physiology.sex),
        }
        self.write("observations", fields, egfr["encounter"])

    def _same_result(self, fields: dict[str, Any]) -> dict[str, Any] | None:
        """The result of this test already recorded at this very instant (two modules ordering the same
        panel at one visit: one sample, one result), or None."""
        codes = fields.get("codes")
        if not codes:
            return None
        prev = self.rec.latest_obs.get(codes[0]["code"])
        if prev is None or "id" not in prev:  # none, or a panel's part (a view, recorder.add)
            return None
        if prev["time"] != fields["time"] or prev["codes"][0]["code"] != codes[0]["code"]:
            return None
        return prev

    def write(self, kind: str, fields: dict[str, Any], encounter_id: str | None) -> dict[str, Any]:
        """The core records an entry in a given encounter (waking Guards that read observations)."""
        if kind == "observations":
            same = self._same_result(fields)
            if same is not None:
                return same
        entry = self.rec.add(kind, fields, encounter_id)
        if kind == "observations":
            if self._watchers:
                self._changed(entry, "obs")
            self.rx.observed(entry, self.now)
            pregnancy_bp.observed(self, entry)  # type: ignore[arg-type]  # a stay's or visit's vital signs too
        return entry

    def prescribe(self, run: ModuleRun, state: Any, fields: dict[str, Any], t: float) -> dict[str, Any]:
        """A MedicationOrder: the prescribing layer checks it against the patient, adjusts and records it.

        An order naming no reason is for the diagnosis its visit is for, when that diagnosis is active: an order
        is linked to the visit's diagnosis, as an EHR links it (Synthea's library named no reason for 5,971 of
        22,965 orders in 300 lives, 2,581 of them written in a visit for an active condition: the oxycodone of a
        fracture visit, the amoxicillin of an otitis visit; s16syn). An order written outside any visit is for the
        active condition its module diagnosed last (Synthea's stable ischaemic heart disease module starts
        clopidogrel, a statin, metoprolol and nitroglycerin a week after the diagnosis, with no encounter: 103 of
        the 105 orders without a reason on 300 lives, s18syn).
        """
        if not fields["reason"]:
            fields["reason"] = self._visit_diagnosis(run)
        entry = self.rx.order(run, state, fields, t)
        if not entry.get("reason"):  # a contraceptive is for contraception, an epinephrine pen for the allergy
            indications.name_reason(self, entry)  # type: ignore[arg-type]
        return entry

    def _visit_diagnosis(self, run: ModuleRun) -> list[dict[str, str]]:
        enc = self.desk.current(run)
        active = self.rec.active["conditions"]
        if enc is not None:
            for code in enc.get("reason") or ():
                if code.get("code") in active:
                    return [dict(code)]
            return []
        # the module's entries of any kind (an imaging study has no codes); a condition is the active entry itself
        own = [e for e in run.created.values() if e.get("codes") and active.get(e["codes"][0]["code"]) is e]
        return [dict(max(own, key=lambda e: e["start"])["codes"][0])] if own else []

    def activate(self, kind: str, entry: dict[str, Any]) -> None:
        self.rec.activate(kind, entry)
        if kind in lifecycle.PHYSIOLOGY_KINDS and lifecycle.moves_state(kind, entry):
            self._vitals_at = -np.inf  # conditions and drugs move the physiological state
        if self._watchers:
            self._changed(entry, "record")
        if kind == "conditions" or kind == "allergies" or kind == "careplans":
            self.rx.started(kind, entry, self.now)

    def deactivate(self, kind: str, entry: dict[str, Any], t: float, stop_reason: dict[str, str] | None) -> None:
        self.rec.deactivate(kind, entry, t, stop_reason)
        if kind in lifecycle.PHYSIOLOGY_KINDS and lifecycle.moves_state(kind, entry):
            self._vitals_at = -np.inf
        if self._watchers:
            self._changed(entry, "record")
        if kind == "conditions":
            self.rx.ended(entry, t)
            lifecycle.pregnancy_condition_ended(self, entry)  # type: ignore[arg-type]  # the birth ends a pregnancy

    def renew(self, kind: str, entry: dict[str, Any], t: float, encounter_id: str | None) -> dict[str, Any] | None:
        """Replace an active entry by a copy starting at ``t`` (a chronic prescription renewed at a visit).

        The same codes stay active and attributes that held the old entry hold the new one, so no
        condition a Guard can test changes its answer, and nobody is woken (waking would only make
        fast-forwarded loops redraw their plans). A medication is prescribed again by the prescribing
        layer (the drug, form and strength right for the patient now; None when it may not be renewed).
        """
        if kind == "medications":
            return self.rx.renew(entry, t, encounter_id)
        self.rec.deactivate(kind, entry, t, None)
        fields = {k: v for k, v in entry.items() if k not in ("id", "n", "encounter")}
        fields.update(start=t, stop=None, stop_reason=None)
        renewed = self.rec.add(kind, fields, encounter_id)
        self.rec.activate(kind, renewed)
        for name, value in self.attributes.items():
            if value is entry:
                self.attributes[name] = renewed
        return renewed

    def _changed(self, entry: dict[str, Any], what: str) -> None:
        watchers = self._watchers
        if what in watchers:
            self.notify(what)
        for code in entry["codes"]:
            key = "c:" + code["code"]
            if key in watchers:
                self.notify(key)

    def onset(self, run: ModuleRun, state: Any, t: float) -> None:
        """Start a condition or allergy; write it now, or when its target encounter opens."""
        target = state.target_encounter
        if target and run.encounter_state != target:
            run.pending.setdefault(target, []).append((state, t))
            if state.assign_to_attribute:
                self.set_attribute(state.assign_to_attribute, {"codes": [c.as_dict() for c in state.codes]})
            return
        self.diagnose(run, state, t)

    def diagnose(self, run: ModuleRun, state: Any, onset_time: float) -> None:
        # An onset of a code that is already active is that same entry (Synthea's conditionStart and
        # allergyStart): a yearly re-diagnosis (e.g. the CKD stage) must not leave older copies open forever.
        held = self.rec.active[state.kind].get(state.codes[0].code)
        if held is not None:
            run.created[state.name] = held
            if state.assign_to_attribute:
                self.set_attribute(state.assign_to_attribute, held)
            return
        fields = {"start": self.now, "stop": None, **state.fields(self)}
        fields["onset"] = onset_time
        entry = self.add_entry(run, state.kind, fields, state)
        if state.kind == "conditions":
            enc = self.desk.current(run)
            if enc is not None and not enc.get("reason") and enc["class"] in VISIT_DIAGNOSIS_CLASSES:
                enc["reason"] = [dict(fields["codes"][0])]  # a sick visit with no stated reason: its diagnosis
        for other in parameters.condition_stages().get(fields["codes"][0]["code"], ()):
            old = self.rec.active[state.kind].get(other)
            if old is not None:  # a new stage (CKD 3 after CKD 2) ends the previous one, not its drugs
                self.rec.deactivate(state.kind, old, self.now, None)
                if state.kind in lifecycle.PHYSIOLOGY_KINDS and lifecycle.moves_state(state.kind, old):
                    self._vitals_at = -np.inf  # the old stage's effects end (the new one may have none)
                if self._watchers:
                    self._changed(old, "record")
        self.activate(state.kind, entry)

    def diagnose_pending(self, run: ModuleRun, encounter_state: str) -> None:
        for state, onset_time in run.pending.pop(encounter_state, ()):
            self.diagnose(run, state, onset_time)

    def end_entries(
        self,
        run: ModuleRun,
        kind: str,
        *,
        state_name: str | None,
        attribute: str | None,
        codes: list[str] | None,
        t: float,
        stop_reason: dict[str, str] | None,
    ) -> None:
        entries: list[dict[str, Any]] = []
        if state_name:
            entry = run.created.get(state_name)
            if entry is not None:
                entries.append(entry)
        elif attribute:
            entry = self.attributes.get(attribute)
            if isinstance(entry, dict) and "id" in entry:
                entries.append(entry)
        elif codes:
            entries = self.rec.active_by_codes(kind, codes)
        for entry in entries:
            if kind == "medications" and running.keeps_device(self.rx, entry, t):
                continue  # a device in place is ended by its removal, not by a change of method
            if kind == "medications" and antidepressants.still_serving(self.rx, entry):
                continue  # it serves another condition still active (duloxetine for anxiety and depression)
            self.deactivate(kind, entry, t, stop_reason)

    def resolve_reason(self, run: ModuleRun, reason: str | None) -> list[dict[str, str]]:
        """Codes behind a ``reason``: an attribute holding an entry or code, else a ConditionOnset state."""
        if not reason:
            return []
        value = self.attributes.get(reason)
        if isinstance(value, dict):
            if "codes" in value:
                return [dict(c) for c in value["codes"][:1]]
            if "code" in value:
                return [{"system": value["system"], "code": value["code"], "display": value.get("display", "")}]
        codes = run.module.onset_codes.get(reason) or run.top.onset_codes.get(reason)
        if codes:
            return [codes[0].as_dict()]
        return []

    def extend_encounter(self, run: ModuleRun, until: float) -> None:
        enc = self.desk.current(run)
        if enc is not None and enc["stop"] < until:
            self.desk.stretch(enc, until)

    def udi(self, code: str, t: float) -> str:
        """A GS1-style UDI: device identifier, then manufacture and expiry dates and a serial."""
        serial = int(self.rng.integers(10**11, 10**12))
        return (
            f"(01){int(self.rng.integers(10**13, 10**14))}(11){_yymmdd(t - 86400 * 30)}(17)"
            f"{_yymmdd(t + 86400 * 365 * 5)}(10){serial}(21){serial + 1}"
        )


def _yymmdd(t: float) -> str:
    return to_date(t).strftime("%y%m%d")


@cache
def _assigns(cls: type) -> bool:
    """Whether a state of ``cls`` can name an attribute to hold its entry (``assign_to_attribute``). Only then is
    the field read: ``getattr`` with a default on a pydantic state without the field (every Observation) makes
    pydantic raise and catch an AttributeError. Any object that is not a pydantic model is asked."""
    fields = getattr(cls, "model_fields", None)
    return "assign_to_attribute" in fields if isinstance(fields, dict) else True
