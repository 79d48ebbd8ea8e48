"""Text features shared by training and mapping: hashed character and word n-grams.

The same function turns a shell command, a chat request or a report sentence
into one sparse vector, so the model trained on ATT&CK's text and on commands
reads every kind of input the same way. Hashing keeps no vocabulary: the
artefact holds only the IDF weights and the classifier weights.

>>> import numpy as np
>>> X = featurize(["mimikatz sekurlsa::logonpasswords"], idf=None)
>>> X.shape == (1, N_FEATURES) and bool(np.isclose((X.multiply(X)).sum(), 1.0))
True
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.preprocessing import normalize
from sklearn.utils import murmurhash3_32

__all__ = ["CHAR_FEATURES", "N_FEATURES", "WORD_FEATURES", "featurize", "tokens"]

CHAR_FEATURES = 1 << 20
WORD_FEATURES = 1 << 19
N_FEATURES = CHAR_FEATURES + WORD_FEATURES

TOKEN_PATTERN = r"[A-Za-z0-9_$]{2,}|-[A-Za-z]\w*|/[A-Za-z]\w*"
"""Words, and command-line switches in both styles (``-enc``, ``/create``)."""

MAX_CHARS = 4000
"""Longer inputs are cut: the head of a command or request carries the signal."""

_CHARS = HashingVectorizer(
    analyzer="char_wb",
    ngram_range=(2, 5),
    n_features=CHAR_FEATURES,
    alternate_sign=False,
    norm=None,
    dtype=np.float32,
)
_WORDS = HashingVectorizer(
    analyzer="word",
    token_pattern=TOKEN_PATTERN,
    ngram_range=(1, 2),
    n_features=WORD_FEATURES,
    alternate_sign=False,
    norm=None,
    dtype=np.float32,
)
_UNIGRAMS = HashingVectorizer(
    analyzer="word",
    token_pattern=TOKEN_PATTERN,
    n_features=WORD_FEATURES,
    alternate_sign=False,
    norm=None,
    dtype=np.float32,
)
_SPLIT = _UNIGRAMS.build_analyzer()


def _block(vectorizer: HashingVectorizer, texts: Sequence[str]) -> sp.csr_matrix:
    counts = vectorizer.transform(texts)
    counts.data = np.log1p(counts.data)
    return normalize(counts)


def featurize(texts: Sequence[str], idf: np.ndarray | None) -> sp.csr_matrix:
    """L2-normalised TF-IDF vectors of ``texts`` (``idf=None``: plain log TF, for fitting)."""
    cut = [t[:MAX_CHARS] for t in texts]
    matrix = sp.hstack([_block(_CHARS, cut), _block(_WORDS, cut)], format="csr")
    if idf is not None:
        matrix = sp.csr_matrix(matrix.multiply(idf.reshape(1, -1)))
    return normalize(matrix).astype(np.float32)


def tokens(text: str) -> list[tuple[str, int]]:
    """The distinct words of ``text`` with their feature column (to name the evidence).

    >>> [word for word, _ in tokens("net user /domain; net group")]
    ['net', 'user', '/domain', 'group']
    """
    # The column HashingVectorizer gives a word, without building a matrix per text.
    return [
        (word, CHAR_FEATURES + abs(murmurhash3_32(word, seed=0)) % WORD_FEATURES)
        for word in dict.fromkeys(_SPLIT(text[:MAX_CHARS]))
    ]
