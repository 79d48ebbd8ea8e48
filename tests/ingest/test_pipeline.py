"""Ingest runs: quarantine, idempotency, strictness, and survival of a killed run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from llmnav.errors import RecordError
from llmnav.ingest import ingest_files, reader_names
from llmnav.store.duckdb import Store


def write_events(path: Path, n: int, corrupt: frozenset[int] = frozenset()) -> None:
    """``n`` event lines; the 1-based line numbers in ``corrupt`` are damaged."""
    with path.open("w") as out:
        for line in range(1, n + 1):
            record = {
                "session_id": f"s{line // 10}",
                "actor_id": f"a{line // 50}",
                "role": ("user", "assistant", "tool")[line % 3],
                "text": f"step {line}",
                "ts": f"2025-05-01T00:{line % 60:02d}:00Z",
            }
            if line % 3 == 1:
                record.update(tool_name="bash", tool_input=f"echo {line}")
            text = json.dumps(record)
            out.write((text[: len(text) // 2] if line in corrupt else text) + "\n")


def test_ingest_stores_good_records_and_reports_bad_ones_with_line_numbers(tmp_path: Path) -> None:
    events = tmp_path / "events.jsonl"
    write_events(events, 1000, corrupt=frozenset({17, 500, 999}))
    summary = ingest_files([events], tmp_path / "x.duckdb")
    assert (summary.read, summary.stored, summary.rejected) == (1000, 997, 3)
    assert summary.read == summary.stored + summary.rejected
    lines = [json.loads(x) for x in (tmp_path / "rejected.jsonl").read_text().splitlines()]
    assert [r["line"] for r in lines] == [17, 500, 999]
    assert all(r["file"] == str(events) and r["reason"].startswith("invalid JSON") for r in lines)
    with Store.open(tmp_path / "x.duckdb", read_only=True) as store:
        assert store.count("events") == 997
        assert store.count("rejected") == 3


def test_ingest_twice_adds_nothing(tmp_path: Path, ingest_data: Path) -> None:
    inputs = [ingest_data / "agent-sessions.jsonl", ingest_data / "native-events.jsonl"]
    first = ingest_files(inputs, tmp_path / "x.duckdb")
    with Store.open(tmp_path / "x.duckdb", read_only=True) as store:
        counts = {t: store.count(t) for t in ("events", "actions", "rejected", "sessions")}
    second = ingest_files(inputs, tmp_path / "x.duckdb")
    assert first.new == first.stored > 0
    assert second.new == 0
    assert second.stored == first.stored
    with Store.open(tmp_path / "x.duckdb", read_only=True) as store:
        assert {t: store.count(t) for t in counts} == counts
        assert store.count("ingest_runs") == 2


def test_ingest_a_renamed_copy_adds_nothing(tmp_path: Path, ingest_data: Path) -> None:
    copy = tmp_path / "copy.jsonl"
    copy.write_bytes((ingest_data / "agent-sessions.jsonl").read_bytes())
    ingest_files([ingest_data / "agent-sessions.jsonl"], tmp_path / "x.duckdb")
    assert ingest_files([copy], tmp_path / "x.duckdb").new == 0


def test_ingest_builds_actions_sessions_and_actors(tmp_path: Path, ingest_data: Path) -> None:
    summary = ingest_files([ingest_data / "agent-sessions.jsonl"], tmp_path / "x.duckdb")
    assert summary.sessions == 4
    with Store.open(tmp_path / "x.duckdb", read_only=True) as store:
        op = store.query(
            "SELECT kind, text, result FROM actions WHERE session_id = 'op-7' ORDER BY seq"
        )
        session = store.query("SELECT * FROM sessions WHERE session_id = 'op-7'")[0]
        actor = store.query("SELECT * FROM actors WHERE actor_id = 'acct-19'")[0]
    assert [a["kind"] for a in op] == ["request", "tool_call", "tool_call", "code"]
    assert op[2]["text"] == "cat /home/deploy/.ssh/id_rsa"
    assert op[2]["result"].startswith("-----BEGIN OPENSSH PRIVATE KEY-----")
    assert session["n_tool_calls"] == 2
    assert session["interface"] == "agent"
    assert json.loads(session["session_attrs"]) == {"label": "offensive"}
    assert (actor["n_sessions"], actor["n_actions"]) == (1, 4)


def test_ingest_session_spread_over_batches_and_files_is_segmented_whole(tmp_path: Path) -> None:
    lines = [
        {"session_id": "s", "seq": 1, "role": "assistant", "tool_name": "sh", "tool_input": "id"},
        {"session_id": "s", "seq": 2, "role": "tool", "text": "uid=0(root)"},
        {"session_id": "s", "seq": 0, "role": "user", "text": "who am I?"},
    ]
    part1, part2 = tmp_path / "p1.jsonl", tmp_path / "p2.jsonl"
    part1.write_text(json.dumps(lines[0]) + "\n")
    part2.write_text("\n".join(json.dumps(x) for x in lines[1:]) + "\n")
    ingest_files([part1, part2], tmp_path / "x.duckdb", batch_size=1)
    with Store.open(tmp_path / "x.duckdb", read_only=True) as store:
        actions = store.query("SELECT kind, text, result FROM actions ORDER BY seq")
    assert actions == [
        {"kind": "request", "text": "who am I?", "result": None},
        {"kind": "tool_call", "text": "id", "result": "uid=0(root)"},
    ]


def test_ingest_strict_stops_at_the_first_bad_record_and_keeps_the_good_ones(
    tmp_path: Path,
) -> None:
    events = tmp_path / "events.jsonl"
    write_events(events, 50, corrupt=frozenset({20}))
    with pytest.raises(RecordError, match=r"invalid JSON: .* in .*events.jsonl:20"):
        ingest_files([events], tmp_path / "x.duckdb", strict=True)
    with Store.open(tmp_path / "x.duckdb", read_only=True) as store:
        assert store.count("events") == 19


def test_ingest_reports_missing_and_empty_files_and_reads_the_others(
    tmp_path: Path, ingest_data: Path
) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.touch()
    summary = ingest_files(
        [tmp_path / "missing.jsonl", empty, ingest_data / "native-events.jsonl"],
        tmp_path / "x.duckdb",
    )
    missing, empty_file, good = summary.files
    assert missing.error == f"File not found: {tmp_path / 'missing.jsonl'}"
    assert empty_file.warning == "empty file, nothing to read" and empty_file.error is None
    assert good.stored == 5
    assert summary.failed_files == [missing]


def test_ingest_names_the_file_it_cannot_recognise(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.bin"
    garbage.write_bytes(bytes(range(256)) * 40)
    html = tmp_path / "page.json"
    html.write_text("<html><body>not telemetry</body></html>")
    summary = ingest_files([garbage, html], tmp_path / "x.duckdb")
    assert summary.files[0].error is not None
    assert summary.files[0].error.startswith(f"Cannot tell the format of {garbage}")
    assert summary.files[1].error == (
        f"Cannot tell the format of {html} (it starts with '<html><body>not tele'); "
        "pass --format " + "|".join(reader_names())
    )


def test_ingest_with_format_override_quarantines_garbage_lines(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.bin"
    garbage.write_bytes(b"\x00\x01\xff\xfe\n" * 3 + b'{"session_id": "s", "role": "user"}\n')
    summary = ingest_files([garbage], tmp_path / "x.duckdb", format="events")
    assert (summary.stored, summary.rejected) == (1, 3)


def stored(marker: Path) -> int:
    """Events the child reports stored; 0 before its first report or mid-write."""
    try:
        return int(marker.read_text())
    except (FileNotFoundError, ValueError):
        return 0


KILL_SCRIPT = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from llmnav.ingest import ingest_files

    marker = Path(sys.argv[3])

    def progress(done, total, summary):
        marker.write_text(str(summary.stored))

    ingest_files([sys.argv[1]], sys.argv[2], batch_size=2000, on_progress=progress)
    """
)


