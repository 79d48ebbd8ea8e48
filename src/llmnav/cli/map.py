"""``llmnav map``: map actions to ATT&CK techniques, tactics and intent."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from llmnav.cli.render import byte_progress, console, error_console, safe

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    app.command("map")(map_command)


def map_command(
    source: Annotated[
        Path, typer.Argument(help="JSONL input: one object per line with `id` and a text field.")
    ],
    output: Annotated[Path, typer.Option("--output", "-o", help="JSONL output file.")],
    text_field: Annotated[str, typer.Option("--field", help="Name of the text field.")] = "text",
    workers: Annotated[
        int, typer.Option("--workers", "-w", min=1, help="Worker processes (default 1).")
    ] = 1,
    sigma: Annotated[
        Path | None,
        typer.Option("--sigma", help="Directory of Sigma process_creation rules to apply too."),
    ] = None,
    llm: Annotated[
        Path | None,
        typer.Option("--llm", help="LLM mapper settings (YAML or JSON); see docs/llm.md."),
    ] = None,
    semantic: Annotated[
        bool,
        typer.Option(
            "--semantic", help="Add the MiniLM semantic mapper (optional, about 50 actions/s)."
        ),
    ] = False,
    explain: Annotated[
        bool, typer.Option("--explain", help="Add each technique's evidence and mappers.")
    ] = False,
) -> None:
    """Map each line of SOURCE to ranked ATT&CK techniques, tactics and an intent score.

    Output lines: {"id", "techniques": [{"id", "score"}...], "tactics": [{"id",
    "score"}...], "intent"}, best first. Malformed lines are reported and skipped.
    """
    from llmnav.mapping.stream import MapSummary, map_file

    progress = byte_progress("map")
    with progress:
        task = progress.add_task("map", total=None, counts="")

        def on_progress(done: int, total: int, summary: MapSummary) -> None:
            progress.update(task, completed=done, total=total, counts=f"{summary.mapped:,} mapped")

        summary = map_file(
            source,
            output,
            text_field=text_field,
            workers=workers,
            explain=explain,
            sigma_dir=sigma,
            llm_config=llm,
            semantic=semantic,
            on_progress=on_progress,
        )
    for line, reason in summary.bad_lines[:10]:
        error_console.print(f"[yellow]skipped[/] line {line}: {safe(reason)}", highlight=False)
    if len(summary.bad_lines) > 10:
        error_console.print(f"  ... and {len(summary.bad_lines) - 10:,} more", highlight=False)
    console.print(
        f"read {summary.read:,} | mapped {summary.mapped:,} | skipped {len(summary.bad_lines):,}"
        f" -> {safe(output)}",
        highlight=False,
        soft_wrap=True,
    )
