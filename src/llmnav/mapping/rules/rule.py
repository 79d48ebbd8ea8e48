"""What a rule is: one pattern for one ATT&CK technique, as written in a rule file.

A ``Rule`` keeps the fields exactly as written (patterns are strings, nothing is
compiled or checked here); ``check_rules`` says what is wrong with it and
``CompiledRule`` is what the mapper runs.

>>> rule = Rule.from_dict({
...     "id": "vss-delete", "technique": "T1490", "score": 0.95,
...     "description": "vssadmin deletes the volume shadow copies",
...     "pattern": r"\\bvssadmin(?:\\.exe)?\\s+delete\\s+shadows\\b", "keywords": ["vssadmin"],
... })
>>> rule.kinds, rule.platforms
(('command', 'code'), ())
>>> CompiledRule.compile(rule).match("vssadmin delete shadows /all /quiet").group()
'vssadmin delete shadows'
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, get_args

from llmnav.errors import ConfigError, SourceLocation
from llmnav.mapping.base import TextKind

__all__ = [
    "FLAGS",
    "KINDS",
    "PLATFORMS",
    "CompiledRule",
    "Issue",
    "Rule",
    "Severity",
]

KINDS: tuple[TextKind, ...] = get_args(TextKind)
"""Input kinds a rule can apply to; ``kinds: any`` in a file means all of them."""

PLATFORMS: tuple[str, ...] = ("windows", "linux", "macos")
"""Platforms a rule can name; a rule without platforms applies everywhere."""

FLAGS = re.IGNORECASE
"""Flags every rule pattern is compiled with (turn them off inside with ``(?-i:...)``)."""

DEFAULT_KINDS: tuple[TextKind, ...] = ("command", "code")

Severity = Literal["error", "warning"]

_STR_FIELDS = ("id", "technique", "pattern", "description", "unless")
_LIST_FIELDS = ("kinds", "platforms", "keywords", "examples", "counterexamples")
FIELDS = (*_STR_FIELDS, "score", *_LIST_FIELDS)


@dataclass(frozen=True, slots=True)
class Issue:
    """Something wrong with a rule: ``error`` stops a rule file from loading, a
    ``warning`` does not. ``location`` is the file, line and field when known."""

    severity: Severity
    description: str
    rule_id: str
    location: SourceLocation | None = None

    def __str__(self) -> str:
        where = f" in {self.location}" if self.location else ""
        return f"{self.severity}: rule {self.rule_id!r}: {self.description}{where}"


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule as written in a rule file.

    Fields:
        id: unique name of the rule; hits carry it as their ``detail``.
        technique: the ATT&CK technique id a match means (``T1003.001``).
        pattern: a Python regular expression, matched case-insensitively.
        score: 0-1, how sure a match makes us of the technique.
        description: one short sentence for people reading a hit.
        kinds: the input kinds it applies to (``command``, ``code``, ``request``,
            ``sentence``).
        platforms: ``windows``, ``linux``, ``macos``; empty means any.
        keywords: lower-case strings of which at least one occurs in every text the
            pattern matches; the mapper runs the pattern only when one is present.
            Without keywords the pattern runs on every input.
        unless: a second regular expression; when it matches anywhere in the text,
            the rule does not fire.
        examples, counterexamples: texts the rule must and must not fire on
            (``check_rules`` runs them).
        location: the file and line the rule came from.
    """

    id: str
    technique: str = ""
    pattern: str = ""
    score: float | None = None
    description: str = ""
    kinds: tuple[str, ...] = DEFAULT_KINDS
    platforms: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    unless: str = ""
    examples: tuple[str, ...] = ()
    counterexamples: tuple[str, ...] = ()
    location: SourceLocation | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], location: SourceLocation | None = None) -> Rule:
        """Build a rule from one entry of a rule file.

        Missing fields are left empty for ``check_rules`` to report; an unknown
        field or a value of the wrong type raises ``ConfigError`` at once.
        """
        rule_id = data.get("id")
        name = rule_id if isinstance(rule_id, str) and rule_id else "<no id>"

        def fail(field: str, problem: str) -> ConfigError:
            where = _with_field(location, field)
            return ConfigError(f"Rule {name!r}: {problem}", where)

        unknown = sorted(set(data) - set(FIELDS))
        if unknown:
            raise fail(
                unknown[0],
                f"unknown field {unknown[0]!r}; rule fields are {', '.join(FIELDS)}",
            )
        values: dict[str, Any] = {"location": location}
        for field in _STR_FIELDS:
            value = data.get(field)
            if value is None:
                continue
            if not isinstance(value, str):
                raise fail(field, f"{field} must be a string, not {_kind_of(value)}")
            values[field] = value
        score = data.get("score")
        if score is not None:
            if isinstance(score, bool) or not isinstance(score, int | float):
                raise fail("score", f"score must be a number from 0 to 1, not {_kind_of(score)}")
            values["score"] = float(score)
        for field in _LIST_FIELDS:
            value = data.get(field)
            if value is None:
                continue
            if field == "kinds" and value == "any":
                value = list(KINDS)
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, list):
                raise fail(field, f"{field} must be a list of strings, not {_kind_of(value)}")
            for number, item in enumerate(value, 1):
                if not isinstance(item, str):
                    problem = f"item {number} is {_kind_of(item)}; quote it"
                    raise fail(field, f"{field} must be a list of strings: {problem}")
            values[field] = tuple(value)
        values.setdefault("id", "")
        return cls(**values)


@dataclass(frozen=True, slots=True)
class CompiledRule:
    """A rule ready to run: compiled patterns and lower-cased keywords.

    ``technique`` is the id hits report; ``check_rules`` callers may pass the
    replacement of a revoked id.
    """

    rule: Rule
    technique: str
    score: float
    regex: re.Pattern[str]
    unless: re.Pattern[str] | None
    keywords: tuple[str, ...]

    @classmethod
    def compile(cls, rule: Rule, technique: str | None = None) -> CompiledRule:
        """Compile a rule (raises ``re.error`` when a pattern does not compile)."""
        return cls(
            rule=rule,
            technique=technique or rule.technique,
            score=rule.score if rule.score is not None else 0.0,
            regex=re.compile(rule.pattern, FLAGS),
            unless=re.compile(rule.unless, FLAGS) if rule.unless else None,
            keywords=tuple(k.lower() for k in rule.keywords),
        )

    def match(self, text: str) -> re.Match[str] | None:
        """The match that makes the rule fire on ``text``, or None."""
        if self.keywords:
            lowered = text.lower()
            if not any(k in lowered for k in self.keywords):
                return None
        return self.search(text)

    def search(self, text: str) -> re.Match[str] | None:
        """Like ``match`` without the keyword check (for callers that did it)."""
        found = self.regex.search(text)
        if found is None or (self.unless is not None and self.unless.search(text)):
            return None
        return found


def _with_field(location: SourceLocation | None, field: str) -> SourceLocation | None:
    if location is None:
        return None
    return SourceLocation(location.path, location.line, field)


def _kind_of(value: object) -> str:
    return {dict: "a mapping", list: "a list", str: "a string", bool: "a boolean"}.get(
        type(value), type(value).__name__
    )
