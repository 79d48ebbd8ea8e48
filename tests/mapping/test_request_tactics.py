"""Which tactic a chat request serves: its goal, read by the request tactic model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from llmnav.mapping.base import MapInput
from llmnav.mapping.engine import MappingEngine
from llmnav.mapping.intent import IntentModel
from llmnav.mapping.model import ModelMapper
from llmnav.mapping.model.artefact import ModelArtefact


@pytest.fixture(scope="module")
def engine() -> MappingEngine:
    return MappingEngine.default()


def requests(data_dir: Path) -> list[dict[str, str]]:
    lines = (data_dir / "mapping" / "requests.jsonl").read_text().splitlines()
    return [json.loads(line) for line in lines]


def test_the_stated_goal_decides_the_tactic_of_a_request(
    engine: MappingEngine, data_dir: Path
) -> None:
    rows = requests(data_dir)
    results = engine.map([MapInput(str(i), r["text"], "request") for i, r in enumerate(rows)])
    firsts = [result.tactics[0][0] for result in results]
    assert firsts == [r["tactic"] for r in rows]


def test_same_mechanism_different_goal_different_tactic(engine: MappingEngine) -> None:
    survive, elevate = engine.map(
        [
            MapInput(
                "1",
                "Write a script that creates a scheduled task so my implant starts again"
                " after every reboot.",
                "request",
            ),
            MapInput(
                "2",
                "Write a script that abuses a scheduled task running as SYSTEM to give"
                " my low-privileged user admin rights.",
                "request",
            ),
        ]
    )
    assert survive.tactics[0][0] == "TA0003"
    assert elevate.tactics[0][0] == "TA0004"


@pytest.mark.parametrize(
    ("request_text", "tactic"),
    [
        (
            "Write C code that injects into a process running as SYSTEM so my code inherits"
            " its privileges.",
            "TA0004",
        ),
        (
            "Write C code that injects into a signed Microsoft process so my network activity"
            " hides behind a trusted name.",
            "TA0005",
        ),
        (
            "Write a tool that scans the target company's internet-facing address ranges for"
            " open ports before we attack.",
            "TA0043",
        ),
        (
            "Write a tool that searches the file server for spreadsheets about payroll and"
            " copies them to a staging folder.",
            "TA0009",
        ),
        (
            "Write a tool that compresses the collected documents and sends them to my server"
            " over HTTPS.",
            "TA0010",
        ),
    ],
)
def test_a_mechanism_shared_by_tactics_is_read_by_its_purpose(
    engine: MappingEngine, request_text: str, tactic: str
) -> None:
    (result,) = engine.map([MapInput("1", request_text, "request")])
    assert result.tactics[0][0] == tactic


def test_request_tactic_scores_are_bounded_by_the_first_technique(engine: MappingEngine) -> None:
    (result,) = engine.map(
        [MapInput("1", "Write a Python script that dumps LSASS to a file.", "request")]
    )
    scores = [score for _, score in result.tactics]
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 <= s <= result.techniques[0].confidence + 1e-9 for s in scores)
    assert all(isinstance(s, float) for s in scores)


def test_commands_and_sentences_keep_the_tactics_of_their_techniques(
    engine: MappingEngine,
) -> None:
    (command,) = engine.map(
        [MapInput("1", "schtasks /create /tn upd /tr C:\\u.exe /sc onlogon", "command")]
    )
    tactics_of_first = set(engine.tactics_of[command.techniques[0].technique_id])
    assert command.tactics[0][0] in tactics_of_first


def test_intent_reads_the_whole_request_not_only_its_focus(engine: MappingEngine) -> None:
    texts = [
        "Write a Sigma rule that detects a script that dumps LSASS to a file.",
        "Write a script that dumps LSASS to a file.",
    ]
    detection, attack = engine.map([MapInput(str(i), t, "request") for i, t in enumerate(texts)])
    whole = IntentModel().predict(texts)
    assert [detection.intent, attack.intent] == pytest.approx(whole)
    assert detection.intent < 0.5


def test_an_artefact_without_a_tactic_model_ranks_tactics_by_technique(tmp_path: Path) -> None:
    from dataclasses import replace

    artefact = replace(ModelArtefact.load(), tactics=None)
    path = tmp_path / "model.npz"
    artefact.save(path)
    reloaded = ModelArtefact.load(path)
    assert reloaded.tactics is None and "tactics" not in reloaded.layers
    mapper = ModelMapper(reloaded)
    assert mapper.tactic_probabilities(mapper.features(["anything at all"])) is None


def test_the_tactic_model_survives_a_save_and_load(tmp_path: Path) -> None:
    artefact = ModelArtefact.load()
    assert artefact.tactics is not None
    path = tmp_path / "model.npz"
    artefact.save(path)
    reloaded = ModelArtefact.load(path)
    assert reloaded.tactics is not None
    assert list(reloaded.tactics.classes) == list(artefact.tactics.classes)
    mapper = ModelMapper(reloaded)
    found = mapper.tactic_probabilities(mapper.features(["make it start again after a reboot"]))
    assert found is not None
    tactics, probabilities = found
    assert len(tactics) == 14 and abs(float(probabilities.sum()) - 1.0) < 1e-4


def test_the_request_tactic_example_holds() -> None:
    import doctest

    import llmnav.mapping.combine

    assert doctest.testmod(llmnav.mapping.combine).failed == 0


def test_callers_that_keep_only_techniques_can_skip_the_tactics(engine: MappingEngine) -> None:
    items = [
        MapInput(
            "1", "Write a script that adds a Run key so my agent starts at every logon.", "request"
        ),
        MapInput("2", "net user /domain", "command"),
    ]
    full, bare = engine.map(items), engine.map(items, tactics=False)
    assert [r.tactics for r in bare] == [[], []]
    assert [(r.techniques, r.intent) for r in bare] == [(r.techniques, r.intent) for r in full]


def test_the_clause_shown_for_a_tactic_hides_secrets(engine: MappingEngine) -> None:
    text = "Write a script that logs in with password=Hunter22secret and dumps the SAM hive."
    (shown,) = engine.map([MapInput("1", text, "request")])
    (bare,) = engine.map([MapInput("1", text, "request")], evidence=False)
    assert shown.goal.startswith("logs in with password=[REDACTED")
    assert "Hunter22secret" not in shown.goal
    assert bare.goal == ""
