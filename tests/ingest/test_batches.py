"""Cutting line-based files into chunks for worker processes."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

from llmnav.ingest.batches import split_lines


def test_split_lines_cuts_at_line_breaks_and_numbers_lines(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    lines = [f'{{"n": {i}, "pad": "{"x" * (i % 7)}"}}\n'.encode() for i in range(1, 101)]
    path.write_bytes(b"".join(lines))
    chunks = list(split_lines(path, "events", chunk_bytes=200))
    data = path.read_bytes()
    assert chunks[0].start == 0 and chunks[-1].end == len(data)
    for before, after in pairwise(chunks):
        assert before.end == after.start
        assert data[before.end - 1 : before.end] == b"\n"
        assert after.first_line == before.first_line + data[before.start : before.end].count(b"\n")
    line_starts = {sum(len(x) for x in lines[:i]): i + 1 for i in range(len(lines))}
    assert all(line_starts[c.start] == c.first_line for c in chunks)


def test_split_lines_keeps_a_last_line_without_newline(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    path.write_bytes(b'{"a": 1}\n{"a": 2}')
    chunks = list(split_lines(path, "events", chunk_bytes=4))
    assert [(c.start, c.end, c.first_line) for c in chunks] == [(0, 9, 1), (9, 17, 2)]
