"""The scenarios of the orchestration issue, as raw telemetry through the whole pipeline.

Each file under tests/data/orchestration/ is one session in the ``sessions``
format; ``analyze`` ingests, maps and detects them like any user data.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from llmnav.analyze import AnalyzeResult, analyze

DATA = Path(__file__).parents[1] / "data" / "orchestration" / "sessions"


@pytest.fixture(scope="module")
def analyzed(tmp_path_factory: pytest.TempPathFactory) -> AnalyzeResult:
    return analyze([DATA], tmp_path_factory.mktemp("analyze"))


def behaviours_of(result: AnalyzeResult, session_id: str) -> set[str]:
    return {h.behaviour_id for h in result.aio_hits if h.session_id == session_id}


def test_autonomous_intrusion_shows_the_kill_chain_pivot_selection_and_key_reuse(
    analyzed: AnalyzeResult,
) -> None:
    found = behaviours_of(analyzed, "campaign-1")
    assert {"AIO.T0001", "AIO.T0002", "AIO.T0003", "AIO.T0005", "AIO.T0009"} <= found
    assert "AIO.T0004" in found


def test_benign_coding_agent_with_fifty_shell_commands_is_not_an_operation(
    analyzed: AnalyzeResult,
) -> None:
    found = behaviours_of(analyzed, "dev-1")
    assert not found & {"AIO.T0001", "AIO.T0003", "AIO.T0004", "AIO.T0009"}
    assert "AIO.T0007" in found  # it is autonomous, and saying so is correct


def test_operator_who_types_every_target_makes_no_pivot_or_selection(
    analyzed: AnalyzeResult,
) -> None:
    found = behaviours_of(analyzed, "manual-1")
    assert not found & {"AIO.T0003", "AIO.T0005"}


def test_chat_question_about_lateral_movement_has_no_aio_at_all(analyzed: AnalyzeResult) -> None:
    assert behaviours_of(analyzed, "chat-1") == set()


def test_every_hit_cites_steps_and_explains_itself(analyzed: AnalyzeResult) -> None:
    for hit in analyzed.aio_hits:
        assert 0 < hit.strength <= 1
        assert hit.event_ids and hit.detail


def test_harvested_key_never_appears_in_the_evidence(analyzed: AnalyzeResult) -> None:
    for hit in analyzed.aio_hits:
        assert "b3BlbnNzaC1rZXktdjEAAAAA" not in hit.detail
    layers = (analyzed.out_dir / "layers").glob("*.json")
    for layer in layers:
        assert "b3BlbnNzaC1rZXktdjEAAAAA" not in layer.read_text()


def test_analyze_writes_valid_aio_layers_and_the_bundle(analyzed: AnalyzeResult) -> None:
    from llmnav.navigator import validate_layer

    layers = sorted((analyzed.out_dir / "layers").glob("aio-*.json"))
    names = {p.name for p in layers}
    assert "aio-population.json" in names and "aio-actor-op-7.json" in names
    for path in layers:
        assert [i for i in validate_layer(path) if i.severity == "error"] == []
    assert (analyzed.out_dir / "aio-bundle.json").exists()
