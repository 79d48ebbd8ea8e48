"""``analyze``: the whole pipeline, from telemetry files to a folder of results.

ingest -> map -> orchestrate (AIO) -> score (ARiES) -> outputs. Everything
lands in ``out_dir``: the DuckDB store (``llmnav.duckdb``), ``rejected.jsonl``,
``actors.csv`` (the triage queue, ranked by ARiES), ``techniques.csv``
(each technique's risk weight, actors and their mean ARiES), ``analytics.json`` and
``report.html`` (the population analytics), the AIO STIX bundle and the
Navigator layers under ``layers/``.

>>> result = analyze(["examples/telemetry"], "out")          # doctest: +SKIP
>>> result.ingest.stored, len(result.aio_hits)                # doctest: +SKIP
(58, 3)
"""

from __future__ import annotations

import os
import re
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from llmnav.analytics import Population
from llmnav.config import Config, load_config
from llmnav.errors import IngestError
from llmnav.ingest import IngestSummary, ingest_files
from llmnav.records import AioHit
from llmnav.scoring import ActorScore, IntelFeed, LlmGrader
from llmnav.store.duckdb import Store

__all__ = ["STAGES", "AnalyzeResult", "analyze", "write_aio_layers"]

STAGES = ("ingest", "map", "orchestrate", "score", "outputs")
"""The stages ``on_stage`` is told about, in order."""

DB_NAME = "llmnav.duckdb"


@dataclass
class AnalyzeResult:
    """What one ``analyze`` run did: counts, the files it wrote, seconds per stage."""

    out_dir: Path
    db: Path
    ingest: IngestSummary
    mapped: int
    aio_hits: list[AioHit]
    scores: list[ActorScore]
    population: Population
    files: list[Path] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)


def analyze(
    inputs: Iterable[str | Path],
    out_dir: str | Path,
    *,
    config: Config | None = None,
    intel: IntelFeed | None = None,
    grader: LlmGrader | None = None,
    format: str | None = None,
    workers: int | None = None,
    periods: int | str = 2,
    on_stage: Callable[[str], None] | None = None,
) -> AnalyzeResult:
    """Run the pipeline over ``inputs`` (files or folders) and write the results.

    ``intel`` is an indicator feed (``llmnav.scoring.load_intel``) for the
    threat-intel part of ARiES; ``grader`` an optional LLM grader of technical
    sophistication (``llmnav.scoring.LlmGrader``). ``workers`` processes parse large files and
    map actions (default: one per CPU); the results do not depend on it.
    ``periods`` splits the time range for the period analytics: a number of
    equal parts (halves by default) or a length such as ``"30d"``.
    """
    from llmnav.analytics import (
        compute_analytics,
        population_from_profiles,
        write_analytics,
        write_population_layers,
        write_report,
    )
    from llmnav.catalog import load_catalog
    from llmnav.mapping.engine import MappingEngine
    from llmnav.mapping.stored import map_stored_actions
    from llmnav.orchestration.detect import detect_store
    from llmnav.scoring import (
        build_profiles,
        save_scores,
        score_profiles,
        technique_scores,
        write_actors_csv,
        write_techniques_csv,
    )

    paths = _expand(inputs)
    if not paths:
        raise IngestError("No telemetry files to analyze: the inputs are empty folders")
    config = config or load_config()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    db = out / DB_NAME
    seconds: dict[str, float] = {}

    def stage(name: str) -> float:
        if on_stage is not None:
            on_stage(name)
        return time.perf_counter()

    started = stage("ingest")
    summary = ingest_files(paths, db, format=format, workers=workers)
    seconds["ingest"] = time.perf_counter() - started
    with Store.open(db) as store:
        started = stage("map")
        mapped = map_stored_actions(
            store, MappingEngine.default(), workers=workers or os.cpu_count() or 1
        )
        seconds["map"] = time.perf_counter() - started
        started = stage("orchestrate")
        hits = detect_store(store, config)
        seconds["orchestrate"] = time.perf_counter() - started
        started = stage("score")
        catalog = load_catalog()
        profiles = build_profiles(store, catalog, config.aries)
        scores = score_profiles(profiles, config, catalog, intel, grader=grader)
        save_scores(store, scores)
        techniques = technique_scores(scores, profiles, config, catalog)
        seconds["score"] = time.perf_counter() - started
        started = stage("outputs")
        files = [
            write_actors_csv(scores, out / "actors.csv"),
            write_techniques_csv(techniques, out / "techniques.csv"),
        ]
        population = population_from_profiles(profiles, scores, catalog)
        analytics = compute_analytics(population, catalog, periods=periods)
        files.append(write_analytics(analytics, out / "analytics.json"))
        layers = write_aio_layers(store, hits, out / "layers")
        layers += write_population_layers(population, analytics, catalog, out / "layers")
        files += layers
        files.append(write_report(analytics, population, out / "report.html", layers=layers))
        seconds["outputs"] = time.perf_counter() - started
    return AnalyzeResult(out, db, summary, mapped, hits, scores, population, files, seconds)


