"""Ranked text search over catalog entries (BM25 with field weights).

Each entry (technique, tactic, group, software, campaign) is one document made of its
name, its aliases and its description; name words count three times, alias words twice.
``Catalog.search`` ranks exact id and name matches above text matches, so this module
only scores text.

>>> index = SearchIndex([Doc("technique", "T1003", "OS Credential Dumping", (), "dump creds")])
>>> [(doc.id, round(score, 2)) for doc, score in index.query("credential dumping")]
[('T1003', 0.94)]
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = ["Doc", "SearchIndex", "plain_text", "tokenize"]

_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_TAG = re.compile(r"<[^>]*>")
_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "been",
        "by",
        "can",
        "do",
        "for",
        "from",
        "has",
        "have",
        "in",
        "into",
        "is",
        "it",
        "its",
        "may",
        "of",
        "on",
        "or",
        "such",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "to",
        "use",
        "used",
        "uses",
        "using",
        "via",
        "was",
        "were",
        "which",
        "will",
        "with",
    ]
)

NAME_WEIGHT = 3
ALIAS_WEIGHT = 2
K1 = 1.2
B = 0.75


def plain_text(text: str) -> str:
    """ATT&CK description text without markdown links and HTML tags.

    >>> plain_text("[Net](https://attack.mitre.org/software/S0039) runs <code>net use</code>")
    'Net runs net use'
    """
    return _TAG.sub("", _LINK.sub(r"\1", text))


def _stem(word: str) -> str:
    """A very light stemmer: plural ``s``, ``ing`` and ``ed`` endings."""
    if len(word) > 5 and word.endswith("ing"):
        return word[:-3]
    if len(word) > 4 and word.endswith("ed"):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


_STEMS: dict[str, str] = {}


def _term(word: str) -> str:
    """The index term of a lower-case word ("" for a stop word), memoised."""
    term = _STEMS.get(word)
    if term is None:
        term = _STEMS[word] = "" if word in _STOP else _stem(word)
    return term


def tokenize(text: str) -> list[str]:
    """Lower-case word stems of ``text``, stop words removed.

    >>> tokenize("Dumping the LSASS memory")
    ['dump', 'lsass', 'memory']
    """
    return [t for t in map(_term, _WORD.findall(plain_text(text).lower())) if t]


def _add_terms(text: str, weight: int, into: dict[str, int]) -> None:
    """Add the terms of ``text`` to ``into``, each counted ``weight`` times."""
    stems = _STEMS
    for word, count in Counter(_WORD.findall(plain_text(text).lower())).items():
        term = stems.get(word)
        if term is None:
            term = _term(word)
        if term:
            into[term] = into.get(term, 0) + count * weight


@dataclass(frozen=True, slots=True)
class Doc:
    """One searchable entry: its kind, id, name, aliases and description."""

    kind: str
    id: str
    name: str
    aliases: Sequence[str]
    description: str
    active: bool = True


class SearchIndex:
    """An inverted index over ``Doc``s, scored with BM25."""

    def __init__(self, docs: Iterable[Doc]) -> None:
        self.docs: list[Doc] = list(docs)
        self._postings: dict[str, list[tuple[int, int]]] = {}
        lengths: list[int] = []
        postings = self._postings
        for number, doc in enumerate(self.docs):
            terms: dict[str, int] = {}
            _add_terms(doc.name, NAME_WEIGHT, terms)
            for alias in doc.aliases:
                _add_terms(alias, ALIAS_WEIGHT, terms)
            _add_terms(doc.description, 1, terms)
            lengths.append(sum(terms.values()))
            for term, freq in terms.items():
                entry = postings.get(term)
                if entry is None:
                    postings[term] = [(number, freq)]
                else:
                    entry.append((number, freq))
        self._lengths = lengths
        self._avg = (sum(lengths) / len(lengths)) if lengths else 1.0

    def query(self, text: str, *, active_only: bool = True) -> list[tuple[Doc, float]]:
        """Docs that share a word with ``text``, best BM25 score first (ties by id)."""
        n_docs = len(self.docs)
        scores: dict[int, float] = {}
        for term in dict.fromkeys(tokenize(text)):
            postings = self._postings.get(term)
            if not postings:
                continue
            idf = math.log(1 + (n_docs - len(postings) + 0.5) / (len(postings) + 0.5))
            for number, freq in postings:
                norm = K1 * (1 - B + B * self._lengths[number] / self._avg)
                scores[number] = scores.get(number, 0.0) + idf * freq * (K1 + 1) / (freq + norm)
        hits = [
            (self.docs[n], s) for n, s in scores.items() if self.docs[n].active or not active_only
        ]
        hits.sort(key=lambda hit: (-hit[1], hit[0].id))
        return hits
