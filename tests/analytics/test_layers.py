"""Population layers: every file validates, scores are the analytics' figures."""

from __future__ import annotations

import json
from pathlib import Path

from analytics_helpers import HOSTILE, Analyzed

from llmnav.analytics.layers import actor_layer_name
from llmnav.navigator.layer import Layer, validate_layer


def load(path: Path) -> Layer:
    return Layer.model_validate(json.loads(path.read_text(encoding="utf-8")))


def test_every_population_layer_validates(analyzed: Analyzed) -> None:
    for path in analyzed.layers:
        assert validate_layer(path) == [], path.name
        layer = load(path)
        assert layer.versions.layer == "4.5" and layer.domain == "enterprise-attack"


def test_population_layers_cover_prevalence_aries_overindexing_and_cohorts(
    analyzed: Analyzed,
) -> None:
    names = {p.name for p in analyzed.layers}
    expected = {
        "population-prevalence.json",
        "technique-aries.json",
        "high-risk-overindexing.json",
        "cohort-tier-low.json",
        "cohort-tier-critical.json",
        "cohort-period-1.json",
        "cohort-period-2.json",
        "cohort-interface-agent.json",
        "actor-op-espionage.json",
    }
    assert expected <= names
    with_techniques = sum(1 for a in analyzed.population.actors if a.techniques)
    assert sum(1 for n in names if n.startswith("actor-")) == with_techniques


def test_prevalence_layer_scores_are_percent_of_actors(analyzed: Analyzed) -> None:
    layer = load(analyzed.out / "layers" / "population-prevalence.json")
    scores = {t.techniqueID: t.score for t in layer.techniques or [] if t.score is not None}
    for technique, share in analyzed.analytics["technique_prevalence"].items():
        assert scores[technique] == round(share * 100, 1)
    metadata = {m.name: m.value for m in layer.metadata or [] if hasattr(m, "name")}
    assert metadata["actors"] == str(analyzed.analytics["actors"])
    assert layer.gradient is not None and layer.gradient.maxValue == 100


def test_technique_aries_layer_scores_are_mean_aries_of_users(analyzed: Analyzed) -> None:
    layer = load(analyzed.out / "layers" / "technique-aries.json")
    technique = next(iter(analyzed.analytics["techniques"]))
    users = [a.aries for a in analyzed.population.actors if technique in a.techniques]
    entry = next(t for t in layer.techniques or [] if t.techniqueID == technique)
    assert entry.score == round(sum(users) / len(users), 2)


def test_actor_layer_scores_observations_and_names_the_actor(analyzed: Analyzed) -> None:
    actor = analyzed.population.actor("op-espionage")
    layer = load(analyzed.out / "layers" / "actor-op-espionage.json")
    scored = {t.techniqueID: t.score for t in layer.techniques or [] if t.score is not None}
    assert scored == dict(actor.techniques)
    assert layer.name.startswith("Actor op-espionage: ARiES")


def test_hostile_actor_id_gets_a_safe_file_name(analyzed: Analyzed) -> None:
    name = actor_layer_name(HOSTILE)
    assert "/" not in name and "<" not in name and name.endswith(".json")
    layer = load(analyzed.out / "layers" / name)
    assert HOSTILE in layer.name
    assert actor_layer_name("../../etc/passwd").startswith("actor-etc_passwd-")