def _expand(inputs: Iterable[str | Path]) -> list[Path]:
    """Files as given; folders as the files inside them, sorted (hidden ones skipped)."""
    paths: list[Path] = []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            paths.extend(
                p for p in sorted(path.rglob("*")) if p.is_file() and not p.name.startswith(".")
            )
        else:
            paths.append(path)
    return paths


def write_aio_layers(store: Store, hits: Sequence[AioHit], layers_dir: Path) -> list[Path]:
    """The AIO STIX bundle, the population layer, and one layer per actor with behaviours.

    Population score: the share of actors showing a behaviour (0-100); actor
    score: the strongest occurrence of the behaviour in the actor's sessions.
    """
    from llmnav.navigator.layer import write_layer
    from llmnav.orchestration.export import aio_layer, write_aio_bundle

    layers_dir.mkdir(parents=True, exist_ok=True)
    files = [write_aio_bundle(layers_dir.parent / "aio-bundle.json")]
    n_actors = store.count("actors") if _has_actors(store) else 0
    by_actor: dict[str, dict[str, list[AioHit]]] = defaultdict(lambda: defaultdict(list))
    for hit in hits:
        by_actor[hit.actor_id][hit.behaviour_id].append(hit)
    actors_with: dict[str, int] = defaultdict(int)
    for behaviours in by_actor.values():
        for behaviour in behaviours:
            actors_with[behaviour] += 1
    population = aio_layer(
        name="AIO behaviours: population",
        strengths={b: n / n_actors for b, n in actors_with.items()} if n_actors else {},
        counts=dict(actors_with),
        description=f"Share of the {n_actors:,} actors showing each AI-orchestration behaviour.",
        metadata={"actors": n_actors, "actors with AIO": len(by_actor)},
    )
    files.append(write_layer(population, layers_dir / "aio-population.json"))
    for actor, behaviours in sorted(by_actor.items()):
        strongest = {b: max(h.strength for h in hs) for b, hs in behaviours.items()}
        layer = aio_layer(
            name=f"AIO behaviours: {actor}"[:200],
            strengths=strongest,
            counts={b: len({h.session_id for h in hs}) for b, hs in behaviours.items()},
            comments={b: max(hs, key=lambda h: h.strength).detail for b, hs in behaviours.items()},
            description="Strongest occurrence of each behaviour; count = sessions showing it.",
            metadata={"actor": actor},
        )
        files.append(write_layer(layer, layers_dir / f"aio-actor-{_file_part(actor)}.json"))
    return files


def _has_actors(store: Store) -> bool:
    return bool(store.query("SELECT 1 FROM information_schema.tables WHERE table_name = 'actors'"))


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def _file_part(actor_id: str) -> str:
    """An actor id as a file-name part: readable where safe, with a hash when changed."""
    from llmnav.records import stable_id

    cleaned = _UNSAFE.sub("_", actor_id).strip("._")[:60]
    if cleaned == actor_id:
        return cleaned
    return f"{cleaned or 'actor'}-{stable_id('a', actor_id)[2:10]}"
