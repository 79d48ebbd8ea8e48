"""Options shared by several commands, declared once."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

__all__ = ["ConfigOption", "DbPath", "JsonFlag", "LimitOption"]

DbPath = Annotated[
    Path, typer.Option("--db", help="DuckDB database file holding the ingested telemetry.")
]
JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
LimitOption = Annotated[int, typer.Option("--limit", "-n", min=1, help="Show at most N rows.")]
ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        "-c",
        help="Configuration file (YAML) merged over the defaults; see `llmnav config show`.",
    ),
]
