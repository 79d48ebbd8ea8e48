"""The usage examples in the catalog modules' docstrings run and give what they say."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "llmnav.catalog",
    "llmnav.catalog.catalog",
    "llmnav.catalog.files",
    "llmnav.catalog.load",
    "llmnav.catalog.lookup",
    "llmnav.catalog.model",
    "llmnav.catalog.search",
    "llmnav.catalog.stix",
]


@pytest.mark.parametrize("name", MODULES)
def test_catalog_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


def test_catalog_public_names_are_sorted_and_exported() -> None:
    catalog = importlib.import_module("llmnav.catalog")
    assert catalog.__all__ == sorted(catalog.__all__, key=lambda n: (not n.isupper(), n))
    assert all(hasattr(catalog, name) for name in catalog.__all__)
