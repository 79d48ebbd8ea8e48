"""``actors.csv`` (the ranked triage queue in the columns of DESIGN section 10) and
``techniques.csv`` (each technique's risk weight and the actors using it).

Cells that a spreadsheet would run as a formula (starting with ``=``, ``+``,
``-``, ``@``, tab or carriage return) get a leading ``'``.

>>> _safe("=HYPERLINK(1)"), _safe("acct-1")
("'=HYPERLINK(1)", 'acct-1')
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from pathlib import Path

from llmnav.files import atomic_write
from llmnav.scoring.model import ActorScore, TechniqueScore

__all__ = [
    "ACTORS_CSV_COLUMNS",
    "TECHNIQUES_CSV_COLUMNS",
    "write_actors_csv",
    "write_techniques_csv",
]

ACTORS_CSV_COLUMNS: tuple[str, ...] = (
    "actor_id",
    "aries",
    "tier",
    "threat",
    "vulnerability",
    "impact",
    "n_techniques",
    "n_tactics",
    "interface",
    "aio",
)


TECHNIQUES_CSV_COLUMNS: tuple[str, ...] = (
    "technique_id",
    "name",
    "risk_weight",
    "n_actors",
    "mean_aries",
)


def _safe(value: object) -> str:
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def write_actors_csv(scores: Sequence[ActorScore], path: str | Path) -> Path:
    """Write ``scores`` (in the order given: pass them ranked) to ``path``; returns the path."""
    rows = (
        [
            s.actor_id,
            f"{s.aries:.2f}",
            s.tier,
            f"{s.threat:.2f}",
            f"{s.vulnerability:.2f}",
            f"{s.impact:.2f}",
            s.n_techniques,
            s.n_tactics,
            s.interface,
            ";".join(s.aio),
        ]
        for s in scores
    )
    return _write_csv(path, ACTORS_CSV_COLUMNS, rows)


def write_techniques_csv(techniques: Sequence[TechniqueScore], path: str | Path) -> Path:
    """Write technique scores (``technique_scores``, in the order given) to ``path``."""
    rows = (
        [t.technique_id, t.name, f"{t.risk_weight:.2f}", t.n_actors, f"{t.mean_aries:.2f}"]
        for t in techniques
    )
    return _write_csv(path, TECHNIQUES_CSV_COLUMNS, rows)


def _write_csv(path: str | Path, header: Sequence[str], rows: Iterable[list[object]]) -> Path:
    """Write a CSV atomically (a reader never sees half of it), every cell formula-safe."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([_safe(v) for v in row])
    return atomic_write(path, buffer.getvalue())
