"""The built-in rules: valid against the packaged catalog, covered, and firing on their examples."""

from __future__ import annotations

import re

import pytest

from llmnav.catalog import load_catalog
from llmnav.mapping.rules import RulesMapper, builtin_rule_files, builtin_rules, check_rules
from llmnav.mapping.rules.files import BUILTIN_DIR
from llmnav.mapping.rules.rule import KINDS

# Techniques the built-in rules must cover (the project's coverage brief).
COVERAGE = """
T1021.001 T1021.002 T1021.004 T1021.006 T1569.002 T1047 T1078 T1078.003 T1078.004
T1003.001 T1003.002 T1003.003 T1003.006 T1003.008 T1552.001 T1552.004 T1552.005 T1555.003
T1555 T1555.001 T1558.003 T1558.001 T1560.001 T1020 T1041 T1048.003 T1567.002 T1505.003
T1087.001 T1087.002 T1018 T1046 T1082 T1083 T1016 T1069.001 T1069.002 T1057 T1033 T1049
T1190 T1210 T1570 T1105 T1059.001 T1059.003 T1059.004 T1059.006 T1059.007 T1027 T1027.010
T1140 T1562.001 T1562.004 T1070.001 T1070.003 T1070.004 T1055 T1055.012 T1053.005
T1053.003 T1547.001 T1543.002 T1543.003 T1136 T1548.001 T1548.002 T1068 T1538 T1530
T1071.001 T1090 T1486 T1490 T1489 T1113 T1056.001
"""


@pytest.fixture(scope="module")
def mapper() -> RulesMapper:
    return RulesMapper()


def test_builtin_rule_files_ship_in_the_package() -> None:
    files = builtin_rule_files()
    assert len(files) >= 10
    assert all(f.parent == BUILTIN_DIR and f.suffix == ".yaml" for f in files)


def test_every_builtin_rule_names_an_active_technique_of_the_packaged_catalog() -> None:
    catalog = load_catalog()
    for rule in builtin_rules():
        technique = catalog.get_technique(rule.technique)
        assert technique is not None, f"{rule.id}: {rule.technique} is not in the catalog"
        assert technique.active, f"{rule.id}: {rule.technique} is revoked or deprecated"


def test_builtin_rules_pass_the_validator() -> None:
    issues = check_rules(builtin_rules(), load_catalog())
    # The base64 blob rule has no fixed text to key on; every other rule has keywords.
    assert [(i.severity, i.rule_id, i.description) for i in issues] == [
        ("warning", "long-base64-blob", "no keywords: the pattern runs on every input")
    ]


def test_builtin_rules_have_unique_ids_examples_and_descriptions() -> None:
    rules = builtin_rules()
    assert len({r.id for r in rules}) == len(rules)
    for rule in rules:
        assert re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", rule.id), rule.id
        assert rule.examples, f"{rule.id} has no example"
        assert rule.description and not rule.description.endswith("."), rule.id


def test_builtin_rules_cover_the_required_techniques(mapper: RulesMapper) -> None:
    covered = {r.technique for r in mapper.rules}
    covered |= {t.split(".")[0] for t in covered}  # a sub-technique covers its parent
    assert sorted(t for t in COVERAGE.split() if t not in covered) == []


def test_builtin_rules_fire_on_their_examples_through_the_mapper(mapper: RulesMapper) -> None:
    """End to end, keyword prefilter included: every example yields its rule's technique."""
    for rule in mapper.rules:
        for example in rule.examples:
            for kind in (k for k in KINDS if k in rule.kinds):
                found = {c.technique_id: c.score for c in mapper.map_text(example, kind)}
                assert found.get(rule.technique, 0.0) >= (rule.score or 0.0), (
                    f"{rule.id} ({kind}): {example!r} gave {found}"
                )


def test_builtin_rules_distinctive_tools_outrank_common_commands() -> None:
    scores = {r.id: r.score for r in builtin_rules()}
    for common in ("whoami", "process-discovery", "file-discovery", "python-inline", "cmd-command"):
        assert (scores[common] or 0) < 0.5, common
    for tool in (
        "lsass-procdump",
        "mimikatz-sekurlsa",
        "secretsdump",
        "sqlmap",
        "port-scanners",
        "kerberoasting",
        "vssadmin-delete-shadows",
    ):
        assert (scores[tool] or 0) >= 0.85, tool
