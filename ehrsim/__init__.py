"""ehrsim: a fast, reproducible synthetic EHR simulator that runs GMF (Synthea) modules."""

from __future__ import annotations

__version__ = "0.1.0"
