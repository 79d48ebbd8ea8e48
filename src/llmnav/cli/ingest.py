"""``llmnav ingest``, ``sessions`` and ``actors``: load telemetry into a DuckDB store."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add the ingest commands to the top-level app."""
