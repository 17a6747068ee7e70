"""Long-acting contraception stays in place (s15preg): an IUS or implant is not a one-off administration."""

from __future__ import annotations

import datetime as dt

from tests.report.clinical.helpers import DAY, breaks, med, passes, run
from tests.report.records import RecordBuilder

MIRENA = ("807283", "levonorgestrel 0.000833 MG/HR Intrauterine System [Mirena]")
IMPLANT = ("389221", "Etonogestrel 68 MG Drug Implant")
IUD_REMOVAL = "68254000"
PREGNANCY = "72892002"
YEAR = int(365.25 * DAY)


def _inserted(index: int, device: tuple[str, str], days: float) -> tuple[RecordBuilder, int, int]:
    b = RecordBuilder(index, birth=dt.date(1990, 1, 1))
    start = b.at_age(25)
    stop = int(start + days * DAY)
    med(b, device, start, stop=stop, administered=True)
    return b, start, stop


def test_a_device_ending_with_its_visit_breaks() -> None:
    b, _, _ = _inserted(0, MIRENA, 15 / 1440)
    result = breaks("rx.long_acting_contraception_in_place", [b.record()])
    assert "ends after 0 days with no removal" in result.examples[0][1][0]
    too_long, _, _ = _inserted(1, IMPLANT, 12 * 365.25)
    assert (
        "in place 12.0 years" in breaks("rx.long_acting_contraception_in_place", [too_long.record()]).examples[0][1][0]
    )


def test_a_device_in_place_for_its_life_or_removed_passes() -> None:
    full, _, _ = _inserted(0, MIRENA, 5 * 365.25)
    removed, _, stop = _inserted(1, IMPLANT, 400)
    removed.procedure(IUD_REMOVAL, stop)
    pregnant, start, _ = _inserted(2, MIRENA, 200)
    pregnant.condition(PREGNANCY, start + 150 * DAY, start + 400 * DAY)
    judged = passes("rx.long_acting_contraception_in_place", [full.record(), removed.record(), pregnant.record()])
    assert judged.events == 3


def test_a_device_is_not_a_one_off_administration_that_must_end() -> None:
    full, _, _ = _inserted(0, MIRENA, 5 * 365.25)
    assert run("rx.one_off_ends", [full.record()]).denominator == 0  # not judged as a one-off
