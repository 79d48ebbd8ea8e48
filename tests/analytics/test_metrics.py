"""compute_analytics on hand-built populations: every figure checked by hand."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from analytics_helpers import make_population
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from llmnav.analytics import (
    CONTRACT_KEYS,
    ActorRecord,
    Population,
    compute_analytics,
    write_analytics,
)
from llmnav.catalog import Catalog


def actor(
    actor_id: str,
    aries: float,
    tier: str,
    month: int,
    techniques: dict[str, int],
    tactics: dict[str, int],
    *,
    aio: tuple[str, ...] = (),
    sophistication: float = 0.0,
    interface: str = "chat",
) -> ActorRecord:
    seen = datetime(2025, month, 1, tzinfo=UTC)
    return ActorRecord(
        actor_id,
        aries,
        tier,
        sophistication=sophistication,
        interface=interface,
        first_seen=seen,
        last_seen=seen,
        techniques=techniques,
        tactics=tactics,
        aio=aio,
    )


SIX = Population(
    (
        actor(
            "a1",
            90.0,
            "critical",
            1,
            {"T1021": 2, "T1003": 1, "T1059": 1},
            {"TA0008": 2, "TA0006": 1, "TA0002": 1},
            aio=("AIO.T0001",),
            sophistication=9.0,
            interface="agent",
        ),
        actor(
            "a2",
            80.0,
            "high",
            2,
            {"T1059": 1, "T1003": 1},
            {"TA0002": 1, "TA0006": 1},
            aio=("AIO.T0003",),
            sophistication=8.0,
            interface="agent",
        ),
        actor(
            "a3",
            50.0,
            "medium",
            7,
            {"T1059": 2, "T1027": 1},
            {"TA0002": 2, "TA0005": 1},
            sophistication=5.0,
        ),
        actor(
            "a4",
            30.0,
            "low",
            8,
            {"T1059": 1, "T1027": 1, "T1082": 1},
            {"TA0002": 1, "TA0005": 1, "TA0007": 1},
            sophistication=2.0,
        ),
        actor("a5", 10.0, "low", 12, {"T1027": 1}, {"TA0005": 1}, sophistication=1.0),
        actor("a6", 20.0, "low", 3, {}, {}),
    )
)


@pytest.fixture(scope="module")
def six(catalog: Catalog) -> dict[str, Any]:
    return compute_analytics(SIX, catalog, seed=0, resamples=200, min_support=2)


def test_compute_analytics_writes_the_design_contract_keys(six: dict[str, Any]) -> None:
    assert set(CONTRACT_KEYS) <= set(six)
    assert six["actors"] == 6 and six["observations"] == 13
    assert six["mean_aries"] == pytest.approx(46.67)
    assert six["median_techniques_per_actor"] == 2.0
    assert set(six["breadth_risk"]) == {"pearson", "spearman"}
    assert set(six["tactic_uplift"]["TA0006"]) == {"n", "mean_with", "mean_without", "uplift"}


def test_prevalence_counts_actors_and_observations(six: dict[str, Any]) -> None:
    assert six["technique_prevalence"] == {
        "T1059": 0.6667,
        "T1027": 0.5,
        "T1003": 0.3333,
        "T1021": 0.1667,
        "T1082": 0.1667,
    }
    assert list(six["tactic_prevalence"]) == ["TA0002", "TA0005", "TA0006", "TA0007", "TA0008"]
    t1059 = six["techniques"]["T1059"]
    assert (t1059["actors"], t1059["observations"], t1059["name"]) == (
        4,
        5,
        "Command and Scripting Interpreter",
    )
    assert t1059["observation_share"] == pytest.approx(5 / 13, abs=1e-4)
    assert t1059["mean_aries"] == pytest.approx(62.5)
    assert t1059["ci"][0] <= t1059["share"] <= t1059["ci"][1]


def test_tactic_uplift_compares_users_with_everyone_else(six: dict[str, Any]) -> None:
    assert six["tactic_uplift"]["TA0006"] == {
        "n": 2,
        "mean_with": 85.0,
        "mean_without": 27.5,
        "uplift": 57.5,
    }
    detail = six["tactic_uplift_detail"]["TA0006"]
    assert detail["name"] == "Credential Access" and detail["test"] == "mann-whitney"
    assert 0 < detail["p_value"] < 0.2


def test_tier_share_by_period_uses_first_seen_halves(six: dict[str, Any]) -> None:
    first, second = six["tier_share_by_period"].values()
    assert first == {"low": 0.3333, "medium": 0.0, "high": 0.3333, "critical": 0.3333}
    assert second == {"low": 0.6667, "medium": 0.3333, "high": 0.0, "critical": 0.0}
    labels = [p["label"] for p in six["periods"]]
    assert labels == list(six["tier_share_by_period"]) and labels[0].startswith("2025-01-01/")


def test_over_indexing_divides_high_risk_prevalence_by_overall(six: dict[str, Any]) -> None:
    over = six["over_indexing"]
    assert over["high_risk_actors"] == 2
    assert over["techniques"]["T1003"]["ratio"] == 3.0
    assert over["techniques"]["T1059"]["ratio"] == 1.5
    assert over["techniques"]["T1027"]["ratio"] == 0.0
    assert next(iter(over["techniques"])) == "T1003"


def test_orchestration_gap_lists_high_risk_aio_actors_of_ordinary_breadth(
    six: dict[str, Any],
) -> None:
    gap = six["orchestration_gap"]
    assert gap["median_techniques"] == 2.0
    assert [row["actor_id"] for row in gap["list"]] == ["a2"]
    assert gap["share_of_high_risk"] == 0.5


def test_late_stage_shares_are_of_tactic_observations(six: dict[str, Any]) -> None:
    late = six["late_stage"]
    assert late["tactic_observations"] == 13
    assert late["tactics"]["TA0008"]["share"] == pytest.approx(2 / 13, abs=1e-4)
    assert late["together"]["observations"] == 2
    assert late["privilege_escalation_or_impact_actors"]["actors"] == 0


def test_sophistication_check_drops_the_part_and_compares_ranks(six: dict[str, Any]) -> None:
    check = six["sophistication"]
    assert check["top"][0] == {
        "actor_id": "a1",
        "aries": 90.0,
        "without_sophistication": 81.0,
        "rank": 1,
        "rank_without": 1,
    }
    assert check["top_kept_in_order"] == 6 and check["top_spearman"] == 1.0


def test_interfaces_are_compared_with_kruskal_wallis(six: dict[str, Any]) -> None:
    interfaces = six["interfaces"]
    assert interfaces["groups"]["agent"]["mean_aries"] == 85.0
    assert interfaces["test"]["name"] == "kruskal-wallis" and interfaces["test"]["df"] == 1


def test_drift_reports_change_between_consecutive_periods(six: dict[str, Any]) -> None:
    (pair,) = six["technique_drift"]["pairs"]
    assert (pair["actors_from"], pair["actors_to"]) == (3, 3)
    t1027 = pair["techniques"]["T1027"]
    assert (t1027["share_from"], t1027["share_to"], t1027["change"]) == (0.0, 1.0, 1.0)


def test_compute_analytics_repeats_exactly_with_the_same_seed(catalog: Catalog) -> None:
    first = compute_analytics(SIX, catalog, seed=4, resamples=100)
    assert compute_analytics(SIX, catalog, seed=4, resamples=100) == first


def test_compute_analytics_of_an_empty_population_is_valid_json(catalog: Catalog) -> None:
    analytics = compute_analytics(Population(()), catalog)
    json.dumps(analytics, allow_nan=False)
    assert analytics["actors"] == 0 and analytics["tier_share_by_period"] == {}


def test_compute_analytics_accepts_a_period_length(catalog: Catalog) -> None:
    analytics = compute_analytics(SIX, catalog, periods="90d", resamples=50)
    assert len(analytics["tier_share_by_period"]) == 4
    shares = [sum(row.values()) for row in analytics["tier_share_by_period"].values()]
    assert all(s == 0.0 or s == pytest.approx(1.0, abs=1e-3) for s in shares)


def test_write_analytics_writes_strict_json(six: dict[str, Any], tmp_path: Any) -> None:
    path = write_analytics(six, tmp_path / "sub" / "analytics.json")
    assert json.loads(path.read_text()) == six


def test_study_sized_population_has_every_figure(catalog: Catalog) -> None:
    analytics = compute_analytics(make_population(catalog), catalog, resamples=200)
    assert analytics["actors"] == 832
    assert 0.15 < analytics["breadth_risk"]["pearson"] < 0.9
    for row in analytics["tier_share_by_period"].values():
        assert sum(row.values()) == pytest.approx(1.0, abs=1e-3)
    assert analytics["over_indexing"]["techniques"] and analytics["technique_uplift"]["techniques"]
    json.dumps(analytics, allow_nan=False)


techniques = st.dictionaries(
    st.sampled_from(["T1059", "T1003", "T1021.004", "T1027", "T1587", "T1486"]),
    st.integers(1, 4),
    max_size=5,
)
actors = st.builds(
    lambda i, aries, month, used: actor(
        f"x{i}",
        aries,
        "low" if aries < 50 else "high",
        month,
        used,
        {"TA0002": 1} if used else {},
    ),
    st.integers(0, 10_000),
    st.floats(0, 100).map(lambda v: round(v, 2)),
    st.integers(1, 12),
    techniques,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(actors, max_size=12, unique_by=lambda a: a.actor_id))
def test_any_population_gives_json_with_shares_and_ordered_intervals(
    catalog: Catalog, members: list[ActorRecord]
) -> None:
    analytics = compute_analytics(Population(tuple(members)), catalog, resamples=30)
    json.dumps(analytics, allow_nan=False)
    for share in analytics["technique_prevalence"].values():
        assert 0.0 <= share <= 1.0
    for row in analytics["techniques"].values():
        if row["ci"] is not None:
            assert row["ci"][0] <= row["ci"][1]


def test_compute_analytics_records_a_timedelta_period_as_seconds(catalog: Catalog) -> None:
    from datetime import timedelta

    by_delta = compute_analytics(SIX, catalog, periods=timedelta(days=90), resamples=20)
    by_text = compute_analytics(SIX, catalog, periods="90d", resamples=20)
    assert by_delta["settings"]["periods"] == "7776000s"
    assert by_delta["tier_share_by_period"] == by_text["tier_share_by_period"]
