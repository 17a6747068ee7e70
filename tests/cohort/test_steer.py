"""Cohort steering: loops tilted toward the target, weights that keep prevalence unbiased, and the
weights in the record, the sidecar and metadata.json, byte-identical for any worker count."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import jsonschema
import numpy as np
import orjson

import ehrsim
from ehrsim.cohort.steer import Steering
from ehrsim.population import Population
from ehrsim.record.schema import record_schema
from ehrsim.runner import WEIGHTS_FILE, run
from ehrsim.settings import Settings
from tests.conftest import FIXTURE_MODULES

MODULES = FIXTURE_MODULES / "cohort_loop"
REF = dt.date(2025, 1, 1)
HYPERTENSION = "condition(SNOMED-CT:38341003)"


def _has(record: dict) -> bool:
    return any(c["codes"][0]["code"] == "38341003" for c in record["conditions"])


def _onset_age(record: dict) -> float:
    start = next(c["start"] for c in record["conditions"] if c["codes"][0]["code"] == "38341003")
    return (start - record["patient"]["birth_time"]) / (365.25 * 86400)


def test_toward_states_are_the_ancestors_of_the_target() -> None:
    library = Population(Settings(reference_date=REF, modules=(MODULES,))).library
    steering = Steering(library, frozenset({("SNOMED-CT", "38341003")}), 5.0)
    assert steering.toward == {"monthly_onset": frozenset({"Initial", "Monthly", "Check", "Onset"})}
    assert Steering(library, frozenset({("SNOMED-CT", "1")}), 5.0).toward == {}


def test_weighted_prevalence_and_onset_age_match_the_unsteered_ones() -> None:
    n = 600
    plain = Population(Settings(population=n, seed=9, reference_date=REF, modules=(MODULES,), cohort=HYPERTENSION))
    plain_records = [plain.candidate(i, 0) for i in range(n)]
    natural = [_has(r) for r in plain_records]  # type: ignore[arg-type]
    steered = Population(
        Settings(population=n, seed=9, reference_date=REF, modules=(MODULES,), cohort=HYPERTENSION, cohort_steer=5)
    )
    records = [steered.candidate(i, 0) for i in range(n)]
    hits = [r["weight"] * _has(r) for r in records]  # type: ignore[index]
    p = sum(natural) / n
    est = sum(hits) / n
    se = math.sqrt(p * (1 - p) / n + sum((h - est) ** 2 for h in hits) / (n - 1) / n)
    assert 0.03 < p < 0.3
    assert sum(_has(r) for r in records) / n > 2 * p  # steering does something  # type: ignore[arg-type]
    assert abs(est - p) < 4 * se, (est, p, se)
    # among patients with the condition, the weighted onset age matches the unsteered onset age
    natural_ages = [_onset_age(r) for r in plain_records if _has(r)]
    hit_records = [r for r in records if _has(r)]  # type: ignore[arg-type]
    weights = [r["weight"] for r in hit_records]  # type: ignore[index]
    ages = [_onset_age(r) for r in hit_records]  # type: ignore[arg-type]
    mean_natural = sum(natural_ages) / len(natural_ages)
    mean_weighted = sum(w * a for w, a in zip(weights, ages, strict=True)) / sum(weights)
    var = sum((a - mean_natural) ** 2 for a in natural_ages) / (len(natural_ages) - 1)
    ess = sum(weights) ** 2 / sum(w * w for w in weights)  # effective sample size of the weighted mean
    assert abs(mean_weighted - mean_natural) < 4 * math.sqrt(var / len(natural_ages) + var / ess)
    # without steering there are no weights
    assert "weight" not in plain.candidate(0, 0)  # type: ignore[operator]


def _run(tmp_path: Path, name: str, workers: int) -> dict[str, bytes]:
    settings = Settings(
        population=8,
        seed=4,
        reference_date=REF,
        modules=(MODULES,),
        cohort=HYPERTENSION,
        cohort_steer=10,
        out=tmp_path / name,
        workers=workers,
        shard_size=3,
        years_of_history=0,
    )
    run(settings)
    out = tmp_path / name
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_weights_in_record_sidecar_and_metadata_for_any_worker_count(tmp_path: Path) -> None:
    one = _run(tmp_path, "one", 1)
    assert one == _run(tmp_path, "two", 2)
    records = [orjson.loads(line) for line in one["json/patients.ndjson"].splitlines()]
    rows = [line.split(",") for line in one[WEIGHTS_FILE].decode().splitlines()]
    assert rows[0] == ["index", "patient_id", "weight"]
    assert [(int(i), pid, float(w)) for i, pid, w in rows[1:]] == [(r["index"], r["id"], r["weight"]) for r in records]
    assert all(_has(r) for r in records)
    meta = orjson.loads(one["metadata.json"])["cohort"]
    assert meta["method"] == "steering and rejection" and meta["steer_factor"] == 10
    assert meta["weights_file"] == WEIGHTS_FILE
    assert meta["weight_sum"] == math.fsum(r["weight"] for r in records)
    assert meta["estimated_prevalence"] == meta["weight_sum"] / meta["attempts"]
    # a run without steering that overwrites the folder leaves no stale weights behind
    run(Settings(population=1, seed=4, reference_date=REF, modules=(MODULES,), out=tmp_path / "one"), overwrite=True)
    assert not (tmp_path / "one" / WEIGHTS_FILE).exists()


def test_steering_through_the_python_api() -> None:
    records = list(
        ehrsim.generate(3, seed=1, reference_date=REF, modules=MODULES, cohort=HYPERTENSION, cohort_steer=10)
    )
    assert all(_has(r) and r["weight"] > 0 for r in records)
    validator = jsonschema.Draft202012Validator(record_schema())
    for record in records:  # the weight is a declared (optional) field of the native record
        validator.validate(record)
    bad = {**records[0], "weight": -1.0}
    assert not validator.is_valid(bad)


def test_one_off_distributed_choices_are_tilted_without_bias() -> None:
    """The sinusitis fixture decides once, at 5 years, by a distributed transition (30 %)."""
    modules = FIXTURE_MODULES / "cohort"
    cohort = "condition(SNOMED-CT:444814009)"
    n = 300

    def population(steer: float) -> Population:
        settings = Settings(  # no natural deaths: every life reaches the choice at 5 years
            population=n, seed=2, reference_date=REF, modules=(modules,), cohort=cohort, age_min=6, natural_deaths="off"
        )
        return Population(settings.model_copy(update={"cohort_steer": steer}))

    plain, steered = population(1.0), population(4.0)
    natural = [_sinusitis(plain.candidate(i, 0)) for i in range(n)]  # type: ignore[arg-type]
    records = [steered.candidate(i, 0) for i in range(n)]
    hits = [r["weight"] * _sinusitis(r) for r in records]  # type: ignore[index,arg-type]
    assert {round(r["weight"], 9) for r in records} == {round(0.3 / 0.65, 9), round(0.7 / 0.35, 9)}  # type: ignore[index]
    p, est = sum(natural) / n, sum(hits) / n
    assert sum(_sinusitis(r) for r in records) / n > 0.5  # type: ignore[arg-type]
    se = math.sqrt(p * (1 - p) / n + sum((h - est) ** 2 for h in hits) / (n - 1) / n)
    assert abs(est - p) < 4 * se, (est, p, se)


def _sinusitis(record: dict) -> bool:
    return any(c["codes"][0]["code"] == "444814009" for c in record["conditions"])


def test_toward_states_reach_through_submodule_calls(tmp_path: Path) -> None:
    def module(name: str, states: dict) -> None:
        path = tmp_path / f"{name}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(orjson.dumps({"name": name.rsplit("/", 1)[-1], "states": states}).decode())

    onset = {"system": "SNOMED-CT", "code": "38341003", "display": "Hypertension (disorder)"}
    module("sub/onset", {
        "Initial": {"type": "Initial", "direct_transition": "Onset"},
        "Onset": {"type": "ConditionOnset", "codes": [onset], "direct_transition": "Terminal"},
        "Terminal": {"type": "Terminal"},
    })  # fmt: skip
    module("caller", {
        "Initial": {"type": "Initial", "distributed_transition": [
            {"distribution": 0.1, "transition": "Call"}, {"distribution": 0.9, "transition": "Terminal"}]},
        "Call": {"type": "CallSubmodule", "submodule": "sub/onset", "direct_transition": "Terminal"},
        "Terminal": {"type": "Terminal"},
    })  # fmt: skip
    library = Population(Settings(reference_date=REF, modules=(tmp_path,))).library
    steering = Steering(library, frozenset({("SNOMED-CT", "38341003")}), 5.0)
    assert steering.toward == {"sub/onset": frozenset({"Initial", "Onset"}), "caller": frozenset({"Initial", "Call"})}
    options = library.modules["caller"].states["Initial"].transition.options  # type: ignore[union-attr]
    assert steering.choices == {id(options): frozenset({0})}  # the call is tilted, the other way is not


def test_one_off_lookup_table_choices_are_tilted_without_bias() -> None:
    """A lookup table gives sinusitis to 20 % at 10 years (tests/fixtures/modules/cohort_lookup)."""
    modules = FIXTURE_MODULES / "cohort_lookup"
    n = 300

    def population(steer: float) -> Population:
        settings = Settings(  # no natural deaths: every life reaches the choice
            population=n,
            seed=2,
            reference_date=REF,
            modules=(modules,),
            cohort="condition(SNOMED-CT:444814009)",
            natural_deaths="off",
        )
        return Population(settings.model_copy(update={"cohort_steer": steer, "age_min": 11}))

    plain, steered = population(1.0), population(4.0)
    natural = [_sinusitis(plain.candidate(i, 0)) for i in range(n)]  # type: ignore[arg-type]
    records = [steered.candidate(i, 0) for i in range(n)]
    # A = 0.2 becomes 0.2 + min(3 x 0.2, 0.8 / 2) = 0.6: weights 0.2 / 0.6 and 0.8 / 0.4
    assert {round(r["weight"], 9) for r in records} == {round(0.2 / 0.6, 9), round(0.8 / 0.4, 9)}  # type: ignore[index]
    hits = [r["weight"] * _sinusitis(r) for r in records]  # type: ignore[index,arg-type]
    p, est = sum(natural) / n, sum(hits) / n
    assert 0.1 < p < 0.3 and sum(_sinusitis(r) for r in records) / n > 0.45  # type: ignore[arg-type]
    se = math.sqrt(p * (1 - p) / n + sum((h - est) ** 2 for h in hits) / (n - 1) / n)
    assert abs(est - p) < 4 * se, (est, p, se)


def test_uniform_length_loops_are_tilted_without_bias() -> None:
    """A loop waiting 20-40 days (uniform) with a small chance of hypertension, raised at 30 by another
    module's attribute (which cuts the loop's plans short): tests/fixtures/modules/cohort_uniform."""
    modules = FIXTURE_MODULES / "cohort_uniform"
    n = 500

    def population(steer: float) -> Population:
        settings = Settings(population=n, seed=6, reference_date=REF, modules=(modules,), cohort=HYPERTENSION)
        return Population(settings.model_copy(update={"cohort_steer": steer}))

    plain, steered = population(1.0), population(5.0)
    library = steered.library
    loop = library.modules["uniform_onset"].nodes["Wait"].process.__self__  # type: ignore[attr-defined]
    assert loop.low < loop.high  # the fast-forwarded uniform loop is what is steered
    natural = [_has(plain.candidate(i, 0)) for i in range(n)]  # type: ignore[arg-type]
    records = [steered.candidate(i, 0) for i in range(n)]
    hits = [r["weight"] * _has(r) for r in records]  # type: ignore[index,arg-type]
    p, est = sum(natural) / n, sum(hits) / n
    assert 0.05 < p < 0.4, p
    assert sum(_has(r) for r in records) / n > 1.8 * p  # type: ignore[arg-type]
    se = math.sqrt(p * (1 - p) / n + sum((h - est) ** 2 for h in hits) / (n - 1) / n)
    assert abs(est - p) < 4 * se, (est, p, se)
    # the likelihood ratio averages 1 over all candidates (E_q[p/q] = 1): checks the stays counted in plans
    # cut short by the attribute change and by the end of the life
    weights = [r["weight"] for r in records]  # type: ignore[index]
    mean = sum(weights) / n
    se = math.sqrt(sum((w - mean) ** 2 for w in weights) / (n - 1) / n)
    assert abs(mean - 1.0) < 4 * se, (mean, se)


def test_uniform_plans_cut_short_count_the_stays_that_happened() -> None:
    library = Population(Settings(reference_date=REF, modules=(MODULES,))).library
    life = Steering(library, frozenset({("SNOMED-CT", "38341003")}), 5.0).life()
    run_a, run_b = object(), object()
    checks = np.array([0.0, 10.0, 25.0, 40.0])  # the stays' check times of a uniform loop's plan
    life.planned(run_a, 0.5, 0.0, 20.0, 4, 3.0, checks)
    life.planned(run_b, 0.25, 0.0, 20.0, 4, 3.0, checks)
    assert life.log_weight == (4 * 0.5 + 3.0) + (4 * 0.25 + 3.0)
    life.interrupt(run_a, 26.0)  # stays at 0, 10 and 25 happened; the exit did not
    assert life.log_weight == 3 * 0.5 + (4 * 0.25 + 3.0)
    life.finish(10.0)  # run_b's life ended at 10: its stays at 0 and 10 happened
    assert life.log_weight == 3 * 0.5 + 2 * 0.25
