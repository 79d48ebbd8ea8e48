"""Actor profiles: everything ARiES reads about one actor, gathered from a store.

A profile holds the actor's actions (with intent, outcome and techniques), its
AIO behaviours, the techniques and tactics it used with counts, when it was
active and through which interfaces. Profiles are plain records, so scoring
also works on profiles built by hand (as the property tests do).

>>> from llmnav.catalog import load_catalog
>>> from llmnav.config import load_config
>>> from llmnav.store.duckdb import Store
>>> store = Store.open(":memory:")
>>> build_profiles(store, load_catalog(), load_config().aries)
[]
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, Literal

from llmnav.records import AioHit

if TYPE_CHECKING:
    from llmnav.catalog import Catalog
    from llmnav.scoring.config import AriesConfig
    from llmnav.store.duckdb import Store

__all__ = [
    "ActionEvidence",
    "ActorProfile",
    "Outcome",
    "TechniqueUse",
    "action_weight",
    "build_profiles",
]

Outcome = Literal["executed", "issued", "delivered", "advised", "refused"]
"""What the model did with an action: ran a tool call (with or without a result),
delivered code, answered a request in prose, or refused it."""

# A reply that declines. Kept to phrasings assistants use when they refuse, so a
# reply that merely mentions "cannot" in passing is not taken for a refusal.
_REFUSAL = re.compile(
    r"\b(i can(?:'|no)?t|i cannot|i won'?t|i will not|i'm (?:not able|unable)"
    r"|i am (?:not able|unable)|i must decline|i'm sorry, but|sorry, but i)\b[^.]{0,80}"
    r"\b(help|assist|provide|create|write|do that|comply|support|fulfil)",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class TechniqueUse:
    """One technique mapped to one action: its tactics (shortnames), confidence, evidence span."""

    technique_id: str
    tactics: tuple[str, ...]
    confidence: float
    evidence: str = ""


@dataclass(frozen=True, slots=True)
class ActionEvidence:
    """One action of the actor, as ARiES sees it.

    ``weight`` is the action's intent turned into 0-1 by the ``aries.intent``
    floor and full points; everything an action contributes is scaled by it.
    """

    action_id: str
    session_id: str
    seq: int
    kind: str
    text: str
    intent: float
    weight: float
    outcome: Outcome
    techniques: tuple[TechniqueUse, ...] = ()
    tool_name: str | None = None
    result: str | None = None
    ts: datetime | None = None


@dataclass(frozen=True, slots=True)
class ActorProfile:
    """Everything known about one actor, for scoring and dossiers.

    ``techniques`` and ``tactics`` count the actions with intent weight above
    zero behind each; ``intent_histogram`` counts actions by intent in five
    bins of 0.2.
    """

    actor_id: str
    interface: str
    interfaces: tuple[str, ...] = ()
    n_sessions: int = 1
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    actions: tuple[ActionEvidence, ...] = ()
    aio: tuple[AioHit, ...] = ()
    techniques: dict[str, int] = field(default_factory=dict)
    tactics: dict[str, int] = field(default_factory=dict)
    intent_histogram: tuple[int, int, int, int, int] = (0, 0, 0, 0, 0)

    @property
    def periods(self) -> tuple[str, ...]:
        """Months (``YYYY-MM``) in which the actor was active, in order."""
        months = {a.ts.strftime("%Y-%m") for a in self.actions if a.ts is not None}
        return tuple(sorted(months))

    @property
    def aio_ids(self) -> tuple[str, ...]:
        """The AIO behaviour ids seen, sorted."""
        return tuple(sorted({h.behaviour_id for h in self.aio}))

    def with_counts(self) -> ActorProfile:
        """This profile with technique, tactic and intent counts recomputed from its actions."""
        techniques: Counter[str] = Counter()
        tactics: Counter[str] = Counter()
        bins = [0, 0, 0, 0, 0]
        for action in self.actions:
            bins[min(4, int(action.intent * 5))] += 1
            if action.weight <= 0:
                continue
            seen = {t.technique_id for t in action.techniques}
            techniques.update(seen)
            tactics.update({tac for t in action.techniques for tac in t.tactics})
        return replace(
            self,
            techniques=dict(sorted(techniques.items())),
            tactics=dict(sorted(tactics.items())),
            intent_histogram=(bins[0], bins[1], bins[2], bins[3], bins[4]),
        )


def action_weight(intent: float, config: AriesConfig) -> float:
    """An action's intent as a 0-1 weight: 0 at or below ``floor``, 1 at or above ``full``.

    >>> from llmnav.config import load_config
    >>> aries = load_config().aries
    >>> action_weight(0.2, aries), action_weight(0.9, aries)
    (0.0, 1.0)
    """
    low, high = config.intent.floor, config.intent.full
    return min(1.0, max(0.0, (intent - low) / (high - low)))


_ACTIONS = """
SELECT a.actor_id, a.session_id, a.action_id, a.seq, a.kind, a.text, a.tool_name, a.result, a.ts,
       coalesce(i.intent, 0.0) AS intent
