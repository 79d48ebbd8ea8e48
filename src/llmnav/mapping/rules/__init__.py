"""The rules mapper: precise, explainable patterns over commands, tool calls and code.

Rules live in YAML files (built-in ones in ``llmnav/mapping/rules/data/``); each
names one ATT&CK technique, a regular expression, the input kinds and platforms
it applies to, keywords for a cheap prefilter, an optional ``unless`` pattern, a
base score and a short description. ``docs/rules.md`` describes the format.

>>> from llmnav.mapping.rules import RulesMapper
>>> mapper = RulesMapper()                      # built-in rules
>>> [(c.technique_id, c.score, c.detail) for c in mapper.map_text(
...     "rundll32.exe comsvcs.dll, MiniDump 624 C:/temp/l.dmp full")]
[('T1003.001', 0.95, 'lsass-comsvcs-minidump'), ('T1218.011', 0.5, 'rundll32-export')]

Add your own rules with ``RulesMapper(extra_rule_files=["my-rules.yaml"])``; check
a set of rules with ``check_rules(rules, catalog)``.
"""

from __future__ import annotations

from llmnav.mapping.rules.check import check_rules, compile_rules
from llmnav.mapping.rules.files import builtin_rule_files, builtin_rules, read_rule_file
from llmnav.mapping.rules.mapper import RulesMapper
from llmnav.mapping.rules.rule import CompiledRule, Issue, Rule

__all__ = [
    "CompiledRule",
    "Issue",
    "Rule",
    "RulesMapper",
    "builtin_rule_files",
    "builtin_rules",
    "check_rules",
    "compile_rules",
    "read_rule_file",
]
