"""Population analytics: every figure of ``analytics.json`` (keys documented in docs/analytics.md).

Computed from what the pipeline mapped and scored, never from labels. Each
share or mean comes with its count, a 95% bootstrap interval (actors
resampled, ``resamples`` times, seeded) and, where a comparison is made, a
significance test.

>>> from llmnav.analytics.population import ActorRecord, Population
>>> from llmnav.catalog import load_catalog
>>> actors = [ActorRecord(f"a{i}", 20.0 + 10 * i, "low" if i < 3 else "high",
...                       techniques={"T1059": 1, **({"T1003": 2} if i > 2 else {})},
...                       tactics={"TA0002": 1, **({"TA0006": 2} if i > 2 else {})})
...           for i in range(6)]
>>> analytics = compute_analytics(Population(tuple(actors)), load_catalog(), resamples=200)
>>> analytics["actors"], analytics["technique_prevalence"]
(6, {'T1059': 1.0, 'T1003': 0.5})
>>> analytics["tactic_uplift"]["TA0006"]
{'n': 3, 'mean_with': 60.0, 'mean_without': 30.0, 'uplift': 30.0}
"""

from __future__ import annotations

import json
import math
import os
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from llmnav.analytics import stats
from llmnav.analytics.periods import Period, PeriodSpec, period_index, split_periods
from llmnav.analytics.population import HIGH_TIERS, TIERS, Population
from llmnav.files import atomic_write

if TYPE_CHECKING:
    from llmnav.catalog import Catalog

__all__ = [
    "ANALYTICS_VERSION",
    "CONTRACT_KEYS",
    "LATE_STAGE_TACTICS",
    "compute_analytics",
    "write_analytics",
]

ANALYTICS_VERSION = 1
"""Bumped when a key of analytics.json changes meaning."""

CONTRACT_KEYS: tuple[str, ...] = (
    "actors",
    "observations",
    "mean_aries",
    "tactic_prevalence",
    "technique_prevalence",
    "median_techniques_per_actor",
    "breadth_risk",
    "tactic_uplift",
    "tier_share_by_period",
)
"""The keys DESIGN section 10 makes public interface."""

LATE_STAGE_TACTICS: tuple[str, ...] = ("TA0040", "TA0010", "TA0004", "TA0008")
"""Impact, exfiltration, privilege escalation, lateral movement."""

Floats = stats.Floats


def _r(value: float | None, digits: int = 4) -> float | None:
    """A JSON-safe rounded number (None for missing, NaN or infinite)."""
    if value is None:
        return None
    value = float(value)
    if not math.isfinite(value):
        return None
    return round(value, digits)


def _p(value: float | None) -> float | None:
    """A p-value to four significant digits."""
    if value is None or not math.isfinite(value):
        return None
    return float(f"{value:.4g}")


def _key(value: Any) -> float:
    """A sort key for an optional number (missing sorts as lowest)."""
    return float(value) if isinstance(value, int | float) else -1e18


def _ci(low: float, high: float, digits: int = 4) -> list[float | None] | None:
    a, b = _r(low, digits), _r(high, digits)
    return None if a is None or b is None else [a, b]


@dataclass
class _Frame:
    """The population as arrays, rows in ``Population.actors`` order."""

    ids: list[str]
    aries: Floats
    tiers: list[str]
    n_tech: Floats
    soph: Floats
    techniques: list[str]
    tech_users: Floats  # actors x techniques, 1.0 when used
    tech_obs: Floats  # actors x techniques, observations
    tactics: list[str]
    tactic_users: Floats
    tactic_obs: Floats
    weights: Floats  # resamples x actors


