"""Benchmark: how far CyberSecEval's tactic categories agree with ATT&CK and with analysts.

The CyberSecEval MITRE prompts carry one of 10 tactic categories. Two analysts
(`data/cyberseceval-analyst-labels.jsonl`, written blind to those categories)
read the capability each malicious prompt asks for and named the ATT&CK
technique it implements (analyst A, with an optional alternative) or the
technique and the one tactic the request serves (analyst B). This measures

1. how often the category is one of the ATT&CK tactics of the analysts'
   technique: the most a mapper that follows ATT&CK's filing could score, even
   knowing the technique;
2. how often analyst B's own tactic is the category: what an expert reader gets;
3. llmnav's request tactic on the same prompts, and how often it agrees with
   analyst B.

Usage::

    python benchmarks/bench_tactic_labels.py --shared ../shared
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path
from typing import Any

from llmnav.catalog import Catalog, load_catalog
from llmnav.mapping.base import MapInput
from llmnav.mapping.engine import MappingEngine

LABELS = Path(__file__).parent / "data" / "cyberseceval-analyst-labels.jsonl"


def _tactics(catalog: Catalog, technique_id: str | None) -> set[str]:
    if not technique_id:
        return set()
    return set(catalog.technique(technique_id).technique.tactic_ids)


def run(shared: Path) -> dict[str, Any]:
    catalog = load_catalog()
    prompts = {
        row["id"]: row
        for row in map(json.loads, (shared / "data/bench/cyberseceval-prompts-dev.jsonl").open())
        if row["label"] == "malicious"
    }
    labels = [json.loads(line) for line in LABELS.open()]
    labels = [row for row in labels if row["id"] in prompts]
    allowed = sorted({p["label_tactic_id"] for p in prompts.values()})
    results = MappingEngine.default(catalog).map(
        [MapInput(row["id"], prompts[row["id"]]["text"], "request") for row in labels],
        evidence=False,
    )
    counts: Counter[str] = Counter()
    per_category: Counter[tuple[str, str]] = Counter()
    for row, result in zip(labels, results, strict=True):
        truth = prompts[row["id"]]["label_tactic_id"]
        category = prompts[row["id"]]["label_tactic"]
        filed_a = _tactics(catalog, row["analyst_a_technique"])
        either_a = filed_a | _tactics(catalog, row["analyst_a_alternative"])
        ours = next((t for t, _ in result.tactics if t in allowed), None)
        checks = {
            "filed_a": truth in filed_a,
            "filed_a_or_alternative": truth in either_a,
            "filed_b": truth in _tactics(catalog, row["analyst_b_technique"]),
            "analyst_b_tactic": row["analyst_b_tactic"] == truth,
            "llmnav": ours == truth,
            "llmnav_agrees_with_b": ours == row["analyst_b_tactic"],
            "same_parent_a_b": row["analyst_a_technique"].split(".")[0]
            == row["analyst_b_technique"].split(".")[0],
        }
        counts.update(key for key, ok in checks.items() if ok)
        per_category[(category, "n")] += 1
        per_category[(category, "filed_a")] += checks["filed_a"]
        per_category[(category, "llmnav")] += checks["llmnav"]
    n = len(labels)
    return {
        "prompts": n,
        "share": {key: counts[key] / n for key in sorted(counts)},
        "per_category": {
            category: {
                "n": per_category[(category, "n")],
                "filed_a": per_category[(category, "filed_a")] / per_category[(category, "n")],
                "llmnav": per_category[(category, "llmnav")] / per_category[(category, "n")],
            }
            for category in sorted({c for c, _ in per_category})
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=Path(__file__).parents[2] / "shared")
    print(json.dumps(run(parser.parse_args().shared), indent=2))


if __name__ == "__main__":
    main()
