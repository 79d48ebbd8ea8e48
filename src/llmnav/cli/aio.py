"""``llmnav aio``: the AI-orchestration taxonomy, its STIX bundle, and detection on a store."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TextColumn
from rich.table import Table

from llmnav.cli.options import ConfigOption, DbPath
from llmnav.cli.render import console, error_console, safe
from llmnav.config import load_config
from llmnav.orchestration.taxonomy import load_taxonomy

__all__ = ["app"]

app = typer.Typer(
    help="The AIO (AI orchestration) taxonomy and its detectors.", no_args_is_help=True
)


@app.command("list")
def list_command() -> None:
    """List the AIO tactics and behaviours with their definitions."""
    taxonomy = load_taxonomy()
    view = Table(title=f"{taxonomy.name} {taxonomy.version}", title_justify="left", expand=True)
    view.add_column("id", no_wrap=True)
    view.add_column("name", ratio=1)
    view.add_column("tactic", ratio=1)
    view.add_column("definition", ratio=3)
    for technique in taxonomy.techniques:
        view.add_row(
            technique.id,
            technique.name,
            taxonomy.tactic(technique.tactic).name,
            technique.definition,
        )
    console.print(view)


@app.command("bundle")
def bundle_command(
    out: Annotated[Path, typer.Option("--out", "-o", help="Where to write the STIX bundle.")],
) -> None:
    """Write the AIO taxonomy as a STIX 2.1 bundle the ATT&CK Navigator loads as custom data."""
    from llmnav.orchestration.export import write_aio_bundle

    path = write_aio_bundle(out)
    console.print(f"wrote {safe(path)}", highlight=False)


@app.command("detect")
def detect_command(db: DbPath, config: ConfigOption = None) -> None:
    """Run the AIO detectors over every session of a mapped store (replaces earlier results)."""
    from llmnav.orchestration.detect import detect_store
    from llmnav.store.duckdb import Store

    settings = load_config(config)
    with (
        Store.open(db) as store,
        Progress(
            TextColumn("[bold]detect"),
            BarColumn(),
            TextColumn("{task.completed:,}/{task.total:,} sessions"),
            console=error_console,
            transient=True,
        ) as progress,
    ):
        task = progress.add_task("detect", total=store.count("sessions"))
        hits = detect_store(store, settings, progress=lambda n: progress.update(task, advance=n))
        n_sessions = store.count("sessions")
    counts = Counter(hit.behaviour_id for hit in hits)
    listed = ", ".join(f"{b} x{n}" for b, n in sorted(counts.items())) or "none"
    console.print(
        f"{n_sessions:,} sessions | {len(hits):,} AIO behaviours ({listed}) | "
        f"config {settings.fingerprint}",
        highlight=False,
        soft_wrap=True,
    )
