"""The ``llmnav`` command line: parses options, calls the library, renders results.

Each command group lives in its own module and registers itself on ``app``.
Errors from the library (``LlmnavError``) print as ``Error: ...`` on stderr and
exit 1; ``--debug`` shows the traceback instead.
"""

from __future__ import annotations

import sys

import typer

from llmnav.cli import catalog as catalog_cmd
from llmnav.cli import ingest as ingest_cmd
from llmnav.cli.render import error_console
from llmnav.errors import LlmnavError

__all__ = ["app", "main"]

app = typer.Typer(
    name="llmnav",
    help="LLM ATT&CK Navigator: turn LLM telemetry into ATT&CK-mapped threat intelligence.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(catalog_cmd.app, name="catalog")
ingest_cmd.register(app)


def main() -> None:
    """Console entry point: run the app and turn library errors into clean exits."""
    debug = "--debug" in sys.argv
    if debug:
        sys.argv.remove("--debug")
    try:
        app()
    except LlmnavError as exc:
        if debug:
            raise
        error_console.print(f"[bold red]Error:[/] {exc}", markup=True, highlight=False)
        sys.exit(1)
