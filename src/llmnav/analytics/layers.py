"""Population Navigator layers: per actor, per cohort, prevalence, technique ARiES, over-indexing.

Every layer is built by ``llmnav.navigator.layer.build_layer`` (format 4.5,
validated by its model) and written under one folder:

=================================  ===============================================
file                               score of each technique
=================================  ===============================================
``population-prevalence.json``     % of actors using it
``technique-aries.json``           mean ARiES of the actors using it
``high-risk-overindexing.json``    prevalence among high/critical / prevalence overall
``cohort-tier-<tier>.json``        % of the tier's actors using it
``cohort-period-<n>.json``         % of the period's actors using it (n from 1)
``cohort-interface-<name>.json``   % of the interface group's actors using it
``actor-<actor id>.json``          the actor's observations (actions mapped to it)
=================================  ===============================================

>>> files = write_population_layers(population, analytics, catalog, "out/layers")  # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from llmnav.analytics.periods import Period, period_index
from llmnav.analytics.population import TIERS, ActorRecord, Population
from llmnav.navigator.layer import Gradient, Layer, TechniqueScore, build_layer, write_layer

if TYPE_CHECKING:
    from llmnav.catalog import Catalog

__all__ = ["actor_layer_name", "population_layers", "write_population_layers"]

_RED = ("#ffffff", "#ffe766", "#ff6666")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def actor_layer_name(actor_id: str) -> str:
    """The file name of an actor's layer: the id where it is file-safe, with a hash otherwise.

    >>> actor_layer_name("acct-1"), actor_layer_name("../evil id")
    ('actor-acct-1.json', 'actor-evil_id-de30f3c5.json')
    """
    cleaned = _UNSAFE.sub("_", actor_id).strip("._")[:60]
    if cleaned != actor_id:
        digest = hashlib.sha256(actor_id.encode("utf-8")).hexdigest()[:8]
        cleaned = f"{cleaned or 'actor'}-{digest}"
    return f"actor-{cleaned}.json"


def _attack_version(catalog: Catalog) -> str:
    return catalog.version.split(".", 1)[0] or "18"


def _share_scores(actors: Sequence[ActorRecord], names: Mapping[str, str]) -> list[TechniqueScore]:
    counts: dict[str, int] = {}
    observations: dict[str, int] = {}
    aries: dict[str, float] = {}
    for actor in actors:
        for technique, n in actor.techniques.items():
            counts[technique] = counts.get(technique, 0) + 1
            observations[technique] = observations.get(technique, 0) + n
            aries[technique] = aries.get(technique, 0.0) + actor.aries
    total = len(actors)
    items = []
    for technique in sorted(counts, key=lambda t: (-counts[t], t)):
        share = 100.0 * counts[technique] / total
        items.append(
            TechniqueScore(
                technique,
                round(share, 1),
                comment=f"{names.get(technique, technique)}: {counts[technique]} of {total} "
                f"actors ({share:.1f}%)",
                metadata={
                    "actors": counts[technique],
                    "observations": observations[technique],
                    "mean ARiES of users": round(aries[technique] / counts[technique], 2),
                },
            )
        )
    return items


def _cohort_metadata(actors: Sequence[ActorRecord]) -> dict[str, str | int | float]:
    n = len(actors)
    return {
        "actors": n,
        "observations": sum(a.observations for a in actors),
        "mean ARiES": round(sum(a.aries for a in actors) / n, 2) if n else 0.0,
    }


def _percent_gradient() -> Gradient:
    return Gradient(colors=list(_RED), minValue=0, maxValue=100)


def population_layers(
    population: Population, analytics: Mapping[str, Any], catalog: Catalog
) -> list[tuple[str, Layer]]:
    """Every population layer as (file name, layer), population layers first, then actors."""
    domain = catalog.domain
    version = _attack_version(catalog)
    names = {t: str(row.get("name") or t) for t, row in analytics.get("techniques", {}).items()}
    actors = population.actors
    meta = _cohort_metadata(actors)
    common: dict[str, Any] = {"domain": domain, "attack_version": version}
    layers: list[tuple[str, Layer]] = []

    legend_share = {"used by no actor": _RED[0], "about half": _RED[1], "every actor": _RED[2]}
    layers.append(
        (
            "population-prevalence.json",
            build_layer(
                name="Population: technique prevalence (% of actors)",
                description=f"Share of the {len(actors):,} actors whose mapped actions used "
                "each technique (0-100).",
                techniques=_share_scores(actors, names),
                gradient=_percent_gradient(),
                legend=legend_share,
                metadata=meta,
                **common,
            ),
        )
    )

    technique_rows: Mapping[str, Any] = analytics.get("techniques", {})
    aries_items = [
        TechniqueScore(
            technique,
            row["mean_aries"],
            comment=f"{row.get('name') or technique}: mean ARiES {row['mean_aries']:.1f} "
            f"over {row['actors']} actors",
            metadata={"actors": row["actors"], "observations": row["observations"]},
        )
        for technique, row in technique_rows.items()
        if row.get("mean_aries") is not None
    ]
    layers.append(
        (
            "technique-aries.json",
            build_layer(
                name="Population: technique ARiES (mean score of its actors)",
                description="Mean ARiES (0-100) of the actors whose mapped actions used each "
                "technique.",
                techniques=aries_items,
                gradient=Gradient(colors=list(_RED), minValue=0, maxValue=100),
                legend={"ARiES 0": _RED[0], "ARiES 50": _RED[1], "ARiES 100": _RED[2]},
                metadata=meta,
                **common,
            ),
        )
    )

    over = analytics.get("over_indexing", {})
    over_items = []
    top = 2.0
    for technique, row in over.get("techniques", {}).items():
        if row.get("ratio") is None:
            continue
        top = max(top, float(row["ratio"]))
        over_items.append(
            TechniqueScore(
                technique,
                row["ratio"],
                comment=f"{row.get('name') or technique}: {row['share_high_risk'] * 100:.1f}% "
                f"of high-risk actors vs {row['share_all'] * 100:.1f}% of all "
                f"(x{row['ratio']:.2f}, p={row['p_value']})",
                metadata={
                    "actors": row["actors"],
                    "high-risk actors": row["high_risk_actors"],
                    "p-value": row["p_value"] if row["p_value"] is not None else "n/a",
                },
            )
        )
    layers.append(
        (
            "high-risk-overindexing.json",
            build_layer(
                name="High-risk over-indexing (high+critical prevalence / overall)",
                description="How much more common each technique is among high and critical "
                f"actors than overall (1 = as common; techniques with at least "
                f"{over.get('min_support', 0)} actors).",
                techniques=over_items,
                gradient=Gradient(colors=list(_RED), minValue=0, maxValue=top),
                legend={"absent among high-risk": _RED[0], "over-indexed": _RED[2]},
                metadata={**meta, "high-risk actors": over.get("high_risk_actors", 0)},
                **common,
            ),
        )
    )

    def cohort(file: str, title: str, members: list[ActorRecord], what: str) -> None:
        if not members:
            return
        layers.append(
            (
                file,
                build_layer(
                    name=title[:200],
                    description=f"Share of the {len(members):,} {what} using each technique "
                    "(0-100).",
                    techniques=_share_scores(members, names),
                    gradient=_percent_gradient(),
                    legend=legend_share,
                    metadata=_cohort_metadata(members),
                    **common,
                ),
            )
        )

    for tier in TIERS:
        members = [a for a in actors if a.tier == tier]
        cohort(f"cohort-tier-{tier}.json", f"Cohort: tier {tier}", members, f"{tier}-tier actors")
    periods = [
        Period(p["label"], datetime.fromisoformat(p["start"]), datetime.fromisoformat(p["end"]))
        for p in analytics.get("periods", [])
    ]
    for index, period in enumerate(periods):
        members = [a for a in actors if period_index(a.first_seen, periods) == index]
        cohort(
            f"cohort-period-{index + 1}.json",
            f"Cohort: period {index + 1} ({period.label})",
            members,
            f"actors first seen in {period.label}",
        )
    for interface in sorted({a.interface for a in actors}):
        members = [a for a in actors if a.interface == interface]
        file_part = _UNSAFE.sub("_", interface) or "unknown"
        cohort(
            f"cohort-interface-{file_part}.json",
            f"Cohort: interface {interface}",
            members,
            f"actors on the {interface} interface",
        )

    for actor in actors:
        if not actor.techniques:
            continue
        top_obs = max(actor.techniques.values())
        layers.append(
            (
                actor_layer_name(actor.actor_id),
                build_layer(
                    name=f"Actor {actor.actor_id}: ARiES {actor.aries:.1f} ({actor.tier})"[:200],
                    description=f"Techniques mapped to the actions of actor {actor.actor_id}; "
                    "score = observations (actions mapped to the technique).",
                    techniques=[
                        TechniqueScore(
                            technique,
                            count,
                            comment=f"{names.get(technique, technique)}: {count} action(s)",
                        )
                        for technique, count in sorted(
                            actor.techniques.items(), key=lambda kv: (-kv[1], kv[0])
                        )
                    ],
                    gradient=Gradient(colors=list(_RED), minValue=0, maxValue=max(1, top_obs)),
                    metadata={
                        "actor": actor.actor_id,
                        "ARiES": actor.aries,
                        "tier": actor.tier,
                        "threat": actor.threat,
                        "vulnerability": actor.vulnerability,
                        "impact": actor.impact,
                        "techniques": actor.n_techniques,
                        "tactics": actor.n_tactics,
                        "interface": actor.interface,
                        "AIO": ", ".join(actor.aio) or "none",
                        "first seen": actor.first_seen.isoformat() if actor.first_seen else "",
                        "last seen": actor.last_seen.isoformat() if actor.last_seen else "",
                    },
                    **common,
                ),
            )
        )
    return layers


def write_population_layers(
    population: Population,
    analytics: Mapping[str, Any],
    catalog: Catalog,
    layers_dir: str | os.PathLike[str],
) -> list[Path]:
    """Write every population layer under ``layers_dir``; returns the files, in write order."""
    folder = Path(layers_dir)
    folder.mkdir(parents=True, exist_ok=True)
    return [
        write_layer(layer, folder / name)
        for name, layer in population_layers(population, analytics, catalog)
    ]
