"""``RulesMapper``: explainable regular-expression rules over commands and code.

Each rule names one technique; a match gives a ``Candidate`` whose evidence is
the matched span and whose detail is the rule id. Several rules may fire on one
input; the mapper keeps the best score per technique and returns them best first.

To stay fast, rules are grouped by input kind and a rule's pattern runs only when
one of its keywords occurs in the lower-cased text; one pass finds them all (an
RE2 set of the keywords as literals, or without RE2 one regular expression built
from all keywords as a trie).

>>> mapper = RulesMapper()
>>> top = mapper.map_text("vssadmin.exe delete shadows /all /quiet")[0]
>>> top.technique_id, top.score, top.evidence, top.detail
('T1490', 0.97, 'vssadmin.exe delete shadows', 'vssadmin-delete-shadows')
>>> mapper.rule(top.detail).description
'vssadmin deletes the volume shadow copies (no restore points left)'
"""

from __future__ import annotations

import os
import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from llmnav.catalog import Catalog, load_catalog
from llmnav.errors import ConfigError
from llmnav.mapping.base import Candidate, MapInput, Mapper, Source, TextKind
from llmnav.mapping.rules.check import compile_rules
from llmnav.mapping.rules.files import builtin_rules, error_for, read_rule_files
from llmnav.mapping.rules.rule import KINDS, PLATFORMS, CompiledRule, Issue, Rule

__all__ = ["EVIDENCE_CHARS", "MAX_TEXT_CHARS", "RulesMapper"]

EVIDENCE_CHARS = 200
"""Evidence spans are cut to this many characters."""

MAX_TEXT_CHARS = 100_000
"""Only this many leading characters of an input are matched."""

SHORT_KEYWORD = 2
"""Keywords this short are looked up one by one instead of through the trie."""


class RulesMapper(Mapper):
    """Maps inputs with the built-in rules plus any rule files you add.

    Parameters:
        extra_rule_files: your own rule files (see ``docs/rules.md``), checked like
            the built-in ones.
        builtin: use the built-in rules (default True).
        platforms: only use rules for these platforms (``windows``, ``linux``,
            ``macos``) and rules that name none; default: all rules.
        catalog: the ATT&CK catalog rules are checked against (default: packaged).

    Raises:
        ConfigError: a rule file cannot be read or holds a rule with an error; the
            message names the rule, and the location its file and line.

    ``issues`` holds the warnings about the rules that were loaded.
    """

    name: ClassVar[str] = "rules"
    source: ClassVar[Source] = "rule"

    def __init__(
        self,
        *,
        extra_rule_files: Iterable[str | os.PathLike[str]] = (),
        builtin: bool = True,
        platforms: Collection[str] | None = None,
        catalog: Catalog | None = None,
    ) -> None:
        rules = [*(builtin_rules() if builtin else ()), *read_rule_files(extra_rule_files)]
        compiled, issues = compile_rules(rules, catalog or load_catalog())
        error = error_for(issues)
        if error is not None:
            raise error
        if platforms is not None:
            unknown = sorted(set(platforms) - set(PLATFORMS))
            if unknown:
                raise ConfigError(f"Unknown platform {unknown[0]!r}; use {', '.join(PLATFORMS)}")
            compiled = [c for c in compiled if _for_platforms(c.rule, platforms)]
        self.issues: tuple[Issue, ...] = tuple(issues)
        self._rules = {c.rule.id: c.rule for c in compiled}
        self._indexes = {
            kind: _KindIndex.build(c for c in compiled if kind in c.rule.kinds) for kind in KINDS
        }

    @property
    def rules(self) -> tuple[Rule, ...]:
        """The rules in use, in file order."""
        return tuple(self._rules.values())

    def rule(self, rule_id: str) -> Rule:
        """The rule with this id (a candidate's ``detail``), to show its description."""
        try:
            return self._rules[rule_id]
        except KeyError:
            raise KeyError(f"No rule {rule_id!r} in this mapper") from None

    def map_batch(self, items: Sequence[MapInput]) -> list[list[Candidate]]:
        """Candidates for each input, best first, one per technique."""
        return [self._indexes[item.kind].candidates(item.text) for item in items]

    def map_text(self, text: str, kind: TextKind = "command") -> list[Candidate]:
        """Candidates for one text of the given kind.

        >>> [c.technique_id for c in RulesMapper().map_text("pytest -q tests/")]
        []
        """
        return self._indexes[kind].candidates(text)


