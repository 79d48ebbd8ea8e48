"""Layer tools as a library user calls them: from a list, combine, diff, and the expression."""

from __future__ import annotations

import doctest
from pathlib import Path

import pytest

import llmnav.navigator.expr
import llmnav.navigator.font
import llmnav.navigator.tools
from llmnav.errors import CatalogError, ConfigError, IngestError
from llmnav.navigator import (
    Layer,
    TechniqueScore,
    build_layer,
    layer_json,
    validate_layer,
)
from llmnav.navigator.expr import ExpressionError, parse_expression
from llmnav.navigator.tools import (
    BINARY_GRADIENT_COLORS,
    DIVERGING_GRADIENT_COLORS,
    combine_layers,
    diff_layers,
    layer_changes,
    layer_from_techniques,
    parse_technique_ids,
    read_layer_file,
    resolve_technique_ids,
)

DATA = Path(__file__).resolve().parent.parent / "data" / "navigator" / "tools"


def scores(layer: Layer) -> dict[str, float | None]:
    return {t.techniqueID: t.score for t in layer.techniques or [] if t.score is not None}


def layer(name: str = "x", domain: str = "enterprise-attack", **values: float | None) -> Layer:
    entries = [TechniqueScore(key.replace("_", "."), value) for key, value in values.items()]
    return build_layer(name=name, domain=domain, techniques=entries)


def assert_valid(result: Layer) -> None:
    assert [issue for issue in validate_layer(result.to_dict()) if issue.severity == "error"] == []


@pytest.fixture(scope="module")
def halves() -> tuple[Layer, Layer]:
    return read_layer_file(DATA / "first-half.json"), read_layer_file(DATA / "second-half.json")


@pytest.mark.parametrize(
    "module", [llmnav.navigator.expr, llmnav.navigator.tools, llmnav.navigator.font]
)
def test_module_examples_run(module: object) -> None:
    failures, _ = doctest.testmod(module)  # type: ignore[arg-type]
    assert failures == 0


# -- from a list -----------------------------------------------------------------------


def test_layer_from_techniques_scores_each_listed_technique_and_shows_subtechniques() -> None:
    result = layer_from_techniques(["T1003", "T1021.004"], name="seen", score=5)
    assert_valid(result)
    assert result.name == "seen" and result.domain == "enterprise-attack"
    assert scores(result) == {"T1003": 5, "T1021.004": 5}
    parent = next(t for t in result.techniques or [] if t.techniqueID == "T1021")
    assert parent.showSubtechniques is True
    assert result.layout is not None and result.layout.expandedSubtechniques == "annotated"
    links = (result.techniques or [])[1].links or []
    assert links[0].url == "https://attack.mitre.org/techniques/T1021/004/"  # type: ignore[union-attr]


def test_layer_from_techniques_follows_revoked_ids_and_says_so_in_the_comment() -> None:
    resolved = resolve_technique_ids(["T1002", "T1560"])
    assert resolved.ids == ("T1560",)
    assert resolved.notes == ("T1002 was revoked and replaced by T1560 (Archive Collected Data)",)
    result = layer_from_techniques(["T1002"])
    technique = (result.techniques or [])[0]
    assert technique.techniqueID == "T1560"
    assert technique.comment == resolved.notes[0]


def test_layer_from_techniques_names_every_unknown_id() -> None:
    with pytest.raises(
        CatalogError, match=r"Unknown technique id\(s\) in ATT&CK enterprise-attack"
    ) as info:
        layer_from_techniques(["T1003", "T9999", "not-an-id"])
    assert "T9999, not-an-id" in str(info.value)


def test_layer_from_techniques_takes_colour_and_rejects_a_colour_name() -> None:
    result = layer_from_techniques(["T1059"], color="#66b1ff", score=None)
    technique = (result.techniques or [])[0]
    assert (technique.color, technique.score) == ("#66b1ff", None)
    with pytest.raises(ConfigError, match="Colour 'red' is not a hex colour"):
        layer_from_techniques(["T1059"], color="red")


def test_layer_from_techniques_in_the_aio_domain_checks_the_taxonomy() -> None:
    result = layer_from_techniques(["aio.t0003"], domain="aio", score=70)
    assert_valid(result)
    technique = (result.techniques or [])[0]
    assert (technique.techniqueID, technique.tactic, technique.links) == (
        "AIO.T0003",
        "aio-targeting",
        None,
    )
    with pytest.raises(CatalogError, match=r"AIO\.T9999"):
        layer_from_techniques(["AIO.T9999"], domain="aio")


def test_parse_technique_ids_reads_lines_commas_and_comments() -> None:
    text = (DATA / "ids.txt").read_text()
    assert parse_technique_ids(text) == ["T1003.001", "T1021.004", "T1059.001", "T1002"]


# -- reading layer files ---------------------------------------------------------------


