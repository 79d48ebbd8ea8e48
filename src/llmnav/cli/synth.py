"""``llmnav synth`` and ``llmnav demo``: the calibrated demo population, and the demo run.

``synth`` writes raw telemetry (sessions JSONL) and, beside it, the
generator's labels; ``demo`` generates the population into ``DIR/telemetry/``,
runs the whole pipeline on it into ``DIR`` and prints the headline figures
next to the study's, with the mapping accuracy against the labels.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from llmnav.cli.analyze import analyze_with_progress, stage_times
from llmnav.cli.render import console, error_console, safe

__all__ = ["demo_command", "register", "synth_command"]

ActorsOption = Annotated[
    int, typer.Option("--actors", "-n", min=1, help="How many actors to generate.")
]
SeedOption = Annotated[
    int, typer.Option("--seed", "-s", help="Random seed (same seed, same data).")
]


def register(app: typer.Typer) -> None:
    """Add ``synth`` and ``demo`` to ``app``."""
    app.command("synth")(synth_command)
    app.command("demo")(demo_command)


def _generate(path: Path, actors: int, seed: int, labels: Path | None = None) -> Any:
    from llmnav.synth import write_population

    with Progress(
        TextColumn("[bold]generating"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=error_console,
        transient=True,
    ) as progress:
        task = progress.add_task("actors", total=actors)
        return write_population(
            path,
            actors,
            seed,
            labels=labels,
            on_actor=lambda n: progress.update(task, completed=n),
        )


def _summary_line(summary: Any) -> str:
    kinds = ", ".join(f"{n:,} {k}" for k, n in summary.interfaces.items())
    return (
        f"wrote {summary.actors:,} actors, {summary.sessions:,} sessions, "
        f"{summary.actions:,} actions ({kinds}) to {safe(summary.path)}; "
        f"labels in {safe(summary.labels)}"
    )


def synth_command(
    out: Annotated[Path, typer.Option("--out", "-o", help="Telemetry file to write (JSONL).")],
    actors: ActorsOption = 832,
    seed: SeedOption = 0,
) -> None:
    """Generate the calibrated demo population as raw telemetry (sessions JSONL).

    The generator's labels (per action, the technique it was written for) go to
    a separate file beside OUT (pop.jsonl -> pop.labels.jsonl), never into the
    telemetry. Analyse OUT alone, not its folder, or move the labels away.
    """
    if out.exists() and out.is_dir():
        raise typer.BadParameter(f"{out} is a folder; give a file name", param_hint="--out")
    summary = _generate(out, actors, seed)
    console.print(_summary_line(summary), highlight=False, soft_wrap=True)


def demo_command(
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the demo run.")],
    actors: ActorsOption = 832,
    seed: SeedOption = 0,
) -> None:
    """Generate the demo population into OUT/telemetry/, analyse it into OUT, print the figures.

    Also compares the pipeline's best technique per action with the
    generator's labels (OUT/labels.jsonl) and writes that mapping accuracy to
    OUT/demo-accuracy.json.
    """
    from llmnav.store.duckdb import Store
    from llmnav.synth.calibrate import TARGETS, mapping_accuracy, measure, read_labels

    if out.exists() and not out.is_dir():
        raise typer.BadParameter(f"{out} is a file; give a folder", param_hint="--out")
    telemetry = out / "telemetry" / "population.jsonl"
    for stale in (out / "telemetry").glob("*") if (out / "telemetry").is_dir() else ():
        if stale.is_file():
            stale.unlink()
    db = out / "llmnav.duckdb"
    if db.exists():
        db.unlink()
    summary = _generate(telemetry, actors, seed, labels=out / "labels.jsonl")
    console.print(_summary_line(summary), highlight=False, soft_wrap=True)
    result = analyze_with_progress([out / "telemetry"], out)
    rejected = sum(f.rejected for f in result.ingest.files)
    with Store.open(result.db, read_only=True) as store:
        figures = measure(
            store, result.population, result.scores, campaign_actors=summary.campaign_actors
        )
        accuracy = mapping_accuracy(store, read_labels(summary.labels))
    console.print(
        f"analysed {figures['actors']:,} actors, {figures['actions']:,} actions "
        f"(rejected {rejected:,}) in {sum(result.seconds.values()):.1f}s: {stage_times(result)}",
        highlight=False,
        soft_wrap=True,
    )
    for figure in TARGETS:
        value = figures[figure.name]
        mark = "ok" if figure.ok(value) else "off"
        console.print(
            f"  {figure.name:<30} {_fmt(value):>8}  study {figure.target:g} "
            f"(band ±{figure.tolerance:g}) {mark}",
            highlight=False,
        )
    campaign = ", ".join(f"{a} {v:.1f}" for a, v in figures["campaign_aries"].items() if v)
    console.print(
        f"  campaign actors (ARiES): {campaign or 'none'}", highlight=False, soft_wrap=True
    )
    console.print(
        f"  mapping accuracy vs labels: top-1 exact {accuracy['top1_exact']:.1%}, "
        f"parent {accuracy['top1_parent']:.1%} over {accuracy['actions']:,} labelled actions",
        highlight=False,
        soft_wrap=True,
    )
    payload = {"accuracy": accuracy, "figures": figures, "seconds": result.seconds}
    accuracy_file = out / "demo-accuracy.json"
    accuracy_file.write_text(json.dumps(payload, indent=2, default=str) + "\n", encoding="utf-8")
    console.print(f"accuracy: {safe(accuracy_file)}", highlight=False, soft_wrap=True)
    console.print(f"[bold]report: {safe(out / 'report.html')}[/]", highlight=False, soft_wrap=True)
    if result.ingest.failed_files:
        raise typer.Exit(1)


def _fmt(value: float) -> str:
    return "n/a" if isinstance(value, float) and math.isnan(value) else f"{value:.2f}"
