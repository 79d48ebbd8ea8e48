"""``llmnav synth`` and ``llmnav demo`` as a user runs them (a small population)."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from llmnav.cli.synth import register

runner = CliRunner()


def _app() -> typer.Typer:
    app = typer.Typer()
    register(app)
    return app


def test_synth_writes_telemetry_labels_and_a_summary(tmp_path: Path) -> None:
    out = tmp_path / "pop.jsonl"
    result = runner.invoke(_app(), ["synth", "-o", str(out), "--actors", "12", "--seed", "4"])
    assert result.exit_code == 0, result.output
    assert "wrote 12 actors" in result.output and "labels in" in result.output
    assert out.exists() and (tmp_path / "pop.labels.jsonl").exists()
    first = json.loads(out.read_text().splitlines()[0])
    assert "steps" in first


def test_synth_refuses_a_folder(tmp_path: Path) -> None:
    result = runner.invoke(_app(), ["synth", "-o", str(tmp_path), "--actors", "3"])
    assert result.exit_code != 0


def test_demo_runs_the_pipeline_and_reports(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    result = runner.invoke(_app(), ["demo", "-o", str(out), "--actors", "25", "--seed", "1"])
    assert result.exit_code == 0, result.output
    assert "report:" in result.output and "report.html" in result.output
    assert "mapping accuracy vs labels" in result.output
    assert "mean_aries" in result.output and "(rejected 0)" in result.output
    payload = json.loads((out / "demo-accuracy.json").read_text())
    assert 0.0 <= payload["accuracy"]["top1_exact"] <= payload["accuracy"]["top1_parent"] <= 1.0
    assert payload["figures"]["actors"] == 25
    assert (out / "telemetry" / "population.jsonl").exists()
    assert (out / "labels.jsonl").exists()
    assert not list((out / "telemetry").glob("*labels*"))
    assert (out / "actors.csv").exists()
