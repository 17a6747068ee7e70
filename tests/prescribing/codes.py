"""RxNorm codes and records shared by the prescribing layer's rule tests."""

from __future__ import annotations

import datetime as dt

from tests.prescribing.helpers import onset

AMOXICILLIN_TAB = "308192"
AMOXICILLIN_SUSP = "308189"
CEPHALEXIN_CAP = "309114"
CEPHALEXIN_SUSP = "309113"
AZITHROMYCIN_TAB = "308460"
PIP_TAZO = "1659149"
AZTREONAM = "1664986"
SMX_TMP_DS = "198335"
NITROFURANTOIN = "1648755"
IBUPROFEN = "310965"
IBUPROFEN_400 = "197805"
ACETAMINOPHEN = "313782"
ACETAMINOPHEN_CHEW = "313820"
METFORMIN_ER = "860975"
GLARGINE = "311041"
LISINOPRIL = "314076"
LABETALOL = "896758"
ENTRESTO = "1656351"
FLUTICASONE = "895994"
BUDESONIDE_DPI = "966529"
SUBOXONE = "351266"
METHADONE = "864706"
EPI_ADULT = "1870230"
EPI_JUNIOR = "727316"
EPI_AMPOULE = "310132"
ONDANSETRON_ODT = "104894"
TERFENADINE = "141918"
ASPIRIN_81 = "243670"
APAP_CODEINE = "993770"
ALBUTEROL_NEB = "245314"

ADULT = dt.date(1970, 1, 1)


def penicillin_allergy(sim, severity: str = "mild"):
    return onset(
        sim,
        "allergies",
        "91936005",
        type="allergy",
        category="medication",
        reactions=[{"code": {"system": "SNOMED-CT", "code": "247472004", "display": "Hives"}, "severity": severity}],
    )
