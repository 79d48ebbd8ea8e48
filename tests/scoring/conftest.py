"""Fixtures for scoring tests: the reference cases run through the whole pipeline once."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from llmnav.catalog import Catalog, load_catalog
from llmnav.config import Config, load_config
from llmnav.ingest import ingest_files
from llmnav.mapping.engine import MappingEngine
from llmnav.mapping.stored import map_stored_actions
from llmnav.scoring import ActorScore, score_store
from llmnav.store.duckdb import Store

DATA = Path(__file__).resolve().parent.parent / "data" / "scoring"
REFERENCE = DATA / "reference-cases.jsonl"


def detect_store() -> Callable[..., Any] | None:
    """The orchestration layer's ``detect_store``, wherever it is exported from."""
    for name in ("llmnav.orchestration", "llmnav.orchestration.detect"):
        try:
            found = getattr(importlib.import_module(name), "detect_store", None)
        except ImportError:
            continue
        if found is not None:
            return found  # type: ignore[no-any-return]
    return None


def run_pipeline(files: list[Path], db: Path, config: Config, catalog: Catalog) -> list[ActorScore]:
    """ingest -> map -> detect AIO behaviours -> score, as ``llmnav analyze`` does."""
    ingest_files(files, db)
    with Store.open(db) as store:
        map_stored_actions(store, MappingEngine.default())
        detect = detect_store()
        if detect is not None:
            detect(store, config)
        return score_store(store, config, catalog)


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_catalog()


@pytest.fixture(scope="session")
def config() -> Config:
    return load_config()


@pytest.fixture(scope="session")
def reference_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding the six reference cases, mapped, AIO-detected and scored."""
    db = tmp_path_factory.mktemp("reference") / "reference.duckdb"
    run_pipeline([REFERENCE], db, load_config(), load_catalog())
    return db


@pytest.fixture(scope="session")
def reference_scores(reference_db: Path) -> dict[str, ActorScore]:
    from llmnav.scoring import load_scores

    with Store.open(reference_db, read_only=True) as store:
        return {s.actor_id: s for s in load_scores(store)}


@pytest.fixture
def reference_store(reference_db: Path) -> Iterator[Store]:
    with Store.open(reference_db, read_only=True) as store:
        yield store
