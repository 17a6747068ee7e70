"""Exporters: one small class per output format, found through a registry (see ``base``)."""
