"""Shared fixtures: paths to the small hand-written inputs under tests/data."""

from __future__ import annotations

from pathlib import Path

import pytest

from llmnav.catalog import Catalog, load_catalog
from llmnav.config import Config, load_config

DATA = Path(__file__).parent / "data"


@pytest.fixture
def data_dir() -> Path:
    return DATA


@pytest.fixture
def ingest_data() -> Path:
    return DATA / "ingest"


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    """The packaged Enterprise catalog (loaded once)."""
    return load_catalog()


@pytest.fixture(scope="session")
def config() -> Config:
    """The default configuration."""
    return load_config()
