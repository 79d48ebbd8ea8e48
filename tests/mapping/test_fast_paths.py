"""The batched fast paths of mapping give exactly what the plain computations give."""

from __future__ import annotations

import json
import random
import re
import sys
import zlib
from collections.abc import Sequence
from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp

from llmnav.mapping import stream
from llmnav.mapping.base import Candidate, MapInput
from llmnav.mapping.combine import combine
from llmnav.mapping.engine import MappingEngine
from llmnav.mapping.model import ModelMapper, load_artefact
from llmnav.mapping.model import features as F
from llmnav.mapping.model.mapper import _top_columns
from llmnav.mapping.rules import RulesMapper
from llmnav.mapping.rules import mapper as rules_mapper
from llmnav.mapping.stream import map_file

TEXTS = [
    "procdump -ma lsass.exe out.dmp",
    'net user /domain; net group "domain admins" /domain',
    "How do I write a Sigma rule that detects LSASS dumping?",
    "powershell -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAIABOAGUAdAAuAFcAZQBiAEMAbABp",
    "",
    " ",
    "a",
    "İstanbul ǅ ß \u2028 next\u00a0word\u3000x\x1c y\x85z",
    "x \udc80 vssadmin delete shadows /all /quiet",
    "T1003.001 and t1558.003: kerberoasting",
    "mimikatz sekurlsa::logonpasswords " * 300,
    "git status && pytest -q tests/",
]


def _random_texts(count: int, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    alphabet = "ab -/$_.é\n\t日:|;'\"0"
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40))) for _ in range(count)]


