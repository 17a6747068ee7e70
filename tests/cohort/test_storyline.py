"""Storylines (``--storyline``): forced states at exact times, the module carrying on from them,
re-drawn lives for deaths and early onsets, clear errors, and the same bytes for any worker count."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import orjson
import pytest

import ehrsim
import ehrsim.runner
from ehrsim.cli.main import main
from ehrsim.cohort.storyline import Event
from ehrsim.core import clock
from ehrsim.errors import ConfigError, WorkerLost
from ehrsim.runner import run
from ehrsim.settings import Settings
from tests.conftest import FIXTURE_MODULES

MODULES = FIXTURE_MODULES / "storyline"
REF = dt.date(2025, 1, 1)
HYPOTHYROIDISM = "40930008"
PHARYNGITIS = "195662009"


def _story(tmp_path: Path, text: str, name: str = "story.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _generate(n: int, story: Path, **options: object) -> list[dict]:
    options.setdefault("years_of_history", 0)
    return list(ehrsim.generate(n, seed=7, reference_date=REF, modules=MODULES, storyline=story, **options))


def _zone(record: dict) -> ZoneInfo:
    return clock.zone_for_state(record["patient"]["address"]["state_abbr"])


def _noon(day: dt.date, zone: ZoneInfo) -> int:
    return int(dt.datetime.combine(day, dt.time(12), tzinfo=zone).timestamp())


def _birthday(record: dict, years: int) -> dt.date:
    born = dt.datetime.fromtimestamp(record["patient"]["birth_time"], _zone(record)).date()
    return born.replace(year=born.year + years)


def _onsets(record: dict, code: str) -> list[int]:
    return [c["onset"] for c in record["conditions"] if c["codes"][0]["code"] == code]


def test_forced_state_at_its_time_and_the_module_carries_on(tmp_path: Path) -> None:
    """A loop with a 0.1 %/month risk is moved to its onset at 40: the condition starts then (and never
    before), and the module goes on to its follow-up visit 30 days later (at the clinic's next opening)."""
    story = _story(tmp_path, '[[events]]\nmodule = "story_loop"\nstate = "Onset"\nage = 40\n')
    records = _generate(4, story, only_modules=("story_loop",), age_min=41, age_max=60)
    for r in records:
        onset = _noon(_birthday(r, 40), _zone(r))
        assert _onsets(r, HYPOTHYROIDISM) == [onset]
        (followup,) = [e["start"] for e in r["encounters"] if e["module"] == "story_loop"]
        assert onset + 30 * 86400 <= followup < onset + 37 * 86400  # placed in the clinic's hours


def test_forced_state_inside_a_visit_opened_at_that_time(tmp_path: Path) -> None:
    """The marker (naturally at 10) forced at 5 through its visit: one onset, in a visit starting then."""
    story = _story(
        tmp_path,
        '[[events]]\nmodule = "story_fate"\nstate = "Marker"\nencounter = "Marker_Visit"\nage = 5\n',
    )
    for r in _generate(3, story, only_modules=("story_fate",), age_min=12, age_max=25):
        onset = _noon(_birthday(r, 5), _zone(r))
        assert _onsets(r, PHARYNGITIS) == [onset]
        (condition,) = r["conditions"]
        (visit,) = [e for e in r["encounters"] if e["module"] == "story_fate"]
        assert condition["encounter"] == visit["id"] and visit["start"] == onset


def test_dates_and_date_times(tmp_path: Path) -> None:
    story = _story(
        tmp_path,
        '[[events]]\nmodule = "story_loop"\nstate = "Onset"\ndate = 2020-03-15T08:30:00-05:00\n'
        '[[events]]\nmodule = "story_fate"\nstate = "Marker"\ndate = "2021-06-01"\n',
    )
    records = _generate(2, story, age_min=12, age_max=25)
    for r in records:
        assert _onsets(r, HYPOTHYROIDISM) == [int(dt.datetime(2020, 3, 15, 13, 30, tzinfo=dt.UTC).timestamp())]
        assert _onsets(r, PHARYNGITIS) == [_noon(dt.date(2021, 6, 1), _zone(r))]


def test_event_times() -> None:
    zone = ZoneInfo("America/Chicago")
    born = dt.datetime(2000, 2, 29, 23, 30, tzinfo=zone).timestamp()  # 05:30 UTC on 1 March
    assert Event(1, "m", "s", age=45.0).time(born, zone) == dt.datetime(2045, 2, 28, 12, tzinfo=zone).timestamp()
    assert Event(1, "m", "s", age=48.0).time(born, zone) == dt.datetime(2048, 2, 29, 12, tzinfo=zone).timestamp()
    naive = Event(1, "m", "s", when=dt.datetime(2023, 3, 15, 9, 0))
    assert naive.time(born, zone) == dt.datetime(2023, 3, 15, 9, 0, tzinfo=zone).timestamp()


def test_lives_that_cannot_tell_the_storyline_are_redrawn_or_refused(tmp_path: Path) -> None:
    # everyone dies at 30 (story_fate): an event at 40 never happens
    story = _story(tmp_path, '[[events]]\nmodule = "story_loop"\nstate = "Onset"\nage = 40\n')
    refused = r"no candidate for patient 0 could tell the storyline in 5 attempts.*: 5 died before an event"
    with pytest.raises(ConfigError, match=refused):
        _generate(1, story, age_min=41, age_max=60, cohort_max_attempts=5)
    # the marker always happens at 10: it cannot first happen at 20
    story = _story(tmp_path, '[[events]]\nmodule = "story_fate"\nstate = "Marker"\nage = 20\n')
    with pytest.raises(ConfigError, match="5 reached a named state before its time"):
        _generate(1, story, age_min=21, age_max=29, cohort_max_attempts=5)
    # patients younger than 40 at the reference date are re-drawn before any simulation
    story = _story(tmp_path, '[[events]]\nmodule = "story_loop"\nstate = "Onset"\nage = 40\n')
    records = _generate(3, story, only_modules=("story_loop",))
    assert all(_onsets(r, HYPOTHYROIDISM) for r in records)


BAD = [
    ('[[events]]\nmodule = "nope"\nstate = "Onset"\nage = 4\n', r"event 1: unknown module 'nope'"),
    ('[[events]]\nmodule = "story_lop"\nstate = "Onset"\nage = 4\n', r"did you mean story_loop"),
    ('[[events]]\nmodule = "story_loop"\nstate = "Onsett"\nage = 4\n', r"has no state 'Onsett' \(did you mean Onset"),
    ('[[events]]\nmodule = "story_fate"\nstate = "Orphan"\nage = 4\n', r"cannot reach state 'Orphan' from Initial"),
    ('[[events]]\nmodule = "story_loop"\nstate = "Onset"\nage = 111\n', r"no patient reaches age 111"),
    ('[[events]]\nmodule = "story_loop"\nstate = "Onset"\ndate = 2025-06-01\n', r"after the reference date"),
    ('[[events]]\nmodule = "story_loop"\nstate = "Onset"\ndate = 1800-06-01\n', r"before the birth of every patient"),
    (
        '[[events]]\nmodule = "story_fate"\nstate = "Fate"\nage = 30\n'
        '[[events]]\nmodule = "story_loop"\nstate = "Onset"\nage = 40\n',
        r"event 2 \(story_loop:Onset at age 40\) comes after the death of event 1",
    ),
    (
        '[[events]]\nmodule = "story_loop"\nstate = "Onset"\nage = 4\n'
        '[[events]]\nmodule = "story_loop"\nstate = "Followup"\nage = 4\n',
        r"events 1 and 2 move module 'story_loop' at the same time",
    ),
    ('[[events]]\nmodule = "story_loop"\nstate = "Onset"\nencounter = "Month"\nage = 4\n', r"'encounter' must name"),
    ('[[events]]\nmodule = "story_loop"\nstate = "Onset"\n', r"event 1: give exactly one of 'age'"),
    ('[[events]]\nmodule = "story_loop"\nstate = "Onset"\nage = 4\ndate = 2020-01-01\n', r"exactly one of"),
    ('[[events]]\nmodule = "story_loop"\nstate = "Onset"\nage = "forty"\n', r"field 'age' must be a number"),
    ('[[events]]\nmodule = "story_loop"\nstate = "Onset"\ndate = "March"\n', r"field 'date' must be YYYY-MM-DD"),
    ('[[events]]\nmodule = "story_loop"\nstate = 3\nage = 4\n', r"event 1: field 'state' must be a non-empty string"),
    ('[[events]]\nmodule = "story_loop"\nstate = "Onset"\nage = 4\nwhen = 1\n', r"unknown field 'when'"),
    ('[[events]\nmodule = "x"\n', r"not valid TOML"),
    ("title = 'x'\n", r"needs a non-empty list 'events'"),
]


@pytest.mark.parametrize(("text", "message"), BAD)
def test_bad_storylines_name_the_file_and_the_field(tmp_path: Path, text: str, message: str) -> None:
    story = _story(tmp_path, text)
    with pytest.raises(ConfigError, match=message) as info:
        _generate(1, story)
    assert str(story) in str(info.value)


def test_json_storylines_and_cli_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = _story(tmp_path, '{"events": [{"module": "story_loop", "state": "Onset", "age": 40}]}', "s.json")
    bad = _story(tmp_path, '{"events": [{"module": "story_loop", "state": "Onset", "age": 40}', "bad.json")
    args = ["generate", "-p", "2", "-s", "7", "--reference-date", "2025-01-01", "--modules", str(MODULES)]
    args += ["--only-modules", "story_loop", "--age", "41-60", "-w", "1", "--no-progress", "-f", "json"]
    assert main([*args, "-o", str(tmp_path / "a"), "--storyline", str(bad)]) == 2
    assert f"{bad}: not valid JSON" in capsys.readouterr().err
    assert main([*args, "-o", str(tmp_path / "b"), "--storyline", str(tmp_path / "none.toml")]) == 2
    assert "cannot read it" in capsys.readouterr().err
    assert main([*args, "-o", str(tmp_path / "c"), "--storyline", str(good)]) == 0
    assert "cohort: " in capsys.readouterr().out
    meta = orjson.loads((tmp_path / "c" / "metadata.json").read_bytes())
    assert meta["cohort"]["storyline"]["events"] == ["story_loop:Onset at age 40"]
    assert meta["options"]["storyline"] == str(good)


def _run(tmp_path: Path, story: Path, name: str, workers: int) -> dict[str, bytes]:
    settings = Settings(
        population=5,
        seed=11,
        reference_date=REF,
        modules=(MODULES,),
        storyline=story,
        age_min=12,
        age_max=60,
        out=tmp_path / name,
        workers=workers,
        shard_size=1,
        formats=("json", "csv"),
    )
    run(settings)
    out = tmp_path / name
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_byte_identical_for_any_worker_count_and_slot(tmp_path: Path) -> None:
    story = _story(
        tmp_path,
        '[[events]]\nmodule = "story_loop"\nstate = "Onset"\nage = 8\n'
        '[[events]]\nmodule = "story_fate"\nstate = "Marker"\nencounter = "Marker_Visit"\nage = 6\n',
    )
    one = _run(tmp_path, story, "one", workers=1)
    two = _run(tmp_path, story, "two", workers=2)
    assert one.keys() == two.keys()
    for name in one:
        assert one[name] == two[name], name
    records = _generate(3, story, age_min=12, age_max=60)
    alone = _generate(1, story, age_min=12, age_max=60, start=2)
    assert orjson.dumps(alone[0]) == orjson.dumps(records[2])


def test_resume_and_an_edited_storyline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    story = _story(tmp_path, '[[events]]\nmodule = "story_loop"\nstate = "Onset"\nage = 8\n')
    args = ["generate", "-p", "4", "-s", "7", "--reference-date", "2025-01-01", "--modules", str(MODULES)]
    args += ["--age", "12-60", "-w", "1", "--shard-size", "1", "--no-progress", "-f", "json,csv"]
    args += ["--storyline", str(story)]
    whole, resumed = tmp_path / "whole", tmp_path / "resumed"
    assert main([*args, "-o", str(whole)]) == 0
    real = ehrsim.runner.run_shard

    def dies_at_shard_2(settings, k):  # type: ignore[no-untyped-def]
        if k == 2:
            raise WorkerLost("killed")
        return real(settings, k)

    monkeypatch.setattr(ehrsim.runner, "run_shard", dies_at_shard_2)
    assert main([*args, "-o", str(resumed)]) == 2
    monkeypatch.setattr(ehrsim.runner, "run_shard", real)
    story.write_text(story.read_text().replace("age = 8", "age = 9"))  # an edited storyline is another run
    assert main([*args, "-o", str(resumed)]) == 2
    assert "unfinished run made with other storyline" in capsys.readouterr().err
    story.write_text(story.read_text().replace("age = 9", "age = 8"))
    assert main([*args, "-o", str(resumed)]) == 0
    for rel in ("json/patients.ndjson", "csv/conditions.csv", "csv/patients.csv", "metadata.json"):
        assert (resumed / rel).read_bytes() == (whole / rel).read_bytes(), rel


def test_a_storyline_given_as_a_mapping(tmp_path: Path) -> None:
    """The Python API takes the file's content as a dict too: same patients as the file."""
    text = '[[events]]\nmodule = "story_loop"\nstate = "Onset"\ndate = 2020-03-15\n'
    from_file = _generate(2, _story(tmp_path, text), only_modules=("story_loop",))
    events = {"events": [{"module": "story_loop", "state": "Onset", "date": dt.date(2020, 3, 15)}]}
    inline = list(
        ehrsim.generate(
            2, seed=7, reference_date=REF, modules=MODULES, storyline=events, only_modules=("story_loop",),
            years_of_history=0,
        )
    )  # fmt: skip
    assert orjson.dumps(inline) == orjson.dumps(from_file)
    with pytest.raises(ConfigError, match=r"^storyline: event 1: give exactly one of 'age'"):
        list(
            ehrsim.generate(
                1, reference_date=REF, modules=MODULES, storyline={"events": [{**events["events"][0], "age": "x"}]}
            )
        )
    out = tmp_path / "run"
    run(Settings(population=1, seed=7, reference_date=REF, modules=(MODULES,), storyline=events, out=out))
    meta = orjson.loads((out / "metadata.json").read_bytes())
    assert meta["cohort"]["storyline"]["file"] == "storyline"
    assert meta["options"]["storyline"] == {
        "events": [{"module": "story_loop", "state": "Onset", "date": "2020-03-15"}]
    }
