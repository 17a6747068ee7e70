"""Entry ids: the prefix and n as 12 hex digits, whether the tail comes from the shared table or is formatted."""

from __future__ import annotations

from ehrsim.engine import recorder
from ehrsim.engine.recorder import Recorder
from ehrsim.gmf.patient import RESERVED


def test_ids_are_prefix_and_twelve_hex_digits() -> None:
    rec = Recorder("abcdef12-3456-4789-a123-")
    for n in range(1, 10_000):
        entry = rec.add("conditions", {"start": 0.0}, None)
        assert entry["id"] == f"abcdef12-3456-4789-a123-{n:012x}"
        assert entry["n"] == n
    assert rec.new_id() == (f"abcdef12-3456-4789-a123-{10_000:012x}", 10_000)
    assert rec.patient_id == "abcdef12-3456-4789-a123-000000000000"


def test_tails_beyond_the_table_are_formatted() -> None:
    big = recorder._HEX12_MAX + 5
    assert recorder._hex12(big) == f"{big:012x}"
    assert recorder._hex12(70_000) == f"{70_000:012x}"
    assert all(recorder._HEX12[i] == f"{i:012x}" for i in range(0, 70_001, 997))


def test_reserved_leading_keys_are_filled_in_place_with_the_copied_entrys_keys_and_order() -> None:
    copied, in_place = Recorder("p-"), Recorder("p-")
    plain = {"time": 5.0, "codes": [{"code": "8867-4"}], "value": 71.0}
    reserved = {"id": RESERVED, "n": 0, "encounter": None, **plain}
    a = copied.add("observations", dict(plain), "enc-1")
    b = in_place.add("observations", reserved, "enc-1")
    assert b is reserved  # kept, not copied
    assert list(a.items()) == list(b.items())
    assert in_place.latest_obs["8867-4"] is b
