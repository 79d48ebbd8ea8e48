"""Actor profiles built from a store."""

from __future__ import annotations

from pathlib import Path

from llmnav.catalog import Catalog
from llmnav.config import Config
from llmnav.ingest import ingest_files
from llmnav.mapping.engine import MappingEngine
from llmnav.mapping.stored import map_stored_actions
from llmnav.scoring import build_profiles
from llmnav.store.duckdb import Store

DATA = Path(__file__).resolve().parent.parent / "data" / "scoring"


def test_profile_tells_a_refusal_from_delivered_code(
    tmp_path: Path, config: Config, catalog: Catalog
) -> None:
    db = tmp_path / "r.duckdb"
    ingest_files([DATA / "refusal.jsonl"], db)
    with Store.open(db) as store:
        map_stored_actions(store, MappingEngine.default())
        (profile,) = build_profiles(store, catalog, config.aries)
    outcomes = [(a.kind, a.outcome) for a in profile.actions]
    assert outcomes == [
        ("request", "refused"),
        ("request", "advised"),
        ("code", "delivered"),
    ]
    assert profile.periods == ("2025-02", "2025-03")
    assert profile.interface == "chat"
    assert sum(profile.intent_histogram) == 3


def test_profile_of_the_agentic_campaign(
    reference_store: Store, config: Config, catalog: Catalog
) -> None:
    profiles = {p.actor_id: p for p in build_profiles(reference_store, catalog, config.aries)}
    campaign = profiles["op-espionage"]
    assert campaign.interface == "agent"
    assert campaign.first_seen is not None and campaign.last_seen is not None
    assert campaign.first_seen < campaign.last_seen
    assert {a.outcome for a in campaign.actions if a.kind == "tool_call"} == {"executed"}
    assert "lateral-movement" in campaign.tactics
    assert campaign.techniques and all(n > 0 for n in campaign.techniques.values())
    if reference_store.count("aio_hits"):
        assert campaign.aio_ids
    # The defender's actions mostly fall below the intent floor: few techniques count.
    assert len(profiles["blue-team"].techniques) < len(campaign.techniques)
