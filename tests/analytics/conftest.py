"""Fixtures for analytics tests: a small analyzed store, and hand-built populations."""

from __future__ import annotations

from pathlib import Path

import pytest
from analytics_helpers import Analyzed

from llmnav.analytics import (
    build_population,
    compute_analytics,
    write_analytics,
    write_population_layers,
    write_report,
)
from llmnav.analyze import analyze
from llmnav.catalog import Catalog
from llmnav.config import Config
from llmnav.scoring import load_scores
from llmnav.store.duckdb import Store

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "analytics"
INPUTS = [
    ROOT / "examples" / "telemetry",
    ROOT / "tests" / "data" / "scoring" / "reference-cases.jsonl",
    DATA / "hostile-actor.jsonl",
]


@pytest.fixture(scope="session")
def analyzed(
    tmp_path_factory: pytest.TempPathFactory, catalog: Catalog, config: Config
) -> Analyzed:
    out = tmp_path_factory.mktemp("analyzed")
    result = analyze(INPUTS, out, config=config)
    with Store.open(result.db, read_only=True) as store:
        scores = load_scores(store)
        population = build_population(store, scores, catalog, config)
    analytics = compute_analytics(population, catalog, periods=2, seed=0, resamples=300)
    analytics_json = write_analytics(analytics, out / "analytics.json")
    layers = write_population_layers(population, analytics, catalog, out / "layers")
    report = write_report(analytics, population, out / "report.html", layers=layers)
    return Analyzed(out, scores, population, analytics, layers, report, analytics_json)
