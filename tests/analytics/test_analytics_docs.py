"""docs/analytics.md documents every key written; examples run; the public surface is pinned."""

from __future__ import annotations

import doctest
import importlib
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from analytics_helpers import Analyzed, make_population

import llmnav.analytics
from llmnav.analytics import (
    CONTRACT_KEYS,
    compute_analytics,
)
from llmnav.catalog import Catalog

DOC = Path(__file__).resolve().parents[2] / "docs" / "analytics.md"
# Keys that are data, not field names: technique and tactic ids, period labels.
DATA_KEY = re.compile(r"T\d{4}(\.\d{3})?|TA\d{4}|.*/.*")
# Mappings keyed by names found in the data.
DATA_MAPS = {"population.interfaces", "interfaces.groups"}

MODULES = [
    "llmnav.analytics",
    "llmnav.analytics.layers",
    "llmnav.analytics.metrics",
    "llmnav.analytics.periods",
    "llmnav.analytics.population",
    "llmnav.analytics.report",
    "llmnav.analytics.stats",
]


def field_names(value: Any, path: str = "") -> set[tuple[str, str]]:
    """(path, field name) of every dict key that is a field rather than data."""
    found: set[tuple[str, str]] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            data = DATA_KEY.fullmatch(key) or path in DATA_MAPS
            if not data:
                found.add((path, key))
            found |= field_names(item, path if data else f"{path}.{key}".lstrip("."))
    elif isinstance(value, list):
        for item in value:
            found |= field_names(item, path)
    return found


@pytest.fixture(scope="module")
def study(catalog: Catalog) -> dict[str, Any]:
    return compute_analytics(make_population(catalog), catalog, resamples=100)


def test_every_analytics_key_is_documented(analyzed: Analyzed, study: dict[str, Any]) -> None:
    doc = DOC.read_text(encoding="utf-8")
    for analytics in (analyzed.analytics, study):
        for key in analytics:
            assert f"### `{key}`\n" in doc, f"top-level key {key!r} has no section"
        for path, name in field_names(analytics):
            assert f"`{name}`" in doc or f'"{name}"' in doc, f"{path}.{name} is undocumented"


def test_contract_keys_are_documented_first() -> None:
    doc = DOC.read_text(encoding="utf-8")
    positions = [doc.index(f"### `{key}`") for key in CONTRACT_KEYS]
    assert positions == sorted(positions) and positions[-1] < doc.index("### `settings`")


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    assert doctest.testmod(module, optionflags=doctest.ELLIPSIS).failed == 0


def test_public_names_are_sorted_and_exported() -> None:
    names = llmnav.analytics.__all__
    assert names == sorted(names, key=lambda n: (not n.isupper(), not n[0].isupper(), n))
    for name in names:
        assert hasattr(llmnav.analytics, name), name
    for contract in (
        "build_population",
        "compute_analytics",
        "write_analytics",
        "write_population_layers",
        "write_report",
    ):
        assert contract in names


SPEED_SCRIPT = """
import sys, time, tempfile
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from analytics_helpers import make_population
from llmnav.analytics import (compute_analytics, write_analytics,
                              write_population_layers, write_report)
from llmnav.catalog import load_catalog
catalog = load_catalog()
population = make_population(catalog)
out = Path(tempfile.mkdtemp())
started = time.process_time()
analytics = compute_analytics(population, catalog, seed=0)
write_analytics(analytics, out / "analytics.json")
files = write_population_layers(population, analytics, catalog, out / "layers")
write_report(analytics, population, out / "report.html", layers=files)
print(len(files), time.process_time() - started)
"""


def test_analytics_layers_and_report_for_the_study_size_take_under_two_seconds_on_one_core(
    tmp_path: Path,
) -> None:
    # A fresh interpreter with one BLAS thread: CPU time on one core, whatever else runs.
    one_core = {
        **os.environ,
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
    }
    done = subprocess.run(
        [sys.executable, "-c", SPEED_SCRIPT, str(Path(__file__).parent)],
        env=one_core,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    files, used = done.stdout.split()
    assert int(files) > 800
    assert float(used) < 2.0, f"{float(used):.2f} s of CPU"