@dataclass(frozen=True, slots=True)
class _KindIndex:
    """The rules of one input kind with their keyword prefilter.

    ``keyword_set`` (RE2, when installed) reports every keyword that occurs in the
    lower-cased text in one pass. Without it, ``keywords`` finds, at each position,
    the longest keyword starting there. Every keyword inside a found one is present
    too, so the rules to run are those of all keywords it contains (``rules_for``,
    worked out the first time a keyword is found). Keywords of one or two
    characters occur too often for that loop and are looked up one by one.
    Either way the rules run are those of the keywords that occur.
    """

    rules: tuple[CompiledRule, ...]
    by_keyword: dict[str, tuple[int, ...]]
    trie: str
    short: tuple[tuple[str, tuple[int, ...]], ...]
    always: tuple[int, ...]
    keyword_set: Any = None
    set_rules: tuple[tuple[int, ...], ...] = ()
    found_before: dict[str, tuple[int, ...]] = field(default_factory=dict)
    compiled_trie: list[re.Pattern[str]] = field(default_factory=list)

    @classmethod
    def build(cls, compiled: Iterable[CompiledRule]) -> _KindIndex:
        rules = tuple(compiled)
        by_keyword: dict[str, list[int]] = {}
        for position, rule in enumerate(rules):
            for keyword in rule.keywords:
                by_keyword.setdefault(keyword, []).append(position)
        long = {k: tuple(v) for k, v in by_keyword.items() if len(k) > SHORT_KEYWORD}
        keyword_set = _keyword_set(list(by_keyword))
        return cls(
            rules=rules,
            by_keyword=long,
            trie=_trie_pattern(long) if long else "",
            short=tuple((k, tuple(v)) for k, v in by_keyword.items() if len(k) <= SHORT_KEYWORD),
            always=tuple(i for i, rule in enumerate(rules) if not rule.keywords),
            keyword_set=keyword_set,
            # Index 0 of the set is the empty sentinel, which every text matches.
            set_rules=((), *(tuple(v) for v in by_keyword.values()))
            if keyword_set is not None
            else (),
        )

    @property
    def keywords(self) -> re.Pattern[str] | None:
        """The trie of keywords longer than ``SHORT_KEYWORD`` (compiled when first needed:
        with RE2 it hardly ever is)."""
        if not self.trie:
            return None
        if not self.compiled_trie:
            self.compiled_trie.append(re.compile(self.trie))
        return self.compiled_trie[0]

    def rules_for(self, keyword: str) -> tuple[int, ...]:
        """Positions of the rules of ``keyword`` and of every keyword inside it."""
        positions = self.found_before.get(keyword)
        if positions is None:
            inside = (found for k, found in self.by_keyword.items() if k in keyword)
            positions = self.found_before[keyword] = tuple(sorted(set().union(*inside)))
        return positions

    def _with_keywords(self, lowered: str) -> set[int]:
        """Positions of the rules to run on a text: those of the keywords in it and
        those without keywords."""
        positions = set(self.always)
        if self.keyword_set is not None:
            try:
                found = self.keyword_set.Match(lowered.encode("utf-8"))
            except UnicodeEncodeError:  # lone surrogates: the slower way below
                found = None
            # The sentinel always matches: None means RE2 gave up (out of memory).
            if found is not None:
                set_rules = self.set_rules
                for index in found:
                    positions.update(set_rules[index])
                return positions
        for keyword, found_rules in self.short:
            if keyword in lowered:
                positions.update(found_rules)
        keywords = self.keywords
        if keywords is not None:
            search = keywords.search
            hit = search(lowered)
            while hit is not None:
                positions.update(self.rules_for(hit.group()))
                hit = search(lowered, hit.start() + 1)
        return positions

    def candidates(self, text: str) -> list[Candidate]:
        text = text[:MAX_TEXT_CHARS]
        positions = self._with_keywords(text.lower())
        best: dict[str, Candidate] = {}
        for position in sorted(positions):
            rule = self.rules[position]
            held = best.get(rule.technique)
            if held is not None and held.score >= rule.score:
                continue
            match = rule.search(text)
            if match is not None:
                best[rule.technique] = Candidate(
                    rule.technique, rule.score, _evidence(match), rule.rule.id
                )
        return sorted(best.values(), key=lambda c: (-c.score, c.technique_id))


def _keyword_set(keywords: Sequence[str]) -> Any:
    """An RE2 set matching each keyword as a literal, after an empty sentinel; None
    without RE2 or keywords (then the trie does)."""
    if not keywords:
        return None
    try:
        import re2  # type: ignore[import-untyped]
    except ImportError:  # pragma: no cover - RE2 comes with pySigma
        return None
    options = re2.Options()
    options.literal = True
    options.log_errors = False
    options.max_mem = 64 << 20
    keyword_set = re2.Set.SearchSet(options)
    try:
        keyword_set.Add("")
        for keyword in keywords:
            keyword_set.Add(keyword)
        keyword_set.Compile()
    except re2.error:  # pragma: no cover - the trie does
        return None
    return keyword_set


def _trie_pattern(words: Iterable[str]) -> str:
    """A regular expression matching any of ``words``, the longest first, factored
    by common prefixes so that each position is checked in one pass."""
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def build(node: dict[str, Any]) -> str:
        branches = [re.escape(char) + build(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return build(trie)


def _for_platforms(rule: Rule, platforms: Collection[str]) -> bool:
    return not rule.platforms or any(p in platforms for p in rule.platforms)


def _evidence(match: re.Match[str]) -> str:
    return match.group().strip()[:EVIDENCE_CHARS].rstrip()
