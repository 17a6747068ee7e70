"""What the prescribing checks read about the patient at one moment, each part computed on first use."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from ehrsim.core.tables import rows
from ehrsim.gmf.values import SECONDS

if TYPE_CHECKING:
    from ehrsim.engine.simulation import Simulation
    from ehrsim.prescribing.tables import Tables

YEAR = SECONDS["years"]
BODY_WEIGHT = "29463-7"  # LOINC Body weight: a prescriber doses by the weight measured, not the true one
BODY_HEIGHT = "8302-2"  # LOINC Body height (cm): ideal body weight for a dose (dose_weight.csv)
#: serum creatinine (mg/dL): a creatinine clearance for a dose by kidney function (carboplatin, bsa_doses.csv)
SERUM_CREATININE = {"system": "LOINC", "code": "2160-0", "display": "Creatinine [Mass/volume] in Serum or Plasma"}
CREATININE_CODES = ("2160-0", "38483-4")
#: eGFR typical of a CKD stage known only from a diagnosis or attribute (KDIGO G-stage midpoints)
STAGE_EGFR = {3: 45.0, 4: 22.0, 5: 10.0}


@cache
def weight_recency() -> tuple[tuple[float, float], ...]:
    """(age below, seconds) a chart weight stays usable for dosing (prescribing/weight_recency.csv)."""
    return tuple(
        (float(r["age_below_years"]), float(r["max_days"]) * 86400.0) for r in rows("prescribing/weight_recency.csv")
    )


class Patient:
    """What the checks read about the patient at one moment, each part computed on first use."""

    __slots__ = ("_allergy", "_chart_weight", "_ckd", "_pregnant", "_weight", "age", "encounter", "sim", "t")

    def __init__(self, sim: Simulation, t: float, encounter: str | None = None) -> None:
        self.sim = sim
        self.t = t
        #: the visit of the order: a weight measured for a dose is written there
        self.encounter = encounter
        self.age = (t - sim.birth_time) / YEAR
        self._allergy: tuple[frozenset[str], frozenset[str]] | None = None
        self._ckd: int | None = None
        self._pregnant: bool | None = None
        self._weight: float | None = None
        self._chart_weight: float | None = None

    def allergy(self, rx: Tables) -> tuple[frozenset[str], frozenset[str]]:
        """(classes to avoid, classes to use with caution) from the active allergies."""
        if self._allergy is None:
            avoid: set[str] = set()
            caution: set[str] = set()
            for code, entry in self.sim.active["allergies"].items():
                found = rx.allergens.get(code)
                if found is None:
                    continue
                avoid |= found[0]
                severe = any(r.get("severity") == "severe" for r in entry.get("reactions", ()))
                (avoid if severe else caution).update(found[1])
            self._allergy = (frozenset(avoid), frozenset(caution - avoid))
        return self._allergy

    def ckd_stage(self, rx: Tables) -> int:
        if self._ckd is None:
            stage = 0
            for code in self.sim.active["conditions"]:
                stage = max(stage, rx.ckd_stage.get(code, 0))
            value = self.sim.attributes.get("ckd")
            if isinstance(value, int | float) and not isinstance(value, bool):
                stage = max(stage, int(value))
            for code in rx.egfr_codes:  # the latest eGFR result counts even without a CKD diagnosis
                obs = self.sim.latest_observation(code)
                if obs is not None and isinstance(obs["value"], int | float) and not isinstance(obs["value"], bool):
                    stage = max(stage, rx.stage_of_egfr(float(obs["value"])))
            self._ckd = stage
        return self._ckd

    def egfr(self, rx: Tables) -> float:
        """The latest eGFR result, else a value typical of the CKD stage (90 when none is known)."""
        latest = None  # the newest over all eGFR codes (the reported code changes by era)
        for code in sorted(rx.egfr_codes):
            obs = self.sim.latest_observation(code)
            if obs is None or not isinstance(obs["value"], int | float) or isinstance(obs["value"], bool):
                continue
            if latest is None or obs["time"] > latest["time"]:
                latest = obs
        if latest is not None:
            return float(latest["value"])
        return STAGE_EGFR.get(self.ckd_stage(rx), 90.0)

    def pregnant(self, rx: Tables) -> bool:
        if self._pregnant is None:
            # Synthea's attribute outlives the birth by 6 weeks: an ended pregnancy is not one (engine/lifecycle.py)
            held = bool(self.sim.attributes.get("pregnant")) and self.sim.physiology.pregnancy_end is None
            self._pregnant = held or any(code in self.sim.active["conditions"] for code in rx.pregnancy)
        return self._pregnant

    def weight(self) -> float:
        """The weight in the chart (the latest, if recent for the age: weight_recency.csv), else the weight now
        (the child is weighed at the visit: a year-old weight under-doses an infant by a quarter). A weight
        measured for the dose is charted at the order's visit (Body weight), as the dose's ``weight_kg`` says."""
        if self._weight is None:
            recent = next((s for below, s in weight_recency() if self.age < below), YEAR)
            self._weight = self._charted_or_weighed(recent)
        return self._weight

    def height(self) -> float | None:
        """The latest Body height in the chart (cm), if any: for a dose by ideal body weight."""
        obs = self.sim.latest_observation(BODY_HEIGHT)
        value = obs["value"] if obs is not None else None
        return float(value) if isinstance(value, int | float) and not isinstance(value, bool) and value > 0 else None

    def weighed_within(self, seconds: float) -> float:
        """The chart weight if measured within ``seconds``, else the weight now, charted at the order's visit and
        read as charted, to 0.1 kg (a chemotherapy dose by body-surface area uses the weight of the cycle, not
        of last year)."""
        charted = self._charted(seconds)
        return charted if charted is not None else round(self._weighed(), 1)

    def stature(self) -> float:
        """The chart height (cm), else the height now, measured and charted at the order's visit."""
        charted = self.height()
        if charted is not None:
            return charted
        cm = float(self.sim.vitals.get("Height", 165.0))
        if self.encounter is not None:
            self._measure(BODY_HEIGHT, "Body height", round(cm, 1), "cm")
        return round(cm, 1)

    def creatinine_within(self, seconds: float) -> float | None:
        """The latest serum creatinine (mg/dL) within ``seconds``, else one drawn now and charted at the order's
        visit (a carboplatin dose is computed from a current creatinine); None if none can be measured."""
        latest = None
        for code in CREATININE_CODES:
            obs = self.sim.latest_observation(code)
            if obs is not None and self.t - obs["time"] <= seconds and (latest is None or obs["time"] > latest["time"]):
                latest = obs
        value = latest["value"] if latest is not None else None
        if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
            return float(value)
        if self.encounter is None:
            return None
        drawn = self.sim.measure(SERUM_CREATININE["code"], None, None)
        if not isinstance(drawn, int | float) or drawn <= 0:
            return None
        mg_dl = round(float(drawn), 2)
        self._measure(SERUM_CREATININE["code"], SERUM_CREATININE["display"], mg_dl, "mg/dL", "laboratory")
        return mg_dl

    def _weigh(self, kg: float) -> None:
        self._measure(BODY_WEIGHT, "Body weight", round(kg, 1), "kg")

    def _measure(self, code: str, display: str, value: float, unit: str, category: str = "vital-signs") -> None:
        fields = {
            "time": self.t,
            "category": category,
            "codes": [{"system": "LOINC", "code": code, "display": display}],
            "value": value,
            "value_type": "numeric",
            "unit": unit,
            "components": [],
            "report": None,
        }
        if category == "laboratory":  # a lab result carries its reference range and interpretation
            fields.update(self.sim.result_flags(code, value))
        self.sim.write("observations", fields, self.encounter)

    def chart_weight(self) -> float:
        """The latest chart weight within the longest window of weight_recency.csv (a year), else the weight now.
        A device chosen by a weight band (the 0.15 mg epinephrine auto-injector under 25 kg) follows the weight
        written in the chart, which is also the weight the clinical audit judges it by (rx.epinephrine_weight)."""
        if self._chart_weight is None:
            # weighed for the device at the visit when the chart is stale, so the chart shows the weight the band
            # was chosen from (a yearly renewal 6 hours past the year chose by an unrecorded weight: 2,000 lives)
            self._chart_weight = self._charted_or_weighed(max(s for _, s in weight_recency()))
        return self._chart_weight

    def _charted_or_weighed(self, recent: float) -> float:
        """The chart weight within ``recent``, else the weight now, charted when the order has a visit."""
        charted = self._charted(recent)
        return charted if charted is not None else self._weighed()

    def _charted(self, recent: float) -> float | None:
        """The latest chart weight, if measured within ``recent`` and usable (a positive number)."""
        obs = self.sim.latest_observation(BODY_WEIGHT)
        value = obs["value"] if obs is not None and self.t - obs["time"] <= recent else None
        if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
            return float(value)
        return None

    def _weighed(self) -> float:
        """The weight now, charted (Body weight, to 0.1 kg) at the order's visit when there is one."""
        kg = float(self.sim.vitals.get("Weight", 70.0))
        if self.encounter is not None:
            self._weigh(kg)
        return kg