def test_read_layer_file_names_the_file_and_the_bad_field() -> None:
    with pytest.raises(IngestError) as info:
        read_layer_file(DATA / "bad-colour.json")
    message = str(info.value)
    assert message.startswith("Not a valid Navigator layer: techniques[0].color: Colour 'red'")
    assert message.endswith("bad-colour.json")


def test_read_layer_file_reports_json_errors_and_missing_files() -> None:
    with pytest.raises(IngestError, match=r"Not a layer file: not JSON .* in .*not-json.json"):
        read_layer_file(DATA / "not-json.json")
    with pytest.raises(IngestError, match=r"Layer file not found in .*missing.json"):
        read_layer_file(DATA / "missing.json")


# -- combine -----------------------------------------------------------------------------


def test_combine_subtracts_scores_per_technique(halves: tuple[Layer, Layer]) -> None:
    first, second = halves
    result = combine_layers("b - a", [first, second])
    assert_valid(result)
    assert scores(result) == {
        "T1003.001": 20,
        "T1021": -6,
        "T1059": 15,
        "T1486": 12,
        "T1566": 0,
    }


def test_combine_counts_a_missing_score_as_zero_but_skips_techniques_no_layer_scores() -> None:
    a = layer(T1059=4, T1003=2)
    b = layer(T1059=1, T1566=None)
    result = combine_layers("a * 10 + b", [a, b])
    assert scores(result) == {"T1003": 20, "T1059": 41}
    assert "T1566" not in {t.techniqueID for t in result.techniques or []}


def test_combine_comments_give_each_input_and_metadata_says_how_it_was_made() -> None:
    result = combine_layers("(a+b)/2", [layer("H1", T1059=10), layer("H2", T1059=30, T1003=8)])
    comments = {t.techniqueID: t.comment for t in result.techniques or []}
    assert comments == {"T1003": "a: -, b: 8", "T1059": "a: 10, b: 30"}
    metadata = {item.name: item.value for item in result.metadata or []}  # type: ignore[union-attr]
    assert metadata["score expression"] == "(a+b)/2"
    assert (metadata["a"], metadata["b"]) == ("H1", "H2")
    assert result.name == "layer by operation: (a+b)/2"
    assert result.gradient is not None
    assert (result.gradient.minValue, result.gradient.maxValue) == (4, 20)


def test_combine_comparison_gives_one_or_zero_on_the_navigators_binary_gradient() -> None:
    result = combine_layers("a > b and a >= 50", [layer(T1059=80, T1003=40), layer(T1059=10)])
    assert scores(result) == {"T1003": 0, "T1059": 1}
    assert result.gradient is not None
    assert tuple(result.gradient.colors) == BINARY_GRADIENT_COLORS


def test_combine_division_by_zero_leaves_the_technique_without_a_score() -> None:
    result = combine_layers("a / b", [layer(T1059=10, T1003=4), layer(T1059=5)])
    assert_valid(result)
    by_id = {t.techniqueID: t for t in result.techniques or []}
    assert by_id["T1059"].score == 2
    assert by_id["T1003"].score is None
    assert "division by zero" in (by_id["T1003"].comment or "")
    metadata = {item.name: item.value for item in result.metadata or []}  # type: ignore[union-attr]
    assert metadata["techniques without a value"] == "1"


def test_combine_constant_expression_scores_every_technique_of_the_catalog() -> None:
    from llmnav.catalog import load_catalog

    catalog = load_catalog()
    result = combine_layers("50", [layer(T1059=1)], catalog=catalog)
    assert len(scores(result)) == len(catalog.techniques())
    assert set(scores(result).values()) == {50}


def test_combine_keeps_tactic_specific_annotations_apart() -> None:
    a = build_layer(
        name="a",
        domain="enterprise-attack",
        techniques=[
            TechniqueScore("T1078", 10, tactic="initial-access"),
            TechniqueScore("T1078", 30, tactic="persistence"),
        ],
    )
    b = layer(T1078=1)  # applies in every tactic
    result = combine_layers("a + b", [a, b])
    assert {(t.tactic, t.score) for t in result.techniques or []} == {
        ("initial-access", 11),
        ("persistence", 31),
        (None, 1),
    }


def test_combine_rejects_an_unknown_layer_variable_with_its_position() -> None:
    with pytest.raises(ExpressionError, match="Variable 'c' names layer 3") as info:
        combine_layers("a + c", [layer(T1059=1), layer(T1059=2)])
    assert info.value.position == 5


def test_combine_rejects_layers_of_different_domains() -> None:
    mobile = read_layer_file(DATA / "mobile.json")
    with pytest.raises(ConfigError, match="Cannot combine layers of different domains"):
        combine_layers("a + b", [layer(T1059=1), mobile])


