"""Small statistics kit: bootstrap weights and intervals, correlations, rank tests.

Everything is numpy and the standard library (no scipy: importing
``scipy.stats`` alone takes longer than the whole analysis). P-values use
the usual large-sample forms, which is what the population sizes here call
for: Student's t for correlations, the normal approximation with tie
correction for Mann-Whitney U, chi-square for Kruskal-Wallis and
contingency tables, the exact hypergeometric tail for over-indexing.

The bootstrap resamples actors: ``resample_weights`` draws, for each of
``B`` resamples, how many times each actor is picked, so a
statistic over all resamples is a matrix product and every analysis shares
the same draws. Seeded, so results repeat exactly.

>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> weights = resample_weights(4, 3, rng)
>>> weights.shape, weights.sum(axis=1).tolist()
((3, 4), [4.0, 4.0, 4.0])
>>> r, p = pearson([1, 2, 3, 4, 5], [2, 4, 5, 4, 5])
>>> round(r, 3), round(p, 3)
(0.775, 0.124)
>>> round(mann_whitney([1, 2, 3, 4], [5, 6, 7, 8]), 4)
0.0304
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

__all__ = [
    "Floats",
    "bootstrap_interval",
    "chi2_contingency",
    "chi2_sf",
    "hypergeom_sf",
    "kruskal_wallis",
    "mann_whitney",
    "mann_whitney_columns",
    "median",
    "median_rows",
    "pearson",
    "rank",
    "rank_rows",
    "resample_weights",
    "spearman",
    "student_t_sf",
    "two_proportion",
    "weighted_pearson",
]

Floats = npt.NDArray[np.float64]
ArrayLike = Sequence[float] | Sequence[int] | npt.NDArray[np.float64] | npt.NDArray[np.int64]


def resample_weights(n: int, resamples: int, rng: np.random.Generator) -> Floats:
    """``resamples x n`` counts: how often each of ``n`` items is drawn in each resample."""
    if n == 0:
        return np.zeros((resamples, 0))
    picks = rng.integers(0, n, size=(resamples, n)) + (np.arange(resamples) * n)[:, None]
    counts = np.bincount(picks.ravel(), minlength=resamples * n)
    return counts.reshape(resamples, n).astype(np.float64)


def bootstrap_interval(samples: Floats, level: float = 0.95) -> tuple[Floats, Floats]:
    """Percentile interval per column of ``samples`` (resamples x statistics); NaN ignored.

    Linear interpolation between order statistics, as ``numpy.percentile`` does;
    a column with no finite value gets NaN.
    """
    samples = np.atleast_2d(np.asarray(samples, dtype=np.float64))
    clean = np.where(np.isfinite(samples), samples, np.nan)
    ordered = np.sort(clean, axis=0)  # NaN sort last
    counts = np.isfinite(ordered).sum(axis=0)
    tail = (1.0 - level) / 2.0

    def quantile(q: float) -> Floats:
        position = q * np.maximum(counts - 1, 0)
        below = np.floor(position).astype(np.int64)
        above = np.minimum(below + 1, np.maximum(counts - 1, 0))
        frac = position - below
        low = np.take_along_axis(ordered, below[None, :], axis=0)[0]
        high = np.take_along_axis(ordered, above[None, :], axis=0)[0]
        result: Floats = np.where(counts > 0, low + (high - low) * frac, np.nan)
        return result

    return quantile(tail), quantile(1.0 - tail)


def rank(values: ArrayLike) -> Floats:
    """Ranks from 1, ties given their mean rank (as Spearman's rho needs).

    >>> rank([10, 20, 20, 5]).tolist()
    [2.0, 3.5, 3.5, 1.0]
    """
    x = np.asarray(values, dtype=np.float64)
    result: Floats = rank_rows(x[None, :])[0]
    return result


def rank_rows(values: Floats) -> Floats:
    """Mean-tie ranks (from 1) of each row of a 2-D array, all rows at once."""
    rows, n = values.shape
    if n == 0:
        return np.zeros_like(values)
    order = np.argsort(values, axis=1, kind="stable")
    ordered = np.take_along_axis(values, order, axis=1)
    index = np.broadcast_to(np.arange(n), (rows, n))
    starts = np.ones((rows, n), dtype=bool)
    starts[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    ends = np.ones((rows, n), dtype=bool)
    ends[:, :-1] = starts[:, 1:]
    first = np.maximum.accumulate(np.where(starts, index, 0), axis=1)
    last = np.minimum.accumulate(np.where(ends, index, n - 1)[:, ::-1], axis=1)[:, ::-1]
    ranks = np.empty((rows, n))
    np.put_along_axis(ranks, order, (first + last) / 2.0 + 1.0, axis=1)
    return ranks


def _betacf(a: float, b: float, x: float) -> float:
    """Continued fraction of the incomplete beta function (modified Lentz)."""
    tiny = 1e-300
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 300):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c if abs(1.0 + aa / c) > tiny else tiny
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c if abs(1.0 + aa / c) > tiny else tiny
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < 1e-13:
            break
    return h


def _betainc(a: float, b: float, x: float) -> float:
    """The regularised incomplete beta function I_x(a, b)."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    front = math.exp(
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _betacf(a, b, x) / a
    return 1.0 - front * _betacf(b, a, 1.0 - x) / b


def student_t_sf(t: float, df: float) -> float:
    """Two-sided p-value of Student's t with ``df`` degrees of freedom."""
    if not math.isfinite(t):
        return 0.0
    return _betainc(df / 2.0, 0.5, df / (df + t * t))


def chi2_sf(x: float, df: int) -> float:
    """Upper tail of the chi-square distribution (the regularised upper incomplete gamma)."""
    if x <= 0.0 or df <= 0:
        return 1.0
    a, z = df / 2.0, x / 2.0
    if z < a + 1.0:  # series for the lower part
        term = total = 1.0 / a
        k = a
        for _ in range(1000):
            k += 1.0
            term *= z / k
            total += term
            if abs(term) < abs(total) * 1e-15:
                break
        return max(0.0, 1.0 - total * math.exp(-z + a * math.log(z) - math.lgamma(a)))
    tiny = 1e-300  # continued fraction for the upper part
    b = z + 1.0 - a
    c = 1.0 / tiny
    d = 1.0 / b
    h = d
    for i in range(1, 1000):
        an = -i * (i - a)
        b += 2.0
        d = an * d + b
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = b + an / c
        c = c if abs(c) > tiny else tiny
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < 1e-15:
            break
    return min(1.0, math.exp(-z + a * math.log(z) - math.lgamma(a)) * h)


def _normal_two_sided(z: float) -> float:
    return math.erfc(abs(z) / math.sqrt(2.0))


def pearson(x: ArrayLike, y: ArrayLike) -> tuple[float | None, float | None]:
    """Pearson's r and its two-sided p-value (t test); (None, None) when undefined."""
    a = np.asarray(x, dtype=np.float64)
    b = np.asarray(y, dtype=np.float64)
    n = len(a)
    if n < 3:
        return None, None
    a = a - a.mean()
    b = b - b.mean()
    denominator = math.sqrt(float(a @ a) * float(b @ b))
    if denominator == 0.0:
        return None, None
    r = max(-1.0, min(1.0, float(a @ b) / denominator))
    if abs(r) >= 1.0:
        return r, 0.0
    t = r * math.sqrt((n - 2) / (1.0 - r * r))
    return r, student_t_sf(t, n - 2)


def spearman(x: ArrayLike, y: ArrayLike) -> tuple[float | None, float | None]:
    """Spearman's rho (Pearson's r of the ranks) and its p-value (t approximation)."""
    return pearson(rank(x), rank(y))


def weighted_pearson(weights: Floats, x: Floats, y: Floats) -> Floats:
    """Pearson's r of ``x`` and ``y`` in each bootstrap resample (rows of ``weights``)."""
    total = weights.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mx = weights @ x / total
        my = weights @ y / total
        sxx = weights @ (x * x) / total - mx * mx
        syy = weights @ (y * y) / total - my * my
        sxy = weights @ (x * y) / total - mx * my
        r = sxy / np.sqrt(sxx * syy)
    r[~np.isfinite(r)] = np.nan
    result: Floats = np.clip(r, -1.0, 1.0)
    return result


def mann_whitney(a: ArrayLike, b: ArrayLike) -> float | None:
    """Two-sided p-value of the Mann-Whitney U test (normal approximation, tie-corrected)."""
    x = np.asarray(a, dtype=np.float64)
    y = np.asarray(b, dtype=np.float64)
    n1, n2 = len(x), len(y)
    if n1 == 0 or n2 == 0:
        return None
    both = np.concatenate([x, y])
    ranks = rank(both)
    u = float(ranks[:n1].sum()) - n1 * (n1 + 1) / 2.0
    n = n1 + n2
    _, counts = np.unique(both, return_counts=True)
    ties = float((counts**3 - counts).sum())
    variance = n1 * n2 / 12.0 * ((n + 1) - ties / (n * (n - 1))) if n > 1 else 0.0
    if variance <= 0.0:
        return None
    mean = n1 * n2 / 2.0
    z = (abs(u - mean) - 0.5) / math.sqrt(variance)  # continuity correction
    return _normal_two_sided(max(0.0, z))


def mann_whitney_columns(values: Floats, members: Floats) -> Floats:
    """``mann_whitney`` of ``values`` inside vs outside each column's members, all columns at once.

    ``members`` is actors x groups (1 for a member). The ranks and the tie
    correction depend on the pooled values only, so they are computed once.
    NaN where a side is empty.
    """
    n = len(values)
    columns = members.shape[1] if members.ndim == 2 else 0
    if n < 2 or columns == 0:
        return np.full(columns, np.nan)
    ranks = rank(values)
    n1 = members.sum(axis=0)
    n2 = n - n1
    u = ranks @ members - n1 * (n1 + 1) / 2.0
    _, counts = np.unique(values, return_counts=True)
    ties = float((counts**3 - counts).sum())
    variance = n1 * n2 / 12.0 * ((n + 1) - ties / (n * (n - 1)))
    with np.errstate(invalid="ignore", divide="ignore"):
        z = np.maximum(0.0, np.abs(u - n1 * n2 / 2.0) - 0.5) / np.sqrt(variance)
    out = np.array([_normal_two_sided(v) if np.isfinite(v) else np.nan for v in z.tolist()])
    out[(n1 == 0) | (n2 == 0) | (variance <= 0)] = np.nan
    return out


def median_rows(values: Floats) -> Floats:
    """The median of each row (``numpy.median`` without its lazy import of ``numpy.ma``)."""
    ordered = np.sort(values, axis=1)
    n = ordered.shape[1]
    if n == 0:
        return np.full(ordered.shape[0], np.nan)
    result: Floats = (ordered[:, (n - 1) // 2] + ordered[:, n // 2]) / 2.0
    return result


def median(values: ArrayLike) -> float:
    """The median (NaN for no values)."""
    return float(median_rows(np.asarray(values, dtype=np.float64)[None, :])[0])


def kruskal_wallis(groups: Sequence[ArrayLike]) -> tuple[float | None, float | None, int]:
    """Kruskal-Wallis H, its p-value (chi-square, k-1 df) and the df; None when undefined."""
    arrays = [np.asarray(g, dtype=np.float64) for g in groups if len(g) > 0]
    if len(arrays) < 2:
        return None, None, 0
    both = np.concatenate(arrays)
    n = len(both)
    ranks = rank(both)
    h = 0.0
    start = 0
    for group in arrays:
        part = ranks[start : start + len(group)]
        h += float(part.sum()) ** 2 / len(group)
        start += len(group)
    h = 12.0 / (n * (n + 1)) * h - 3.0 * (n + 1)
    _, counts = np.unique(both, return_counts=True)
    correction = 1.0 - float((counts**3 - counts).sum()) / (n**3 - n)
    if correction <= 0.0:
        return None, None, len(arrays) - 1
    h /= correction
    df = len(arrays) - 1
    return h, chi2_sf(h, df), df


def chi2_contingency(table: Sequence[Sequence[int]]) -> tuple[float | None, float | None, int]:
    """Chi-square test of independence: statistic, p-value, df (empty rows/cols dropped)."""
    observed = np.asarray(table, dtype=np.float64)
    if observed.ndim != 2:
        return None, None, 0
    observed = observed[observed.sum(axis=1) > 0][:, observed.sum(axis=0) > 0]
    rows, cols = observed.shape if observed.size else (0, 0)
    if rows < 2 or cols < 2:
        return None, None, 0
    expected = np.outer(observed.sum(axis=1), observed.sum(axis=0)) / observed.sum()
    statistic = float(((observed - expected) ** 2 / expected).sum())
    df = (rows - 1) * (cols - 1)
    return statistic, chi2_sf(statistic, df), df


def hypergeom_sf(drawn_with: int, population: int, with_total: int, drawn: int) -> float:
    """P(X >= ``drawn_with``) for X ~ Hypergeometric (exact; one-sided over-representation).

    ``population`` items, ``with_total`` of them marked, ``drawn`` drawn without replacement.
    """
    low = max(drawn_with, 0, drawn - (population - with_total))
    high = min(with_total, drawn)
    if low > high:
        return 0.0
    ks = np.arange(low, high + 1, dtype=np.float64)

    def log_choose(n: float, k: Floats) -> Floats:
        return np.asarray(
            math.lgamma(n + 1) - _lgamma(k + 1) - _lgamma(n - k + 1), dtype=np.float64
        )

    logs = (
        log_choose(with_total, ks)
        + log_choose(population - with_total, drawn - ks)
        - math.lgamma(population + 1)
        + math.lgamma(drawn + 1)
        + math.lgamma(population - drawn + 1)
    )
    peak = float(logs.max())
    return float(min(1.0, math.exp(peak) * float(np.exp(logs - peak).sum())))


_LGAMMA = np.frompyfunc(math.lgamma, 1, 1)


def _lgamma(values: Floats) -> Floats:
    return np.asarray(_LGAMMA(values), dtype=np.float64)


def two_proportion(k1: Floats, n1: int, k2: Floats, n2: int) -> Floats:
    """Two-sided p-values of the pooled two-proportion z test, element-wise (NaN when undefined)."""
    p1 = np.asarray(k1, dtype=np.float64) / n1 if n1 else np.full(np.shape(k1), np.nan)
    p2 = np.asarray(k2, dtype=np.float64) / n2 if n2 else np.full(np.shape(k2), np.nan)
    if not n1 or not n2:
        return np.full(np.shape(k1), np.nan)
    pooled = (np.asarray(k1) + np.asarray(k2)) / (n1 + n2)
    se = np.sqrt(pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2))
    with np.errstate(invalid="ignore", divide="ignore"):
        z = np.abs(p1 - p2) / se
    out = np.array([_normal_two_sided(v) if np.isfinite(v) else np.nan for v in z.tolist()])
    out[(se == 0) & (p1 == p2)] = 1.0
    return out
