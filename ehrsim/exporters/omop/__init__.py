"""OMOP CDM v5.4 export (``--format omop``): one CSV per table, loaded into DuckDB or PostgreSQL."""
