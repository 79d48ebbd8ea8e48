"""A session's dossier: the run-by-run timeline an analyst reads, from the store.

Each step shows who acted (human, model, tool), what it ran or said (secrets
redacted), its best ATT&CK technique and tactics with confidence, its intent,
and which AIO behaviours cite it; then the entities with their provenance and
the behaviours with their evidence.

>>> from llmnav.store.duckdb import Store
>>> with Store.open(":memory:") as store:                     # doctest: +SKIP
...     dossier = session_dossier(store, "campaign-1")
...     [b.behaviour_id for b in dossier.behaviours]
['AIO.T0001', 'AIO.T0002', 'AIO.T0003', ...]
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from llmnav.errors import LlmnavError
from llmnav.orchestration.detect import graphs_from_store
from llmnav.orchestration.graph import SessionGraph, StepMapping
from llmnav.records import AioHit
from llmnav.redact import redact, redact_value
from llmnav.store.duckdb import Store

__all__ = ["DossierEntity", "DossierStep", "SessionDossier", "session_dossier"]


@dataclass(frozen=True, slots=True)
class DossierStep:
    """One line of the timeline (1-based ``number`` as shown to the analyst)."""

    number: int
    event_id: str
    run: int | None
    ts: datetime | None
    provenance: str
    kind: str
    tool_name: str | None
    text: str
    technique_id: str | None
    confidence: float | None
    tactic_ids: tuple[str, ...]
    intent: float | None
    behaviours: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DossierEntity:
    kind: str
    value: str
    provenance: str
    first_step: int
    n_steps: int


@dataclass(frozen=True, slots=True)
class SessionDossier:
    session_id: str
    actor_id: str
    interface: str
    steps: tuple[DossierStep, ...]
    n_runs: int
    decision_points: tuple[int, ...]
    tempo: float | None
    entities: tuple[DossierEntity, ...]
    behaviours: tuple[AioHit, ...]

    def evidence_steps(self, hit: AioHit) -> list[int]:
        """The 1-based step numbers a behaviour cites."""
        by_event = {s.event_id: s.number for s in self.steps}
        return [by_event[e] for e in hit.event_ids if e in by_event]


def session_dossier(store: Store, session_id: str) -> SessionDossier:
    """The dossier of one stored session, with the behaviours ``detect_store`` stored."""
    graphs = graphs_from_store(store, [session_id])
    if not graphs:
        raise LlmnavError(f"No session {session_id!r} in the store")
    graph = graphs[0]
    rows = store.query(
        "SELECT * FROM aio_hits WHERE session_id = ? ORDER BY behaviour_id", [session_id]
    )
    hits = tuple(AioHit(**{**row, "event_ids": tuple(row["event_ids"] or ())}) for row in rows)
    return _dossier(graph, hits)


def _best_tactics(mapping: StepMapping | None) -> tuple[str, ...]:
    """The tactics of the best technique: those backed by the best confidence."""
    if mapping is None:
        return ()
    return tuple(t for t, conf in mapping.tactics if conf >= mapping.confidence)


def _dossier(graph: SessionGraph, hits: tuple[AioHit, ...]) -> SessionDossier:
    cited: dict[str, list[str]] = {}
    for hit in hits:
        for event_id in hit.event_ids:
            cited.setdefault(event_id, []).append(hit.behaviour_id)
    steps = []
    for step in graph.steps:
        mapping = step.mapping
        steps.append(
            DossierStep(
                number=step.index + 1,
                event_id=step.event.event_id,
                run=None if step.run is None else step.run + 1,
                ts=step.ts,
                provenance=step.provenance,
                kind=step.event.kind,
                tool_name=step.event.tool_name,
                text=redact(step.text),
                technique_id=mapping.technique_id if mapping else None,
                confidence=mapping.confidence if mapping else None,
                tactic_ids=_best_tactics(mapping),
                intent=mapping.intent if mapping else None,
                behaviours=tuple(cited.get(step.event.event_id, ())),
            )
        )
    entities = tuple(
        DossierEntity(
            kind=e.kind,
            value=redact_value(e.kind, e.detail, e.value),
            provenance=e.provenance,
            first_step=e.first_step + 1,
            n_steps=len(e.steps),
        )
        for e in sorted(graph.entities.values(), key=lambda e: (e.first_step, e.kind, e.value))
    )
    return SessionDossier(
        session_id=graph.session_id,
        actor_id=graph.actor_id,
        interface=graph.interface,
        steps=tuple(steps),
        n_runs=len(graph.runs),
        decision_points=tuple(i + 1 for i in graph.decision_points),
        tempo=graph.tempo,
        entities=entities,
        behaviours=hits,
    )