# -- the expression language -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a - b", -1.0),
        ("-a + 10", 8.0),
        ("2 * (a + b) / 4", 2.5),
        ("b ^ 2 ^ 2", 81.0),
        ("-b ^ 2", -9.0),
        ("a < b", 1.0),
        ("a < b < 2", 0.0),
        ("a == 2 or b == 2", 1.0),
        ("a xor b", 0.0),
        ("not (a > b)", 1.0),
        ("a > b ? 25 : 10", 10.0),
        ("max(a, b, 7) - min(a, b)", 5.0),
        ("abs(a - b)", 1.0),
        ("A + B", 5.0),
        ("1.5e1", 15.0),
        ("100 - a", 98.0),
    ],
)
def test_expression_evaluates_like_the_navigator(text: str, expected: float) -> None:
    assert parse_expression(text).evaluate({"a": 2, "b": 3}) == expected


@pytest.mark.parametrize(
    ("text", "position", "message"),
    [
        ("a + * b", 5, "Expected a number, a layer variable, a function or '(', found '*'"),
        ("(a + b", 7, "Expected ')', found the end"),
        ("a b", 3, "Unexpected 'b'"),
        ("a $ b", 3, "Unexpected character '$'"),
        ("foo(a)", 1, "Unknown name 'foo'"),
        ("__import__(a)", 1, "Unknown name '__import__'"),
        ("a + 'os'", 5, 'Unexpected character "\'"'),
        ("min()", 5, "Expected a number"),
        ("abs(a, b)", 1, "Function abs takes 1 argument(s), not 2"),
        ("a ? b", 6, "Expected ':'"),
        ("", 1, "The score expression is empty"),
    ],
)
def test_expression_errors_name_the_position(text: str, position: int, message: str) -> None:
    with pytest.raises(ExpressionError) as info:
        parse_expression(text)
    assert info.value.position == position
    assert str(info.value).startswith(message)
    assert f"at position {position} of the" in str(info.value)


def test_expression_error_draws_a_caret_under_the_position() -> None:
    with pytest.raises(ExpressionError) as info:
        parse_expression("a + * b")
    assert str(info.value).splitlines()[-2:] == ["    a + * b", "        ^"]


def test_expression_has_no_value_on_division_by_zero_or_overflow() -> None:
    assert parse_expression("a / (b - 3)").evaluate({"a": 1, "b": 3}) is None
    assert parse_expression("0 ^ -1").evaluate({}) is None
    assert parse_expression("10 ^ 400").evaluate({}) is None


# -- diff --------------------------------------------------------------------------------


def test_diff_scores_b_minus_a_with_both_scores_in_the_comment(halves: tuple[Layer, Layer]) -> None:
    result = diff_layers(*halves)
    assert_valid(result)
    by_id = {t.techniqueID: t for t in result.techniques or [] if t.score is not None}
    assert by_id["T1059"].score == 15 and by_id["T1059"].comment == "A: 40, B: 55"
    assert by_id["T1021"].score == -6 and by_id["T1021"].comment == "A: 6, B: -"
    assert by_id["T1486"].comment == "A: -, B: 12"
    assert by_id["T1566"].score == 0
    assert result.name == "second half minus first half"


def test_diff_gradient_diverges_around_zero(halves: tuple[Layer, Layer]) -> None:
    gradient = diff_layers(*halves).gradient
    assert gradient is not None
    assert tuple(gradient.colors) == DIVERGING_GRADIENT_COLORS
    assert (gradient.minValue, gradient.maxValue) == (-20, 20)


def test_diff_metadata_counts_added_removed_changed(halves: tuple[Layer, Layer]) -> None:
    metadata = {item.name: item.value for item in diff_layers(*halves).metadata or []}  # type: ignore[union-attr]
    assert (metadata["added"], metadata["removed"], metadata["changed"], metadata["unchanged"]) == (
        "1",
        "1",
        "2",
        "1",
    )
    assert (metadata["A"], metadata["B"]) == ("first half", "second half")


def test_layer_changes_lists_status_per_technique(halves: tuple[Layer, Layer]) -> None:
    changes = {change.technique_id: change.status for change in layer_changes(*halves)}
    assert changes == {
        "T1003.001": "changed",
        "T1021": "removed",
        "T1059": "changed",
        "T1486": "added",
        "T1566": "unchanged",
    }


def test_diff_of_identical_layers_is_all_zero_with_a_usable_gradient() -> None:
    same = layer(T1059=5)
    result = diff_layers(same, same)
    assert_valid(result)
    assert scores(result) == {"T1059": 0}
    assert result.gradient is not None and result.gradient.maxValue == 1


def test_tools_are_deterministic(halves: tuple[Layer, Layer]) -> None:
    assert layer_json(diff_layers(*halves)) == layer_json(diff_layers(*halves))
    assert layer_json(combine_layers("a+b", list(halves))) == layer_json(
        combine_layers("a+b", list(halves))
    )
