"""``llmnav eval``: the mapper and a baseline scored on labelled data in one run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from llmnav.catalog import Catalog
from llmnav.cli import app
from llmnav.errors import ConfigError
from llmnav.mapping.evaluate import DatasetScores, evaluate, read_labelled_commands


def test_labelled_commands_keep_good_lines_and_name_the_bad_ones(
    data_dir: Path, catalog: Catalog
) -> None:
    corpus = read_labelled_commands(data_dir / "mapping" / "labelled-commands.jsonl", catalog)

    assert corpus.commands[1] == "vssadmin delete shadows /all /quiet"
    # A revoked id is read as the technique that replaced it.
    assert corpus.labels == [("T1105",), ("T1490",), ("T1059.001",)]
    problems = [str(error) for error in corpus.rejected]
    assert len(problems) == 4
    assert problems[0].startswith("Not JSON") and problems[0].endswith("labelled-commands.jsonl:4")
    assert problems[1].endswith("labelled-commands.jsonl:5 (field command)")
    assert problems[2] == (
        f"Unknown technique 'T9999' in {data_dir / 'mapping' / 'labelled-commands.jsonl'}:6"
        " (field technique)"
    )
    assert problems[3].endswith(":7 (field techniques)")


@pytest.fixture(scope="module")
def scores() -> list[DatasetScores]:
    data = Path(__file__).parents[1] / "data" / "mapping"
    return evaluate(data / "bench", commands=[data / "labelled-commands.jsonl"])


def by_name(scores: list[DatasetScores], dataset: str, system: str) -> DatasetScores:
    return next(s for s in scores if s.dataset.startswith(dataset) and s.system == system)


def test_every_data_set_is_scored_for_llmnav_and_the_baseline(
    scores: list[DatasetScores],
) -> None:
    names = {(s.dataset, s.system) for s in scores}
    for dataset in (
        "atomic (holdout commands)",
        "tram (holdout sentences)",
        "cyberseceval (prompts)",
        "labelled-commands.jsonl (commands)",
    ):
        assert {(dataset, "llmnav"), (dataset, "baseline")} <= names


def test_an_extra_command_corpus_is_scored_whole_with_its_bad_lines_noted(
    scores: list[DatasetScores],
) -> None:
    ours = by_name(scores, "labelled-commands.jsonl", "llmnav")
    assert ours.n == 3
    # certutil -urlcache (T1105) and vssadmin delete shadows (T1490) are plain cases.
    assert ours.parent_top1 is not None and ours.parent_top1 >= 2 / 3
    assert ours.notes == [
        "left out 4 bad lines, first: Not JSON (Expecting value) in "
        f"{Path(__file__).parents[1] / 'data' / 'mapping' / 'labelled-commands.jsonl'}:4"
    ]


def test_holdout_rows_only_are_scored(scores: list[DatasetScores]) -> None:
    assert by_name(scores, "atomic", "llmnav").n == 3
    assert by_name(scores, "tram", "llmnav").n == 2
    prompts = by_name(scores, "cyberseceval", "llmnav")
    assert prompts.n == 4 and prompts.intent_auc == 1.0


def test_a_corpus_with_no_usable_line_is_an_error(tmp_path: Path, data_dir: Path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text(json.dumps({"command": "whoami"}) + "\n")
    with pytest.raises(ConfigError, match="No usable labelled commands"):
        evaluate(data_dir / "mapping" / "bench", commands=[empty])


def test_eval_command_prints_one_table_per_kind_of_data(data_dir: Path) -> None:
    bench = data_dir / "mapping" / "bench"
    corpus = data_dir / "mapping" / "labelled-commands.jsonl"
    result = CliRunner().invoke(app, ["eval", "--bench", str(bench), "--commands", str(corpus)])
    assert result.exit_code == 0, result.output
    assert "llmnav eval: mapping accuracy" in result.output
    assert "llmnav eval: prompts: tactic and intent" in result.output
    assert result.output.count("left out 4 bad lines") == 1
