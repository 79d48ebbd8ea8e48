"""Load a directory of Sigma rules and compile the process_creation ones to SQLite.

``load_rules(directory)`` reads every ``.yml`` / ``.yaml`` file below
``directory``, keeps the rules whose logsource category is
``process_creation``, converts each with pySigma's SQLite backend into a
query over the table the mapper fills with command lines, and reports every
rule it could not use together with the reason::

    >>> rules, report = load_rules("tests/data/mapping/sigma")  # doctest: +SKIP
    >>> report.loaded, report.skipped[0]                         # doctest: +SKIP
    (6, ('tests/data/mapping/sigma/other/broken.yaml', 'not valid YAML: ...'))

A command carries a command line and an image and nothing else, so every
other Sigma field reads as absent: a comparison with it is false, ``|exists:
false`` and ``null`` are true, and ``not`` of a false comparison is true.
A rule that can never match under that reading (its detection needs only
fields we do not have), or that would match every command, is skipped.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, cast

import re2  # type: ignore[import-untyped]
import yaml
from sigma.backends.sqlite.sqlite import sqliteBackend
from sigma.collection import SigmaCollection
from sigma.conditions import (
    ConditionAND,
    ConditionFieldEqualsValueExpression,
    ConditionNOT,
    ConditionOR,
    ConditionValueExpression,
)
from sigma.correlations import SigmaCorrelationRule
from sigma.filters import SigmaFilter
from sigma.policy import SigmaPolicy
from sigma.policy.regex_engine import RegexEngine, RegexPattern
from sigma.processing.pipeline import ProcessingItem, ProcessingPipeline
from sigma.processing.transformations import FieldMappingTransformation
from sigma.rule import SigmaRule
from sigma.types import SigmaExists, SigmaFieldReference, SigmaNull

from llmnav.errors import ConfigError

__all__ = [
    "ABSENT_COLUMN",
    "FIELD_COLUMNS",
    "LEVEL_SCORES",
    "RULE_SUFFIXES",
    "TABLE",
    "UNRATED_SCORE",
    "CompiledRule",
    "SigmaLoadReport",
    "connect",
    "load_rules",
]

LEVEL_SCORES: dict[str, float] = {
    "informational": 0.3,
    "low": 0.45,
    "medium": 0.6,
    "high": 0.8,
    "critical": 0.9,
}
"""Candidate score for each Sigma ``level``."""

UNRATED_SCORE = 0.45
"""Score of a rule without a ``level``: an unrated rule does not outrank a rated medium one."""

TABLE = "process_creation"
"""The in-memory table a batch of command lines is loaded into."""

FIELD_COLUMNS: dict[str, tuple[str, ...]] = {
    "CommandLine": ("command_line",),
    "Image": ("image", "image_win", "image_unix"),
}
"""Sigma fields a command gives us and the table columns they read (any column may match)."""

ABSENT_COLUMN = "absent"
"""The always-NULL column every other Sigma field is mapped to."""

RULE_SUFFIXES = (".yml", ".yaml")

_COLUMNS = ("input", *dict.fromkeys(c for cs in FIELD_COLUMNS.values() for c in cs), ABSENT_COLUMN)
_KNOWN = {name.lower(): columns for name, columns in FIELD_COLUMNS.items()}
_TECHNIQUE_TAG = re.compile(r"t\d{4}(?:\.\d{3})?", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class CompiledRule:
    """A usable Sigma rule: what it proposes and the SQL that finds its matches."""

    rule_id: str
    title: str
    level: str | None
    techniques: tuple[str, ...]
    queries: tuple[str, ...]
    """``SELECT ... FROM process_creation WHERE ...``; a row of any of them is a match."""
    path: str

    @property
    def score(self) -> float:
        return LEVEL_SCORES.get(self.level or "", UNRATED_SCORE)


@dataclass(frozen=True, slots=True)
class SigmaLoadReport:
    """What ``load_rules`` did with a directory: rules kept, rules skipped and why."""

    directory: str
    files: int
    loaded: int
    skipped: list[tuple[str, str]] = field(default_factory=list)
    """``(file path, reason)`` for every rule, or file, that is not used."""

    def summary(self) -> str:
        """One line for the CLI: ``sigma: 6 rules loaded from 9 files in rules/, 3 skipped``."""
        return (
            f"sigma: {self.loaded} rule{'s' * (self.loaded != 1)} loaded from {self.files} "
            f"file{'s' * (self.files != 1)} in {self.directory}, {len(self.skipped)} skipped"
        )


@dataclass
class _ColumnMapping(FieldMappingTransformation):
    """Known fields to their columns (field names compared case-insensitively), others to NULL."""

    def apply_field_name(self, field: str | None) -> str | list[str] | None:
        if field is None:
            return None  # keywords: the backend matches them against fulltext_field
        return list(_KNOWN.get(field.lower(), (ABSENT_COLUMN,)))


def _backend() -> sqliteBackend:
    item = ProcessingItem(identifier="llmnav_columns", transformation=_ColumnMapping(mapping={}))
    pipeline = ProcessingPipeline(name="llmnav process_creation", priority=20, items=[item])
    backend: sqliteBackend = sqliteBackend(  # type: ignore[no-untyped-call]
        pipeline, table=TABLE, fulltext_field="command_line"
    )
    return backend


def connect() -> sqlite3.Connection:
    """A fresh in-memory database with the (empty) table and the ``REGEXP`` function.

    Columns compare case-insensitively (``COLLATE NOCASE``), as Sigma asks of ``=``;
    the backend emits ``LIKE`` for wildcards, which ignores ASCII case anyway.
    """
    db = sqlite3.connect(":memory:")
    db.create_function("regexp", 2, _regexp, deterministic=True)
    columns = ", ".join(
        "input INTEGER NOT NULL" if name == "input" else f"{name} TEXT COLLATE NOCASE"
        for name in _COLUMNS
    )
    db.execute(f"CREATE TABLE {TABLE} ({columns})")
    return db


class _QuietRE2(RegexEngine):
    """pySigma's RE2 engine without RE2's own error log on stderr (errors are reported).

    It holds no state, so rules that carry it can be deep-copied (Sigma filters do).
    """

    def compile(self, pattern: str, flags: int = 0) -> RegexPattern:
        prefix = "".join(
            letter
            for flag, letter in ((re.IGNORECASE, "i"), (re.MULTILINE, "m"), (re.DOTALL, "s"))
            if flags & flag
        )
        return cast(RegexPattern, _compiled(f"(?{prefix}){pattern}" if prefix else pattern))

    @property
    def error(self) -> type[Exception]:
        return cast(type[Exception], re2.error)


_POLICY = SigmaPolicy(regex_engine=_QuietRE2())
"""How rules are parsed: pySigma's default (RE2 regular expressions), quietly."""


