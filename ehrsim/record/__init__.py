"""The native patient record: the one structure every exporter starts from (docs/record.md)."""
