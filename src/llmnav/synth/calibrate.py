"""Measure a demo run against the study's published figures (DESIGN section 9).

Everything here is computed from what the pipeline mapped and scored (the
store and ``ActorScore``s), never from the generator's labels, except the
mapping accuracy, which compares the two on purpose. An actor "uses" a
technique when ARiES counts it for the actor (its profile's techniques, as
in ``llmnav.analytics.Population``).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from statistics import mean, median
from typing import Any

import numpy as np
import orjson

from llmnav.analytics import Population
from llmnav.scoring import ActorScore
from llmnav.store.duckdb import Store

__all__ = ["TARGETS", "Figure", "mapping_accuracy", "measure", "read_labels"]


@dataclass(frozen=True)
class Figure:
    """A published figure: its value and the band a demo run must land in."""

    name: str
    target: float
    tolerance: float
    unit: str = ""

    def ok(self, value: float) -> bool:
        return abs(value - self.target) <= self.tolerance


TARGETS: tuple[Figure, ...] = (
    Figure("defense_evasion_pct", 84.4, 5.0, "%"),
    Figure("t1587_pct", 69.0, 5.0, "%"),
    Figure("median_techniques", 16.0, 3.0),
    Figure("lateral_movement_pct", 6.5, 2.0, "%"),
    Figure("lateral_movement_uplift", 10.5, 4.0, "pts"),
    Figure("medium_plus_first_half_pct", 33.5, 6.0, "%"),
    Figure("medium_plus_second_half_pct", 56.1, 6.0, "%"),
    Figure("breadth_risk_pearson", 0.27, 0.15),
    Figure("mean_aries", 46.8, 5.0),
)

DRIFT_TECHNIQUES = ("T1087", "T1020", "T1587", "T1566")
"""Techniques whose share of actors moved between the study's halves
(T1087 +8.9, T1020 +6.2, T1587 -12, T1566 -8.6 percentage points)."""


def measure(
    store: Store,
    population: Population,
    scores: Sequence[ActorScore],
    *,
    campaign_actors: Iterable[str] = (),
) -> dict[str, Any]:
    """The calibration figures of one analysed population (``AnalyzeResult.population``)."""
    techniques = {a.actor_id: set(a.techniques) for a in population.actors}
    tactics = {a.actor_id: set(a.tactics) for a in population.actors}
    n = len(scores)
    aries = {s.actor_id: s.aries for s in scores}

    def share(pred: Iterable[str]) -> float:
        return 100.0 * len(set(pred)) / n if n else 0.0

    lateral = {a for a in aries if "TA0008" in tactics.get(a, set())}
    with_lm = [aries[a] for a in lateral]
    without_lm = [aries[a] for a in aries if a not in lateral]
    first, last = _bounds(store)
    middle = first + (last - first) / 2 if first is not None and last is not None else None
    halves: dict[str, list[ActorScore]] = {"first": [], "second": []}
    for s in scores:
        if middle is not None and s.first_seen is not None:
            halves["first" if s.first_seen < middle else "second"].append(s)
    breadth = np.array([s.n_techniques for s in scores], dtype=float)
    risk = np.array([s.aries for s in scores], dtype=float)
    pearson = float(np.corrcoef(breadth, risk)[0, 1]) if n > 2 and breadth.std() > 0 else math.nan
    by_interface: dict[str, list[float]] = defaultdict(list)
    for s in scores:
        group = "code_agent" if s.interface in ("code_agent", "agent") else "chat_api"
        by_interface[group].append(s.aries)
    interface_p = _welch_p(by_interface.get("code_agent", []), by_interface.get("chat_api", []))
    drift: dict[str, float] = {}
    for technique in DRIFT_TECHNIQUES:
        shares = []
        for half in ("first", "second"):
            members = [s.actor_id for s in halves[half]]
            using = sum(
                1
                for a in members
                if any(t.split(".")[0] == technique for t in techniques.get(a, ()))
            )
            shares.append(100.0 * using / len(members) if members else math.nan)
        drift[technique] = shares[1] - shares[0]
    campaign = {a: aries.get(a) for a in campaign_actors}
    n_actions = store.count("actions")
    return {
        "actors": n,
        "actions": n_actions,
        "defense_evasion_pct": share(a for a in aries if "TA0005" in tactics.get(a, set())),
        "t1587_pct": share(
            a for a in aries if any(t.split(".")[0] == "T1587" for t in techniques.get(a, ()))
        ),
        "median_techniques": float(median(breadth)) if n else 0.0,
        "lateral_movement_pct": share(lateral),
        "lateral_movement_n": len(lateral),
        "lateral_movement_uplift": (mean(with_lm) - mean(without_lm))
        if with_lm and without_lm
        else math.nan,
        "medium_plus_first_half_pct": _medium_plus(halves["first"]),
        "medium_plus_second_half_pct": _medium_plus(halves["second"]),
        "breadth_risk_pearson": pearson,
        "mean_aries": float(risk.mean()) if n else 0.0,
        "tiers": {
            t: sum(1 for s in scores if s.tier == t) for t in ("low", "medium", "high", "critical")
        },
        "interface_share_code_agent_pct": 100.0 * len(by_interface.get("code_agent", [])) / n
        if n
        else 0.0,
        "interface_mean_aries": {
            k: round(mean(v), 2) for k, v in sorted(by_interface.items()) if v
        },
        "interface_welch_p": interface_p,
        "campaign_aries": campaign,
        "campaign_all_critical": bool(campaign)
        and all(v is not None and v >= 85 for v in campaign.values()),
        "period_split": middle.isoformat() if middle is not None else None,
        "technique_drift_pct_points": drift,
    }


def _bounds(store: Store) -> tuple[Any, Any]:
    row = store.conn.execute("SELECT min(ts), max(ts) FROM events").fetchone()
    return (row[0], row[1]) if row else (None, None)


def _medium_plus(scores: Sequence[ActorScore]) -> float:
    if not scores:
        return math.nan
    return 100.0 * sum(1 for s in scores if s.tier != "low") / len(scores)


def _welch_p(a: Sequence[float], b: Sequence[float]) -> float:
    """Two-sided p of Welch's t-test (scipy when present, else a normal approximation)."""
    if len(a) < 2 or len(b) < 2:
        return math.nan
    try:
        from scipy import stats

        return float(stats.ttest_ind(a, b, equal_var=False).pvalue)
    except ImportError:  # pragma: no cover - scipy comes with scikit-learn
        va, vb = np.var(a, ddof=1) / len(a), np.var(b, ddof=1) / len(b)
        z = abs(mean(a) - mean(b)) / math.sqrt(va + vb) if va + vb > 0 else 0.0
        return math.erfc(z / math.sqrt(2))


