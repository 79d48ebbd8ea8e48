"""Shared fixtures: paths to the small hand-written inputs under tests/data."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


@pytest.fixture
def data_dir() -> Path:
    return DATA


@pytest.fixture
def ingest_data() -> Path:
    return DATA / "ingest"
