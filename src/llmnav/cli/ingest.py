"""``llmnav ingest``, ``sessions`` and ``actors``: load telemetry into a DuckDB store."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, Progress, TextColumn
from rich.table import Table

from llmnav.cli.options import DbPath, JsonFlag, LimitOption
from llmnav.cli.render import byte_progress, console, error_console, print_error, safe
from llmnav.errors import RecordError, StoreError
from llmnav.ingest import IngestSummary, ingest_files, reader_names
from llmnav.store.duckdb import Store

__all__ = ["print_ingest_summary", "register"]


def register(app: typer.Typer) -> None:
    """Add the ingest commands to the top-level app."""
    app.command("ingest")(ingest_command)
    app.command("sessions")(sessions_command)
    app.command("actors")(actors_command)


def ingest_command(
    files: Annotated[list[Path], typer.Argument(help="Telemetry files to read.")],
    db: DbPath,
    format: Annotated[
        str | None,
        typer.Option(
            "--format", "-f", help=f"Skip format detection: one of {', '.join(reader_names())}."
        ),
    ] = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="Stop at the first bad record (exit code 2).")
    ] = False,
    map_actions: Annotated[
        bool,
        typer.Option("--map", help="Also map the actions read to ATT&CK (the hits table)."),
    ] = False,
) -> None:
    """Read telemetry FILES into the DuckDB store at --db.

    Formats are detected from content. Bad records are kept in the `rejected`
    table and in rejected.jsonl next to the database; the rest goes through.
    Ingesting the same file again adds nothing.
    """
    progress = byte_progress("ingest")
    with progress:
        task = progress.add_task("ingest", total=None, counts="")

        def on_progress(done: int, total: int, summary: IngestSummary) -> None:
            counts = f"{summary.read:,} read, {summary.rejected:,} rejected"
            progress.update(task, completed=done, total=total, counts=counts)

        try:
            summary = ingest_files(files, db, format=format, strict=strict, on_progress=on_progress)
        except RecordError as exc:
            progress.stop()
            print_error(exc)
            error_console.print("Stopped at the first bad record (--strict).", highlight=False)
            raise typer.Exit(2) from exc
    print_ingest_summary(summary)
    if map_actions:
        _map_sessions(db, summary.session_ids)
    if summary.failed_files:
        raise typer.Exit(1)


def _map_sessions(db: Path, session_ids: set[str]) -> None:
    from llmnav.mapping.engine import MappingEngine
    from llmnav.mapping.stored import map_stored_actions

    with (
        Progress(
            TextColumn("[bold]map"),
            BarColumn(),
            TextColumn("{task.completed:,} actions"),
            console=error_console,
            transient=True,
        ) as progress,
        Store.open(db) as store,
    ):
        task = progress.add_task("map", total=None)
        mapped = map_stored_actions(
            store,
            MappingEngine.default(),
            session_ids=session_ids,
            on_progress=lambda done, total: progress.update(task, completed=done, total=total),
        )
    console.print(f"mapped {mapped:,} actions -> hits, action_intent", highlight=False)


def print_ingest_summary(summary: IngestSummary) -> None:
    for file in summary.files:
        if file.error:
            print_error(file.error)
        elif file.warning:
            error_console.print(f"[yellow]Warning:[/] {safe(file.path)}: {file.warning}")
        else:
            console.print(
                f"{safe(file.path)} [dim]({file.format})[/]: read {file.read:,} | "
                f"stored {file.stored:,} (new {file.new:,}) | rejected {file.rejected:,}",
                highlight=False,
                soft_wrap=True,
            )
            for bad in file.first_rejected:
                where = f"line {bad.line}" if bad.line is not None else "document"
                if bad.field:
                    where += f", field {bad.field}"
                console.print(
                    f"  [yellow]rejected[/] {where}: {safe(bad.reason, limit=160)}",
                    highlight=False,
                    soft_wrap=True,
                )
            if file.rejected > len(file.first_rejected):
                console.print(
                    f"  ... and {file.rejected - len(file.first_rejected):,} more", highlight=False
                )
    line = (
        f"[bold]read {summary.read:,}[/] | stored {summary.stored:,} (new {summary.new:,}) | "
        f"rejected {summary.rejected:,}"
    )
    if summary.rejected and summary.rejected_path:
        line += f" -> {safe(summary.rejected_path)}"
    line += f" | {summary.sessions:,} sessions, {summary.actions:,} actions"
    console.print(line, highlight=False, soft_wrap=True)


def sessions_command(db: DbPath, limit: LimitOption = 50, as_json: JsonFlag = False) -> None:
    """List the stored sessions, most recent first."""
    _list(
        db,
        "SELECT session_id, actor_id, interface, n_events, n_user_messages, n_tool_calls, "
        "first_ts, last_ts FROM sessions ORDER BY last_ts DESC NULLS LAST, session_id LIMIT ?",
        limit,
        as_json,
        "sessions",
    )


SortOption = Annotated[
    str,
    typer.Option(
        "--sort",
        help="Order: `actions` (busiest first) or `aries` (riskiest first; needs ARiES scores).",
    ),
]

_SORTS = {
    "actions": "a.n_actions DESC, a.actor_id",
    "aries": "s.aries DESC NULLS LAST, a.actor_id",
}


def actors_command(
    db: DbPath, limit: LimitOption = 50, as_json: JsonFlag = False, sort: SortOption = "actions"
) -> None:
    """List the stored actors, busiest first (or riskiest first with --sort aries).

    Once actors are scored (`llmnav analyze`), each row also shows its ARiES,
    tier, the three dimensions, AIO behaviours and top techniques.
    """
    if sort not in _SORTS:
        raise typer.BadParameter(f"{sort!r} is not one of {', '.join(_SORTS)}", param_hint="--sort")
    with Store.open(db, read_only=True) as store:
        scored = store.has_table("scores") and store.count("scores") > 0
    if not scored:
        if sort == "aries":
            raise StoreError(
                f"No ARiES scores in {db}; score the actors first with `llmnav analyze` "
                "(or `llmnav.scoring.score_store`), or use --sort actions"
            )
        _list(
            db,
            "SELECT actor_id, n_sessions, n_events, n_actions, interface, first_ts, last_ts "
            "FROM actors ORDER BY n_actions DESC, actor_id LIMIT ?",
            limit,
            as_json,
            "actors",
        )
        return
    _list(
        db,
        "SELECT a.actor_id, s.aries, s.tier, s.threat, s.vulnerability, s.impact, "
        "a.interface, "
        "array_to_string(list_transform(s.aio, lambda x: replace(x, 'AIO.', '')), ' ') AS aio, "
        "array_to_string(s.top_techniques[1:3], ' ') AS top_techniques, "
        "CAST(a.last_ts AS DATE) AS last_seen "
        f"FROM actors a LEFT JOIN scores s USING (actor_id) ORDER BY {_SORTS[sort]} LIMIT ?",
        limit,
        as_json,
        "actors",
    )


def _list(db: Path, sql: str, limit: int, as_json: bool, table: str) -> None:
    with Store.open(db, read_only=True) as store:
        rows = store.query(sql, [limit])
        total = store.count(table)
    if as_json:
        typer.echo(json.dumps(rows, default=str, ensure_ascii=False, indent=1))
        return
    view = Table(title=f"{table} ({len(rows):,} of {total:,})", title_justify="left", expand=True)
    for name in rows[0] if rows else ["(none)"]:
        if name.endswith("_id") or name in _FOLDED:
            view.add_column(_HEADERS.get(name, name), overflow="fold", ratio=1, min_width=10)
        else:
            view.add_column(
                _HEADERS.get(name, name),
                justify="right" if name[:2] == "n_" else "left",
                no_wrap=True,
            )
    for row in rows:
        view.add_row(*(_cell(v) for v in row.values()))
    console.print(view)


_FOLDED = frozenset({"aio", "top_techniques"})
"""Long text columns that wrap, so the numbers beside them stay readable."""

_HEADERS = {
    "n_events": "events",
    "n_user_messages": "asks",
    "n_tool_calls": "tools",
    "n_sessions": "sessions",
    "n_actions": "actions",
    "first_ts": "first",
    "last_ts": "last",
    "vulnerability": "vuln",
    "last_seen": "last",
    "top_techniques": "top techniques",
}


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:.1f}"
    return safe(value, limit=80)
