"""Population analytics: the scored population, its figures, Navigator layers and report.

``analyze`` calls these in order::

    population = build_population(store, scores, catalog, config)
    analytics = compute_analytics(population, catalog, periods=2, seed=0)
    write_analytics(analytics, out_dir / "analytics.json")
    files = write_population_layers(population, analytics, catalog, out_dir / "layers")
    write_report(analytics, population, out_dir / "report.html", layers=files)

Every key of ``analytics.json`` is documented in ``docs/analytics.md``.
"""

from __future__ import annotations

from llmnav.analytics.layers import write_population_layers
from llmnav.analytics.metrics import (
    ANALYTICS_VERSION,
    CONTRACT_KEYS,
    LATE_STAGE_TACTICS,
    compute_analytics,
    write_analytics,
)
from llmnav.analytics.periods import Period, PeriodSpec, split_periods
from llmnav.analytics.population import (
    HIGH_TIERS,
    TIERS,
    ActorRecord,
    Population,
    build_population,
    population_from_profiles,
    population_from_scores,
)
from llmnav.analytics.report import write_report

__all__ = [
    "ANALYTICS_VERSION",
    "CONTRACT_KEYS",
    "HIGH_TIERS",
    "LATE_STAGE_TACTICS",
    "TIERS",
    "ActorRecord",
    "Period",
    "PeriodSpec",
    "Population",
    "build_population",
    "compute_analytics",
    "population_from_profiles",
    "population_from_scores",
    "split_periods",
    "write_analytics",
    "write_population_layers",
    "write_report",
]
