"""Mapping the actions held in a store."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from llmnav.cli import app
from llmnav.store.duckdb import Store


def test_ingest_with_map_writes_hits_with_evidence_and_intent(
    tmp_path: Path, ingest_data: Path
) -> None:
    db = tmp_path / "x.duckdb"
    args = ["ingest", str(ingest_data / "agent-sessions.jsonl"), "--db", str(db), "--map"]
    first = CliRunner().invoke(app, args)
    assert first.exit_code == 0, first.output
    assert "mapped 11 actions" in first.output
    with Store.open(db, read_only=True) as store:
        hits = store.query(
            "SELECT a.text, h.technique_id, h.tactic_ids, h.evidence, h.attack_version "
            "FROM actions a JOIN hits h USING (action_id) WHERE h.rank = 1 ORDER BY a.seq"
        )
        by_text = {h["text"]: h for h in hits}
        scan = by_text["nmap -sV -p 22,80,443 10.0.5.0/24"]
        assert scan["technique_id"] == "T1046"
        assert scan["tactic_ids"] == ["TA0007"]
        assert "nmap" in scan["evidence"]
        assert scan["attack_version"] == "18.1"
        key = by_text["cat /home/deploy/.ssh/id_rsa"]
        assert key["technique_id"] == "T1552.004"
        counts = (store.count("hits"), store.count("action_intent"))
    again = CliRunner().invoke(app, args)
    assert again.exit_code == 0
    with Store.open(db, read_only=True) as store:
        assert (store.count("hits"), store.count("action_intent")) == counts


def test_analyst_labels_from_investigator_tables_top_the_ranking(
    tmp_path: Path, ingest_data: Path
) -> None:
    db = tmp_path / "x.duckdb"
    args = ["ingest", str(ingest_data / "investigator_actions.csv"), "--db", str(db), "--map"]
    assert CliRunner().invoke(app, args).exit_code == 0
    with Store.open(db, read_only=True) as store:
        labelled = store.query(
            "SELECT h.technique_id, h.source, h.confidence, "
            "CAST(e.attrs -> 'analyst_techniques' AS VARCHAR[]) AS labels "
            "FROM actions a JOIN hits h USING (action_id) "
            "JOIN events e ON e.event_id = a.event_ids[1] "
            "WHERE h.rank = 1 AND (e.attrs -> 'analyst_techniques') IS NOT NULL"
        )
    assert labelled
    for row in labelled:
        if row["labels"]:
            assert (row["source"], row["confidence"]) == ("analyst", 1.0)
            assert row["technique_id"] in row["labels"]


def test_map_stored_actions_with_two_workers_writes_the_same_rows(
    tmp_path: Path, ingest_data: Path
) -> None:
    from llmnav.ingest import ingest_files
    from llmnav.mapping.engine import MappingEngine
    from llmnav.mapping.stored import map_stored_actions

    tables: list[list[tuple[object, ...]]] = []
    for workers in (1, 2):
        db = tmp_path / f"w{workers}.duckdb"
        ingest_files([ingest_data / "agent-sessions.jsonl"], db)
        with Store.open(db) as store:
            mapped = map_stored_actions(
                store, MappingEngine.default(), workers=workers, batch_size=2
            )
            assert mapped == 11
            tables.append(
                store.conn.execute(
                    "SELECT h.*, i.intent FROM hits h JOIN action_intent i USING (action_id) "
                    "ORDER BY action_id, rank"
                ).fetchall()
            )
    assert tables[0] == tables[1] and tables[0]
