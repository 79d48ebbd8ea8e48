"""Rule files and the rule validator: user rules, issues, and the errors users see."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from llmnav.catalog import Catalog, load_catalog
from llmnav.errors import ConfigError, SourceLocation
from llmnav.mapping.rules import Issue, Rule, RulesMapper, check_rules, read_rule_file

RULES = Path(__file__).resolve().parents[1] / "data" / "mapping" / "rules"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


VALID = Rule(
    id="corp-get",
    technique="T1105",
    score=0.6,
    description="corpget downloads a file",
    keywords=("corpget",),
    pattern=r"\bcorpget\s+https?://",
    examples=("corpget https://example.net/a.bin",),
)


def rule(**fields: Any) -> Rule:
    """A valid rule, changed by ``fields``."""
    return replace(VALID, **fields)


def problems(rules: list[Rule], catalog: Catalog) -> list[tuple[str, str, str]]:
    return [(i.severity, i.rule_id, i.description) for i in check_rules(rules, catalog)]


# -- user rule files ------------------------------------------------------------------------


def test_read_rule_file_applies_defaults_and_keeps_lines() -> None:
    sync, vault = read_rule_file(RULES / "corp-rules.yaml")
    assert (sync.id, sync.kinds, sync.platforms) == ("corp-sync-push", ("command", "code"), ())
    assert vault.kinds == ("command", "request", "code", "sentence")
    assert vault.platforms == ("linux",)
    assert sync.location == SourceLocation(str(RULES / "corp-rules.yaml"), 5)
    assert vault.location is not None and vault.location.line == 14


def test_rules_mapper_adds_user_rules_to_the_builtin_ones() -> None:
    mapper = RulesMapper(extra_rule_files=[RULES / "corp-rules.yaml"])
    assert [c.detail for c in mapper.map_text("corpsync push ./hr --external s3://drop")] == [
        "corp-sync-push"
    ]
    assert mapper.map_text("vaultctl export --all --dry-run") == []
    assert mapper.map_text("vaultctl export --all", "request")[0].technique_id == "T1555"
    assert mapper.map_text("vssadmin delete shadows /all")[0].technique_id == "T1490"


def test_rules_mapper_uses_only_user_rules_without_builtin() -> None:
    mapper = RulesMapper(extra_rule_files=[RULES / "corp-rules.yaml"], builtin=False)
    assert [r.id for r in mapper.rules] == ["corp-sync-push", "corp-vault-dump"]
    assert mapper.map_text("vssadmin delete shadows /all") == []


def test_rules_mapper_bad_user_file_names_file_rule_and_problem() -> None:
    path = RULES / "broken-rules.yaml"
    with pytest.raises(ConfigError) as raised:
        RulesMapper(extra_rule_files=[path])
    assert str(raised.value) == (
        "Rule 'corp-tool' (first of 2 problems): unknown technique 'T9999' "
        f"(not in enterprise-attack 18.1) in {path}:2 (field technique)"
    )
    assert raised.value.location == SourceLocation(str(path), 2, "technique")


def test_rules_mapper_revoked_technique_warns_and_reports_the_replacement() -> None:
    mapper = RulesMapper(extra_rule_files=[RULES / "revoked-technique.yaml"], builtin=False)
    (warning,) = mapper.issues
    assert (warning.severity, warning.rule_id) == ("warning", "old-archive-rule")
    assert warning.description == (
        "T1002 was revoked and replaced by T1560 (Archive Collected Data); hits report T1560"
    )
    assert mapper.map_text("corparc pack ./loot")[0].technique_id == "T1560"


def test_rules_mapper_duplicate_of_a_builtin_id_is_an_error() -> None:
    with pytest.raises(ConfigError, match=r"^Rule 'vssadmin-delete-shadows': duplicate rule id "):
        RulesMapper(extra_rule_files=[RULES / "builtin-id.yaml"])


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "repeated-field.yaml",
            "Rule 'twice': field 'kinds' is given twice in {path}:8 (field kinds)",
        ),
        (
            "unknown-field.yaml",
            "Rule 'typo': unknown field 'paterns'; rule fields are id, technique, pattern, "
            "description, unless, score, kinds, platforms, keywords, examples, counterexamples "
            "in {path}:2 (field paterns)",
        ),
        (
            "not-a-rule-file.yaml",
            "No rules found: a rule file is a mapping with a 'rules' list (see docs/rules.md) "
            "in {path}:1",
        ),
        (
            "invalid-yaml.yaml",
            "Rule file is not valid YAML: found unexpected end of stream in {path}:5",
        ),
        ("missing.yaml", "Cannot read rule file: No such file or directory in {path}"),
    ],
)
def test_read_rule_file_refuses_malformed_files(name: str, message: str) -> None:
    path = RULES / name
    with pytest.raises(ConfigError) as raised:
        read_rule_file(path)
    assert str(raised.value) == message.format(path=path)


def test_rule_from_dict_names_a_value_of_the_wrong_type() -> None:
    with pytest.raises(
        ConfigError, match=r"^Rule 'x': score must be a number from 0 to 1, not a string$"
    ):
        Rule.from_dict({"id": "x", "score": "high"})
    with pytest.raises(
        ConfigError, match=r"keywords must be a list of strings: item 2 is a mapping"
    ):
        Rule.from_dict({"id": "x", "keywords": ["ok", {"/user": None}]})


# -- the validator --------------------------------------------------------------------------


def test_check_rules_accepts_a_valid_rule(catalog: Catalog) -> None:
    assert check_rules([rule()], catalog) == []


def test_check_rules_reports_missing_fields(catalog: Catalog) -> None:
    assert problems([Rule(id="", pattern="corpget", keywords=("corpget",))], catalog) == [
        ("error", "<no id>", "missing field 'id'"),
        ("error", "<no id>", "missing field 'technique'"),
        ("error", "<no id>", "missing field 'score'"),
        ("error", "<no id>", "missing field 'description'"),
    ]


@pytest.mark.parametrize(
    ("technique", "severity", "description"),
    [
        ("T9999", "error", "unknown technique 'T9999' (not in enterprise-attack 18.1)"),
        ("T1053.004", "error", "T1053.004 is deprecated and has no replacement"),
        (
            "T1002",
            "warning",
            "T1002 was revoked and replaced by T1560 (Archive Collected Data); hits report T1560",
        ),
    ],
)
def test_check_rules_reports_unknown_revoked_and_deprecated_techniques(
    catalog: Catalog, technique: str, severity: str, description: str
) -> None:
    assert problems([rule(technique=technique)], catalog) == [(severity, "corp-get", description)]


def test_check_rules_reports_patterns_that_do_not_compile(catalog: Catalog) -> None:
    assert problems([rule(pattern="corpget(", examples=())], catalog) == [
        (
            "error",
            "corp-get",
            "pattern does not compile: missing ), unterminated subpattern at position 7",
        ),
    ]
    assert problems([rule(unless="[z-a]")], catalog) == [
        ("error", "corp-get", "unless does not compile: bad character range z-a at position 1"),
    ]


def test_check_rules_reports_duplicate_ids_with_the_first_location(catalog: Catalog) -> None:
    first = rule(location=SourceLocation("a.yaml", 3))
    second = rule(location=SourceLocation("b.yaml", 7))
    (issue,) = check_rules([first, second], catalog)
    assert issue == Issue(
        "error",
        "duplicate rule id (first defined in a.yaml:3)",
        "corp-get",
        SourceLocation("b.yaml", 7, "id"),
    )
    assert str(issue) == (
        "error: rule 'corp-get': duplicate rule id (first defined in a.yaml:3) "
        "in b.yaml:7 (field id)"
    )


def test_check_rules_reports_bad_values(catalog: Catalog) -> None:
    bad = rule(
        score=1.5, kinds=("command", "email"), platforms=("windows", "amiga"), keywords=("",)
    )
    assert problems([bad], catalog) == [
        ("error", "corp-get", "score must be from 0 to 1, not 1.5"),
        ("error", "corp-get", "unknown kind 'email'; use command, request, code, sentence or any"),
        ("error", "corp-get", "unknown platform 'amiga'; use windows, linux, macos"),
        ("error", "corp-get", "empty keyword (it would let every input through)"),
    ]


def test_check_rules_runs_examples_and_counterexamples(catalog: Catalog) -> None:
    checked = rule(
        examples=("corpget https://example.net/a", "corpget ftp://example.net/a"),
        counterexamples=("corpget --help", "corpget http://example.net/b"),
    )
    assert problems([checked], catalog) == [
        ("error", "corp-get", "example does not fire: 'corpget ftp://example.net/a'"),
        (
            "error",
            "corp-get",
            "counterexample fires on 'corpget http://': 'corpget http://example.net/b'",
        ),
    ]


def test_check_rules_example_must_pass_the_keyword_prefilter(catalog: Catalog) -> None:
    checked = rule(keywords=("corp-get",))
    assert problems([checked], catalog) == [
        ("error", "corp-get", "example does not fire: 'corpget https://example.net/a.bin'"),
    ]


def test_check_rules_warns_about_slow_rules(catalog: Catalog) -> None:
    slow = rule(keywords=(), pattern=r"corpget.*https?://[\w.*]+")
    assert problems([slow], catalog) == [
        ("warning", "corp-get", "no keywords: the pattern runs on every input"),
        (
            "warning",
            "corp-get",
            "unbounded .* or .+ in pattern; a bounded gap such as [^\\n]{0,80}? stays fast "
            "on long inputs",
        ),
    ]


def test_check_rules_issue_locations_name_file_line_and_field() -> None:
    (issue,) = check_rules(read_rule_file(RULES / "broken-rules.yaml")[1:], load_catalog())
    assert issue.location == SourceLocation(str(RULES / "broken-rules.yaml"), 9, "pattern")
    assert re.match(
        r"pattern does not compile: missing \), unterminated subpattern", issue.description
    )
