"""Text features shared by training and mapping: hashed character and word n-grams.

The same function turns a shell command, a chat request or a report sentence
into one sparse vector, so the model trained on ATT&CK's text and on commands
reads every kind of input the same way. Hashing keeps no vocabulary: the
artefact holds only the IDF weights and the classifier weights.

Character n-grams (2 to 5 bytes of the lower-cased, whitespace-collapsed UTF-8
text) are hashed for a whole batch at once with numpy; words and word pairs
(command-line switches count as words) with CRC-32. Each block (characters,
words) is L2-normalised, the whole row is weighted by IDF and normalised again.
Only numpy and scipy are needed, so mapping starts fast.

The batch is turned into one array of keys (``row << ROW_SHIFT | column``) that
is sorted once; runs of equal keys are the counts of the sparse matrix, already
in row and column order.

>>> import numpy as np
>>> X = featurize(["mimikatz sekurlsa::logonpasswords"], idf=None)
>>> X.shape == (1, N_FEATURES) and bool(np.isclose((X.multiply(X)).sum(), 1.0))
True
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence
from itertools import pairwise

import numpy as np
import scipy.sparse as sp

__all__ = [
    "CHAR_FEATURES",
    "N_FEATURES",
    "WORD_FEATURES",
    "featurize",
    "featurize_words",
    "tokens",
    "word_column",
]

CHAR_FEATURES = 1 << 20
WORD_FEATURES = 1 << 19
N_FEATURES = CHAR_FEATURES + WORD_FEATURES

TOKEN_PATTERN = r"[a-z0-9_$]{2,}|-[a-z]\w*|/[a-z]\w*"
"""Words, and command-line switches in both styles (``-enc``, ``/create``)."""

MAX_CHARS = 4000
"""Longer inputs are cut: the head of a command or request carries the signal."""

CACHE_LIMIT = 1 << 18
"""How many words (and as many word pairs) keep their hashed column: the same words
and switches recur across a stream of commands and requests."""

_TOKEN = re.compile(TOKEN_PATTERN)
_FNV_OFFSET = np.uint64(14695981039346656037)
_FNV_PRIME = np.uint64(1099511628211)
_MIX = np.uint64(0xFF51AFD7ED558CCD)
_SHIFT = np.uint64(33)
_CHAR_MASK = np.uint64(CHAR_FEATURES - 1)
ROW_SHIFT = N_FEATURES.bit_length()
"""Keys hold the row above the column's bits (shifts and masks are cheaper than
multiplying and dividing by N_FEATURES; the order is the same)."""
_SMALL_BATCH = 1 << (32 - ROW_SHIFT)
"""Batches up to this many texts sort 32-bit keys (twice as fast as 64-bit ones)."""


class _WordColumns(dict[str, int]):
    """Word -> its column in the word block (CRC-32), remembered."""

    def __missing__(self, word: str) -> int:
        column = zlib.crc32(word.encode("utf-8", "replace")) % WORD_FEATURES
        if len(self) >= CACHE_LIMIT:
            self.clear()
        self[word] = column
        return column


class _PairColumns(dict[tuple[str, str], int]):
    """(word, next word) -> the column of the pair ``"word next"``, remembered."""

    def __missing__(self, pair: tuple[str, str]) -> int:
        column = zlib.crc32(f"{pair[0]} {pair[1]}".encode("utf-8", "replace")) % WORD_FEATURES
        if len(self) >= CACHE_LIMIT:
            self.clear()
        self[pair] = column
        return column


_WORD_COLUMNS = _WordColumns()
_PAIR_COLUMNS = _PairColumns()


def word_column(word: str) -> int:
    """The feature column of a word (``CHAR_FEATURES`` plus its hash).

    >>> word_column("lsass") == CHAR_FEATURES + zlib.crc32(b"lsass") % WORD_FEATURES
    True
    """
    return CHAR_FEATURES + _WORD_COLUMNS[word]


def words_of(text: str) -> list[str]:
    """The words and switches of ``text``, in order, as the features see them."""
    return _TOKEN.findall(text[:MAX_CHARS].lower())


def _char_keys(texts: Sequence[str], key_type: type[np.unsignedinteger]) -> np.ndarray:
    """Keys of every byte n-gram (2-5) of every text, hashed for the whole batch."""
    parts = [
        (" " + " ".join(t[:MAX_CHARS].lower().split()) + " ").encode("utf-8", "replace")
        for t in texts
    ]
    lengths = np.fromiter(map(len, parts), dtype=np.int64, count=len(parts))
    data = np.frombuffer(b"".join(parts), dtype=np.uint8).astype(np.uint64)
    total = len(data)
    ends = np.cumsum(lengths)
    # Bytes left in its text from each position on: an n-gram never spans two texts.
    left = np.repeat(ends, lengths) - np.arange(total, dtype=np.int64)
    base = np.repeat(np.arange(len(parts), dtype=key_type) << key_type(ROW_SHIFT), lengths)
    keys = []
    hashed = np.empty(total, dtype=np.uint64)
    for n in range(2, 6):
        m = total - n + 1
        if m <= 0:
            continue
        h = hashed[:m]
        h.fill(_FNV_OFFSET ^ np.uint64(n))
        for j in range(n):
            np.bitwise_xor(h, data[j : j + m], out=h)
            np.multiply(h, _FNV_PRIME, out=h)
        h ^= h >> _SHIFT
        h *= _MIX
        h ^= h >> _SHIFT
        h &= _CHAR_MASK
        inside = left[:m] >= n
        keys.append(base[:m][inside] + h[inside].astype(key_type))
    return np.concatenate(keys) if keys else np.zeros(0, dtype=key_type)


def _word_keys(words: Sequence[list[str]], key_type: type[np.unsignedinteger]) -> np.ndarray:
    """Keys of every word and pair of adjacent words of every text."""
    columns: list[int] = []
    per_text: list[int] = []
    word_columns, pair_columns = _WORD_COLUMNS.__getitem__, _PAIR_COLUMNS.__getitem__
    for found in words:
        columns.extend(map(word_columns, found))
        columns.extend(map(pair_columns, pairwise(found)))
        per_text.append(2 * len(found) - 1 if found else 0)
    counts = np.asarray(per_text, dtype=np.int64)
    base = (np.arange(len(words), dtype=key_type) << key_type(ROW_SHIFT)) + key_type(CHAR_FEATURES)
    return np.repeat(base, counts) + np.asarray(columns, dtype=key_type)


def _sorted(keys: np.ndarray) -> np.ndarray:
    """``np.sort(keys)``; 32-bit keys by two stable passes on 16-bit digits (radix
    sorts, about twice as fast as numpy's comparison sort here)."""
    if keys.dtype != np.uint32:
        return np.sort(keys)
    low_first = keys[np.argsort((keys & 0xFFFF).astype(np.uint16), kind="stable")]
    return low_first[np.argsort((low_first >> 16).astype(np.uint16), kind="stable")]


def _normalize_groups(values: np.ndarray, groups: np.ndarray, n_groups: int) -> None:
    """Scale ``values`` in place to unit L2 norm per group (empty groups stay empty).

    The squares are summed in float64 in the order of ``values``.
    """
    norms = np.sqrt(np.bincount(groups, weights=values**2, minlength=n_groups))
    norms[norms == 0] = 1.0
    values /= norms.astype(np.float32)[groups]


def featurize_words(
    texts: Sequence[str], idf: np.ndarray | None
) -> tuple[sp.csr_matrix, list[list[str]]]:
    """Like ``featurize``, with the words of each text (``words_of``) it read."""
    words = [words_of(t) for t in texts]
    n = len(texts)
    key_type: type[np.unsignedinteger] = np.uint32 if n <= _SMALL_BATCH else np.uint64
    keys = _sorted(np.concatenate([_char_keys(texts, key_type), _word_keys(words, key_type)]))
    if len(keys):
        first = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
        counts = np.diff(np.append(first, len(keys)))
        unique = keys[first].astype(np.int64)
    else:
        counts = unique = np.zeros(0, dtype=np.int64)
    rows = unique >> ROW_SHIFT
    columns = unique & ((1 << ROW_SHIFT) - 1)
    values = np.log1p(counts).astype(np.float32)
    # Characters and words are normalised apart, then weighted and normalised together.
    _normalize_groups(values, 2 * rows + (columns >= CHAR_FEATURES), 2 * n)
    if idf is not None:
        values *= idf[columns]
    _normalize_groups(values, rows, n)
    indptr = np.zeros(n + 1, dtype=np.int32)
    np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
    matrix = sp.csr_matrix(
        (values, columns.astype(np.int32), indptr), shape=(n, N_FEATURES), copy=False
    )
    matrix.has_sorted_indices = True
    return matrix, words


def featurize(texts: Sequence[str], idf: np.ndarray | None) -> sp.csr_matrix:
    """L2-normalised TF-IDF vectors of ``texts`` (``idf=None``: plain log TF, for fitting)."""
    return featurize_words(texts, idf)[0]


def tokens(text: str) -> list[tuple[str, int]]:
    """The distinct words of ``text`` with their feature column (to name the evidence).

    >>> [word for word, _ in tokens("net user /domain; net group")]
    ['net', 'user', '/domain', 'group']
    """
    return [(word, word_column(word)) for word in dict.fromkeys(words_of(text))]
