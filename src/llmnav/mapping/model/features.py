"""Text features shared by training and mapping: hashed character and word n-grams.

The same function turns a shell command, a chat request or a report sentence
into one sparse vector, so the model trained on ATT&CK's text and on commands
reads every kind of input the same way. Hashing keeps no vocabulary: the
artefact holds only the IDF weights and the classifier weights.

Character n-grams (2 to 5 bytes of the lower-cased, whitespace-collapsed UTF-8
text) are hashed for a whole batch at once with numpy; words and word pairs
(command-line switches count as words) with CRC-32. Only numpy and scipy are
needed, so mapping starts fast.

>>> import numpy as np
>>> X = featurize(["mimikatz sekurlsa::logonpasswords"], idf=None)
>>> X.shape == (1, N_FEATURES) and bool(np.isclose((X.multiply(X)).sum(), 1.0))
True
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence
from functools import lru_cache
from itertools import pairwise

import numpy as np
import scipy.sparse as sp

__all__ = ["CHAR_FEATURES", "N_FEATURES", "WORD_FEATURES", "featurize", "tokens"]

CHAR_FEATURES = 1 << 20
WORD_FEATURES = 1 << 19
N_FEATURES = CHAR_FEATURES + WORD_FEATURES

TOKEN_PATTERN = r"[a-z0-9_$]{2,}|-[a-z]\w*|/[a-z]\w*"
"""Words, and command-line switches in both styles (``-enc``, ``/create``)."""

MAX_CHARS = 4000
"""Longer inputs are cut: the head of a command or request carries the signal."""

_TOKEN = re.compile(TOKEN_PATTERN)
_SPACE = re.compile(r"\s+")
_FNV_OFFSET = np.uint64(14695981039346656037)
_FNV_PRIME = np.uint64(1099511628211)
_MIX = np.uint64(0xFF51AFD7ED558CCD)
_SHIFT = np.uint64(33)


def _char_counts(texts: Sequence[str]) -> sp.csr_matrix:
    """Counts of hashed byte n-grams (2-5), computed for the whole batch in numpy."""
    parts = [
        (" " + _SPACE.sub(" ", t[:MAX_CHARS].lower()).strip() + " ").encode("utf-8", "replace")
        for t in texts
    ]
    lengths = np.fromiter((len(p) for p in parts), dtype=np.int64, count=len(parts))
    data = np.frombuffer(b"".join(parts), dtype=np.uint8).astype(np.uint64)
    row = np.repeat(np.arange(len(parts), dtype=np.int64), lengths)
    keys = []
    for n in range(2, 6):
        m = len(data) - n + 1
        if m <= 0:
            continue
        h = np.full(m, _FNV_OFFSET ^ np.uint64(n), dtype=np.uint64)
        for j in range(n):
            h = (h ^ data[j : j + m]) * _FNV_PRIME
        h ^= h >> _SHIFT
        h *= _MIX
        h ^= h >> _SHIFT
        inside = row[:m] == row[n - 1 : n - 1 + m]  # an n-gram never spans two texts
        column = (h[inside] % np.uint64(CHAR_FEATURES)).astype(np.int64)
        keys.append(row[:m][inside] * CHAR_FEATURES + column)
    return _from_keys(keys, len(texts), CHAR_FEATURES)


@lru_cache(maxsize=1 << 18)
def _word_column(word: str) -> int:
    # Cached: the same words and switches recur across a stream of commands and requests.
    return zlib.crc32(word.encode("utf-8", "replace")) % WORD_FEATURES


def _word_counts(texts: Sequence[str]) -> sp.csr_matrix:
    """Counts of hashed words and word pairs."""
    keys: list[int] = []
    for i, text in enumerate(texts):
        words = _TOKEN.findall(text[:MAX_CHARS].lower())
        grams = words + [f"{a} {b}" for a, b in pairwise(words)]
        base = i * WORD_FEATURES
        keys.extend(base + _word_column(g) for g in grams)
    return _from_keys([np.asarray(keys, dtype=np.int64)], len(texts), WORD_FEATURES)


def _from_keys(keys: list[np.ndarray], n_rows: int, n_columns: int) -> sp.csr_matrix:
    flat = np.concatenate(keys) if keys else np.zeros(0, dtype=np.int64)
    unique, counts = np.unique(flat, return_counts=True)
    values = np.log1p(counts).astype(np.float32)
    matrix = sp.csr_matrix(
        (values, (unique // n_columns, unique % n_columns)), shape=(n_rows, n_columns)
    )
    return _normalize(matrix)


def _normalize(matrix: sp.csr_matrix) -> sp.csr_matrix:
    """Rows scaled to unit L2 norm (empty rows stay empty)."""
    matrix = sp.csr_matrix(matrix, dtype=np.float32)
    row_lengths = np.diff(matrix.indptr)
    rows = np.repeat(np.arange(matrix.shape[0]), row_lengths)
    norms = np.sqrt(np.bincount(rows, weights=matrix.data**2, minlength=matrix.shape[0]))
    norms[norms == 0] = 1.0
    matrix.data /= np.repeat(norms, row_lengths).astype(np.float32)
    return matrix


def featurize(texts: Sequence[str], idf: np.ndarray | None) -> sp.csr_matrix:
    """L2-normalised TF-IDF vectors of ``texts`` (``idf=None``: plain log TF, for fitting)."""
    matrix = sp.hstack([_char_counts(texts), _word_counts(texts)], format="csr")
    if idf is not None:
        matrix = sp.csr_matrix(matrix.multiply(idf.reshape(1, -1)))
    return _normalize(matrix)


def tokens(text: str) -> list[tuple[str, int]]:
    """The distinct words of ``text`` with their feature column (to name the evidence).

    >>> [word for word, _ in tokens("net user /domain; net group")]
    ['net', 'user', '/domain', 'group']
    """
    return [
        (word, CHAR_FEATURES + _word_column(word))
        for word in dict.fromkeys(_TOKEN.findall(text[:MAX_CHARS].lower()))
    ]