def _reference_featurize(texts: Sequence[str], idf: np.ndarray | None) -> sp.csr_matrix:
    """The features computed the plain way: per block counts, normalise, stack, weigh."""
    space = re.compile(r"\s+")

    def from_keys(keys: np.ndarray, n_rows: int, n_columns: int) -> sp.csr_matrix:
        unique, counts = np.unique(keys, return_counts=True)
        values = np.log1p(counts).astype(np.float32)
        matrix = sp.csr_matrix(
            (values, (unique // n_columns, unique % n_columns)), shape=(n_rows, n_columns)
        )
        return normalize(matrix)

    def normalize(matrix: sp.csr_matrix) -> sp.csr_matrix:
        matrix = sp.csr_matrix(matrix, dtype=np.float32)
        lengths = np.diff(matrix.indptr)
        rows = np.repeat(np.arange(matrix.shape[0]), lengths)
        norms = np.sqrt(np.bincount(rows, weights=matrix.data**2, minlength=matrix.shape[0]))
        norms[norms == 0] = 1.0
        matrix.data /= np.repeat(norms, lengths).astype(np.float32)
        return matrix

    char_keys = []
    for i, text in enumerate(texts):
        part = (" " + space.sub(" ", text[: F.MAX_CHARS].lower()).strip() + " ").encode(
            "utf-8", "replace"
        )
        for n in range(2, 6):
            for start in range(len(part) - n + 1):
                h = int(F._FNV_OFFSET) ^ n
                for byte in part[start : start + n]:
                    h = ((h ^ byte) * int(F._FNV_PRIME)) & (2**64 - 1)
                h ^= h >> 33
                h = (h * int(F._MIX)) & (2**64 - 1)
                h ^= h >> 33
                char_keys.append(i * F.CHAR_FEATURES + h % F.CHAR_FEATURES)
    word_keys = []
    for i, text in enumerate(texts):
        words = re.findall(F.TOKEN_PATTERN, text[: F.MAX_CHARS].lower())
        for gram in words + [f"{a} {b}" for a, b in pairwise(words)]:
            column = zlib.crc32(gram.encode("utf-8", "replace")) % F.WORD_FEATURES
            word_keys.append(i * F.WORD_FEATURES + column)
    chars = from_keys(np.asarray(char_keys, dtype=np.int64), len(texts), F.CHAR_FEATURES)
    words_matrix = from_keys(np.asarray(word_keys, dtype=np.int64), len(texts), F.WORD_FEATURES)
    matrix = sp.hstack([chars, words_matrix], format="csr")
    if idf is not None:
        matrix = sp.csr_matrix(matrix.multiply(idf.reshape(1, -1)))
    return normalize(matrix)


def _same_matrix(a: sp.csr_matrix, b: sp.csr_matrix) -> bool:
    return (
        a.shape == b.shape
        and np.array_equal(a.indptr, b.indptr)
        and np.array_equal(a.indices, b.indices)
        and a.data.dtype == b.data.dtype == np.float32
        and np.array_equal(a.data.view(np.uint32), b.data.view(np.uint32))
    )


@pytest.mark.parametrize("with_idf", [True, False])
def test_featurize_is_bit_identical_to_the_plain_computation(with_idf: bool) -> None:
    idf = load_artefact().idf if with_idf else None
    texts = TEXTS + _random_texts(60)
    for size in (1, 7, len(texts)):
        for start in range(0, len(texts), size):
            chunk = texts[start : start + size]
            assert _same_matrix(F.featurize(chunk, idf), _reference_featurize(chunk, idf))


def test_featurize_large_batches_sort_64_bit_keys_the_same_way() -> None:
    texts = _random_texts(F._SMALL_BATCH + 5, seed=1)
    whole = F.featurize(texts, None)
    parts = sp.vstack([F.featurize(texts[:100], None), F.featurize(texts[100:], None)])
    assert _same_matrix(whole, sp.csr_matrix(parts))


def test_featurize_words_are_the_words_evidence_reads() -> None:
    _, words = F.featurize_words(TEXTS, None)
    assert [list(dict.fromkeys(w)) for w in words] == [
        [word for word, _ in F.tokens(t)] for t in TEXTS
    ]


def test_layer_scores_are_the_plain_sparse_product() -> None:
    artefact = load_artefact()
    features = F.featurize(TEXTS + _random_texts(30), artefact.idf)
    scores = artefact.layer_scores(features)
    stacked, columns = artefact._stacked
    dense = (features @ stacked).toarray()
    for name, cols in columns.items():
        plain = np.asarray(dense[:, cols] + getattr(artefact, name).bias, dtype=np.float32)
        assert np.array_equal(scores[name].view(np.uint32), plain.view(np.uint32)), name


def test_top_columns_are_the_head_of_a_full_argsort_ties_included() -> None:
    rng = np.random.default_rng(0)
    scores = rng.standard_normal((50, 40)).astype(np.float32)
    scores[3, [5, 9, 12]] = 7.0  # a tie at the top
    scores[4, :] = 0.0  # all tied
    scores[5, [1, 2]] = [scores[5].max() + 1, scores[5].max() + 1]
    expected = np.argsort(-scores, axis=1)[:, :6]
    assert np.array_equal(_top_columns(scores, 6), expected)
    scores[6, 0] = np.nan
    assert np.array_equal(_top_columns(scores, 6), np.argsort(-scores, axis=1)[:, :6])


def test_model_evidence_for_a_batch_is_evidence_text_by_text() -> None:
    mapper = ModelMapper()
    texts = TEXTS + _random_texts(20)
    items = [MapInput(str(i), t, "command") for i, t in enumerate(texts)]
    found = mapper.map_batch(items)
    columns = {str(c): i for i, c in enumerate(mapper.artefact.techniques.classes)}
    for text, candidates in zip(texts, found, strict=True):
        top = candidates[0]
        assert top.evidence == mapper.evidence(text, columns[top.technique_id])
        assert all(c.evidence == "" for c in candidates[1:])
    plain = mapper.map_features(items, mapper.features(texts), evidence=False)
    assert [[(c.technique_id, c.score) for c in row] for row in plain] == [
        [(c.technique_id, c.score) for c in row] for row in found
    ]


def test_combine_without_detail_has_the_same_ranking() -> None:
    sources = {"rules": "rule", "model": "model", "analyst": "analyst", "reference": "rule"}
    candidates = {
        "analyst": [Candidate("T1486", 0.2, "analyst label")],
        "rules": [Candidate("T1003.001", 0.9, "procdump"), Candidate("T1059", 1.7, "x")],
        "reference": [Candidate("T1003.001", 0.85, "t1003.001"), Candidate("T1003.001", 0.6)],
        "model": [Candidate("T1003.001", 0.5), Candidate("T1003", 0.4), Candidate("T1059", -1)],
    }
    full = combine(candidates, sources=sources, limit=3)
    lean = combine(candidates, sources=sources, limit=3, detail=False)
    assert [(r.technique_id, r.confidence) for r in lean] == [
        (r.technique_id, r.confidence) for r in full
    ]
    assert all(r.mappers == () and r.evidence == "" for r in lean)


def test_rules_keyword_set_and_trie_run_the_same_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = [*TEXTS, "VSSADMIN.EXE Delete Shadows /All", "\u202e", *_random_texts(30)]
    with_set = RulesMapper()
    assert with_set._indexes["command"].keyword_set is not None
    monkeypatch.setattr(rules_mapper, "_keyword_set", lambda keywords: None)
    with_trie = RulesMapper()
    assert with_trie._indexes["command"].keyword_set is None
    for kind in ("command", "request", "code", "sentence"):
        assert [with_set.map_text(t, kind) for t in texts] == [
            with_trie.map_text(t, kind) for t in texts
        ]


def test_engine_without_evidence_ranks_the_same() -> None:
    engine = MappingEngine.default()
    items = [MapInput(str(i), t, "command" if i % 2 else "request") for i, t in enumerate(TEXTS)]
    full = engine.map(items)
    lean = engine.map(items, evidence=False)
    assert [
        (r.id, [(t.technique_id, t.confidence) for t in r.techniques], r.tactics, r.intent)
        for r in full
    ] == [
        (r.id, [(t.technique_id, t.confidence) for t in r.techniques], r.tactics, r.intent)
        for r in lean
    ]


def test_map_file_chunks_keep_line_numbers_and_order(
    tmp_path: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "in.jsonl"
    lines = (data_dir / "mapping" / "map-input.jsonl").read_text().splitlines()
    source.write_text("\n".join([*lines, "", *lines, "   "]) + "\n")
    whole = map_file(source, tmp_path / "whole.jsonl")
    monkeypatch.setattr(stream, "BATCH", 3)
    small = map_file(source, tmp_path / "small.jsonl")
    assert (tmp_path / "whole.jsonl").read_bytes() == (tmp_path / "small.jsonl").read_bytes()
    assert (small.read, small.mapped, small.bad_lines) == (
        whole.read,
        whole.mapped,
        whole.bad_lines,
    )
    assert whole.read == 22 and whole.mapped == 12
    shift = len(lines) + 1
    first = [line for line, _ in whole.bad_lines[: len(whole.bad_lines) // 2]]
    second = [line for line, _ in whole.bad_lines[len(whole.bad_lines) // 2 :]]
    assert second == [line + shift for line in first]
    ids = [json.loads(x)["id"] for x in (tmp_path / "whole.jsonl").read_text().splitlines()]
    assert ids == ids[:6] * 2


def test_spawning_workers_leaves_the_main_module_in_place() -> None:
    main = sys.modules["__main__"]
    with stream._without_main_module():
        assert sys.modules["__main__"] is not main
        assert not hasattr(sys.modules["__main__"], "__file__")
    assert sys.modules["__main__"] is main
