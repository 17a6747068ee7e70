"""``ehrsim report clinical``: a clinical audit of a generated population, rules as data.

Rules live in ``terminology/clinical/rules.json`` (each with a rationale, a source and a tolerance);
each names a *kind*, a small class in ``kinds_*.py`` registered in :mod:`.base`. See
docs/clinical-audit.md.
"""

from ehrsim.report.clinical.audit import AuditReport, RuleResult, audit
from ehrsim.report.clinical.data import ClinicalData, default_clinical, load_clinical

__all__ = ["AuditReport", "ClinicalData", "RuleResult", "audit", "default_clinical", "load_clinical"]
