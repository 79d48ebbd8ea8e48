"""``llmnav map``: map a JSONL file of texts, one action per line, as a stream.

Each input line is a JSON object with ``id`` and a text field (``text`` by
default) and optionally ``kind`` (command, request, code, sentence; guessed
when absent). Each output line is::

    {"id": ..., "techniques": [{"id": "T1003.001", "score": 0.93}, ...],
     "tactics": [{"id": "TA0006", "score": 0.93}, ...], "intent": 0.87}

Malformed lines are reported with their line number and skipped.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import orjson

from llmnav.errors import IngestError
from llmnav.mapping.base import MapInput, TextKind
from llmnav.mapping.engine import MappingEngine, MappingResult
from llmnav.mapping.kinds import guess_kind

__all__ = ["MapSummary", "map_file", "result_json"]

BATCH = 512
KINDS: tuple[TextKind, ...] = ("command", "request", "code", "sentence")


@dataclass
class MapSummary:
    """Counts of one ``map_file`` run; ``bad_lines`` holds (line, reason) of skipped lines."""

    read: int = 0
    mapped: int = 0
    bad_lines: list[tuple[int, str]] = field(default_factory=list)


def result_json(
    result: MappingResult, *, explain: bool = False, ident: object = None
) -> dict[str, Any]:
    """The output contract of one mapped line (DESIGN section 10).

    ``ident`` is the input's ``id`` as it was given (a number stays a number).
    """
    techniques: list[dict[str, Any]] = []
    for ranked in result.techniques:
        entry: dict[str, Any] = {"id": ranked.technique_id, "score": round(ranked.confidence, 4)}
        if explain:
            entry.update(
                source=ranked.source, mappers=list(ranked.mappers), evidence=ranked.evidence
            )
        techniques.append(entry)
    return {
        "id": result.id if ident is None else ident,
        "techniques": techniques,
        "tactics": [{"id": t, "score": round(s, 4)} for t, s in result.tactics],
        "intent": round(result.intent, 4),
    }


_Line = tuple[str, str, TextKind | None, object]
"""(internal id, text, kind or None to guess, the id as given): cheap to send to a worker."""


def parse_line(raw: bytes, line: int, text_field: str) -> _Line | str:
    """The parts of a mappable line, or the reason the line is skipped."""
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        return f"invalid JSON: {exc}"
    if not isinstance(value, dict):
        return f"expected a JSON object, got {type(value).__name__}"
    ident = value.get("id")
    if isinstance(ident, bool) or not isinstance(ident, str | int) or ident == "":
        return "missing or invalid field 'id' (text or integer)"
    text = value.get(text_field)
    if not isinstance(text, str):
        return f"missing or non-text field {text_field!r}"
    kind = value.get("kind")
    if kind is not None and kind not in KINDS:
        return f"field 'kind' must be one of {', '.join(KINDS)}"
    return f"{line}:{ident}", text, kind, ident


_Batch = list[_Line]


def _batches(
    handle: IO[bytes], text_field: str, summary: MapSummary
) -> Iterator[tuple[_Batch, int]]:
    batch: _Batch = []
    for line, raw in enumerate(handle, start=1):
        if not raw.strip():
            continue
        summary.read += 1
        parsed = parse_line(raw, line, text_field)
        if isinstance(parsed, str):
            summary.bad_lines.append((line, parsed))
            continue
        batch.append(parsed)
        if len(batch) >= BATCH:
            yield batch, handle.tell()
            batch = []
    if batch:
        yield batch, handle.tell()


_ENGINE: MappingEngine | None = None


def _init_worker(options: dict[str, Any]) -> None:
    global _ENGINE
    _ENGINE = MappingEngine.default(**options)


def _map_lines(engine: MappingEngine, batch: _Batch, explain: bool) -> list[bytes]:
    items = [MapInput(key, text, kind or guess_kind(text)) for key, text, kind, _ in batch]
    return [
        orjson.dumps(result_json(r, explain=explain, ident=line[3]))
        for r, line in zip(engine.map(items), batch, strict=True)
    ]


def _map_in_worker(batch: _Batch, explain: bool) -> list[bytes]:
    assert _ENGINE is not None
    return _map_lines(_ENGINE, batch, explain)


def map_file(
    source: Path,
    out: Path,
    *,
    text_field: str = "text",
    workers: int = 1,
    explain: bool = False,
    sigma_dir: Path | None = None,
    llm_config: Path | None = None,
    semantic: bool = False,
    engine: MappingEngine | None = None,
    on_progress: Callable[[int, int, MapSummary], None] | None = None,
) -> MapSummary:
    """Map every line of ``source`` into ``out`` (JSONL), in input order."""
    if not source.is_file():
        raise IngestError(f"File not found: {source}")
    total = source.stat().st_size
    summary = MapSummary()
    options: dict[str, Any] = {
        "sigma_dir": sigma_dir,
        "llm_config": llm_config,
        "semantic": semantic,
    }
    with source.open("rb") as handle, out.open("wb") as sink:
        batches = _batches(handle, text_field, summary)
        if workers <= 1:
            engine = engine or MappingEngine.default(**options)
            for batch, position in batches:
                for line in _map_lines(engine, batch, explain):
                    sink.write(line + b"\n")
                summary.mapped += len(batch)
                if on_progress:
                    on_progress(position, total, summary)
            return summary
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(
            workers, mp_context=context, initializer=_init_worker, initargs=(options,)
        ) as pool:
            pending: deque[tuple[Future[list[bytes]], int, int]] = deque()

            def drain_one() -> None:
                future, size, position = pending.popleft()
                for line in future.result():
                    sink.write(line + b"\n")
                summary.mapped += size
                if on_progress:
                    on_progress(position, total, summary)

            for batch, position in batches:
                pending.append((pool.submit(_map_in_worker, batch, explain), len(batch), position))
                if len(pending) > 2 * workers:
                    drain_one()
            while pending:
                drain_one()
    return summary
