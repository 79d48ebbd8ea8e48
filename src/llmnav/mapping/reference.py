"""Explicit references: ATT&CK ids and technique names written in the text.

Operators name what they want ("write code for T1055.012", "do kerberoasting
on the domain") and tooling leaves ids in paths (``atomics\\T1003.001\\``).
Such a mention is strong evidence of *which* technique an action is about;
whether it is malicious is the intent model's question.

>>> mapper = ReferenceMapper()
>>> [(c.technique_id, c.evidence) for c in mapper.map_batch(
...     [MapInput("1", "use kerberoasting, see t1558.003", "request")])[0]]
[('T1558.003', 't1558.003'), ('T1558.003', 'kerberoasting')]
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cached_property

from llmnav.catalog import Catalog, load_catalog
from llmnav.mapping.base import Candidate, MapInput, Mapper

__all__ = ["GENERIC_NAMES", "ID_SCORE", "NAME_SCORE", "ReferenceMapper"]

ID_SCORE = 0.85
NAME_SCORE = 0.6

_ID = re.compile(r"(?<![A-Za-z0-9])[Tt]\d{4}(?:\.\d{3})?(?!\d)")
_ID_HINT = re.compile(r"[Tt]\d{4}")
"""Every id matches this; most texts do not, and it is quicker to rule them out."""
_WORD = re.compile(r"[a-z0-9]+")
GENERIC_NAMES = frozenset(
    [
        "at",
        "botnet",
        "cdns",
        "compression",
        "confluence",
        "credentials",
        "databases",
        "dns",
        "dll",
        "domains",
        "exploits",
        "firmware",
        "hardware",
        "impersonation",
        "lua",
        "malware",
        "proxy",
        "python",
        "javascript",
        "powershell",
        "server",
        "serverless",
        "sharepoint",
        "software",
        "ssh",
        "tool",
        "trap",
        "vulnerabilities",
        "whois",
        "add-ins",
        "defacement",
        "phishing",
    ]
)
"""One-word technique names that are everyday words in requests, so not evidence alone."""


class ReferenceMapper(Mapper):
    """Technique ids and distinctive technique names mentioned in the text."""

    name = "reference"
    source = "rule"

    def __init__(self, catalog: Catalog | None = None) -> None:
        self.catalog = catalog or load_catalog()

    @cached_property
    def _names(self) -> dict[str, list[tuple[frozenset[str], re.Pattern[str], str]]]:
        """Technique name patterns, indexed by the name's first word.

        Each pattern carries the set of the name's words: a name is searched
        for only when all its words are in the text (a cheap prefilter).
        """
        by_first: dict[str, list[tuple[frozenset[str], re.Pattern[str], str]]] = {}
        seen: set[str] = set()
        for technique in self.catalog.techniques():
            name = technique.name.lower()
            if name in seen or name in GENERIC_NAMES:
                continue
            seen.add(name)
            pattern = re.compile(r"(?<![\w-])" + re.escape(name) + r"(?![\w-])", re.IGNORECASE)
            words = _WORD.findall(name)
            by_first.setdefault(words[0], []).append((frozenset(words), pattern, technique.id))
        return by_first

    def map_batch(self, items: Sequence[MapInput]) -> list[list[Candidate]]:
        return [self._map(item.text) for item in items]

    def _map(self, text: str) -> list[Candidate]:
        found: list[Candidate] = []
        for match in _ID.finditer(text) if _ID_HINT.search(text) else ():
            lookup = self._lookup(match.group(0).upper())
            if lookup:
                found.append(Candidate(lookup, ID_SCORE, match.group(0), "technique id"))
        names = self._names
        words = set(_WORD.findall(text.lower()))
        for word in words & names.keys():
            for needed, pattern, technique_id in names[word]:
                named = pattern.search(text) if needed <= words else None
                if named:
                    found.append(
                        Candidate(technique_id, NAME_SCORE, named.group(0), "technique name")
                    )
        return found

    def _lookup(self, technique_id: str) -> str | None:
        try:
            technique = self.catalog.technique(technique_id).technique
        except Exception:
            return None
        return technique.id if technique.active else None
