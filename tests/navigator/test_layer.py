"""The Navigator layer model (format 4.5), its checker, writer and builder."""

from __future__ import annotations

import copy
import doctest
import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

import llmnav.navigator
import llmnav.navigator.layer
from llmnav.navigator import (
    DEFAULT_GRADIENT_COLORS,
    Gradient,
    Issue,
    Layer,
    LegendItem,
    TechniqueScore,
    build_layer,
    layer_json,
    load_layers,
    validate_layer,
    write_layer,
)

DATA = Path(__file__).resolve().parent.parent / "data" / "navigator"
SAMPLES = sorted(DATA.glob("*.json"))


def minimal(**changes: Any) -> dict[str, Any]:
    layer: dict[str, Any] = {
        "name": "x",
        "versions": {"attack": "18", "navigator": "5.1.0", "layer": "4.5"},
        "domain": "enterprise-attack",
        "techniques": [{"techniqueID": "T1059", "score": 50}],
    }
    layer.update(changes)
    return layer


def errors(data: Any) -> list[tuple[str, str]]:
    return [(i.location, i.description) for i in validate_layer(data) if i.severity == "error"]


def test_layer_docstrings_run() -> None:
    for module in (llmnav.navigator, llmnav.navigator.layer):
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
        assert result.failed == 0, module.__name__


def test_layer_public_names_are_sorted_and_exported() -> None:
    names = llmnav.navigator.__all__
    assert names == sorted(names, key=lambda n: (not n.isupper(), n))
    assert set(names) == set(llmnav.navigator.layer.__all__)


def test_layer_fixtures_are_the_official_samples_with_license() -> None:
    assert {p.name for p in SAMPLES} == {
        "Bear_APT.json",
        "example-layer-from-spec.json",
        "example-multi-layer-from-spec.json",
    }
    assert "Apache License" in (DATA / "LICENSE-navigator.txt").read_text()
    assert "MITRE" in (DATA / "NOTICE-navigator.txt").read_text()


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_layer_official_samples_load_without_issues(path: Path) -> None:
    layers = load_layers(path)
    assert layers and all(layer.versions.layer == "4.5" for layer in layers)
    assert validate_layer(path) == []


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_layer_official_samples_round_trip_to_the_same_json(path: Path) -> None:
    original = json.loads(path.read_text(encoding="utf-8"))
    layers = load_layers(path)
    written = json.loads(layer_json(layers if isinstance(original, list) else layers[0]))
    assert written == original


def test_layer_bear_sample_has_its_techniques_and_legend() -> None:
    layer = Layer.from_file(DATA / "Bear_APT.json")
    assert layer.name == "*Bear APTs"
    assert len(layer.techniques or []) == 126
    assert layer.legendItems and layer.legendItems[0].color == "#ff6666"


def test_layer_from_file_rejects_a_list_of_layers() -> None:
    with pytest.raises(ValueError, match="holds 2 layers; use load_layers"):
        Layer.from_file(DATA / "example-multi-layer-from-spec.json")


def test_layer_spec_example_keeps_dividers_links_and_eight_digit_colours() -> None:
    first, second = load_layers(DATA / "example-multi-layer-from-spec.json")
    assert first.metadata and first.metadata[1].model_dump() == {"divider": True}
    assert second.gradient and second.gradient.colors[0] == "#ff6666ff"
    assert second.techniques and second.techniques[1].color == ""


def test_layer_rejects_bad_colour() -> None:
    bad = minimal(techniques=[{"techniqueID": "T1059", "color": "red"}])
    assert errors(bad) == [
        ("techniques[0].color", "Colour 'red' is not a hex colour #rrggbb or #rrggbbaa")
    ]
    with pytest.raises(ValidationError, match="not a hex colour"):
        Layer.model_validate(bad)


def test_layer_rejects_bad_legend_and_gradient_colours() -> None:
    bad = minimal(
        legendItems=[{"label": "a", "color": "#12345"}],
        gradient={"colors": ["#ffffff", "blue"], "minValue": 0, "maxValue": 100},
    )
    assert [location for location, _ in errors(bad)] == [
        "gradient.colors[1]",
        "legendItems[0].color",
    ]