@lru_cache(maxsize=1024)
def _compiled(pattern: str) -> Any:
    options = re2.Options()
    options.log_errors = False
    return re2.compile(pattern, options)


def _regexp(pattern: str | None, value: str | None) -> int | None:
    """SQLite's ``value REGEXP pattern``; NULL for an absent value, as a comparison gives.

    Patterns run on RE2, the engine pySigma validates them with: linear time, so a
    rule cannot stall on hostile telemetry.
    """
    if pattern is None or value is None:
        return None
    return 1 if _compiled(pattern).search(value) else 0


def load_rules(directory: str | Path) -> tuple[list[CompiledRule], SigmaLoadReport]:
    """The usable rules below ``directory`` and the report of what was skipped.

    Raises ``ConfigError`` when ``directory`` does not exist, is not a directory or
    holds no ``.yml`` / ``.yaml`` file; any problem with one rule only skips that rule.
    """
    root = Path(directory)
    if not root.exists():
        raise ConfigError(
            f"Sigma rule directory {root} does not exist; pass --sigma a folder of Sigma "
            ".yml rules."
        )
    if not root.is_dir():
        raise ConfigError(
            f"Sigma rules must be given as a directory, and {root} is a file; "
            "put it in a folder and pass that folder."
        )
    files = sorted(
        path
        for path in root.rglob("*")
        if path.suffix.lower() in RULE_SUFFIXES
        and not any(part.startswith(".") for part in path.relative_to(root).parts)
        and path.is_file()
    )
    if not files:
        raise ConfigError(
            f"No Sigma rules in {root}: it holds no .yml or .yaml file (searched recursively)."
        )
    skipped: list[tuple[str, str]] = []
    found: list[tuple[str, SigmaRule | SigmaCorrelationRule]] = []
    filters: list[SigmaFilter] = []
    for path in files:
        found.extend((str(path), rule) for rule in _read_file(path, skipped, filters))
    compiled = list(_compile_all(found, filters, skipped))
    report = SigmaLoadReport(str(root), len(files), len(compiled), skipped)
    return compiled, report


