"""``llmnav explain``: the dossier of a session or an actor, with the evidence behind it."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Annotated, Any

import typer
from rich import box
from rich.table import Table

from llmnav.cli.options import DbPath, JsonFlag
from llmnav.cli.render import console, safe
from llmnav.errors import LlmnavError
from llmnav.orchestration.dossier import SessionDossier, session_dossier
from llmnav.orchestration.taxonomy import load_taxonomy
from llmnav.scoring import ActorScore, load_scores
from llmnav.store.duckdb import Store

__all__ = ["register"]

_TIMELINES_PER_ACTOR = 3
"""An actor's session timelines shown in full; beyond that, explain a session by id."""


def register(app: typer.Typer) -> None:
    app.command("explain")(explain_command)


def explain_command(
    target: Annotated[str, typer.Argument(help="A session id or an actor id.")],
    db: DbPath,
    as_json: JsonFlag = False,
    width: Annotated[
        int, typer.Option("--width", min=20, help="Characters of each step's text to show.")
    ] = 120,
) -> None:
    """Explain a session or an actor: the actor's ARiES breakdown with the evidence behind
    each part, its AIO behaviours, and each session's run-by-run timeline with
    entities and behaviours."""
    with Store.open(db, read_only=True) as store:
        session_ids = _sessions_of(store, target)
        dossiers = [session_dossier(store, sid) for sid in session_ids]
        actor_id = dossiers[0].actor_id
        score = next((s for s in load_scores(store) if s.actor_id == actor_id), None)
    if as_json:
        payload = {
            "actor_id": actor_id,
            "aries": asdict(score) if score else None,
            "sessions": [_plain(d) for d in dossiers],
        }
        typer.echo(json.dumps(payload, default=str, ensure_ascii=False))
        return
    _print_score(actor_id, score)
    if len(dossiers) > 1 or dossiers[0].session_id != target:
        _print_actor(target, dossiers)
    for dossier in dossiers[:_TIMELINES_PER_ACTOR]:
        _print_session(dossier, width)
    if len(dossiers) > _TIMELINES_PER_ACTOR:
        console.print(
            f"{len(dossiers) - _TIMELINES_PER_ACTOR:,} more sessions: "
            "run `llmnav explain SESSION_ID` for each.",
            highlight=False,
        )


def _sessions_of(store: Store, target: str) -> list[str]:
    """The target as a session, else the actor's sessions (those with AIO first)."""
    if store.query("SELECT 1 FROM sessions WHERE session_id = ?", [target]):
        return [target]
    rows = store.query(
        "SELECT s.session_id, count(h.behaviour_id) AS n FROM sessions s "
        "LEFT JOIN aio_hits h USING (session_id) WHERE s.actor_id = ? "
        "GROUP BY s.session_id ORDER BY n DESC, s.session_id",
        [target],
    )
    if not rows:
        raise LlmnavError(f"No session or actor {target!r} in {store.path}")
    return [row["session_id"] for row in rows]


def _plain(dossier: SessionDossier) -> dict[str, Any]:
    data = asdict(dossier)
    for hit in data["behaviours"]:
        hit["steps"] = dossier.evidence_steps(_hit(dossier, hit["behaviour_id"]))
    return data


def _hit(dossier: SessionDossier, behaviour_id: str) -> Any:
    return next(h for h in dossier.behaviours if h.behaviour_id == behaviour_id)


def _print_score(actor_id: str, score: ActorScore | None) -> None:
    """The ARiES breakdown: each part's points out of its maximum, with its evidence."""
    if score is None:
        console.print(
            f"No ARiES score for actor {safe(actor_id)}: run `llmnav analyze` to score it.",
            highlight=False,
        )
        return
    console.rule(
        f"[bold]ARiES {score.aries:.1f} ({score.tier})[/] actor {safe(actor_id)}: "
        f"threat {score.threat:.1f}/35, vulnerability {score.vulnerability:.1f}/35, "
        f"impact {score.impact:.1f}/30",
        align="left",
    )
    view = Table(box=box.SIMPLE_HEAD, expand=True)
    view.add_column("dimension", no_wrap=True)
    view.add_column("part", no_wrap=True)
    view.add_column("points", justify="right", no_wrap=True)
    view.add_column("evidence", ratio=1, overflow="fold")
    for part in score.components:
        evidence = "\n".join(safe(line, limit=200) for line in part.evidence[:5])
        if len(part.evidence) > 5:
            evidence += f"\n... and {len(part.evidence) - 5} more"
        view.add_row(
            part.dimension,
            part.name,
            f"{part.points:.1f} / {part.max_points:g}",
            evidence or "[dim]none[/]",
        )
    console.print(view)
    console.print(
        f"configuration {score.config} | techniques {score.n_techniques} | "
        f"tactics {score.n_tactics} | AIO {', '.join(score.aio) or 'none'}",
        highlight=False,
    )


