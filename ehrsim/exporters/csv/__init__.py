"""Synthea-compatible CSV export (``--format csv``): the 19 files of Synthea's ``CSVConstants``."""
