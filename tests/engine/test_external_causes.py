"""Deaths from external causes at 1-44 for a library that is not ehrsim's own (terminology/deaths/external_causes)."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from ehrsim.core.tables import rows
from ehrsim.errors import ConfigError
from ehrsim.gmf.library import load_library
from ehrsim.natural_deaths import EXTERNAL, _external, with_natural_deaths
from ehrsim.paths import modules_dir, terminology_dir
from tests.engine import external_causes_derivation as derivation
from tests.engine.harness import simulate
from tests.runs.conftest import write_module

TABLES = terminology_dir() / "deaths" / "external_causes" / "lookup_tables"


@pytest.mark.parametrize(("sex", "name"), [("M", "male"), ("F", "female")])
def test_the_tables_are_the_external_part_of_ehrsims_own_residual_deaths(sex: str, name: str) -> None:
    """The files hold what the documented derivation gives (from natural_causes_*.csv and causes.csv)."""
    with open(TABLES / f"external_causes_{name}.csv", newline="", encoding="utf-8") as fh:
        assert list(csv.reader(fh)) == derivation.derived(sex)


def test_the_module_joins_another_library_but_never_ehrsims_own(tmp_path: Path) -> None:
    tiny = load_library([write_module(tmp_path / "tiny")])
    added = with_natural_deaths(tiny, "auto")
    assert EXTERNAL in [m.path for m in added.top_level()]
    assert {"external_causes_male.csv", "external_causes_female.csv"} <= set(added.lookup_tables)
    assert with_natural_deaths(tiny, "off") is tiny
    ours = load_library([modules_dir()])
    assert EXTERNAL not in with_natural_deaths(ours, "on").modules
    (tmp_path / "tiny" / "tiny.json").rename(tmp_path / "tiny" / f"{EXTERNAL}.json")
    with pytest.raises(ConfigError, match="external-cause"):
        with_natural_deaths(load_library([tmp_path / "tiny"]), "auto")


def test_young_men_die_of_external_causes_and_nobody_after_44() -> None:
    """The module run alone on young men until 80: the deaths it causes are external, all before 45. With about
    0.1 % a year at 20-44, some of 300 lives die of it (expected about 0.5 x 300 x 2.2 % over ages 1-44)."""
    folder = terminology_dir() / "deaths" / EXTERNAL
    suicides = {r["code"] for r in rows("deaths/suicide_mechanisms.csv")}  # Suicide_Death: by mechanism (s17death)
    causes = set(derivation.CAUSES.values()) | suicides
    deaths = 0
    for seed in range(300):
        _, record = simulate(
            EXTERNAL, gender="M", born=dt.date(1940, 1, 1), end=dt.date(2020, 1, 1), seed=seed, folder=folder
        )
        death = record.get("death")
        if death is None or death.get("time") is None:
            continue
        deaths += 1
        age = (death["time"] - record["patient"]["birth_time"]) / (365.25 * 86400)
        assert 1 <= age < 45, age
        assert {c["code"] for c in death["codes"]} <= causes, death["codes"]
    assert 1 <= deaths <= 20
    assert _external().modules[EXTERNAL].path == EXTERNAL