def _frame(population: Population, tactic_order: Sequence[str], weights: Floats) -> _Frame:
    actors = population.actors
    techniques = sorted({t for a in actors for t in a.techniques})
    seen = {t for a in actors for t in a.tactics}
    tactics = [t for t in tactic_order if t in seen] + sorted(seen - set(tactic_order))
    t_index = {t: i for i, t in enumerate(techniques)}
    c_index = {t: i for i, t in enumerate(tactics)}
    tech_obs = np.zeros((len(actors), len(techniques)))
    tactic_obs = np.zeros((len(actors), len(tactics)))
    for row, actor in enumerate(actors):
        for technique, count in actor.techniques.items():
            tech_obs[row, t_index[technique]] = count
        for tactic, count in actor.tactics.items():
            tactic_obs[row, c_index[tactic]] = count
    return _Frame(
        ids=[a.actor_id for a in actors],
        aries=np.array([a.aries for a in actors], dtype=np.float64),
        tiers=[a.tier for a in actors],
        n_tech=np.array([a.n_techniques for a in actors], dtype=np.float64),
        soph=np.array([a.sophistication for a in actors], dtype=np.float64),
        techniques=techniques,
        tech_users=(tech_obs > 0).astype(np.float64),
        tech_obs=tech_obs,
        tactics=tactics,
        tactic_users=(tactic_obs > 0).astype(np.float64),
        tactic_obs=tactic_obs,
        weights=weights,
    )


def compute_analytics(
    population: Population,
    catalog: Catalog,
    periods: PeriodSpec = 2,
    seed: int = 0,
    *,
    resamples: int = 1000,
    min_support: int = 5,
    top_n: int = 10,
    broad_threshold: int = 30,
    confidence: float = 0.95,
) -> dict[str, Any]:
    """Every population analysis as a JSON-ready dict (see docs/analytics.md for each key).

    Parameters
    ----------
    periods:
        A number of equal periods over the population's active time (2: halves) or a
        period length (``timedelta`` or text such as ``"30d"``, ``"4w"``, ``"3m"``).
    seed:
        Seeds the bootstrap; the same inputs and seed give the same output.
    resamples:
        Bootstrap resamples for every interval.
    min_support:
        Fewest actors a technique needs for its uplift, over-indexing and drift.
    top_n:
        How many top actors the sophistication rank-agreement check compares.
    broad_threshold:
        Techniques above which a low-tier actor is listed as broad but low-risk.

    >>> analytics = compute_analytics(population, catalog, periods="90d")   # doctest: +SKIP
    """
    rng = np.random.default_rng(seed)
    n = population.n_actors
    weights = stats.resample_weights(n, resamples, rng)
    tactic_order = [t.id for t in catalog.tactics]
    frame = _frame(population, tactic_order, weights)
    names = _Names(catalog, population)
    period_list = split_periods(population.span(), periods)
    assignment = [period_index(a.first_seen, period_list) for a in population.actors]
    context = _Context(
        population, frame, names, rng, period_list, assignment, min_support, confidence
    )

    mean_aries = float(frame.aries.mean()) if n else 0.0
    median_tech = stats.median(frame.n_tech) if n else 0.0
    pearson_r, _ = stats.pearson(frame.n_tech, frame.aries)
    spearman_r, _ = stats.spearman(frame.n_tech, frame.aries)
    tier_share = context.tier_share_by_period()

    return {
        # The DESIGN section 10 contract.
        "actors": n,
        "observations": population.observations,
        "mean_aries": _r(mean_aries, 2),
        "tactic_prevalence": {
            t: _r(v) for t, v in zip(frame.tactics, _share(frame.tactic_users), strict=True)
        },
        "technique_prevalence": context.technique_prevalence(),
        "median_techniques_per_actor": _r(median_tech, 1),
        "breadth_risk": {"pearson": _r(pearson_r), "spearman": _r(spearman_r)},
        "tactic_uplift": context.tactic_uplift(),
        "tier_share_by_period": tier_share,
        # Everything else, documented in docs/analytics.md.
        "analytics_version": ANALYTICS_VERSION,
        "settings": {
            "seed": seed,
            "resamples": resamples,
            "confidence": confidence,
            "min_support": min_support,
            "top_n": top_n,
            "broad_threshold": broad_threshold,
            "periods": _period_setting(periods),
            "period_assignment": "first_seen",
        },
        "population": context.population_summary(mean_aries),
        "tactics": context.tactic_table(),
        "techniques": context.technique_table(),
        "late_stage": context.late_stage(),
        "techniques_per_actor": context.techniques_per_actor(median_tech),
        "breadth_risk_detail": context.breadth_risk(broad_threshold),
        "tactic_uplift_detail": context.uplift_detail(frame.tactics, frame.tactic_users),
        "technique_uplift": context.technique_uplift(),
        "over_indexing": context.over_indexing(),
        "sophistication": context.sophistication(top_n),
        "interfaces": context.interfaces(),
        "periods": context.periods_table(),
        "tier_share_by_period_detail": context.tier_detail(),
        "technique_drift": context.drift(),
        "orchestration_gap": context.orchestration_gap(median_tech),
    }


