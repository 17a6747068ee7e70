"""The prescribing layer: every medication a module orders is checked against the patient first.

Data under terminology/prescribing/ (see its SOURCES.md); the engine calls ``Pharmacy.order``
where a MedicationOrder is recorded.
"""

from ehrsim.prescribing.pharmacy import Pharmacy
from ehrsim.prescribing.tables import tables

__all__ = ["Pharmacy", "tables"]