def _read_file(
    path: Path, skipped: list[tuple[str, str]], filters: list[SigmaFilter]
) -> list[SigmaRule | SigmaCorrelationRule]:
    """The rules of one file; its filters go to ``filters`` and its problems to ``skipped``."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        skipped.append((str(path), f"cannot be read: {exc}"))
        return []
    try:
        documents = list(yaml.safe_load_all(text))
    except yaml.YAMLError as exc:
        skipped.append((str(path), f"not valid YAML: {_yaml_problem(exc)}"))
        return []
    for number, document in enumerate(documents, 1):
        if document is not None and not isinstance(document, dict):
            kind = type(document).__name__
            reason = f"not a Sigma rule file: YAML document {number} is a {kind}"
            skipped.append((str(path), reason))
            return []
    try:
        collection = SigmaCollection.from_dicts(
            documents,
            collect_errors=True,
            collect_filters=True,
            resolve_references=False,  # correlations are skipped, their rules may be elsewhere
            policy=_POLICY,
        )
    except Exception as exc:  # pySigma raises many types on malformed documents
        skipped.append((str(path), f"not a Sigma rule file: {_message(exc)}"))
        return []
    own = {id(error) for rule in collection.rules for error in rule.errors}
    own |= {id(error) for item in collection.filters for error in item.errors}
    skipped.extend(
        (str(path), f"not a Sigma rule file: {_message(error)}")
        for error in collection.errors
        if id(error) not in own
    )
    for item in collection.filters:
        if item.errors:
            skipped.append((str(path), f"{_name(item)}: {_message(item.errors[0])}"))
        else:
            filters.append(item)
    if not collection.rules and not collection.filters and not collection.errors:
        skipped.append((str(path), "holds no Sigma rule"))
    return list(collection.rules)


def _compile_all(
    found: list[tuple[str, SigmaRule | SigmaCorrelationRule]],
    filters: list[SigmaFilter],
    skipped: list[tuple[str, str]],
) -> Iterable[CompiledRule]:
    backend = _backend()
    check = connect()
    seen: dict[str, str] = {}
    try:
        for path, rule in found:
            try:
                result = _prepare(rule, path, filters, backend, check, seen)
            except sqlite3.Error as exc:
                result = f"SQLite rejects the query the backend generated: {exc}"
            except Exception as exc:  # pySigma refused the rule (condition, modifier...): skip it
                result = _message(exc)
            if isinstance(result, str):
                skipped.append((path, f"{_name(rule)}: {result}"))
            else:
                seen[result.rule_id] = path
                yield result
    finally:
        check.close()


def _prepare(
    rule: SigmaRule | SigmaCorrelationRule,
    path: str,
    filters: list[SigmaFilter],
    backend: sqliteBackend,
    check: sqlite3.Connection,
    seen: dict[str, str],
) -> CompiledRule | str:
    """The compiled rule, or the reason it is skipped."""
    reason = _unusable(rule)
    if reason is not None or not isinstance(rule, SigmaRule):
        return reason or "not a detection rule"
    rule_id = str(rule.id) if rule.id else (rule.name or Path(path).stem)
    if rule_id in seen:
        return f"duplicate of rule {rule_id} in {seen[rule_id]}"
    for item in filters:
        rule = cast(SigmaRule, item.apply_on_rule(rule))  # a rule stays a rule
    reason = _match_problem(rule)
    if reason is not None:
        return reason
    converted: list[Any] = backend.convert_rule(rule)  # type: ignore[no-untyped-call]
    queries = tuple(str(query) for query in converted)
    if not queries:
        return "the SQLite backend produced no query"
    for query in queries:
        check.execute(f"EXPLAIN {query}").fetchall()  # SQLite parses and plans it, or raises
    return CompiledRule(rule_id, rule.title, _level(rule), _techniques(rule), queries, path)


def _unusable(rule: SigmaRule | SigmaCorrelationRule) -> str | None:
    """Why a parsed rule cannot be used before looking at its detection, or None."""
    if isinstance(rule, SigmaCorrelationRule):
        return "correlation rules are not supported (a command is one event)"
    if rule.errors:
        return _message(rule.errors[0])
    category = rule.logsource.category
    if category != "process_creation":
        source = ", ".join(
            f"{key} {value}"
            for key in ("category", "product", "service")
            if (value := getattr(rule.logsource, key))
        )
        return f"logsource is {source}, not category process_creation"
    if not _techniques(rule):
        return "has no ATT&CK technique tag (attack.tNNNN or attack.tNNNN.NNN)"
    return None


def _techniques(rule: SigmaRule) -> tuple[str, ...]:
    found = (
        tag.name.upper()
        for tag in rule.tags
        if tag.namespace.lower() == "attack" and _TECHNIQUE_TAG.fullmatch(tag.name)
    )
    return tuple(dict.fromkeys(found))


_FALSE, _MAYBE, _TRUE = 0, 1, 2


def _match_problem(rule: SigmaRule) -> str | None:
    """A reason when the detection, with unknown fields absent, is constant; else None."""
    unknown: set[str] = set()
    outcomes = {_evaluate(cond.parsed, unknown) for cond in rule.detection.parsed_condition}
    names = ", ".join(sorted(unknown))
    if outcomes == {_FALSE}:
        return f"can never match: it needs {names}, which a command line does not carry"
    if _TRUE in outcomes:
        return f"would match every command: its condition depends only on absent {names}"
    return None


def _evaluate(cond: Any, unknown: set[str]) -> int:
    """Three-valued reading of a condition tree where fields we do not have are absent."""
    if isinstance(cond, ConditionNOT):
        return _TRUE - _evaluate(cond.args[0], unknown)
    if isinstance(cond, ConditionAND):
        return min((_evaluate(arg, unknown) for arg in cond.args), default=_TRUE)
    if isinstance(cond, ConditionOR):
        return max((_evaluate(arg, unknown) for arg in cond.args), default=_FALSE)
    if isinstance(cond, ConditionFieldEqualsValueExpression):
        fields = [cond.field]
        if isinstance(cond.value, SigmaFieldReference):
            fields.append(cond.value.field)
        missing = [name for name in fields if name.lower() not in _KNOWN]
        if not missing:
            return _MAYBE
        unknown.update(missing)
        absent_matches = isinstance(cond.value, SigmaNull) or (
            isinstance(cond.value, SigmaExists) and not cond.value.exists
        )
        return _TRUE if absent_matches else _FALSE
    if isinstance(cond, ConditionValueExpression):
        return _MAYBE  # keyword: searched in the command line
    return _MAYBE


def _level(rule: SigmaRule) -> str | None:
    return rule.level.name.lower() if rule.level is not None else None


def _name(item: SigmaRule | SigmaCorrelationRule | SigmaFilter) -> str:
    return repr(item.title) if getattr(item, "title", None) else "rule"


def _message(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]


def _yaml_problem(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or _message(exc)
    return f"{problem} at line {mark.line + 1}" if mark is not None else str(problem)
