"""Rules added after the s14review chart review (seed 5151): hand-made records that break each rule and records
that do not."""

from __future__ import annotations

from tests.report.clinical.helpers import breaks, med, passes
from tests.report.records import RecordBuilder

COMBINED_PILL = ("238019", "ethinyl estradiol 0.03 MG / levonorgestrel 0.15 MG Oral Tablet")
NORETHINDRONE = ("198042", "norethindrone 0.35 MG Oral Tablet")
AURA = ("4473006", "Migraine with aura (disorder)")
NO_AURA = ("56097005", "Migraine without aura (disorder)")


def test_combined_contraceptive_with_migraine_aura() -> None:
    b = RecordBuilder()
    b.condition(AURA[0], b.at_age(23), stop=b.at_age(26), display=AURA[1])
    med(b, COMBINED_PILL, b.at_age(25), stop=b.at_age(26))  # chart 40: the pill started during the aura diagnosis
    breaks("rx.combined_contraceptive_with_migraine_aura", [b.record()])
    g = RecordBuilder()
    g.condition(AURA[0], g.at_age(23), display=AURA[1])
    med(g, NORETHINDRONE, g.at_age(25), stop=g.at_age(26))  # progestin-only: category 1-2
    h = RecordBuilder(index=1)
    h.condition(AURA[0], h.at_age(30), display=AURA[1])
    med(h, COMBINED_PILL, h.at_age(20), stop=h.at_age(24))  # the pill ended before the migraine began
    k = RecordBuilder(index=2)
    k.condition(NO_AURA[0], k.at_age(22), display=NO_AURA[1])
    med(k, COMBINED_PILL, k.at_age(23), stop=k.at_age(25))  # migraine without aura: category 2
    passes("rx.combined_contraceptive_with_migraine_aura", [g.record(), h.record(), k.record()])
