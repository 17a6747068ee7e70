"""COPD maintenance before salmeterol/fluticasone (2000) and tiotropium (2004): the ipratropium inhaler of its era."""

from __future__ import annotations

import datetime as dt

from tests.prescribing.helpers import at, code_of, order, patient

SALMETEROL_FLUTICASONE, TIOTROPIUM, IPRATROPIUM_MDI = "896209", "485032", "836343"
COPD = [{"system": "SNOMED-CT", "code": "13645005", "display": "Chronic obstructive lung disease (disorder)"}]
EMPHYSEMA = [{"system": "SNOMED-CT", "code": "87433001", "display": "Pulmonary emphysema (disorder)"}]
ASTHMA = [{"system": "SNOMED-CT", "code": "195967001", "display": "Asthma (disorder)"}]


def test_copd_maintenance_before_2001_is_ipratropium_two_puffs_four_times_a_day() -> None:
    sim = patient(dt.date(1930, 1, 1))
    at(sim, dt.date(1990, 3, 1))
    entry = order(sim, SALMETEROL_FLUTICASONE, chronic=True, reason=COPD, amount=1.0)
    assert code_of(entry) == IPRATROPIUM_MDI and entry["prescribing"]["rule"] == "us_approval"
    assert entry["dosage"]["amount"] == 2.0 and entry["dosage"]["frequency"] == 4  # Atrovent label
    at(sim, dt.date(1998, 3, 1))  # fluticasone (1996) exists but not the combination: still a bronchodilator
    assert code_of(order(sim, SALMETEROL_FLUTICASONE, chronic=True, reason=EMPHYSEMA)) == IPRATROPIUM_MDI
    at(sim, dt.date(2000, 3, 1))
    assert code_of(order(sim, TIOTROPIUM, chronic=True, reason=COPD)) == IPRATROPIUM_MDI
    at(sim, dt.date(2002, 3, 1))
    assert code_of(order(sim, SALMETEROL_FLUTICASONE, chronic=True, reason=COPD)) == SALMETEROL_FLUTICASONE


def test_no_ipratropium_before_1987_nor_for_asthma() -> None:
    sim = patient(dt.date(1920, 1, 1))
    at(sim, dt.date(1985, 3, 1))  # before Atrovent (1986): withheld for its era as before
    assert order(sim, SALMETEROL_FLUTICASONE, chronic=True, reason=COPD)["prescribing"]["action"] == "withheld"
    asthma = patient(dt.date(1950, 1, 1))
    at(asthma, dt.date(1998, 3, 1))  # asthma keeps the inhaled corticosteroid of its era
    assert code_of(order(asthma, SALMETEROL_FLUTICASONE, chronic=True, reason=ASTHMA)) != IPRATROPIUM_MDI