def _period_setting(periods: PeriodSpec) -> int | str:
    """The period specification for JSON: the count, the text given, or a length in seconds."""
    if isinstance(periods, int | str):
        return periods
    return f"{periods.total_seconds():.6f}".rstrip("0").rstrip(".") + "s"


def _share(users: Floats) -> Floats:
    if users.shape[0] == 0:
        return np.zeros(users.shape[1])
    result: Floats = users.mean(axis=0)
    return result


class _Names:
    """Technique and tactic names and tactics from the catalog, with fallbacks from the data."""

    def __init__(self, catalog: Catalog, population: Population) -> None:
        self.catalog = catalog
        self.tactic_names = {t.id: t.name for t in catalog.tactics}
        self.tactic_short = {t.shortname: t.id for t in catalog.tactics}
        self._seen: dict[str, tuple[str, ...]] = {}
        for actor in population.actors:
            for technique in actor.techniques:
                self._seen.setdefault(technique, ())

    def technique(self, technique_id: str) -> tuple[str, list[str]]:
        """Name and tactic ids (matrix order) of a technique; ("", []) when unknown."""
        found = self.catalog.get_technique(technique_id)
        if found is None:
            return "", []
        ids = list(found.tactic_ids) or [
            self.tactic_short[s] for s in found.tactics if s in self.tactic_short
        ]
        return found.name, ids

    def tactic(self, tactic_id: str) -> str:
        return self.tactic_names.get(tactic_id, tactic_id)