def _print_actor(actor_id: str, dossiers: list[SessionDossier]) -> None:
    taxonomy = load_taxonomy()
    console.rule(f"[bold]actor {safe(actor_id)}", align="left")
    view = Table(title="AIO behaviours", title_justify="left")
    for name in ("behaviour", "name", "sessions", "strongest", "detail"):
        view.add_column(name, overflow="fold")
    seen: dict[str, list[Any]] = {}
    for dossier in dossiers:
        for hit in dossier.behaviours:
            seen.setdefault(hit.behaviour_id, []).append(hit)
    for behaviour, hits in sorted(seen.items()):
        best = max(hits, key=lambda h: h.strength)
        view.add_row(
            behaviour,
            taxonomy.technique(behaviour).name,
            str(len({h.session_id for h in hits})),
            f"{best.strength:.2f}",
            safe(best.detail),
        )
    console.print(view if seen else "No AIO behaviours.", highlight=False)
    console.print(f"{len(dossiers):,} sessions", highlight=False)


def _tactic_name(tactic_id: str) -> str:
    from llmnav.orchestration.detectors import enterprise_tactics

    return enterprise_tactics().get(tactic_id, (0, tactic_id))[1]


def _print_session(dossier: SessionDossier, width: int) -> None:
    taxonomy = load_taxonomy()
    console.rule(
        f"[bold]session {safe(dossier.session_id)}[/] (actor {safe(dossier.actor_id)}, "
        f"{dossier.interface}, {dossier.n_runs} autonomous run(s), "
        f"{len(dossier.decision_points)} human decision point(s)"
        + (f", {dossier.tempo:g} tool calls/min" if dossier.tempo else "")
        + ")",
        align="left",
    )
    timeline = Table(title="timeline", title_justify="left", expand=True, box=box.SIMPLE_HEAD)
    timeline.add_column("step", justify="right", no_wrap=True)
    timeline.add_column("run", justify="right", no_wrap=True)
    timeline.add_column("who", no_wrap=True)
    timeline.add_column("what, and its ATT&CK mapping", ratio=1, overflow="fold")
    timeline.add_column("AIO", no_wrap=True)
    for step in dossier.steps:
        who = {"tool_call": "model ->", "tool_result": "tool <-"}.get(step.kind, step.provenance)
        if step.ts:
            who += "\n" + step.ts.strftime("%H:%M:%S")
        what = f"[{step.tool_name}] " if step.kind == "tool_call" and step.tool_name else ""
        what = safe(what + step.text.strip().replace("\n", " | "), limit=width)
        if step.technique_id and step.confidence is not None:
            tactics = ", ".join(_tactic_name(t) for t in step.tactic_ids)
            what += (
                f"\n[dim]{step.technique_id} {step.confidence:.2f} {tactics} | "
                f"intent {step.intent or 0:.2f}[/]"
            )
        timeline.add_row(
            str(step.number),
            "" if step.run is None else str(step.run),
            who,
            what,
            " ".join(b.removeprefix("AIO.") for b in step.behaviours),
        )
    console.print(timeline)
    if dossier.entities:
        entities = Table(title="entities (provenance: where first seen)", title_justify="left")
        for name in ("kind", "value", "provenance", "first step", "steps"):
            entities.add_column(name, overflow="fold")
        for entity in dossier.entities:
            entities.add_row(
                entity.kind,
                safe(entity.value, limit=80),
                entity.provenance,
                str(entity.first_step),
                str(entity.n_steps),
            )
        console.print(entities)
    if not dossier.behaviours:
        console.print("No AIO behaviours in this session.", highlight=False)
        return
    behaviours = Table(title="AIO behaviours", title_justify="left", expand=True)
    for name in ("behaviour", "name", "strength", "evidence (steps)", "detail"):
        behaviours.add_column(name, overflow="fold")
    for hit in dossier.behaviours:
        steps = dossier.evidence_steps(hit)
        behaviours.add_row(
            hit.behaviour_id,
            taxonomy.technique(hit.behaviour_id).name,
            f"{hit.strength:.2f}",
            ", ".join(map(str, steps)),
            safe(hit.detail),
        )
    console.print(behaviours)
