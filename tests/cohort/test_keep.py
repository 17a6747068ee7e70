"""Synthea's keep modules: every one loads, and its verdict on real lives agrees with the same rule
written out by hand over the life's record and attributes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import ehrsim
from ehrsim.cohort.evaluate import YEAR
from ehrsim.cohort.keep import kept, load_keep_module
from ehrsim.errors import ConfigError, ModuleError
from ehrsim.population import Population
from ehrsim.settings import Settings
from tests.conftest import SHARED, needs_shared

KEEP = SHARED / "synthea" / "keep_modules"
SYNTHEA = SHARED / "synthea" / "modules"
REF = dt.date(2025, 1, 1)
pytestmark = needs_shared


def _end(sim: Any) -> float:
    return min(sim.end_time, sim.death_time) if sim.death_time is not None else sim.end_time


def _active(sim: Any, *codes: str) -> bool:
    t = _end(sim)
    return any(
        c["code"] in codes and (e["stop"] is None or e["stop"] > t)
        for e in sim.rec.lists["conditions"]
        for c in e["codes"]
    )


def _procedure(sim: Any, *codes: str) -> bool:
    return any(c["code"] in codes for e in sim.rec.lists["procedures"] for c in e["codes"])


def _medicare(sim: Any) -> bool:
    a = sim.attributes
    return (
        (_end(sim) - sim.birth_time) / YEAR >= 65
        or a.get("insurance_status") in ("medicare", "medicaid", "dual eligible")
        or a.get("disabled") is True
        or a.get("blindness") is True
        or a.get("dialysis_reason") is not None
        or a.get("kidney_transplant") is not None
        or _active(sim, "46177005", "431857002", "204949001", "213150003", "161665007", "698306007")
    )


NPDR, PDR, DIABETES = "1551000119108", "1501000119109", "44054006"
CABG = ("232717009", "418824004")
#: each keep module's rule, written independently of the GMF condition code
RULES: dict[str, Callable[[Any], bool]] = {
    "keep_diabetes": lambda s: _active(s, DIABETES),
    "keep_diabetes_no_dr": lambda s: _active(s, DIABETES) and not _active(s, NPDR),
    "keep_hospice": lambda s: s.attributes.get("hospice") is not None,
    "keep_medicare_beneficiaries": _medicare,
    "keep_npdr": lambda s: _active(s, NPDR),
    "keep_npdr_no_pdr": lambda s: _active(s, NPDR) and not _active(s, PDR),
    "keep_pdr": lambda s: _active(s, PDR),
    "must_have_cabg": lambda s: _active(s, *CABG) or _procedure(s, *CABG),
    "must_have_cardiac_surgery": lambda s: (
        s.attributes.get("cardiac_surgery") is not None
        or _active(s, *CABG, "725351001", "26212005", "1155885007")
        or _procedure(s, *CABG, "725351001", "26212005", "1155885007")
    ),
}


def test_every_keep_module_loads() -> None:
    files = sorted(KEEP.glob("*.json"))
    assert {f.stem for f in files} == set(RULES)
    for f in files:
        module = load_keep_module(f, lenient=True)
        assert "Keep" in module.states
    # strictly, Synthea's medicare module has a stray key: one clear problem, as for any module
    with pytest.raises(ModuleError) as info:
        load_keep_module(KEEP / "keep_medicare_beneficiaries.json", lenient=False)
    assert info.value.problems == [
        f"{KEEP / 'keep_medicare_beneficiaries.json'}: Initial: unknown key 'options.0.condition.conditions.0.value'"
    ]


def test_a_keep_module_needs_a_keep_state(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"name": "x", "states": {"Initial": {"type": "Initial", "direct_transition": "T"},'
                   ' "T": {"type": "Terminal"}}}')  # fmt: skip
    with pytest.raises(ModuleError, match="needs a state named 'Keep'"):
        load_keep_module(bad, lenient=False)
    with pytest.raises(ConfigError, match="no such file"):
        load_keep_module(tmp_path / "missing.json", lenient=False)


def test_keep_verdicts_agree_with_the_rules_on_synthea_lives() -> None:
    settings = Settings(population=12, seed=11, reference_date=REF, modules=(SYNTHEA,), lenient=True, age_min=55)
    population = Population(settings)
    modules = {f.stem: load_keep_module(f, lenient=True) for f in sorted(KEEP.glob("*.json"))}
    verdicts: dict[str, list[bool]] = {name: [] for name in modules}
    for index in range(12):
        sim = population._life(index, 0)
        assert sim is not None
        for name, module in modules.items():
            verdict = kept(module, sim)
            assert verdict == RULES[name](sim), (name, index)
            verdicts[name].append(verdict)
    assert any(verdicts["keep_medicare_beneficiaries"])  # over 55s: some are 65+
    assert not all(verdicts["keep_diabetes"])  # the sample is not degenerate


def test_kept_patients_satisfy_the_keep_module_in_a_run() -> None:
    records = list(
        ehrsim.generate(
            2,
            seed=2,
            reference_date=REF,
            modules=SYNTHEA,
            lenient=True,
            age_min=50,
            keep_module=KEEP / "keep_diabetes.json",
            years_of_history=0,
        )
    )
    for record in records:
        assert any(c["codes"][0]["code"] == DIABETES and c["stop"] is None for c in record["conditions"])


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(RULES))
def test_every_keep_module_runs_on_synthea_and_its_patients_satisfy_it(name: str) -> None:
    """The issue's proof: each keep module selects a patient from Synthea's library, who obeys its rule."""
    settings = Settings(
        population=1,
        seed=1,
        reference_date=REF,
        modules=(SYNTHEA,),
        lenient=True,
        age_min=60,
        keep_module=KEEP / f"{name}.json",
    )
    population = Population(settings)
    cohort = population.cohort
    assert cohort is not None and cohort.keep is not None
    for attempt in range(settings.cohort_max_attempts):
        sim = population._life(0, attempt)
        assert sim is not None
        if kept(cohort.keep, sim):
            assert RULES[name](sim)
            return
        assert not RULES[name](sim)
    pytest.fail(f"{name}: no patient kept in {settings.cohort_max_attempts} candidates")
