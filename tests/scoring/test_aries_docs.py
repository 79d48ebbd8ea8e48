"""The scoring package's docstring examples run, and its public surface is pinned."""

from __future__ import annotations

import doctest
import importlib

import pytest

import llmnav.scoring

MODULES = [
    "llmnav.scoring",
    "llmnav.scoring.aries",
    "llmnav.scoring.config",
    "llmnav.scoring.evidence",
    "llmnav.scoring.intel",
    "llmnav.scoring.model",
    "llmnav.scoring.outputs",
    "llmnav.scoring.profile",
    "llmnav.scoring.rubric",
    "llmnav.scoring.techniques",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    assert doctest.testmod(module, optionflags=doctest.ELLIPSIS).failed == 0


def test_public_names_are_sorted_and_exported() -> None:
    names = llmnav.scoring.__all__
    # isort-style, as ruff keeps every __all__: CONSTANTS, then Classes, then functions.
    assert names == sorted(names, key=lambda n: (not n.isupper(), not n[0].isupper(), n))
    for name in names:
        assert hasattr(llmnav.scoring, name), name
    for contract in ("score_store", "load_scores", "write_actors_csv", "technique_scores"):
        assert contract in names
