"""``ehrsim validate``: check FHIR output (bundles or NDJSON) before it meets a server.

Four families of checks, each in its own module: structure against the R4 models, reference
integrity, US Core required elements, and clinical plausibility.
"""

from ehrsim.validate.report import Problem, Report
from ehrsim.validate.runner import validate_documents, validate_paths

__all__ = ["Problem", "Report", "validate_documents", "validate_paths"]
