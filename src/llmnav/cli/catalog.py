"""``llmnav catalog``: the packaged ATT&CK catalog."""

from __future__ import annotations

import typer

app = typer.Typer(help="Browse the packaged ATT&CK catalog.", no_args_is_help=True)