def test_layer_rejects_missing_versions() -> None:
    bad = minimal()
    del bad["versions"]
    assert errors(bad) == [("versions", "Required field is missing")]


def test_layer_rejects_other_layer_format_and_old_navigator() -> None:
    assert errors(minimal(versions={"navigator": "5.1.0", "layer": "4.4"})) == [
        ("versions.layer", "Input should be '4.5'")
    ]
    assert errors(minimal(versions={"navigator": "4.8.2", "layer": "4.5"})) == [
        ("versions", "versions.navigator '4.8.2' must be at least '4.9.0'")
    ]


@pytest.mark.parametrize(
    ("score", "message"),
    [
        ("50", "Must be a number, not str '50'"),
        (True, "Must be a number, not bool True"),
        (float("inf"), "Number inf is not finite"),
    ],
)
def test_layer_rejects_score_that_is_not_a_number(score: Any, message: str) -> None:
    bad = minimal(techniques=[{"techniqueID": "T1059", "score": score}])
    assert errors(bad) == [("techniques[0].score", message)]


@pytest.mark.parametrize(
    ("domain", "message"),
    [
        (42, "Input should be a valid string"),
        ("Enterprise ATT&CK", "is neither one of enterprise-attack"),
        ("mitre-enterprise", "belongs to layer format 3; use 'enterprise-attack'"),
    ],
)
def test_layer_rejects_unknown_domain_type(domain: Any, message: str) -> None:
    [(location, text)] = errors(minimal(domain=domain))
    assert location == "domain"
    assert message in text


def test_layer_accepts_custom_domain_with_custom_ids() -> None:
    layer = Layer.model_validate(minimal(domain="aio", techniques=[{"techniqueID": "AIO.T0001"}]))
    assert layer.domain == "aio"


def test_layer_rejects_custom_id_in_attack_domain() -> None:
    assert errors(minimal(techniques=[{"techniqueID": "AIO.T0001"}])) == [
        (
            "techniques",
            "techniqueID 'AIO.T0001' (techniques[0]) is not an ATT&CK id (T#### or T####.###)",
        )
    ]


def test_layer_rejects_bad_sorting_gradient_link_and_metadata() -> None:
    bad = minimal(
        sorting=True,
        gradient={"colors": ["#ffffff", "#000000"], "minValue": 10, "maxValue": 10},
        links=[{"label": "home", "url": "attack.mitre.org"}],
        metadata=[{"name": "only a name"}],
    )
    found = dict(errors(bad))
    assert found["sorting"] == "Must be a number, not bool True"
    assert found["gradient"] == "gradient.maxValue (10) must be greater than minValue (10)"
    assert "must start with a protocol" in found["links[0].url"]
    assert found["metadata[0].value"] == "Required field is missing"


def test_layer_unknown_fields_are_kept_and_reported_as_warnings() -> None:
    data = minimal(extraField=1, techniques=[{"techniqueID": "T1059", "note": "x"}])
    layer = Layer.model_validate(data)
    assert layer.to_dict()["extraField"] == 1
    assert validate_layer(data) == [
        Issue("warning", "Unknown field 'extraField' (the Navigator ignores it)", "<layer>"),
        Issue("warning", "Unknown field 'note' (the Navigator ignores it)", "techniques[0]"),
    ]


def test_layer_duplicate_annotation_is_a_warning() -> None:
    data = minimal(techniques=[{"techniqueID": "T1059"}, {"techniqueID": "T1059"}])
    [issue] = validate_layer(data)
    assert issue.severity == "warning"
    assert issue.location == "techniques[1]"


def test_layer_validate_reports_each_layer_of_a_list_and_bad_json() -> None:
    issues = validate_layer([minimal(), minimal(domain="X")])
    assert [(i.location, i.severity) for i in issues] == [("[1].domain", "error")]
    assert validate_layer("{not json")[0].description.startswith("Not JSON")