FROM actions a LEFT JOIN action_intent i USING (action_id)
ORDER BY a.actor_id, a.session_id, a.seq, a.action_id
"""

_HITS = """
SELECT action_id, technique_id, tactic_ids, confidence, evidence
FROM hits WHERE confidence >= ? AND rank <= ?
ORDER BY action_id, rank
"""

# Assistant messages and tool calls by session and position: what followed a request.
_REPLIES = """
SELECT session_id, seq, role, kind, text FROM events
WHERE role IN ('user', 'assistant') ORDER BY session_id, seq
"""

_ACTORS = """
SELECT actor_id, interface, interfaces, n_sessions, first_ts, last_ts FROM actors ORDER BY actor_id
"""


def build_profiles(store: Store, catalog: Catalog, config: AriesConfig) -> list[ActorProfile]:
    """Profiles of every actor in ``store``, in actor id order.

    Reads actions, their hits and intent, the events around each request (to
    tell a refusal from an answer) and the ``aio_hits`` table. The store's
    actor summaries are rebuilt first when they are missing or stale (a store
    filled by hand), so a read-only store that ``llmnav ingest`` wrote works.
    """
    known = store.query("SELECT count(DISTINCT actor_id) AS n FROM events")[0]["n"]
    if not store.has_table("actors") or store.count("actors") != known:
        store.refresh_summaries()
    shortnames = {t.id: t.shortname for t in catalog.tactics}
    hits: dict[str, list[TechniqueUse]] = {}
    for action_id, technique, tactic_ids, confidence, evidence in store.conn.execute(
        _HITS, [config.min_confidence, config.max_rank]
    ).fetchall():
        tactics = tuple(shortnames.get(t, t) for t in tactic_ids or ())
        hits.setdefault(action_id, []).append(
            TechniqueUse(technique, tactics, float(confidence), evidence or "")
        )
    replies = _replies(store)
    aio: dict[str, list[AioHit]] = {}
    for row in store.query("SELECT * FROM aio_hits ORDER BY session_id, behaviour_id"):
        row["event_ids"] = tuple(row["event_ids"] or ())
        aio.setdefault(row["actor_id"], []).append(AioHit(**row))
    actions: dict[str, list[ActionEvidence]] = {}
    for row in store.query(_ACTIONS):
        intent = float(row["intent"])
        outcome = _outcome(row["kind"], row["result"], replies.get((row["session_id"], row["seq"])))
        actions.setdefault(row["actor_id"], []).append(
            ActionEvidence(
                action_id=row["action_id"],
                session_id=row["session_id"],
                seq=int(row["seq"]),
                kind=row["kind"],
                text=row["text"] or "",
                intent=intent,
                weight=action_weight(intent, config),
                outcome=outcome,
                techniques=tuple(hits.get(row["action_id"], ())),
                tool_name=row["tool_name"],
                result=row["result"],
                ts=row["ts"],
            )
        )
    profiles = []
    for row in store.query(_ACTORS):
        actor = row["actor_id"]
        profile = ActorProfile(
            actor_id=actor,
            interface=row["interface"],
            interfaces=tuple(row["interfaces"] or ()),
            n_sessions=int(row["n_sessions"]),
            first_seen=row["first_ts"],
            last_seen=row["last_ts"],
            actions=tuple(actions.get(actor, ())),
            aio=tuple(aio.get(actor, ())),
        )
        profiles.append(profile.with_counts())
    return profiles


_Reply = tuple[bool, bool]
"""(the model acted with code or tools, the model's prose refused)."""


def _replies(store: Store) -> dict[tuple[str, int], _Reply]:
    """For each user message (session, seq): whether the model acted, whether it refused."""
    found: dict[tuple[str, int], _Reply] = {}
    current: tuple[str, int] | None = None
    acted = refused = False
    for session, seq, role, kind, text in store.conn.execute(_REPLIES).fetchall():
        if role == "user" and kind == "message":
            if current is not None:
                found[current] = (acted, refused)
            current, acted, refused = (session, int(seq)), False, False
            continue
        if current is None or current[0] != session:
            continue
        if kind == "tool_call" or "```" in (text or ""):
            acted = True
        elif _REFUSAL.search(text or ""):
            refused = True
    if current is not None:
        found[current] = (acted, refused)
    return found


def _outcome(kind: str, result: str | None, reply: _Reply | None) -> Outcome:
    if kind == "tool_call":
        return "executed" if result is not None else "issued"
    if kind == "code":
        return "delivered"
    acted, refused = reply or (False, False)
    if refused and not acted:
        return "refused"
    # When the model acted, its code and tool calls are actions of their own
    # and carry the enablement; the request itself counts as advice.
    return "advised"
