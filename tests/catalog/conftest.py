"""Fixtures for catalog tests: the hand-made mini ATT&CK bundle and catalogs built from it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from llmnav.catalog import Catalog, build_catalog_data

DATA = Path(__file__).resolve().parent.parent / "data" / "catalog"
MINI = DATA / "mini-attack.json"


@pytest.fixture
def mini_bundle() -> dict[str, Any]:
    """The parsed mini bundle (a fresh copy per test, safe to modify)."""
    value: dict[str, Any] = json.loads(MINI.read_text(encoding="utf-8"))
    return value


@pytest.fixture
def mini_catalog(mini_bundle: dict[str, Any]) -> Catalog:
    """A catalog built in memory from the mini bundle (ATT&CK 99.1, enterprise-attack)."""
    return Catalog.from_data(build_catalog_data(mini_bundle, source=MINI.name))