class _Context:
    """The arrays and settings every analysis shares."""

    def __init__(
        self,
        population: Population,
        frame: _Frame,
        names: _Names,
        rng: np.random.Generator,
        periods: list[Period],
        assignment: list[int | None],
        min_support: int,
        confidence: float,
    ) -> None:
        self.population = population
        self.f = frame
        self.names = names
        self.rng = rng
        self.period_list = periods
        self.assignment = assignment
        self.min_support = min_support
        self.level = confidence
        self.n = population.n_actors
        self.high = np.array([t in HIGH_TIERS for t in frame.tiers], dtype=bool)

    def interval(self, samples: Floats) -> tuple[Floats, Floats]:
        return stats.bootstrap_interval(samples, self.level)

    # -- prevalence ---------------------------------------------------------------

    def _prevalence(self, users: Floats, obs: Floats) -> list[dict[str, Any]]:
        n, w = self.n, self.f.weights
        counts = users.sum(axis=0)
        share = _share(users)
        low, high = self.interval(w @ users / n) if n else (share * np.nan, share * np.nan)
        per_actor_obs = obs.sum(axis=1)
        total_obs = float(per_actor_obs.sum())
        obs_counts = obs.sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            obs_boot = (w @ obs) / (w @ per_actor_obs)[:, None]
            mean_with = (self.f.aries @ users) / counts
        o_low, o_high = self.interval(obs_boot) if n else (share * np.nan, share * np.nan)
        rows = []
        for j in range(users.shape[1]):
            rows.append(
                {
                    "actors": int(counts[j]),
                    "share": _r(share[j]),
                    "ci": _ci(low[j], high[j]),
                    "observations": int(obs_counts[j]),
                    "observation_share": _r(obs_counts[j] / total_obs) if total_obs else 0.0,
                    "observation_ci": _ci(o_low[j], o_high[j]),
                    "mean_aries": _r(mean_with[j], 2),
                }
            )
        return rows

    def technique_prevalence(self) -> dict[str, float | None]:
        share = _share(self.f.tech_users)
        order = sorted(range(len(share)), key=lambda j: (-share[j], self.f.techniques[j]))
        return {self.f.techniques[j]: _r(share[j]) for j in order}

    def tactic_table(self) -> dict[str, dict[str, Any]]:
        rows = self._prevalence(self.f.tactic_users, self.f.tactic_obs)
        seen: dict[str, set[str]] = {t: set() for t in self.f.tactics}
        for technique in self.f.techniques:
            for tactic in self.names.technique(technique)[1]:
                seen.setdefault(tactic, set()).add(technique)
        in_catalog: Counter[str] = Counter(
            tactic for t in self.names.catalog.techniques() for tactic in t.tactic_ids
        )
        return {
            t: {
                "name": self.names.tactic(t),
                **row,
                "techniques_seen": len(seen.get(t, ())),
                "catalog_techniques": in_catalog.get(t, 0),
            }
            for t, row in zip(self.f.tactics, rows, strict=True)
        }

    def technique_table(self) -> dict[str, dict[str, Any]]:
        rows = self._prevalence(self.f.tech_users, self.f.tech_obs)
        table = {}
        for technique, row in zip(self.f.techniques, rows, strict=True):
            name, tactics = self.names.technique(technique)
            table[technique] = {"name": name, "tactics": tactics, **row}
        return dict(sorted(table.items(), key=lambda kv: (-kv[1]["actors"], kv[0])))

    def population_summary(self, mean_aries: float) -> dict[str, Any]:
        f, n = self.f, self.n
        a_low, a_high = self.interval((f.weights @ f.aries / n)[:, None]) if n else ([0], [0])
        tiers = Counter(f.tiers)
        interfaces = Counter(a.interface for a in self.population.actors)
        aio = sum(1 for a in self.population.actors if a.aio)
        span = self.population.span()
        in_catalog = [t for t in f.techniques if self.names.catalog.get_technique(t)]
        obs_in_catalog = float(
            sum(f.tech_obs[:, j].sum() for j, t in enumerate(f.techniques) if t in in_catalog)
        )
        total_obs = float(f.tech_obs.sum())
        return {
            "actors": n,
            "actions": self.population.n_actions,
            "observations": int(total_obs),
            "tactic_observations": int(f.tactic_obs.sum()),
            "actors_with_techniques": int((f.n_tech > 0).sum()),
            "mean_aries": _r(mean_aries, 2),
            "mean_aries_ci": _ci(a_low[0], a_high[0], 2),
            "median_aries": _r(stats.median(f.aries) if n else 0.0, 2),
            "tiers": {
                t: {"actors": tiers.get(t, 0), "share": _r(tiers.get(t, 0) / n if n else 0)}
                for t in TIERS
            },
            "interfaces": {
                k: {"actors": v, "share": _r(v / n)} for k, v in sorted(interfaces.items())
            },
            "aio_actors": aio,
            "aio_share": _r(aio / n if n else 0.0),
            "techniques_seen": len(f.techniques),
            "techniques_in_catalog": len(in_catalog),
            "catalog": f"{self.names.catalog.domain} {self.names.catalog.version}",
            "catalog_observation_share": _r(obs_in_catalog / total_obs if total_obs else 0.0),
            "tactics_seen": len(f.tactics),
            "first_seen": span[0].isoformat() if span else None,
            "last_seen": span[1].isoformat() if span else None,
        }

    # -- late stage, breadth ----------------------------------------------------------

    def late_stage(self) -> dict[str, Any]:
        f, w = self.f, self.f.weights
        per_actor = f.tactic_obs.sum(axis=1)
        total = float(per_actor.sum())
        rows: dict[str, Any] = {}
        together = np.zeros(self.n)
        for tactic in LATE_STAGE_TACTICS:
            column = (
                f.tactic_obs[:, f.tactics.index(tactic)]
                if tactic in f.tactics
                else np.zeros(self.n)
            )
            together = together + column
            rows[tactic] = self._obs_share(self.names.tactic(tactic), column, per_actor, total)
        users = np.zeros(self.n, dtype=bool)
        for tactic in ("TA0004", "TA0040"):
            if tactic in f.tactics:
                users |= f.tactic_users[:, f.tactics.index(tactic)] > 0
        a_low, a_high = (
            self.interval((w @ users.astype(np.float64) / self.n)[:, None])
            if self.n
            else ([np.nan], [np.nan])
        )
        return {
            "tactic_observations": int(total),
            "tactics": rows,
            "together": self._obs_share("late stage together", together, per_actor, total),
            "privilege_escalation_or_impact_actors": {
                "actors": int(users.sum()),
                "share": _r(users.mean() if self.n else 0.0),
                "ci": _ci(a_low[0], a_high[0]),
            },
        }

    def _obs_share(self, name: str, column: Floats, per_actor: Floats, total: float) -> Any:
        w = self.f.weights
        with np.errstate(invalid="ignore", divide="ignore"):
            boot = (w @ column) / (w @ per_actor)
        low, high = self.interval(boot[:, None]) if self.n else ([np.nan], [np.nan])
        return {
            "name": name,
            "observations": int(column.sum()),
            "share": _r(column.sum() / total if total else 0.0),
            "ci": _ci(low[0], high[0]),
        }

    def techniques_per_actor(self, median: float) -> dict[str, Any]:
        f = self.f
        boot = self._median_boot(f.n_tech)
        by_period: dict[str, Any] = {}
        groups = []
        for index, period in enumerate(self.period_list):
            values = f.n_tech[[i for i, p in enumerate(self.assignment) if p == index]]
            groups.append(values)
            low, high = self._median_ci(values)
            by_period[period.label] = {
                "actors": len(values),
                "median": _r(stats.median(values), 1) if len(values) else None,
                "mean": _r(float(values.mean()), 2) if len(values) else None,
                "ci": _ci(low, high, 1),
            }
        h, p, df = stats.kruskal_wallis(groups)
        return {
            "median": _r(median, 1),
            "ci": _ci(*boot, 1),
            "mean": _r(float(f.n_tech.mean()) if self.n else 0.0, 2),
            "max": int(f.n_tech.max()) if self.n else 0,
            "by_period": by_period,
            "test": {"name": "kruskal-wallis", "statistic": _r(h), "df": df, "p_value": _p(p)},
        }

    def _median_boot(self, values: Floats) -> tuple[float, float]:
        return self._median_ci(values)

    def _median_ci(self, values: Floats) -> tuple[float, float]:
        if len(values) == 0:
            return math.nan, math.nan
        picks = self.rng.integers(0, len(values), size=(self.f.weights.shape[0], len(values)))
        medians = stats.median_rows(values[picks])
        low, high = self.interval(medians[:, None])
        return float(low[0]), float(high[0])

    def breadth_risk(self, threshold: int) -> dict[str, Any]:
        f = self.f
        r, p_r = stats.pearson(f.n_tech, f.aries)
        rho, p_rho = stats.spearman(f.n_tech, f.aries)
        r_low, r_high = self.interval(stats.weighted_pearson(f.weights, f.n_tech, f.aries)[:, None])
        rho_boot = self._spearman_boot(f.n_tech, f.aries)
        s_low, s_high = self.interval(rho_boot[:, None])
        broad = [
            {
                "actor_id": a.actor_id,
                "aries": a.aries,
                "tier": a.tier,
                "n_techniques": a.n_techniques,
            }
            for a in self.population.actors
            if a.tier == "low" and a.n_techniques > threshold
        ]
        return {
            "n": self.n,
            "pearson": {"r": _r(r), "ci": _ci(r_low[0], r_high[0]), "p_value": _p(p_r)},
            "spearman": {"rho": _r(rho), "ci": _ci(s_low[0], s_high[0]), "p_value": _p(p_rho)},
            "broad_low_risk": {
                "threshold": threshold,
                "actors": len(broad),
                "examples": broad[:20],
            },
        }

    def _spearman_boot(self, x: Floats, y: Floats) -> Floats:
        resamples = self.f.weights.shape[0]
        if self.n < 3:
            return np.full(resamples, np.nan)
        picks = self.rng.integers(0, self.n, size=(min(resamples, 1000), self.n))
        rx = stats.rank_rows(x[picks])
        ry = stats.rank_rows(y[picks])
        rx -= rx.mean(axis=1, keepdims=True)
        ry -= ry.mean(axis=1, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            result: Floats = (rx * ry).sum(axis=1) / np.sqrt(
                (rx * rx).sum(axis=1) * (ry * ry).sum(axis=1)
            )
        return result

    # -- uplift, over-indexing ----------------------------------------------------------

    def _uplift(self, users: Floats) -> tuple[Floats, Floats, Floats, Floats, Floats]:
        """Counts, mean with, mean without, and the interval of the difference, per column."""
        f, w, n = self.f, self.f.weights, self.n
        counts = users.sum(axis=0)
        total = float(f.aries.sum())
        with np.errstate(invalid="ignore", divide="ignore"):
            sum_with = f.aries @ users
            mean_with = sum_with / counts
            mean_without = (total - sum_with) / (n - counts)
            b_sum = w @ (users * f.aries[:, None])
            b_cnt = w @ users
            b_tot = (w @ f.aries)[:, None]
            diff = b_sum / b_cnt - (b_tot - b_sum) / (n - b_cnt)
        low, high = self.interval(diff) if n else (counts * np.nan, counts * np.nan)
        return counts, mean_with, mean_without, low, high

    def tactic_uplift(self) -> dict[str, dict[str, Any]]:
        counts, with_, without, _, _ = self._uplift(self.f.tactic_users)
        return {
            t: {
                "n": int(counts[j]),
                "mean_with": _r(with_[j], 2),
                "mean_without": _r(without[j], 2),
                "uplift": _r(with_[j] - without[j], 2),
            }
            for j, t in enumerate(self.f.tactics)
        }

    def uplift_detail(self, ids: list[str], users: Floats) -> dict[str, Any]:
        counts, with_, without, low, high = self._uplift(users)
        p_values = stats.mann_whitney_columns(self.f.aries, users)
        out = {}
        for j, key in enumerate(ids):
            out[key] = {
                "name": self.names.tactic(key),
                "n": int(counts[j]),
                "share": _r(counts[j] / self.n if self.n else 0.0),
                "mean_with": _r(with_[j], 2),
                "mean_without": _r(without[j], 2),
                "uplift": _r(with_[j] - without[j], 2),
                "ci": _ci(low[j], high[j], 2),
                "test": "mann-whitney",
                "p_value": _p(float(p_values[j])),
            }
        return out

    def technique_uplift(self) -> dict[str, Any]:
        f = self.f
        keep = [j for j in range(len(f.techniques)) if f.tech_users[:, j].sum() >= self.min_support]
        users = f.tech_users[:, keep]
        counts, with_, without, low, high = self._uplift(users)
        p_values = stats.mann_whitney_columns(f.aries, users)
        rows = {}
        for k, j in enumerate(keep):
            technique = f.techniques[j]
            rows[technique] = {
                "name": self.names.technique(technique)[0],
                "n": int(counts[k]),
                "mean_with": _r(with_[k], 2),
                "mean_without": _r(without[k], 2),
                "uplift": _r(with_[k] - without[k], 2),
                "ci": _ci(low[k], high[k], 2),
                "p_value": _p(float(p_values[k])),
            }
        ordered = sorted(rows.items(), key=lambda kv: (-_key(kv[1]["uplift"]), kv[0]))
        return {
            "min_support": self.min_support,
            "test": "mann-whitney",
            "techniques": dict(ordered),
        }

    def over_indexing(self) -> dict[str, Any]:
        f, w, n, high = self.f, self.f.weights, self.n, self.high
        n_high = int(high.sum())
        low_mask = np.array([t == "low" for t in f.tiers], dtype=bool)
        keep = [j for j in range(len(f.techniques)) if f.tech_users[:, j].sum() >= self.min_support]
        rows = {}
        if n_high and keep:
            users = f.tech_users[:, keep]
            with np.errstate(invalid="ignore", divide="ignore"):
                wh = w[:, high]
                boot = (wh @ users[high] / wh.sum(axis=1)[:, None]) / (w @ users / n)
            low, high_ci = self.interval(boot)
            share_all = users.mean(axis=0)
            share_high = users[high].mean(axis=0)
            share_low = users[low_mask].mean(axis=0) if low_mask.any() else share_all * np.nan
            for k, j in enumerate(keep):
                technique = f.techniques[j]
                k_all, k_high = int(users[:, k].sum()), int(users[high, k].sum())
                rows[technique] = {
                    "name": self.names.technique(technique)[0],
                    "actors": k_all,
                    "high_risk_actors": k_high,
                    "share_all": _r(share_all[k]),
                    "share_high_risk": _r(share_high[k]),
                    "share_low": _r(share_low[k]),
                    "ratio": _r(share_high[k] / share_all[k], 3),
                    "ci": _ci(low[k], high_ci[k], 3),
                    "p_value": _p(stats.hypergeom_sf(k_high, n, k_all, n_high)),
                }
        ordered = sorted(rows.items(), key=lambda kv: (-_key(kv[1]["ratio"]), kv[0]))
        return {
            "high_risk_actors": n_high,
            "min_support": self.min_support,
            "test": "hypergeometric (one-sided, over-representation)",
            "techniques": dict(ordered),
        }

    # -- sophistication, interfaces ---------------------------------------------------------

    def sophistication(self, top_n: int) -> dict[str, Any]:
        f = self.f
        rest = f.aries - f.soph
        r, p = stats.pearson(f.soph, rest)
        r_low, r_high = self.interval(stats.weighted_pearson(f.weights, f.soph, rest)[:, None])
        rho_all, _ = stats.spearman(f.aries, rest)
        full = sorted(range(self.n), key=lambda i: (-f.aries[i], f.ids[i]))
        reduced = sorted(range(self.n), key=lambda i: (-rest[i], f.ids[i]))
        position = {i: k for k, i in enumerate(reduced)}
        top = full[: min(top_n, self.n)]
        rho_top, _ = stats.spearman(list(range(len(top))), [position[i] for i in top])
        kept = 0
        for a, b in zip(full, reduced, strict=True):
            if a != b:
                break
            kept += 1
        return {
            "component": "technical sophistication",
            "mean_points": _r(float(f.soph.mean()) if self.n else 0.0, 2),
            "correlation_with_rest": {"r": _r(r), "ci": _ci(r_low[0], r_high[0]), "p_value": _p(p)},
            "spearman_all": _r(rho_all),
            "top_n": len(top),
            "top_spearman": _r(rho_top),
            "top_kept_in_order": kept,
            "top": [
                {
                    "actor_id": f.ids[i],
                    "aries": _r(f.aries[i], 2),
                    "without_sophistication": _r(rest[i], 2),
                    "rank": k + 1,
                    "rank_without": position[i] + 1,
                }
                for k, i in enumerate(top)
            ],
        }

    def interfaces(self) -> dict[str, Any]:
        f, w = self.f, self.f.weights
        names = sorted({a.interface for a in self.population.actors})
        groups: dict[str, Any] = {}
        values = []
        for name in names:
            mask = np.array([a.interface == name for a in self.population.actors], dtype=bool)
            scores = f.aries[mask]
            values.append(scores)
            with np.errstate(invalid="ignore", divide="ignore"):
                boot = (w[:, mask] @ scores) / w[:, mask].sum(axis=1)
            low, high = self.interval(boot[:, None])
            groups[name] = {
                "actors": int(mask.sum()),
                "share": _r(mask.mean()),
                "mean_aries": _r(float(scores.mean()), 2),
                "median_aries": _r(stats.median(scores), 2),
                "ci": _ci(low[0], high[0], 2),
                "high_risk_share": _r(float(self.high[mask].mean())),
            }
        h, p, df = stats.kruskal_wallis(values)
        return {
            "groups": groups,
            "test": {"name": "kruskal-wallis", "statistic": _r(h), "df": df, "p_value": _p(p)},
        }

    # -- periods -------------------------------------------------------------------------

    def _members(self, index: int) -> list[int]:
        return [i for i, p in enumerate(self.assignment) if p == index]

    def periods_table(self) -> list[dict[str, Any]]:
        return [
            {
                "label": p.label,
                "start": p.start.isoformat(),
                "end": p.end.isoformat(),
                "actors": len(self._members(i)),
            }
            for i, p in enumerate(self.period_list)
        ]

    def tier_share_by_period(self) -> dict[str, dict[str, float]]:
        out: dict[str, dict[str, float]] = {}
        for index, period in enumerate(self.period_list):
            members = self._members(index)
            counts = Counter(self.f.tiers[i] for i in members)
            out[period.label] = {
                t: (_r(counts.get(t, 0) / len(members)) or 0.0) if members else 0.0 for t in TIERS
            }
        return out

    def tier_detail(self) -> dict[str, Any]:
        f, w = self.f, self.f.weights
        medium_up = np.array([t != "low" for t in f.tiers], dtype=np.float64)
        rows = {}
        table = []
        for index, period in enumerate(self.period_list):
            members = self._members(index)
            counts = Counter(f.tiers[i] for i in members)
            table.append([counts.get(t, 0) for t in TIERS])
            if members:
                sub = w[:, members]
                with np.errstate(invalid="ignore", divide="ignore"):
                    boot = (sub @ medium_up[members]) / sub.sum(axis=1)
                low, high = self.interval(boot[:, None])
                share = float(medium_up[members].mean())
                mean = float(f.aries[members].mean())
            else:
                low, high = np.array([np.nan]), np.array([np.nan])
                share, mean = 0.0, math.nan
            rows[period.label] = {
                "actors": len(members),
                "counts": dict(zip(TIERS, table[-1], strict=True)),
                "mean_aries": _r(mean, 2),
                "medium_or_higher": {
                    "actors": int(medium_up[members].sum()) if members else 0,
                    "share": _r(share),
                    "ci": _ci(low[0], high[0]),
                },
            }
        statistic, p, df = stats.chi2_contingency(table)
        first_last: dict[str, Any] | None = None
        if len(self.period_list) >= 2:
            a, b = self._members(0), self._members(len(self.period_list) - 1)
            k1, k2 = medium_up[a].sum(), medium_up[b].sum()
            p_two = stats.two_proportion(np.array([k1]), len(a), np.array([k2]), len(b))[0]
            first_last = {
                "from": self.period_list[0].label,
                "to": self.period_list[-1].label,
                "change": _r((k2 / len(b) if b else 0.0) - (k1 / len(a) if a else 0.0)),
                "test": "two-proportion z",
                "p_value": _p(float(p_two)),
            }
        return {
            "periods": rows,
            "test": {
                "name": "chi-square (tiers x periods)",
                "statistic": _r(statistic),
                "df": df,
                "p_value": _p(p),
            },
            "medium_or_higher_first_vs_last": first_last,
        }

    def drift(self) -> dict[str, Any]:
        f = self.f
        pairs = []
        for index in range(len(self.period_list) - 1):
            a, b = self._members(index), self._members(index + 1)
            techniques: dict[str, Any] = {}
            if a and b:
                ua, ub = f.tech_users[a], f.tech_users[b]
                support = ua.sum(axis=0) + ub.sum(axis=0)
                keep = np.flatnonzero(support >= self.min_support)
                ua, ub = ua[:, keep], ub[:, keep]
                resamples = f.weights.shape[0]
                wa = stats.resample_weights(len(a), resamples, self.rng)
                wb = stats.resample_weights(len(b), resamples, self.rng)
                change = ub.mean(axis=0) - ua.mean(axis=0)
                boot = wb @ ub / len(b) - wa @ ua / len(a)
                low, high = self.interval(boot) if len(keep) else (change, change)
                p_values = stats.two_proportion(ua.sum(axis=0), len(a), ub.sum(axis=0), len(b))
                order = sorted(range(len(keep)), key=lambda k: (-abs(change[k]), keep[k]))
                for k in order:
                    technique = f.techniques[keep[k]]
                    techniques[technique] = {
                        "name": self.names.technique(technique)[0],
                        "share_from": _r(ua[:, k].mean()),
                        "share_to": _r(ub[:, k].mean()),
                        "change": _r(change[k]),
                        "ci": _ci(low[k], high[k]),
                        "p_value": _p(float(p_values[k])),
                    }
            pairs.append(
                {
                    "from": self.period_list[index].label,
                    "to": self.period_list[index + 1].label,
                    "actors_from": len(a),
                    "actors_to": len(b),
                    "techniques": techniques,
                }
            )
        return {"min_support": self.min_support, "test": "two-proportion z", "pairs": pairs}

    def orchestration_gap(self, median: float) -> dict[str, Any]:
        high_risk = [a for a in self.population.actors if a.high_risk]
        gap = [a for a in high_risk if a.aio and a.n_techniques <= median]
        return {
            "median_techniques": _r(median, 1),
            "high_risk_actors": len(high_risk),
            "actors": len(gap),
            "share_of_high_risk": _r(len(gap) / len(high_risk) if high_risk else 0.0),
            "list": [
                {
                    "actor_id": a.actor_id,
                    "aries": a.aries,
                    "tier": a.tier,
                    "n_techniques": a.n_techniques,
                    "aio": list(a.aio),
                    "interface": a.interface,
                    "interface_risk": _r(a.components.get("interface risk", 0.0), 2),
                }
                for a in gap
            ],
        }


def _default(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def write_analytics(analytics: Mapping[str, Any], path: str | os.PathLike[str]) -> Path:
    """Write ``analytics.json`` atomically (indent 2, no NaN); returns the path."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(analytics, indent=2, ensure_ascii=False, allow_nan=False, default=_default)
    atomic_write(target, (text + "\n").encode("utf-8"))
    return target
