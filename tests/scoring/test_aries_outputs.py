"""Technique scores, actors.csv and the `llmnav actors` triage queue."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

from typer.testing import CliRunner

from llmnav.catalog import Catalog
from llmnav.cli import app
from llmnav.config import Config
from llmnav.scoring import (
    ACTORS_CSV_COLUMNS,
    ActorScore,
    build_profiles,
    risk_weight,
    risk_weights,
    technique_scores,
    write_actors_csv,
)
from llmnav.store.duckdb import Store


def test_every_active_technique_has_a_risk_weight_with_overrides(
    catalog: Catalog, config: Config
) -> None:
    weights = risk_weights(catalog, config.aries)
    assert set(weights) == {t.id for t in catalog.techniques()}
    assert all(0 <= w <= 1 for w in weights.values())
    for high in ("T1021", "T1021.001", "T1003", "T1003.001", "T1505.003", "T1078.003", "T1560"):
        assert weights[high] == 1.0, high
    assert weights["T1083"] < weights["T1048"] < weights["T1486"]


def test_risk_weight_override_comes_from_the_config_file(catalog: Catalog, tmp_path: Path) -> None:
    from llmnav.config import load_config

    user = tmp_path / "mine.yaml"
    user.write_text("aries:\n  risk:\n    overrides:\n      T1083: 0.9\n")
    config = load_config(user)
    assert risk_weight("T1083", ("discovery",), config.aries) == 0.9
    assert config.fingerprint != load_config().fingerprint


def test_technique_scores_give_risk_weight_count_and_mean_aries(
    reference_store: Store,
    reference_scores: dict[str, ActorScore],
    config: Config,
    catalog: Catalog,
) -> None:
    profiles = build_profiles(reference_store, catalog, config.aries)
    scores = technique_scores(list(reference_scores.values()), profiles, config, catalog)
    by_id = {t.technique_id: t for t in scores}
    lateral = by_id["T1021.004"]
    assert lateral.name == "SSH"
    assert lateral.risk_weight == 1.0
    assert lateral.n_actors >= 1
    assert lateral.mean_aries == reference_scores["op-espionage"].aries
    assert [t.mean_aries for t in scores] == sorted((t.mean_aries for t in scores), reverse=True)


def test_actors_csv_has_the_contract_columns_ranked_and_formula_safe(
    reference_scores: dict[str, ActorScore], tmp_path: Path
) -> None:
    ranked = sorted(reference_scores.values(), key=lambda s: -s.aries)
    evil = ranked[-1].__class__(**{**_fields(ranked[-1]), "actor_id": "=cmd|'/c calc'!A1"})
    path = write_actors_csv([*ranked, evil], tmp_path / "out" / "actors.csv")
    rows = list(csv.reader(path.open(encoding="utf-8")))
    assert tuple(rows[0]) == ACTORS_CSV_COLUMNS == (
        "actor_id", "aries", "tier", "threat", "vulnerability", "impact",
        "n_techniques", "n_tactics", "interface", "aio",
    )  # fmt: skip
    assert rows[1][0] == "op-espionage"
    assert rows[1][2] == "critical"
    assert rows[-1][0] == "'=cmd|'/c calc'!A1"
    campaign = reference_scores["op-espionage"]
    assert rows[1][9] == ";".join(campaign.aio)
    assert float(rows[1][1]) == campaign.aries


def _fields(score: ActorScore) -> dict[str, object]:
    return {name: getattr(score, name) for name in score.__dataclass_fields__}


def test_actors_sort_aries_shows_the_triage_queue(reference_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "copy.duckdb"
    shutil.copy(reference_db, db)
    result = CliRunner().invoke(app, ["actors", "--db", str(db), "--sort", "aries", "--json"])
    assert result.exit_code == 0, result.output
    import json

    rows = json.loads(result.output)
    assert [r["actor_id"] for r in rows][:3] == ["op-espionage", "op-extortion", "dev-ransom"]
    assert rows[0]["tier"] == "critical"
    assert {"aries", "threat", "vulnerability", "impact", "aio", "top_techniques"} <= set(rows[0])
    wide = {"COLUMNS": "220"}
    table = CliRunner().invoke(app, ["actors", "--db", str(db), "--sort", "aries"], env=wide)
    assert table.exit_code == 0
    assert "critical" in table.output


def test_actors_sort_aries_without_scores_says_how_to_fix(tmp_path: Path, data_dir: Path) -> None:
    db = tmp_path / "x.duckdb"
    runner = CliRunner()
    ingest = runner.invoke(
        app, ["ingest", str(data_dir / "scoring" / "refusal.jsonl"), "--db", str(db)]
    )
    assert ingest.exit_code == 0
    result = runner.invoke(app, ["actors", "--db", str(db), "--sort", "aries"])
    assert result.exit_code == 1
    assert "No ARiES scores" in result.output and "llmnav analyze" in result.output
    plain = runner.invoke(app, ["actors", "--db", str(db), "--json"])
    assert plain.exit_code == 0 and "acct-refused" in plain.output
    assert "aries" not in plain.output
    bad = runner.invoke(app, ["actors", "--db", str(db), "--sort", "risk"])
    assert bad.exit_code == 2