@pytest.mark.slow
def test_ingest_killed_half_way_then_rerun_stores_every_record_once(tmp_path: Path) -> None:
    n = 60_000
    events = tmp_path / "big.jsonl"
    write_events(events, n)
    db, marker = tmp_path / "x.duckdb", tmp_path / "progress"
    script = tmp_path / "run.py"
    script.write_text(KILL_SCRIPT)
    proc = subprocess.Popen([sys.executable, str(script), str(events), str(db), str(marker)])
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None and stored(marker) < n // 3:
        time.sleep(0.01)
    assert proc.poll() is None, "the ingest finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    with Store.open(db, read_only=True) as store:
        partial = store.count("events")
    assert 0 < partial < n

    summary = ingest_files([events], db)
    assert summary.new == n - partial
    fresh = ingest_files([events], tmp_path / "fresh.duckdb")
    with Store.open(db, read_only=True) as store, Store.open(tmp_path / "fresh.duckdb") as ref:
        assert store.count("events") == n
        assert store.query("SELECT count(DISTINCT event_id) AS n FROM events")[0]["n"] == n
        assert store.count("actions") == ref.count("actions") == fresh.actions
        assert store.count("sessions") == ref.count("sessions")


def table_rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    with Store.open(db, read_only=True) as store:
        return [tuple(row.values()) for row in store.query(sql)]


def test_ingest_in_worker_processes_stores_the_same_rows_as_serial(tmp_path: Path) -> None:
    events = tmp_path / "events.jsonl"
    write_events(events, 3000, corrupt=frozenset({5, 1234}))
    serial = ingest_files([events], tmp_path / "serial.duckdb", workers=1)
    parallel = ingest_files(
        [events], tmp_path / "parallel.duckdb", workers=2, chunk_bytes=16 * 1024
    )
    assert (parallel.read, parallel.stored, parallel.rejected) == (3000, 2998, 2)
    assert (parallel.stored, parallel.actions) == (serial.stored, serial.actions)
    for sql in (
        "SELECT * EXCLUDE (source) FROM events ORDER BY event_id",
        "SELECT * FROM actions ORDER BY action_id",
        "SELECT file, line, field, reason FROM rejected ORDER BY line",
        "SELECT * FROM sessions ORDER BY session_id",
    ):
        assert table_rows(tmp_path / "parallel.duckdb", sql) == table_rows(
            tmp_path / "serial.duckdb", sql
        )
