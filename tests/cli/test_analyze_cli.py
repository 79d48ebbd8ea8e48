"""``llmnav analyze``, ``explain``, ``aio`` and ``config`` as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from llmnav.cli import app

runner = CliRunner()
FIXTURES = Path(__file__).parents[1] / "data" / "orchestration" / "sessions"


@pytest.fixture(scope="module")
def out_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cli") / "out"
    result = runner.invoke(app, ["analyze", str(FIXTURES), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "AIO behaviours:" in result.output and "wrote" in result.output
    return out


def test_analyze_writes_the_store_bundle_layers_and_ranked_actors(out_dir: Path) -> None:
    assert (out_dir / "llmnav.duckdb").exists()
    rows = (out_dir / "actors.csv").read_text().splitlines()
    assert rows[0] == (
        "actor_id,aries,tier,threat,vulnerability,impact,n_techniques,n_tactics,interface,aio"
    )
    assert rows[1].startswith("op-7,") and "AIO.T0009" in rows[1]
    assert rows[-1].startswith("student-3,")
    analytics = json.loads((out_dir / "analytics.json").read_text())
    assert analytics["actors"] == 4 and 0 <= analytics["mean_aries"] <= 100
    assert set(analytics["breadth_risk"]) >= {"pearson", "spearman"}
    assert (out_dir / "report.html").read_text().startswith("<!DOCTYPE html>")
    assert (out_dir / "layers" / "population-prevalence.json").exists()
    techniques = (out_dir / "techniques.csv").read_text().splitlines()
    assert techniques[0] == "technique_id,name,risk_weight,n_actors,mean_aries"
    assert any(line.startswith("T1021.004,SSH,") for line in techniques)
    assert (out_dir / "aio-bundle.json").exists()
    assert (out_dir / "layers" / "aio-population.json").exists()


def test_explain_session_shows_timeline_entities_and_behaviours(out_dir: Path) -> None:
    result = runner.invoke(
        app,
        ["explain", "campaign-1", "--db", str(out_dir / "llmnav.duckdb")],
        env={"COLUMNS": "160"},
    )
    assert result.exit_code == 0, result.output
    for expected in ("timeline", "entities", "AIO.T0009", "Harvested-Credential Chaining"):
        assert expected in result.output
    assert "REDACTED" in result.output
    assert "b3BlbnNzaC1rZXktdjEAAAAA" not in result.output


def test_explain_actor_summarises_behaviours_then_sessions(out_dir: Path) -> None:
    result = runner.invoke(
        app, ["explain", "op-7", "--db", str(out_dir / "llmnav.duckdb")], env={"COLUMNS": "160"}
    )
    assert result.exit_code == 0, result.output
    assert "actor op-7" in result.output and "session campaign-1" in result.output
    for part in ("intent clarity", "model enablement", "observed impact", "potential impact"):
        assert part in result.output


def test_explain_json_lists_evidence_steps(out_dir: Path) -> None:
    result = runner.invoke(
        app, ["explain", "campaign-1", "--db", str(out_dir / "llmnav.duckdb"), "--json"]
    )
    payload = json.loads(result.output)
    assert payload["actor_id"] == "op-7" and payload["aries"]["tier"] in ("high", "critical")
    dossier = payload["sessions"][0]
    pivot = next(b for b in dossier["behaviours"] if b["behaviour_id"] == "AIO.T0003")
    assert pivot["steps"] and all(isinstance(n, int) for n in pivot["steps"])


def test_explain_unknown_id_is_a_clear_error(out_dir: Path) -> None:
    result = runner.invoke(app, ["explain", "nobody", "--db", str(out_dir / "llmnav.duckdb")])
    assert result.exit_code == 1
    assert "No session or actor 'nobody'" in result.output


def test_aio_detect_reruns_with_other_thresholds(out_dir: Path, tmp_path: Path) -> None:
    strict = tmp_path / "strict.yaml"
    strict.write_text("orchestration:\n  T0004:\n    min_calls: 1000\n")
    db = str(out_dir / "llmnav.duckdb")
    result = runner.invoke(app, ["aio", "detect", "--db", db, "--config", str(strict)])
    assert result.exit_code == 0, result.output
    assert "AIO.T0004" not in result.output
    restored = runner.invoke(app, ["aio", "detect", "--db", db])
    assert "AIO.T0004" in restored.output


def test_aio_list_and_bundle(tmp_path: Path) -> None:
    listed = runner.invoke(app, ["aio", "list"], env={"COLUMNS": "200"})
    assert "AIO.T0010" in listed.output
    bundle = tmp_path / "aio.json"
    runner.invoke(app, ["aio", "bundle", "-o", str(bundle)])
    assert json.loads(bundle.read_text())["type"] == "bundle"


def test_config_show_prints_defaults_and_merged_files(tmp_path: Path) -> None:
    defaults = runner.invoke(app, ["config", "show"])
    assert "min_tactics: 2" in defaults.output and "# fingerprint:" in defaults.output
    mine = tmp_path / "mine.yaml"
    mine.write_text("orchestration:\n  T0001:\n    min_tactics: 4\n")
    merged = runner.invoke(app, ["config", "show", "--config", str(mine)])
    assert "min_tactics: 4" in merged.output
    bad = tmp_path / "bad.yaml"
    bad.write_text("orchestration:\n  T0001:\n    min_tactic: 4\n")
    failed = runner.invoke(app, ["config", "show", "--config", str(bad)])
    assert failed.exit_code == 1
    assert "Unknown setting" in failed.output and "orchestration.T0001.min_tactic" in failed.output


def test_analyze_blends_an_llm_grade_into_sophistication(tmp_path: Path) -> None:
    from llmnav.analyze import analyze
    from llmnav.mapping.llm import FakeProvider
    from llmnav.scoring import LlmGrader

    answer = (
        '{"expertise": 1, "operator_skill": 1, "bespoke_tooling": 1, '
        '"capability_depth": 1, "rationale": "custom tooling across the kill chain"}'
    )
    graded = analyze(
        [FIXTURES / "campaign.jsonl"], tmp_path, grader=LlmGrader(FakeProvider(answer))
    )
    part = next(c for c in graded.scores[0].components if c.name == "technical sophistication")
    assert any(line.startswith("LLM grader") for line in part.evidence)


def test_analyze_of_an_empty_folder_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = runner.invoke(app, ["analyze", str(tmp_path / "empty"), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "No telemetry files to analyze" in result.output
