"""The red-cell results of one blood count agree with each other, and with its haemoglobin.

A complete blood count measures haemoglobin, the red-cell count (RBC) and the mean cell volume (MCV); the
haematocrit, MCH and MCHC are computed from them by the analyser: MCHC = Hb / Hct x 100 (g/dL), MCH = Hb / RBC x 10
(pg), MCV = Hct / RBC x 10 (fL) (Sarma PR, Red cell indices, in Clinical Methods, 3rd ed., 1990, NBK260). A panel's
module draws each index from its own normal range, so an anaemic haemoglobin of 9.9 g/dL came with a haematocrit of
39.2 % and an MCH of 31.3 pg (the s18young chart review: 317 of 464 counts broke MCH = Hb / RBC). Here the
haemoglobin of the sample (the physiological state's) and the module's MCV and MCHC (the cell's size and
concentration, both drawn within their normal ranges) give the haematocrit, the red-cell count and the MCH, so an
anaemia lowers all three as it does in a real count. No draw is added.
"""

from __future__ import annotations

__all__ = ["HB", "HCT", "MCH", "MCHC", "MCV", "RBC", "agree"]

HB, HCT, RBC, MCV, MCH, MCHC = "718-7", "4544-3", "789-8", "787-2", "785-6", "786-4"


def agree(values: dict[str, float]) -> dict[str, float]:
    """The results (LOINC -> value) of one count made to agree: the new values of those that change.

    Needs haemoglobin and MCHC (the haematocrit follows), then MCV (the red-cell count and MCH follow); results the
    panel does not have are not added."""
    hb, mchc = values.get(HB), values.get(MCHC)
    if hb is None or mchc is None or hb <= 0 or mchc <= 0:
        return {}
    out: dict[str, float] = {}
    hct = round(hb / mchc * 100.0, 1)
    if HCT in values:
        out[HCT] = hct
        out[MCHC] = round(hb / hct * 100.0, 1)  # the analyser's MCHC of the rounded haematocrit
    mcv = values.get(MCV)
    if mcv is not None and mcv > 0:
        rbc = round(hct / mcv * 10.0, 2)
        if RBC in values:
            out[RBC] = rbc
        if MCH in values and rbc > 0:
            out[MCH] = round(hb / rbc * 10.0, 1)
    return {k: v for k, v in out.items() if v != values.get(k)}
