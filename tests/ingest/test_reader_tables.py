"""The investigator action table reader (CSV and Parquet)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from llmnav.errors import IngestError
from llmnav.ingest.readers import read_records, sniff
from llmnav.records import Event, Rejected


def read(path: Path) -> list[Event | Rejected]:
    return list(read_records(path, "tables"))


def events(records: list[Event | Rejected]) -> list[Event]:
    return [r for r in records if isinstance(r, Event)]


def rejected(records: list[Event | Rejected]) -> list[Rejected]:
    return [r for r in records if isinstance(r, Rejected)]


def test_tables_reader_turns_each_row_into_a_user_message(ingest_data: Path) -> None:
    rows = events(read(ingest_data / "investigator_actions.csv"))
    assert [(e.seq, e.actor_id, e.session_id, e.interface) for e in rows] == [
        (2, "acct-8842", "case-100", "chat"),
        (3, "acct-8842", "case-100", "chat"),
        (4, "acct-1130", "acct-1130", "api"),
        (8, "acct-2001", "acct-2001", "chat"),
        (10, "acct-3050", "case-300", "code_agent"),
    ]
    assert {(e.role, e.kind) for e in rows} == {("user", "message")}
    keylogger = rows[0]
    assert keylogger.text == "Asked for a PowerShell keylogger that hides from Defender"
    assert keylogger.ts == datetime(2025, 3, 1, 10, 2, tzinfo=UTC)
    assert keylogger.attrs == {"Analyst": "rk", "analyst_techniques": ["T1056.001", "T1562.001"]}
    assert keylogger.source.endswith("investigator_actions.csv:2")


def test_tables_reader_reads_quoted_multiline_cells_and_epoch_times(ingest_data: Path) -> None:
    rows = events(read(ingest_data / "investigator_actions.csv"))
    phishing, encrypt = rows[2], rows[4]
    assert phishing.text == (
        "Generated a phishing email impersonating the IT helpdesk,\n"
        "with a credential harvesting link"
    )
    assert phishing.attrs["analyst_techniques"] == ["T1566.002", "T1598.003"]
    assert phishing.ts == datetime(2025, 3, 2, 8, 15, tzinfo=UTC)
    assert encrypt.ts == datetime(2025, 3, 3, 14, 0, tzinfo=UTC)


def test_tables_reader_stores_formula_text_as_written(ingest_data: Path) -> None:
    rows = events(read(ingest_data / "investigator_actions.csv"))
    assert rows[3].text == '=HYPERLINK("http://evil.example/x","click")'


def test_tables_reader_rejects_bad_rows_naming_the_column(ingest_data: Path) -> None:
    bad = rejected(read(ingest_data / "investigator_actions.csv"))
    assert [(r.line, r.field, r.reason) for r in bad] == [
        (6, "Action", "empty action text"),
        (
            7,
            "Techniques",
            "'T10X9' is not an ATT&CK technique id (like T1059 or T1059.001)",
        ),
        (9, "Time", "timestamp 'yesterday' is not ISO 8601"),
    ]
    assert bad[0].raw == "acct-1130,2025-03-02T08:20:00Z,,T1566.002,,,mj"
    assert {r.format for r in bad} == {"tables"}


def test_tables_reader_ids_are_stable_across_reads(ingest_data: Path) -> None:
    path = ingest_data / "investigator_actions.csv"
    first = [e.event_id for e in events(read(path))]
    assert first == [e.event_id for e in events(read(path))]
    assert len(set(first)) == len(first)


def test_tables_reader_rejects_invalid_utf8_and_ragged_rows(tmp_path: Path) -> None:
    path = tmp_path / "actions.csv"
    path.write_bytes(
        b"\xef\xbb\xbfuser;date;summary\r\n"
        b"acct-1;2025-01-05;caf\xe9 wifi phishing kit\r\n"
        b"acct-2;2025-01-05;asked for a loader;extra\r\n"
        b"\r\n"
        b"acct-3;2025-01-06;asked for a crypter\r\n"
    )
    records = read(path)
    assert [(r.line, r.field, r.reason) for r in rejected(records)] == [
        (2, "summary", "invalid UTF-8"),
        (3, None, "row has 4 fields, the header has 3"),
    ]
    assert rejected(records)[0].raw == "acct-1;2025-01-05;caf\\xe9 wifi phishing kit"
    [crypter] = events(records)
    assert (crypter.seq, crypter.actor_id, crypter.text) == (5, "acct-3", "asked for a crypter")
    assert crypter.ts == datetime(2025, 1, 6, tzinfo=UTC)
    assert "analyst_techniques" not in crypter.attrs


def test_tables_reader_needs_actor_and_action_columns(tmp_path: Path) -> None:
    path = tmp_path / "notes.csv"
    path.write_text("who,when,what\nacct-1,2025-01-01,scan\n")
    with pytest.raises(IngestError, match=r"No actor column in .*notes.csv \(expected one of"):
        read(path)


def test_tables_reader_reads_parquet_rows(tmp_path: Path) -> None:
    path = tmp_path / "actions.parquet"
    table = pa.table(
        {
            "Actor_ID": ["acct-1", "acct-2", "acct-3"],
            "Timestamp": pa.array(
                [datetime(2025, 4, 1, 9, 30), None, datetime(2025, 4, 2, 11, 0)],
                pa.timestamp("us", tz="UTC"),
            ),
            "Summary": ["Asked for an AMSI bypass", "", "Asked for a DLL sideloading PoC"],
            "Technique_IDs": [["T1562.001"], ["T1059"], ["T1574.002", "T1574.002"]],
            "Severity": [3, 1, 2],
        }
    )
    pq.write_table(table, path)
    records = read(path)
    amsi, dll = events(records)
    assert (amsi.seq, amsi.actor_id, amsi.text) == (1, "acct-1", "Asked for an AMSI bypass")
    assert amsi.ts == datetime(2025, 4, 1, 9, 30, tzinfo=UTC)
    assert amsi.attrs == {"Severity": 3, "analyst_techniques": ["T1562.001"]}
    assert dll.attrs["analyst_techniques"] == ["T1574.002"]
    [empty] = rejected(records)
    assert (empty.line, empty.field, empty.reason) == (2, "Summary", "empty action text")
    assert sniff(path).name == "tables"
