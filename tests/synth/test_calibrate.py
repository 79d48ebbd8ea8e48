"""The calibration helpers and the shipped screening data."""

from __future__ import annotations

from pathlib import Path

from llmnav.synth import labels_path
from llmnav.synth.calibrate import TARGETS, Figure
from llmnav.synth.screen import flags
from llmnav.synth.templates import TEMPLATES


def test_figures_have_bands() -> None:
    figure = Figure("x", 10.0, 2.0)
    assert figure.ok(8.0) and figure.ok(12.0) and not figure.ok(12.5)
    names = {f.name for f in TARGETS}
    assert {"defense_evasion_pct", "t1587_pct", "mean_aries", "breadth_risk_pearson"} <= names


def test_labels_file_sits_beside_the_telemetry() -> None:
    assert labels_path("out/pop.jsonl") == Path("out/pop.labels.jsonl")
    assert labels_path("pop") == Path("pop.labels.jsonl")


def test_screening_covers_every_template_text() -> None:
    """Re-run ``python -m llmnav.synth.screen`` after editing the templates."""
    screened = flags()
    for technique, template in TEMPLATES.items():
        families = screened[technique]
        assert len(families["asks"]) == len(template.asks), technique
        assert len(families.get("code", [])) == len(template.code), technique
        assert len(families.get("cmds", [])) == len(template.cmds), technique
        for marks in families["asks"]:
            assert set(marks) <= {"de", "lm"}
