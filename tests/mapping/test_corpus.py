"""Training and development files are read line by line, and a bad line is named."""

from __future__ import annotations

from pathlib import Path

import pytest

from llmnav.catalog import Catalog
from llmnav.errors import IngestError
from llmnav.mapping.model.corpus import read_jsonl


def test_rows_are_read_and_blank_lines_skipped(tmp_path: Path) -> None:
    path = tmp_path / "requests.jsonl"
    path.write_text('{"tactic": "TA0003", "text": "survive a reboot"}\n\n{"tactic": "TA0004"}\n')
    assert read_jsonl(path) == [
        {"tactic": "TA0003", "text": "survive a reboot"},
        {"tactic": "TA0004"},
    ]


@pytest.mark.parametrize(
    ("line", "message"), [("{broken", "Not JSON"), ('["a list"]', "Not a JSON object")]
)
def test_a_bad_line_names_the_file_and_line(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "requests.jsonl"
    path.write_text('{"tactic": "TA0003"}\n' + line + "\n")
    with pytest.raises(IngestError, match=message) as caught:
        read_jsonl(path)
    assert str(caught.value).endswith(f"{path}:2")


def test_rule_examples_are_labelled_with_the_rules_technique(catalog: Catalog) -> None:
    from llmnav.mapping.model.corpus import rule_examples
    from llmnav.mapping.rules.rule import Rule

    rules = [
        Rule.from_dict(
            {
                "id": "lsass-dump",
                "technique": "T1003.001",
                "score": 0.9,
                "pattern": r"procdump\S*\s+-ma\s+lsass",
                "examples": ["procdump64 -ma lsass.exe out.dmp", "procdump -ma lsass x.dmp"],
            }
        ),
        # a revoked id is read as the technique that replaced it
        Rule.from_dict(
            {"id": "old", "technique": "T1086", "score": 0.5, "pattern": "x", "examples": ["x"]}
        ),
    ]
    assert rule_examples(rules, catalog) == [
        ("procdump64 -ma lsass.exe out.dmp", "T1003.001"),
        ("procdump -ma lsass x.dmp", "T1003.001"),
        ("x", "T1059.001"),
    ]


TRAINING_DATA = Path(__file__).parents[2] / "scripts" / "data"


@pytest.mark.parametrize("name", ["tactic-requests.jsonl", "tactic-capabilities.jsonl"])
def test_tactic_training_lines_name_a_tactic_and_an_active_technique_of_it(
    name: str, catalog: Catalog
) -> None:
    tactics = {t.id for t in catalog.tactics}
    rows = read_jsonl(TRAINING_DATA / name)
    assert rows
    for row in rows:
        assert row["tactic"] in tactics, row
        assert catalog.technique(row["technique"]).technique.active, row
        assert len(row["text"].split()) >= 4, row


def test_the_shipped_model_was_trained_on_every_request_and_capability(catalog: Catalog) -> None:
    from llmnav.mapping.model.artefact import DEFAULT_PATH, ModelArtefact
    from llmnav.mapping.model.corpus import request_examples

    trained = ModelArtefact.load(DEFAULT_PATH).header["training"]
    requests = read_jsonl(TRAINING_DATA / "tactic-requests.jsonl")
    capabilities = read_jsonl(TRAINING_DATA / "tactic-capabilities.jsonl")
    assert trained["tactic_requests"] == len(requests) + len(capabilities)
    assert trained["technique_requests"] == len(request_examples(requests, catalog))


def test_requests_are_labelled_with_the_technique_they_ask_for(catalog: Catalog) -> None:
    from llmnav.mapping.model.corpus import request_examples

    rows = [
        {"tactic": "TA0003", "technique": "T1053.005", "text": "add a task that survives reboots"},
        {"tactic": "TA0003", "technique": "T9999", "text": "a technique ATT&CK does not have"},
    ]
    assert request_examples(rows, catalog) == [("add a task that survives reboots", "T1053.005")]
