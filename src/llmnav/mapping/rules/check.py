"""The rule validator: what is wrong with a set of rules, as ``Issue`` records.

Errors (a rule file with one does not load): a missing field, a duplicate id, a
technique the catalog does not know or that is deprecated, a pattern that does
not compile, a score outside 0-1, an unknown kind or platform, an empty keyword,
an example that does not fire or a counterexample that does. Warnings: a revoked
technique (hits report its replacement), no keywords (the pattern then runs on
every input), an unbounded ``.*`` or ``.+``.

>>> from llmnav.catalog import load_catalog
>>> rule = Rule(id="x", technique="T9999", pattern="(", score=2.0, description="?")
>>> for issue in check_rules([rule], load_catalog()):
...     print(issue.severity, issue.description)
error score must be from 0 to 1, not 2.0
warning no keywords: the pattern runs on every input
error unknown technique 'T9999' (not in enterprise-attack 18.1)
error pattern does not compile: missing ), unterminated subpattern at position 0
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from llmnav.catalog import Catalog
from llmnav.errors import CatalogError, SourceLocation
from llmnav.mapping.rules.rule import KINDS, PLATFORMS, CompiledRule, Issue, Rule, Severity

__all__ = ["check_rules", "compile_rules"]

REQUIRED = ("id", "technique", "pattern", "score", "description")
_UNBOUNDED = re.compile(r"(?<!\\)\.[*+]")
_CHAR_CLASS = re.compile(r"(?<!\\)\[(?:\\.|[^\]\\])*\]")


def check_rules(rules: Iterable[Rule], catalog: Catalog) -> list[Issue]:
    """Everything wrong with ``rules`` checked against ``catalog``, in rule order."""
    return compile_rules(rules, catalog)[1]


def compile_rules(
    rules: Iterable[Rule], catalog: Catalog
) -> tuple[list[CompiledRule], list[Issue]]:
    """Check and compile ``rules``: the rules without errors, compiled, and all issues.

    A compiled rule reports the replacement of a revoked technique.
    """
    compiled: list[CompiledRule] = []
    issues: list[Issue] = []
    seen: dict[str, Rule] = {}
    for rule in rules:
        report = _Report(rule)
        _check_fields(rule, report)
        technique = _check_technique(rule, catalog, report)
        if rule.id:
            first = seen.setdefault(rule.id, rule)
            if first is not rule:
                where = f" (first defined in {first.location})" if first.location else ""
                report.add("error", f"duplicate rule id{where}", "id")
        ready = _compile(rule, technique, report)
        if ready is not None:
            _check_examples(ready, report)
        issues.extend(report.issues)
        if ready is not None and not report.failed:
            compiled.append(ready)
    return compiled, issues


@dataclass(slots=True)
class _Report:
    rule: Rule
    issues: list[Issue] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return any(i.severity == "error" for i in self.issues)

    def add(self, severity: Severity, description: str, field_name: str) -> None:
        loc = self.rule.location
        where = SourceLocation(loc.path, loc.line, field_name) if loc else None
        self.issues.append(Issue(severity, description, self.rule.id or "<no id>", where))


def _check_fields(rule: Rule, report: _Report) -> None:
    for name in REQUIRED:
        if getattr(rule, name) in ("", None):
            report.add("error", f"missing field {name!r}", name)
    if rule.score is not None and not 0.0 <= rule.score <= 1.0:
        report.add("error", f"score must be from 0 to 1, not {rule.score}", "score")
    for kind in rule.kinds:
        if kind not in KINDS:
            report.add("error", f"unknown kind {kind!r}; use {', '.join(KINDS)} or any", "kinds")
    for platform in rule.platforms:
        if platform not in PLATFORMS:
            known = ", ".join(PLATFORMS)
            report.add("error", f"unknown platform {platform!r}; use {known}", "platforms")
    if any(not k.strip() for k in rule.keywords):
        report.add("error", "empty keyword (it would let every input through)", "keywords")
    if rule.pattern and not rule.keywords:
        report.add("warning", "no keywords: the pattern runs on every input", "keywords")
    if _UNBOUNDED.search(_CHAR_CLASS.sub("", rule.pattern)):
        report.add(
            "warning",
            "unbounded .* or .+ in pattern; a bounded gap such as [^\\n]{0,80}? stays fast "
            "on long inputs",
            "pattern",
        )


def _check_technique(rule: Rule, catalog: Catalog, report: _Report) -> str | None:
    if not rule.technique:
        return None
    try:
        lookup = catalog.technique(rule.technique)
    except CatalogError:
        where = f"{catalog.domain} {catalog.version}"
        report.add("error", f"unknown technique {rule.technique!r} (not in {where})", "technique")
        return None
    if lookup.deprecated:
        report.add("error", lookup.note, "technique")
    elif lookup.followed:
        report.add("warning", f"{lookup.note}; hits report {lookup.id}", "technique")
    return lookup.id


def _compile(rule: Rule, technique: str | None, report: _Report) -> CompiledRule | None:
    if not rule.pattern:
        return None
    try:
        return _compiled(rule, technique)
    except re.error as exc:
        name = "unless" if rule.unless and exc.pattern == rule.unless else "pattern"
        report.add("error", f"{name} does not compile: {exc}", name)
        return None


@functools.lru_cache(maxsize=4096)
def _compiled(rule: Rule, technique: str | None) -> CompiledRule:
    """Compiling hundreds of patterns takes a while: each rule is compiled once."""
    return CompiledRule.compile(rule, technique)


def _check_examples(ready: CompiledRule, report: _Report) -> None:
    for example in ready.rule.examples:
        if ready.match(example) is None:
            report.add("error", f"example does not fire: {example!r}", "examples")
    for example in ready.rule.counterexamples:
        found = ready.match(example)
        if found is not None:
            report.add(
                "error",
                f"counterexample fires on {found.group()!r}: {example!r}",
                "counterexamples",
            )
