"""``llmnav layer`` as a user runs it: from-techniques, combine, diff, render."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from llmnav.cli.layer import app
from llmnav.navigator import validate_layer

runner = CliRunner()
DATA = Path(__file__).parents[1] / "data" / "navigator" / "tools"
FIRST, SECOND = str(DATA / "first-half.json"), str(DATA / "second-half.json")


def written(path: Path) -> dict[str, object]:
    assert validate_layer(path) == []
    data: dict[str, object] = json.loads(path.read_text())
    return data


def scores(path: Path) -> dict[str, float]:
    techniques = written(path)["techniques"]
    assert isinstance(techniques, list)
    return {t["techniqueID"]: t["score"] for t in techniques if "score" in t}


def test_from_techniques_writes_a_valid_layer(tmp_path: Path) -> None:
    out = tmp_path / "seen.json"
    result = runner.invoke(
        app,
        ["from-techniques", "T1003", "T1021.004", "-o", str(out), "--name", "seen", "--score", "3"],
    )
    assert result.exit_code == 0, result.output
    assert f"wrote {out} (2 techniques)" in result.output
    assert scores(out) == {"T1003": 3, "T1021.004": 3}
    assert written(out)["name"] == "seen"


def test_from_techniques_reads_ids_from_stdin_and_a_file(tmp_path: Path) -> None:
    out = tmp_path / "list.json"
    result = runner.invoke(
        app,
        ["from-techniques", "-", "--from", str(DATA / "ids.txt"), "-o", str(out)],
        input="T1566, T1486\n",
    )
    assert result.exit_code == 0, result.output
    assert set(scores(out)) == {"T1566", "T1486", "T1003.001", "T1021.004", "T1059.001", "T1560"}


def test_from_techniques_warns_about_revoked_ids(tmp_path: Path) -> None:
    result = runner.invoke(app, ["from-techniques", "T1002", "-o", str(tmp_path / "x.json")])
    assert result.exit_code == 0
    assert "Warning: T1002 was revoked and replaced by T1560 (Archive Collected Data)" in (
        result.output
    )


def test_from_techniques_unknown_ids_are_an_error_naming_them(tmp_path: Path) -> None:
    out = tmp_path / "x.json"
    result = runner.invoke(app, ["from-techniques", "T1003", "T9999", "T0000", "-o", str(out)])
    assert result.exit_code == 1
    assert "Error: Unknown technique id(s) in ATT&CK enterprise-attack" in result.output
    assert "T9999, T0000" in result.output
    assert not out.exists()


def test_from_techniques_without_ids_is_an_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["from-techniques", "-o", str(tmp_path / "x.json")])
    assert result.exit_code == 1
    assert "No technique ids given" in result.output


def test_from_techniques_colour_and_aio_domain(tmp_path: Path) -> None:
    out = tmp_path / "aio.json"
    result = runner.invoke(
        app,
        ["from-techniques", "AIO.T0003", "-d", "aio", "--color", "#66b1ff", "-o", str(out)],
    )
    assert result.exit_code == 0, result.output
    technique = written(out)["techniques"][0]  # type: ignore[index]
    assert technique["color"] == "#66b1ff" and technique["tactic"] == "aio-targeting"


def test_combine_subtracts_layers_and_names_the_variables(tmp_path: Path) -> None:
    out = tmp_path / "change.json"
    result = runner.invoke(app, ["combine", "--expr", "b-a", FIRST, SECOND, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "a = first half" in result.output and "b = second half" in result.output
    assert scores(out) == {"T1003.001": 20, "T1021": -6, "T1059": 15, "T1486": 12, "T1566": 0}


def test_combine_bad_expression_shows_the_position(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["combine", "-e", "a + * b", FIRST, SECOND, "-o", str(tmp_path / "x.json")]
    )
    assert result.exit_code == 1
    assert "Error: Expected a number, a layer variable, a function or '(', found '*'" in (
        result.output
    )
    assert "at position 5" in result.output
    assert "    a + * b\n        ^" in result.output


def test_combine_unknown_variable_is_an_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["combine", "-e", "a-c", FIRST, SECOND, "-o", str(tmp_path / "x")])
    assert result.exit_code == 1
    assert "Variable 'c' names layer 3, but only 2 layer(s) were given" in result.output


def test_combine_invalid_layer_file_names_the_file(tmp_path: Path) -> None:
    bad = str(DATA / "bad-colour.json")
    result = runner.invoke(app, ["combine", "-e", "a+b", FIRST, bad, "-o", str(tmp_path / "x")])
    assert result.exit_code == 1
    assert "Error: Not a valid Navigator layer: techniques[0].color" in result.output
    assert "bad-colour.json" in result.output


def test_combine_division_by_zero_is_reported(tmp_path: Path) -> None:
    out = tmp_path / "ratio.json"
    result = runner.invoke(app, ["combine", "-e", "b/a", FIRST, SECOND, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "without a value (division by zero)" in result.output
    assert scores(out)["T1059"] == 1.375


def test_diff_writes_the_layer_and_prints_the_biggest_changes(tmp_path: Path) -> None:
    out = tmp_path / "diff.json"
    result = runner.invoke(app, ["diff", FIRST, SECOND, "-o", str(out)], env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    first_row = next(line for line in lines if "T1003.001" in line)
    assert "+20" in first_row and "changed" in first_row
    assert "added 1 | removed 1 | changed 2 | unchanged 1" in result.output
    assert scores(out)["T1003.001"] == 20


def test_diff_summary_escapes_hostile_names(tmp_path: Path) -> None:
    hostile = str(DATA / "hostile.json")
    result = runner.invoke(
        app, ["diff", FIRST, hostile, "-o", str(tmp_path / "d.json")], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 0, result.output
    assert "</text><script>" in result.output  # shown as text, not taken as markup


def test_diff_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["diff", FIRST, "nope.json", "-o", str(tmp_path / "d.json")])
    assert result.exit_code == 1
    assert "Error: Layer file not found in nope.json" in result.output


def test_render_writes_svg_and_png(tmp_path: Path) -> None:
    for name in ("m.svg", "m.png"):
        result = runner.invoke(app, ["render", FIRST, "-o", str(tmp_path / name)])
        assert result.exit_code == 0, result.output
    assert (tmp_path / "m.svg").read_text().startswith("<svg")
    assert (tmp_path / "m.png").read_bytes().startswith(b"\x89PNG")


def test_render_all_and_format_options(tmp_path: Path) -> None:
    out = tmp_path / "matrix.img"
    result = runner.invoke(
        app, ["render", FIRST, "-o", str(out), "--all", "--format", "png", "--scale", "1"]
    )
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"\x89PNG")


def test_render_rejects_an_unknown_format(tmp_path: Path) -> None:
    result = runner.invoke(app, ["render", FIRST, "-o", str(tmp_path / "x"), "--format", "gif"])
    assert result.exit_code == 2
    assert "is not svg or png" in result.output


def test_render_with_domain_data_reads_that_catalog(tmp_path: Path) -> None:
    from llmnav.catalog import load_catalog

    source = load_catalog().source
    result = runner.invoke(
        app, ["render", FIRST, "-o", str(tmp_path / "m.svg"), "--domain-data", str(source)]
    )
    assert result.exit_code == 0, result.output
