"""The ``llmnav`` command line: parses options, calls the library, renders results.

Each command group lives in its own module and registers itself on ``app``.
Errors from the library (``LlmnavError``) print as ``Error: ...`` on stderr and
exit 1; ``--debug`` shows the traceback instead.
"""

from __future__ import annotations

from typing import Any

import typer
from typer.core import TyperGroup

from llmnav.cli import aio as aio_cmd
from llmnav.cli import analyze as analyze_cmd
from llmnav.cli import catalog as catalog_cmd
from llmnav.cli import config as config_cmd
from llmnav.cli import evaluate as eval_cmd
from llmnav.cli import explain as explain_cmd
from llmnav.cli import ingest as ingest_cmd
from llmnav.cli import layer as layer_cmd
from llmnav.cli import map as map_cmd
from llmnav.cli import synth as synth_cmd
from llmnav.cli.render import print_error
from llmnav.errors import LlmnavError

__all__ = ["app", "main"]


class _Group(TyperGroup):
    """The top-level group: library errors become ``Error: ...`` and exit code 1."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except LlmnavError as exc:
            if ctx.obj == "debug":
                raise
            print_error(exc)
            raise typer.Exit(1) from exc


app = typer.Typer(
    name="llmnav",
    cls=_Group,
    help="LLM ATT&CK Navigator: turn LLM telemetry into ATT&CK-mapped threat intelligence.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(catalog_cmd.app, name="catalog")
app.add_typer(aio_cmd.app, name="aio")
app.add_typer(config_cmd.app, name="config")
app.add_typer(layer_cmd.app, name="layer")
analyze_cmd.register(app)
synth_cmd.register(app)
explain_cmd.register(app)
ingest_cmd.register(app)
map_cmd.register(app)
eval_cmd.register(app)


@app.callback()
def _root(
    ctx: typer.Context,
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks instead of short errors."),
) -> None:
    """LLM ATT&CK Navigator: turn LLM telemetry into ATT&CK-mapped threat intelligence."""
    ctx.obj = "debug" if debug else None


def main() -> None:
    """Console entry point."""
    app(prog_name="llmnav")
