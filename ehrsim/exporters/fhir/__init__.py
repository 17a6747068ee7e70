"""FHIR R4 (4.0.1) export with US Core 6.1.0 profiles: per-patient bundles and bulk NDJSON.

One small module per resource family turns native record entries (docs/record.md) into plain
dicts; ``bundle.py`` wraps them and ``exporter.py`` plugs them into the run.
"""
