"""Fixtures for scoring tests: the reference cases run through the whole pipeline once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from llmnav.catalog import Catalog, load_catalog
from llmnav.config import Config, load_config
from llmnav.ingest import ingest_files
from llmnav.mapping.engine import MappingEngine
from llmnav.mapping.stored import map_stored_actions
from llmnav.orchestration import detect_store
from llmnav.scoring import ActorScore, score_store
from llmnav.store.duckdb import Store

DATA = Path(__file__).resolve().parent.parent / "data" / "scoring"
REFERENCE = DATA / "reference-cases.jsonl"


def run_pipeline(files: list[Path], db: Path, config: Config, catalog: Catalog) -> list[ActorScore]:
    """ingest -> map -> detect AIO behaviours -> score, as ``llmnav analyze`` does."""
    ingest_files(files, db)
    with Store.open(db) as store:
        map_stored_actions(store, MappingEngine.default())
        detect_store(store, config)
        return score_store(store, config, catalog)


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