def read_labels(path: str | Path) -> list[dict[str, Any]]:
    """The generator's labels file (one JSON object per line)."""
    with open(path, "rb") as handle:
        return [orjson.loads(line) for line in handle if line.strip()]


def mapping_accuracy(store: Store, labels: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Top-1 accuracy of the pipeline's best technique per action against the labels.

    Labels are matched to actions by session, step (``seq // 2``) and kind;
    only actions labelled with a technique count. ``exact``: the best
    technique is the labelled one; ``parent``: same parent technique.
    """
    wanted = {
        (lab["session_id"], int(lab["step"]), lab["kind"]): lab["technique"]
        for lab in labels
        if lab.get("technique")
    }
    best: dict[tuple[str, int, str], str] = {}
    for session, seq, kind, technique in store.conn.execute(
        "SELECT a.session_id, a.seq, a.kind, h.technique_id FROM actions a "
        "LEFT JOIN hits h ON h.action_id = a.action_id AND h.rank = 1"
    ).fetchall():
        key = (session, int(seq) // 2, kind)
        if key in wanted and key not in best:
            best[key] = technique or ""
    exact = parent = 0
    by_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for key, label in wanted.items():
        got = best.get(key, "")
        hit_exact = got == label
        hit_parent = bool(got) and got.split(".")[0] == label.split(".")[0]
        exact += hit_exact
        parent += hit_parent
        counts = by_kind[key[2]]
        counts[0] += 1
        counts[1] += hit_exact
        counts[2] += hit_parent
    total = len(wanted)
    return {
        "actions": total,
        "matched": sum(1 for k in wanted if k in best),
        "top1_exact": exact / total if total else math.nan,
        "top1_parent": parent / total if total else math.nan,
        "by_kind": {
            k: {"actions": c[0], "top1_exact": c[1] / c[0], "top1_parent": c[2] / c[0]}
            for k, c in sorted(by_kind.items())
        },
    }
