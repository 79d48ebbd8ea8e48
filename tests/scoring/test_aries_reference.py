"""Reference cases modelled on public threat reports, scored through the real pipeline."""

from __future__ import annotations

from pathlib import Path

from llmnav.catalog import Catalog
from llmnav.config import Config
from llmnav.scoring import ActorScore, load_scores
from llmnav.store.duckdb import Store

ORDER = ["op-espionage", "op-extortion", "dev-ransom", "novice-kl", "ctf-player", "blue-team"]


def test_reference_cases_order_as_the_reports_imply(
    reference_scores: dict[str, ActorScore],
) -> None:
    ranked = sorted(ORDER, key=lambda a: -reference_scores[a].aries)
    assert ranked == ORDER, {a: reference_scores[a].aries for a in ORDER}


def test_autonomous_espionage_campaign_is_critical(
    reference_scores: dict[str, ActorScore],
) -> None:
    campaign = reference_scores["op-espionage"]
    assert campaign.tier == "critical"
    assert campaign.n_tactics >= 8
    assert campaign.aries >= 85


def test_defender_writing_detection_rules_is_low(reference_scores: dict[str, ActorScore]) -> None:
    assert reference_scores["blue-team"].tier == "low"


def test_every_part_has_evidence_citing_the_session(
    reference_scores: dict[str, ActorScore],
) -> None:
    campaign = reference_scores["op-espionage"]
    for part in campaign.components:
        if part.name == "threat-intel signals":
            continue  # no known malware named and no indicator feed given here
        assert part.points > 0, part.name
        assert part.evidence, part.name
    observed = next(c for c in campaign.components if c.name == "observed impact")
    assert any(line.startswith("esp-1 #") for line in observed.evidence)


def test_evidence_never_shows_harvested_secrets(reference_scores: dict[str, ActorScore]) -> None:
    lines = [line for s in reference_scores.values() for c in s.components for line in c.evidence]
    text = "\n".join(lines)
    assert "ASIAQEXAMPLEFAKEKEY7" not in text
    assert "Pr0dAdminFake!2025" not in text
    assert "REDACTED" in text


def test_scores_read_back_from_the_store_equal_those_computed(
    reference_db: Path, config: Config, catalog: Catalog
) -> None:
    from llmnav.scoring import score_store

    with Store.open(reference_db) as store:
        computed = score_store(store, config, catalog)
        loaded = load_scores(store)
    assert loaded == computed
    assert [s.actor_id for s in loaded][:2] == ORDER[:2]
    assert {s.config for s in loaded} == {config.fingerprint}


def test_scoring_again_gives_the_same_scores(
    reference_db: Path, config: Config, catalog: Catalog
) -> None:
    from llmnav.scoring import score_store

    with Store.open(reference_db) as store:
        assert score_store(store, config, catalog) == score_store(store, config, catalog)


def test_aio_behaviours_raise_the_agentic_campaign(
    reference_scores: dict[str, ActorScore], reference_store: Store
) -> None:
    campaign = reference_scores["op-espionage"]
    if not reference_store.count("aio_hits"):
        return  # orchestration layer not installed: nothing to raise
    assert campaign.aio
    interface = next(c for c in campaign.components if c.name == "interface risk")
    assert any(line.startswith("AIO.") for line in interface.evidence)


def test_indicator_feed_adds_threat_intel_and_keeps_the_order(
    reference_db: Path, config: Config, catalog: Catalog, tmp_path: Path
) -> None:
    from llmnav.scoring import load_intel, score_store

    feed = tmp_path / "iocs.csv"
    feed.write_text("indicator,type,description\ncdn-update-check.net,domain-name,beacon host\n")
    with Store.open(reference_db) as store:
        scores = {s.actor_id: s for s in score_store(store, config, catalog, load_intel(feed))}
        score_store(store, config, catalog)  # leave the shared store as the other tests expect
    intel = next(c for c in scores["op-espionage"].components if c.name == "threat-intel signals")
    assert intel.points > 0
    assert "beacon host" in intel.evidence[0]
    assert sorted(ORDER, key=lambda a: -scores[a].aries) == ORDER
