"""The encounter desk: one open encounter per patient, wellness visits, and who sees the patient.

A module holding an encounter owns the lock until EncounterEnd; the lock is released at the
encounter's recorded stop, so encounters in the record never overlap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ehrsim.core import class_eras, clock, hospice_era
from ehrsim.engine import end_of_life, parameters, stay_vitals, surgery_stays
from ehrsim.gmf.patient import RESERVED
from ehrsim.gmf.values import codes_as_dicts
from ehrsim.prescribing import gbs, pregnancy

if TYPE_CHECKING:
    from ehrsim.engine.simulation import Simulation
    from ehrsim.gmf.run import ModuleRun

#: default length of an encounter that ends in the instant it starts (Synthea's defaults; an emergency visit's
#: length is drawn instead: parameters.ed_length_seconds)
DEFAULT_SECONDS = {"inpatient": 86400.0, "hospice": 86400.0, "snf": 86400.0}
OTHER_SECONDS = 900.0
#: classes a module holds open over days (a stay): still in progress at the reference date when held then
STAYS = frozenset({"inpatient", "emergency", "hospice", "snf"})
#: an encounter opening this soon after the last one ended continues it (ED -> admission): kept as is
CONTINUATION_SECONDS = 7200.0
CORE = object()  # lock owner while the core runs a wellness visit
#: NUBC patient discharge status codes of a death (expired; expired at home, in a facility, place unknown)
EXPIRED = frozenset({"20", "40", "41", "42"})


class EncounterDesk:
    __slots__ = (
        "capped",
        "era_draws",
        "era_last",
        "era_stays",
        "free_at",
        "lock",
        "placed",
        "providers",
        "sim",
        "waiters",
        "wellness_enc",
        "wellness_waiters",
    )

    def __init__(self, sim: Simulation) -> None:
        self.sim = sim
        self.lock: Any = None  # the module run (or CORE) holding the open encounter
        self.free_at = -float("inf")
        self.waiters: list[ModuleRun] = []
        self.wellness_enc: dict[str, Any] | None = None
        self.wellness_waiters: list[ModuleRun] = []
        self.placed: dict[object, float] = {}  # who -> the local-time start already chosen for it
        #: (class, specialty) -> (organization, practitioner): ``World.provider_for`` is a function of the patient
        self.providers: dict[tuple[str, str | None], tuple[str, str]] = {}
        #: encounter id -> one-off administrations cut at its provisional end, with the stop the module planned
        self.capped: dict[str, list[tuple[dict[str, Any], float | None]]] = {}
        #: a module's hospice admission before the era: the draw of its setting (kept while it waits for the hour),
        #: and the converted stays (encounter id -> setting), recoded at the end of the life
        self.era_draws: dict[object, float] = {}
        self.era_stays: dict[str, hospice_era.EraSetting] = {}
        self.era_last: dict[object, dict[str, Any]] = {}  # run -> its last converted stay (a re-admission goes on)

    def cap(self, enc: dict[str, Any], med: dict[str, Any], planned: float | None) -> None:
        """Remember an administration ended at ``enc``'s provisional end (an IV antibiotic on a ward)."""
        self.capped.setdefault(enc["id"], []).append((med, planned))

    def stretch(self, enc: dict[str, Any], stop: float) -> None:
        """The encounter lasts until ``stop``: administrations cut at its old end run on with it.

        A ward stay opens with a provisional end; an IV antibiotic given at admission ended there and
        left the rest of the stay untreated. It now lasts until the stay ends (or its planned stop).
        """
        old = enc["stop"]
        if stop <= old:
            return
        enc["stop"] = stop
        for med, planned in self.capped.get(enc["id"], ()):
            if med["stop"] == old:
                med["stop"] = stop if planned is None else max(old, min(planned, stop))

    def current(self, run: ModuleRun) -> dict[str, Any] | None:
        """The encounter entries made by ``run`` belong to (its own, else the open wellness visit)."""
        if run.encounter is not None:
            return run.encounter
        return self.wellness_enc

    def _available(self, run: ModuleRun, t: float) -> bool:
        if self.lock is not None and self.lock is not run:
            if run not in self.waiters:
                self.waiters.append(run)
            return False
        if t < self.free_at and self.lock is None:
            self.sim.schedule(run, self.free_at)
            return False
        return True

    def local_start(self, who: object, enc_class: str | None, t: float) -> float:
        """When an encounter wanted at ``t`` starts in local time (``core.clock``): ``t`` or later."""
        if enc_class is None or self.placed.get(who) == t or t - self.free_at < CONTINUATION_SECONDS:
            return t
        start = clock.place(t, enc_class, self.sim.zone, self.sim.clock_rng)
        if start > t:
            self.placed[who] = start
        return start

    def new_encounter(
        self,
        t: float,
        enc_class: str,
        codes: list[dict[str, str]],
        reason: list[dict[str, str]],
        module: str,
        specialty: str | None,
    ) -> dict[str, Any]:
        found = self.providers.get((enc_class, specialty))
        if found is None:  # asked once per class and specialty in a life, not at every encounter
            found = self.providers[enc_class, specialty] = self.sim.world.provider_for(
                self.sim.patient, enc_class, specialty, self.sim.rng
            )
        org, practitioner = found
        if enc_class == "emergency":  # a drawn ED length (NHAMCS), not Synthea's fixed hour
            stop = t + parameters.ed_length_seconds(self.sim.clock_rng.random())
        else:
            stop = t + DEFAULT_SECONDS.get(enc_class, OTHER_SECONDS)
        return self.sim.rec.add(
            "encounters",
            {
                "id": RESERVED,  # filled in by the recorder (no copy per encounter)
                "n": 0,
                "encounter": None,
                "start": t,
                "stop": stop,
                "class": enc_class,
                "codes": codes,
                "reason": reason,
                "organization": org,
                "practitioner": practitioner,
                "discharge": None,
                "module": module,
            },
            None,
        )

    def open(self, run: ModuleRun, state: Any, t: float) -> bool:
        if run.encounter is not None and run.encounter is not self.wellness_enc:
            self.end(run, None, t)  # a module opening a new visit implicitly ends its previous one
        if not self._available(run, t):
            return False
        enc_class = class_eras.class_at(state.encounter_class, t)  # no urgent care clinic before 1970
        era = None
        if enc_class == "hospice" and t < hospice_era.until():  # no hospice before 1983: the era's terminal care
            u = self.era_draws.get(run)
            if u is None:
                u = self.era_draws[run] = float(self.sim.rng.random())
            era = hospice_era.choose(t, u)
            if era is not None:
                enc_class = era.encounter_class
                last = self.era_last.get(run)
                if last is not None and t - last["stop"] < CONTINUATION_SECONDS:  # re-admitted at once: one stay
                    last["discharge"] = None
                    self.lock = run
                    run.encounter, run.encounter_state = last, state.name
                    self.sim.diagnose_pending(run, state.name)
                    return True
        start = self.local_start(run, enc_class, t)
        if start > t:  # the module waits for the clinic to open (or the arrival hour)
            self.sim.schedule(run, start)
            return False
        if state.telemedicine_possibility == "always" or (
            state.telemedicine_possibility == "possible"
            and t >= (care := parameters.care()).telemedicine_start
            and self.sim.rng.random() < care.virtual_share_if_possible
        ):
            enc_class = "virtual"
        codes = class_eras.codes_at(state.encounter_class, t, codes_as_dicts(state.codes))
        enc = self.new_encounter(
            t,
            enc_class,
            codes if era is None else [dict(era.code)],
            parameters.complications_first(
                self.sim.resolve_reason(run, state.reason), enc_class, self.sim.rec.active["conditions"]
            ),
            run.top.path,
            run.top.specialty,
        )
        if era is not None:  # the run keeps its draw: a re-admission is the same setting
            self.era_stays[enc["id"]] = era
            self.era_last[run] = enc
            ordered = codes[0] if codes else dict(hospice_era.HOSPICE_ADMISSION)
            reason = f"no hospice care before {hospice_era.era_year()}: {era.name} terminal care of the time"
            self.sim.rx.log(t, "substituted", "hospice_era", reason, ordered, era.code, enc["id"])
        self.lock = run
        run.encounter, run.encounter_state = enc, state.name
        self.sim.diagnose_pending(run, state.name)
        if enc_class == "hospice":  # any library's hospice admission: code status, preventive drugs stop
            end_of_life.hospice_admitted(self.sim, enc)
        return True

    def join_wellness(self, run: ModuleRun, state: Any, t: float) -> bool:
        if self.wellness_enc is not None and run.joined != self.wellness_enc["id"]:
            run.joined = self.wellness_enc["id"]
            run.encounter, run.encounter_state = None, state.name
            run.waiting_wellness = False
            self.sim.diagnose_pending(run, state.name)
            return True
        if not run.waiting_wellness:
            run.waiting_wellness = True
            self.wellness_waiters.append(run)
        run.token = -1  # sleeps until the core opens the next wellness visit
        return False

    def end(self, run: ModuleRun, state: Any, t: float) -> None:
        enc = run.encounter
        run.encounter_state = None
        if enc is None:
            return  # ending a wellness visit only clears the module's part in it
        run.encounter = None
        if enc["class"] == "emergency":
            self._time_critical(enc, t)
        self.stretch(enc, t)
        if enc["class"] == "inpatient":
            stop = surgery_stays.minimum_stop(self.sim, enc)
            if stop is not None:
                self.stretch(enc, min(stop, self.sim.end_time))  # a cystectomy is not discharged the next day
            disposition = state.discharge_disposition if state is not None else None
            if disposition is None or disposition.code not in EXPIRED:  # a live discharge: not in the night
                stop = clock.discharge_after(enc["stop"], self.sim.zone, self.sim.clock_rng)
                self.stretch(enc, min(stop, self.sim.end_time))
        self.capped.pop(enc["id"], None)
        if enc["class"] in STAYS:
            stay_vitals.record(self.sim, enc)  # triage / admission vital signs the module did not record
        elif enc["class"] in stay_vitals.TRIAGED and stay_vitals.acute_visit(self.sim, enc):
            stay_vitals.record(self.sim, enc, key="acute")  # an urgent-care or acute office visit: its vital signs
        elif stay_vitals.prenatal_visit(enc):
            stay_vitals.record(self.sim, enc, key="prenatal")  # a prenatal visit takes a blood pressure
        if state is not None and state.discharge_disposition is not None:
            enc["discharge"] = state.discharge_disposition.as_dict()
        if self.sim.physiology.pregnancy_start is not None and enc["class"] not in STAYS:
            pregnancy.aspirin_at_visit(self.sim.rx, enc["id"], t)  # a visit in pregnancy: aspirin if at high risk
            gbs.screen_at_visit(self.sim, enc["id"], t)  # a group B streptococcus culture at 35-37 weeks
        if self.sim.rx.postpartum_review and enc["class"] not in STAYS:
            pregnancy.review_after_pregnancy(self.sim.rx, enc["id"], t)  # the pregnancy's substitutes reviewed
        if self.lock is run:
            self._release(enc["stop"])

    def _time_critical(self, enc: dict[str, Any], t: float) -> None:
        """An emergency visit that diagnosed a time-critical condition (a STEMI) ends within its window: its drawn
        treat-and-release length kept a STEMI 1.5-12 hours from the catheterisation laboratory (the session-13 proof
        run). The drawn length keeps its quantile, mapped into the window; no new draw."""
        windows = parameters.ed_time_critical()
        found = [windows[c["code"]] for c in enc["reason"] or () if c.get("code") in windows]
        if not found:
            return
        low, high = min(w[0] for w in found), min(w[1] for w in found)
        table = parameters.ed_length_quantiles()
        shortest, longest = table[0][1], table[-1][1]
        drawn = enc["stop"] - enc["start"]
        share = min(1.0, max(0.0, (drawn - shortest) / (longest - shortest)))
        stop = max(t, enc["start"] + low + share * (high - low))
        if stop >= enc["stop"]:
            return
        old, enc["stop"] = enc["stop"], stop
        for med in self.sim.rec.lists["medications"]:  # its one-off administrations ended with it
            if med.get("encounter") == enc["id"] and med["stop"] == old:
                med["stop"] = stop

    def release(self, run: ModuleRun, t: float) -> None:
        """A module reached Terminal: its open encounter is closed there."""
        if run.encounter is not None:
            self.end(run, None, t)

    def _release(self, free_at: float) -> None:
        self.lock = None
        self.free_at = max(self.free_at, free_at)
        waiters, self.waiters = self.waiters, []
        for waiter in waiters:
            if not waiter.done:
                self.sim.schedule(waiter, max(free_at, self.sim.now))

    # --- wellness visits, run by the core ----------------------------------------------------------

    def open_wellness(self, t: float, codes: list[dict[str, str]]) -> dict[str, Any] | None:
        if self.lock is not None:
            return None
        enc = self.new_encounter(max(t, self.free_at), "wellness", codes, [], "wellness", None)
        self.lock, self.wellness_enc = CORE, enc
        return enc

    def close_wellness(self) -> None:
        enc = self.wellness_enc
        assert enc is not None
        self.wellness_enc = None
        self._release(enc["stop"])

    def close_all(self, t: float, alive: bool = False) -> None:
        """At the end of the life: clamp open or overrunning encounters to the end (or death).

        ``alive`` at the reference date: a stay a module still holds (waiting in a Delay, e.g. hospice or
        a nursing-home stay) and any encounter reaching past the reference date are in progress there:
        they end at the reference date with ``in_progress`` set, not at their 1-day default length.
        """
        held = getattr(self.lock, "encounter", None) if alive else None
        for enc in self.sim.rec.lists["encounters"]:
            if alive and (enc["stop"] > t or (enc is held and enc["class"] in STAYS)):
                self.stretch(enc, t)  # the drugs given in a stay still under way run on with it to the end
                enc["stop"], enc["in_progress"] = max(t, enc["start"]), True
                if enc.get("discharge"):  # a birth stay planned its discharge home: not yet discharged
                    enc["discharge"] = None
            elif enc["stop"] > t:
                enc["stop"] = max(t, enc["start"])
        hospice_era.rewrite(self.sim.rec.lists, self.era_stays)  # the converted stays' hospice codes
        for capped in self.capped.values():  # an administration stretched with its stay ends with it too
            for med, _ in capped:
                if med["stop"] > t:
                    med["stop"] = max(t, med["start"])
