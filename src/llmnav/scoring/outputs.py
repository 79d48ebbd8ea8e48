"""``actors.csv``: the ranked triage queue in the columns of DESIGN section 10.

Cells that a spreadsheet would run as a formula (starting with ``=``, ``+``,
``-``, ``@``, tab or carriage return) get a leading ``'``.

>>> _safe("=HYPERLINK(1)"), _safe("acct-1")
("'=HYPERLINK(1)", 'acct-1')
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from llmnav.scoring.model import ActorScore

__all__ = ["ACTORS_CSV_COLUMNS", "write_actors_csv"]

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


def _safe(value: object) -> str:
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def write_actors_csv(scores: Sequence[ActorScore], path: str | Path) -> Path:
    """Write ``scores`` (in the order given: pass them ranked) to ``path``; returns the path.

    The file is written next to its final name and moved into place, so a
    reader never sees half of it.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(target.suffix + ".tmp")
    with tmp.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(ACTORS_CSV_COLUMNS)
        for s in scores:
            row: list[object] = [
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
            writer.writerow([_safe(v) for v in row])
    tmp.replace(target)
    return target