def test_build_layer_links_subtechniques_and_shows_parents() -> None:
    layer = build_layer(
        name="demo",
        domain="enterprise-attack",
        techniques=[
            TechniqueScore("T1003.001", 80.0, comment="lsass", metadata={"hits": 3, "p": 0.25}),
            TechniqueScore("T1003.002", None),
            TechniqueScore("T1110", 20, tactic="credential-access"),
            TechniqueScore("T1110.003", 60, tactic="credential-access"),
        ],
    )
    techniques = {(t.techniqueID, t.tactic): t for t in layer.techniques or []}
    sub = techniques[("T1003.001", None)]
    assert sub.score == 80 and isinstance(sub.score, int)
    assert sub.links and sub.links[0].model_dump() == {
        "label": "ATT&CK T1003.001",
        "url": "https://attack.mitre.org/techniques/T1003/001/",
    }
    assert [m.model_dump() for m in sub.metadata or []] == [
        {"name": "hits", "value": "3"},
        {"name": "p", "value": "0.25"},
    ]
    assert techniques[("T1003", None)].showSubtechniques is True
    assert techniques[("T1110", "credential-access")].showSubtechniques is True
    assert techniques[("T1110", "credential-access")].score == 20
    assert techniques[("T1003.002", None)].score is None
    assert len(techniques) == 5
    assert layer.gradient == Gradient(
        colors=["#ffffff", "#ffe766", "#ff6666"], minValue=20, maxValue=80
    )


def test_build_layer_gradient_defaults() -> None:
    nothing = build_layer(name="x", domain="enterprise-attack", techniques=[])
    assert nothing.gradient == Gradient(
        colors=list(DEFAULT_GRADIENT_COLORS), minValue=0, maxValue=100
    )
    one = build_layer(name="x", domain="mobile-attack", techniques=[TechniqueScore("T1404", 7)])
    assert one.gradient == Gradient(colors=list(DEFAULT_GRADIENT_COLORS), minValue=0, maxValue=7)
    colours = build_layer(
        name="x",
        domain="ics-attack",
        techniques=[TechniqueScore("T0800", 1), TechniqueScore("T0801", 3)],
        gradient=["#000000", "#ffffff"],
    )
    assert colours.gradient == Gradient(colors=["#000000", "#ffffff"], minValue=1, maxValue=3)


def test_build_layer_legend_metadata_and_no_links() -> None:
    layer = build_layer(
        name="x",
        domain="enterprise-attack",
        techniques=[TechniqueScore("T1059", 1, links={"Runbook": "https://example.org/r"})],
        legend={"seen": "#ff6666"},
        metadata={"actors": 12},
        links_base=None,
    )
    assert layer.legendItems == [LegendItem(label="seen", color="#ff6666")]
    assert layer.metadata and layer.metadata[0].model_dump() == {"name": "actors", "value": "12"}
    assert layer.techniques and [link.label for link in layer.techniques[0].links or []] == [
        "Runbook"
    ]


def test_build_layer_rejects_bad_colour() -> None:
    with pytest.raises(ValidationError, match="not a hex colour"):
        build_layer(
            name="x",
            domain="enterprise-attack",
            techniques=[TechniqueScore("T1059", 1, color="red")],
        )


def test_built_layer_round_trips_through_json(tmp_path: Path) -> None:
    layer = build_layer(
        name="round trip",
        domain="enterprise-attack",
        description="scores",
        techniques=[TechniqueScore("T1003.001", 42.5, comment="c", tactic="credential-access")],
        legend={"high": "#ff6666"},
        metadata={"generator": "llmnav"},
    )
    path = write_layer(layer, tmp_path / "out" / "layer.json")
    text = path.read_text(encoding="utf-8")
    assert text.endswith("}\n") and '\n  "name": "round trip",' in text
    assert "null" not in text
    assert Layer.from_file(path) == layer
    assert validate_layer(path) == []
    assert layer_json(Layer.from_file(path)) == text
    assert [p.name for p in path.parent.iterdir()] == ["layer.json"]  # no temporary left


def test_write_layer_writes_a_list_and_replaces_atomically(tmp_path: Path) -> None:
    path = tmp_path / "layers.json"
    path.write_text("old")
    layers = load_layers(DATA / "example-multi-layer-from-spec.json")
    write_layer(layers, path)
    assert load_layers(path) == layers


def test_layer_model_copy_is_independent() -> None:
    layer = Layer.model_validate(minimal())
    clone = copy.deepcopy(layer)
    assert clone == layer and clone is not layer
