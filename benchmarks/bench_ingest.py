"""Benchmark: ingest throughput of native event JSONL, beside two baselines.

One deterministic file of ``--events`` events (chat, API and agent sessions with
tool calls and results) is written, then timed, each best of ``--runs`` into a
fresh database:

- ``llmnav``: ``ingest_files`` (parse, validate, quarantine, stable ids, store,
  segment into actions, summaries), in process;
- ``llmnav_cli``: the ``llmnav ingest`` command, interpreter start-up included;
- baseline ``json_parse``: stdlib ``json.loads`` of every line and nothing else,
  the floor of any Python reader;
- baseline ``duckdb_read_json``: DuckDB's native ``read_json`` of the file into a
  table (no validation, ids, quarantine or segmentation).

Usage::

    python benchmarks/bench_ingest.py [--events 200000] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

COMMANDS = [
    "nmap -sV -p- 10.{a}.{b}.0/24",
    "cat /home/user{a}/.ssh/id_rsa",
    "curl -s http://10.{a}.{b}.7:8080/api/v1/users?page={b}",
    "python3 exploit.py --target 10.{a}.{b}.12 --port 445",
    "grep -rn 'password' /var/www/app{a}/config",
    "tar czf /tmp/stage{a}.tgz /srv/data/{b}",
    "pytest -q tests/test_module{a}.py::test_case_{b}",
]
PROMPTS = [
    "Write a script that enumerates SMB shares on 10.{a}.{b}.0/24 and saves the output.",
    "How do I detect Kerberoasting in my Windows event logs? Show a query.",
    "Refactor this function to stream rows instead of loading them all: def load_{a}(): ...",
    "Give me a PowerShell one-liner that dumps credentials from LSASS on host{b}.",
]


def write_events(path: Path, n: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    with path.open("w") as out:
        session, step = 0, 0
        for i in range(n):
            if step == 0 or rng.random() < 0.04:
                session, step = session + 1, 0
            a, b = rng.randrange(256), rng.randrange(256)
            base = {
                "session_id": f"sess-{session}",
                "actor_id": f"acct-{session % 900}",
                "ts": f"2025-{1 + session % 12:02d}-{1 + session % 28:02d}T10:{step % 60:02d}:00Z",
                "interface": "agent" if session % 3 else "chat",
            }
            phase = step % 3 if session % 3 else step % 2
            if phase == 0:
                record = {**base, "role": "user", "text": rng.choice(PROMPTS).format(a=a, b=b)}
            elif phase == 1 and session % 3:
                cmd = rng.choice(COMMANDS).format(a=a, b=b)
                record = {
                    **base,
                    "role": "assistant",
                    "tool_name": "bash",
                    "tool_input": {"command": cmd},
                    "call_id": f"c{i}",
                }
            elif phase == 1:
                code = rng.choice(COMMANDS).format(a=a, b=b)
                record = {**base, "role": "assistant", "text": f"Try:\n```bash\n{code}\n```"}
            else:
                record = {
                    **base,
                    "role": "tool",
                    "text": f"output line {a}\n" * (1 + b % 4),
                    "call_id": f"c{i - 1}",
                }
            out.write(json.dumps(record) + "\n")
            step += 1


def best_of(runs: int, fn: Callable[[], Any]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def run(events: int = 200_000, runs: int = 3) -> dict[str, Any]:
    import duckdb

    from llmnav.ingest import ingest_files

    work = Path(tempfile.mkdtemp(prefix="llmnav-bench-"))
    try:
        data = work / "events.jsonl"
        write_events(data, events)

        def fresh_db(name: str) -> Path:
            db = work / name
            for p in work.glob(name + "*"):
                p.unlink()
            (work / "rejected.jsonl").unlink(missing_ok=True)
            return db

        def llmnav_lib() -> None:
            summary = ingest_files([data], fresh_db("lib.duckdb"))
            assert summary.stored == events, summary

        def llmnav_cli() -> None:
            cmd = [
                str(Path(sys.executable).with_name("llmnav")),
                "ingest",
                str(data),
                "--db",
                str(fresh_db("cli.duckdb")),
            ]
            subprocess.run(cmd, check=True, capture_output=True)

        def json_parse() -> None:
            with data.open("rb") as handle:
                for line in handle:
                    json.loads(line)

        def duckdb_native() -> None:
            conn = duckdb.connect(str(fresh_db("native.duckdb")))
            conn.execute(
                "CREATE TABLE events AS SELECT * FROM read_json(?, format='newline_delimited')",
                [str(data)],
            )
            conn.close()

        timings = {
            "llmnav": best_of(runs, llmnav_lib),
            "llmnav_cli": best_of(runs, llmnav_cli),
            "json_parse": best_of(runs, json_parse),
            "duckdb_read_json": best_of(runs, duckdb_native),
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)
    rates = {k: events / v for k, v in timings.items()}
    return {
        "events": events,
        "seconds": timings,
        "events_per_s": rates,
        "ratio_vs_json_parse": timings["llmnav"] / timings["json_parse"],
        "ratio_vs_duckdb_read_json": timings["llmnav"] / timings["duckdb_read_json"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(json.dumps(run(args.events, args.runs), indent=2))


if __name__ == "__main__":
    main()
