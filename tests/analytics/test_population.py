"""The population record: counts agree with ARiES, actors are ranked."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from analytics_helpers import HOSTILE, Analyzed

from llmnav.analytics import ActorRecord, Population, population_from_scores
from llmnav.scoring import ActorScore, Component


def test_build_population_counts_techniques_and_tactics_as_aries_does(analyzed: Analyzed) -> None:
    assert analyzed.population.n_actors == len(analyzed.scores)
    for score in analyzed.scores:
        actor = analyzed.population.actor(score.actor_id)
        assert (actor.n_techniques, actor.n_tactics) == (score.n_techniques, score.n_tactics)
        assert actor.aries == score.aries and actor.tier == score.tier
        assert actor.aio == score.aio


def test_build_population_keeps_sophistication_points_and_observations(
    analyzed: Analyzed,
) -> None:
    top = analyzed.population.actors[0]
    score = next(s for s in analyzed.scores if s.actor_id == top.actor_id)
    points = {c.name: c.points for c in score.components}
    assert top.sophistication == points["technical sophistication"]
    assert top.observations >= top.n_techniques > 0
    assert all(t.startswith("TA") for t in top.tactics)
    assert analyzed.population.observations == sum(
        a.observations for a in analyzed.population.actors
    )


def test_build_population_keeps_hostile_actor_id_verbatim(analyzed: Analyzed) -> None:
    assert analyzed.population.actor(HOSTILE).n_techniques > 0


def test_population_ranks_actors_by_aries_then_id() -> None:
    population = Population(
        (
            ActorRecord("b", 10.0, "low"),
            ActorRecord("c", 90.0, "critical"),
            ActorRecord("a", 10.0, "low"),
        )
    )
    assert [a.actor_id for a in population.actors] == ["c", "a", "b"]
    with pytest.raises(KeyError):
        population.actor("missing")


def test_population_span_ignores_undated_actors() -> None:
    early, late = datetime(2025, 1, 1, tzinfo=UTC), datetime(2025, 6, 1, tzinfo=UTC)
    population = Population(
        (
            ActorRecord("a", 1.0, "low", first_seen=early, last_seen=early),
            ActorRecord("b", 1.0, "low", first_seen=late),
            ActorRecord("c", 1.0, "low"),
        )
    )
    assert population.span() == (early, late)
    assert Population(()).span() is None


def test_population_from_scores_reads_components() -> None:
    score = ActorScore(
        actor_id="x",
        aries=40.0,
        tier="low",
        threat=10.0,
        vulnerability=20.0,
        impact=10.0,
        components=(Component("threat", "technical sophistication", 4.5, 10.0),),
        n_techniques=1,
        n_tactics=1,
        interface="chat",
        aio=(),
        top_techniques=(),
        first_seen=None,
        last_seen=None,
        config="c",
    )
    population = population_from_scores([score], {"x": {"T1059": 3}}, {"x": {"TA0002": 3}})
    actor = population.actors[0]
    assert (actor.sophistication, actor.observations, actor.n_tactics) == (4.5, 3, 1)
