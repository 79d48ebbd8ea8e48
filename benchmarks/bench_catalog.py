"""Benchmark: loading the packaged ATT&CK catalog versus parsing the STIX bundle.

Each measurement runs in a fresh interpreter (``sys.executable -c ...``) and reports
the median of several runs:

- ``catalog_load_s``: ``from llmnav.catalog import load_catalog; load_catalog()``,
  timed inside the child from before the import to after the load (the figure the
  0.3 s budget is about);
- ``catalog_import_s`` / ``catalog_load_only_s``: the same split into the package
  import and the ``load_catalog()`` call;
- ``first_procedures_s``, ``first_detections_s``, ``first_search_s``: the lazily
  loaded parts, each timed on first use after a load;
- ``bundle_load_s``: the baseline, ``json.load(gzip.open(bundle))`` of the Enterprise
  STIX bundle with the stdlib, import of ``gzip`` and ``json`` included.

``ratio`` is ``bundle_load_s / catalog_load_s``. Usage::

    python benchmarks/bench_catalog.py --shared ../shared [--runs 7]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

BUNDLE = Path("data") / "attack" / "enterprise-attack-18.1.json.gz"

_CATALOG = """
import json, time
t0 = time.perf_counter()
from llmnav.catalog import load_catalog
t1 = time.perf_counter()
catalog = load_catalog()
t2 = time.perf_counter()
catalog.procedures("T1003")
t3 = time.perf_counter()
catalog.detections("T1003")
t4 = time.perf_counter()
catalog.search("dump credentials from lsass memory")
t5 = time.perf_counter()
print(json.dumps({"catalog_load_s": t2 - t0, "catalog_import_s": t1 - t0,
                  "catalog_load_only_s": t2 - t1, "first_procedures_s": t3 - t2,
                  "first_detections_s": t4 - t3, "first_search_s": t5 - t4}))
"""

_BUNDLE = """
import sys, time
t0 = time.perf_counter()
import gzip, json
with gzip.open(sys.argv[1], "rt", encoding="utf-8") as handle:
    bundle = json.load(handle)
t1 = time.perf_counter()
print(json.dumps({"bundle_load_s": t1 - t0, "objects": len(bundle["objects"])}))
"""


def _child(code: str, *args: str) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=True
    )
    result: dict[str, Any] = json.loads(out.stdout)
    return result


def _median(samples: list[dict[str, Any]]) -> dict[str, float]:
    return {key: statistics.median(s[key] for s in samples) for key in samples[0]}


def run(shared: Path, runs: int = 7, bundle_runs: int = 3) -> dict[str, Any]:
    """Measure catalog and bundle load times; return seconds, sizes and the ratio."""
    from llmnav.catalog.load import DATA_DIR

    bundle = shared / BUNDLE
    catalog = _median([_child(_CATALOG) for _ in range(runs)])
    baseline = _median([_child(_BUNDLE, str(bundle)) for _ in range(bundle_runs)])
    packaged = sorted(DATA_DIR.glob("*.jsonl.gz"))
    return {
        **{key: round(value, 4) for key, value in catalog.items()},
        "bundle_load_s": round(baseline["bundle_load_s"], 4),
        "ratio": round(baseline["bundle_load_s"] / catalog["catalog_load_s"], 1),
        "runs": runs,
        "bundle_runs": bundle_runs,
        "bundle_bytes": bundle.stat().st_size,
        "catalog_bytes": {p.name: p.stat().st_size for p in packaged},
        "catalog_total_bytes": sum(p.stat().st_size for p in packaged),
        "within_budget": catalog["catalog_load_s"] < 0.3,
    }


def main(argv: list[str] | None = None) -> int:
    """Print the benchmark result as JSON."""
    parser = argparse.ArgumentParser(description="ATT&CK catalog load-time benchmark.")
    parser.add_argument(
        "--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared"
    )
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    print(json.dumps(run(args.shared, runs=args.runs), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
