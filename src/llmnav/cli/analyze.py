"""``llmnav analyze``: the whole pipeline over telemetry files, results in one folder."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from llmnav.cli.ingest import print_ingest_summary
from llmnav.cli.options import ConfigOption
from llmnav.cli.render import console, error_console, safe
from llmnav.config import load_config

if TYPE_CHECKING:
    from llmnav.analyze import AnalyzeResult

__all__ = ["analyze_with_progress", "register", "stage_times"]


def analyze_with_progress(inputs: Sequence[Path], out: Path, **options: Any) -> AnalyzeResult:
    """``llmnav.analyze.analyze`` with a spinner on stderr naming the stage it is in."""
    from llmnav.analyze import STAGES, analyze

    with Progress(
        SpinnerColumn(),
        TextColumn("[bold]{task.description}"),
        TimeElapsedColumn(),
        console=error_console,
        transient=True,
    ) as progress:
        task = progress.add_task(STAGES[0], total=None)
        return analyze(
            inputs, out, on_stage=lambda name: progress.update(task, description=name), **options
        )


def stage_times(result: AnalyzeResult) -> str:
    """How long each stage took, for the closing summary: ``ingest 0.8s | map 4.3s | ...``."""
    return " | ".join(f"{name} {secs:.1f}s" for name, secs in result.seconds.items())


def register(app: typer.Typer) -> None:
    app.command("analyze")(analyze_command)


def analyze_command(
    inputs: Annotated[list[Path], typer.Argument(help="Telemetry files or folders to read.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the results.")],
    config: ConfigOption = None,
    format: Annotated[
        str | None, typer.Option("--format", "-f", help="Skip format detection for every input.")
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option("--workers", min=1, help="Processes for parsing and mapping (default: CPUs)."),
    ] = None,
    periods: Annotated[
        str,
        typer.Option(
            "--periods",
            help="Periods for the trend analytics: a count of equal parts, or a length (30d, 4w).",
        ),
    ] = "2",
    grader: Annotated[
        Path | None,
        typer.Option(
            "--grader",
            help="LLM settings file (as for `map --llm`): grade technical sophistication with it.",
        ),
    ] = None,
    intel: Annotated[
        Path | None,
        typer.Option("--intel", help="Indicator feed (CSV, or STIX 2.1 indicators) for ARiES."),
    ] = None,
) -> None:
    """Run the whole pipeline: ingest, map to ATT&CK, detect AIO behaviours, score ARiES,
    write outputs.

    OUT gets the DuckDB store (llmnav.duckdb), rejected.jsonl, actors.csv (the
    triage queue), analytics.json and report.html (the population analytics), the
    AIO STIX bundle and the Navigator layers under layers/.
    """
    from llmnav.scoring import load_intel

    settings = load_config(config)
    feed = load_intel(intel) if intel is not None else None
    llm_grader = None
    if grader is not None:
        from llmnav.mapping.llm.settings import build_provider, load_llm_settings
        from llmnav.scoring import LlmGrader

        llm_grader = LlmGrader(build_provider(load_llm_settings(grader)))
    result = analyze_with_progress(
        inputs,
        out,
        config=settings,
        intel=feed,
        grader=llm_grader,
        format=format,
        workers=workers,
        periods=int(periods) if periods.isdigit() else periods,
    )
    print_ingest_summary(result.ingest)
    console.print(f"mapped {result.mapped:,} actions", highlight=False)
    behaviours = Counter(hit.behaviour_id for hit in result.aio_hits)
    sessions = len({hit.session_id for hit in result.aio_hits})
    listed = ", ".join(f"{b} x{n}" for b, n in sorted(behaviours.items())) or "none"
    console.print(
        f"AIO behaviours: {len(result.aio_hits):,} in {sessions:,} sessions ({listed})",
        highlight=False,
        soft_wrap=True,
    )
    tiers = Counter(score.tier for score in result.scores)
    shown = ", ".join(
        f"{tiers[t]:,} {t}" for t in ("critical", "high", "medium", "low") if tiers[t]
    )
    top = result.scores[0] if result.scores else None
    console.print(
        f"ARiES: {len(result.scores):,} actors ({shown or 'none'})"
        + (f"; top {safe(top.actor_id)} {top.aries:.1f} ({top.tier})" if top else ""),
        highlight=False,
        soft_wrap=True,
    )
    console.print(
        f"[bold]wrote {len(result.files):,} files to {safe(result.out_dir)}[/] "
        f"(report: {safe(result.out_dir / 'report.html')}) | {stage_times(result)}",
        highlight=False,
        soft_wrap=True,
    )
    if result.ingest.failed_files:
        raise typer.Exit(1)
