"""``llmnav eval``: mapping accuracy on the development files, beside a baseline."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from llmnav.cli.render import console, error_console
from llmnav.errors import ConfigError

if TYPE_CHECKING:
    from llmnav.mapping.evaluate import DatasetScores

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    app.command("eval")(eval_command)


def eval_command(
    bench: Annotated[
        Path,
        typer.Option("--bench", help="Folder with the development files (atomic-dev.jsonl, ...)."),
    ] = Path("../shared/data/bench"),
    commands: Annotated[
        list[Path] | None,
        typer.Option(
            "--commands",
            help="Also score this labelled command corpus (JSON lines with command and "
            "technique or techniques); repeatable.",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """Measure the mapper on the development files and a nearest-neighbour baseline.

    Atomic Red Team commands and TRAM sentences are scored on the holdout the
    shipped model never saw; CyberSecEval prompts only ever measure. Each
    ``--commands`` corpus is scored whole: commands written by other people for
    other purposes show how the mapper carries over.
    """
    from llmnav.mapping.evaluate import evaluate

    if not (bench / "atomic-dev.jsonl").is_file():
        raise ConfigError(f"No development files in {bench}; pass --bench DIR")
    with console.status("evaluating") as status:
        scores = evaluate(
            bench,
            commands=commands or (),
            progress=lambda m: status.update(f"evaluating: {m}"),
        )
    if as_json:
        typer.echo(json.dumps([asdict(s) for s in scores], indent=1))
        return
    # One table for technique-labelled data and one for prompts, each with only the
    # metrics that apply to it, so both fit an 80-column terminal.
    for title, rows in (
        ("mapping accuracy", [s for s in scores if s.exact_top1 is not None]),
        ("prompts: tactic and intent", [s for s in scores if s.exact_top1 is None]),
    ):
        if rows:
            console.print(_table(f"llmnav eval: {title}", rows))
    for score in scores:
        if score.reliability and score.system == "llmnav":
            bins = ", ".join(f">={low:g}: {acc:.2f} (n={n})" for low, acc, n in score.reliability)
            console.print(
                f"{score.dataset}: exact@1 by confidence {bins}", highlight=False, soft_wrap=True
            )
    # A note is about the data set, so it is said once, not once per system.
    for dataset, note in dict.fromkeys((s.dataset, n) for s in scores for n in s.notes):
        error_console.print(f"{dataset}: {note}", highlight=False)


def _table(title: str, scores: list[DatasetScores]) -> Table:
    from llmnav.mapping.evaluate import METRICS

    metrics = [(k, h) for k, h in METRICS if any(getattr(s, k) is not None for s in scores)]
    table = Table(title=title, title_justify="left")
    table.add_column("data set", overflow="fold")
    table.add_column("system")
    table.add_column("n", justify="right")
    for _, header in metrics:
        table.add_column(header, justify="right")
    for score in scores:
        values = [getattr(score, key) for key, _ in metrics]
        table.add_row(
            score.dataset,
            score.system,
            str(score.n),
            *("" if v is None else f"{v:.3f}" for v in values),
        )
    return table
