"""The statistics kit agrees with scipy (the reference) and is deterministic."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from llmnav.analytics import stats

scipy_stats = pytest.importorskip("scipy.stats")

RNG = np.random.default_rng(7)
X = RNG.integers(0, 30, 200).astype(float)
Y = X * 1.5 + RNG.normal(0, 10, 200)


def test_pearson_and_spearman_match_scipy() -> None:
    r, p = stats.pearson(X, Y)
    expected = scipy_stats.pearsonr(X, Y)
    assert r == pytest.approx(expected.statistic) and p == pytest.approx(expected.pvalue, rel=1e-6)
    rho, p_rho = stats.spearman(X, Y)
    expected = scipy_stats.spearmanr(X, Y)
    assert rho == pytest.approx(expected.statistic)
    assert p_rho == pytest.approx(expected.pvalue, rel=1e-6)


def test_pearson_of_constant_values_is_undefined() -> None:
    assert stats.pearson([1, 1, 1, 1], [1, 2, 3, 4]) == (None, None)
    assert stats.pearson([1, 2], [1, 2]) == (None, None)


def test_mann_whitney_matches_scipy_with_ties() -> None:
    a, b = X[:80], X[80:] + 2
    expected = scipy_stats.mannwhitneyu(a, b, alternative="two-sided", method="asymptotic")
    assert stats.mann_whitney(a, b) == pytest.approx(expected.pvalue, rel=1e-9)
    assert stats.mann_whitney([], b) is None


def test_mann_whitney_columns_matches_one_test_per_column() -> None:
    members = (RNG.random((200, 4)) < 0.3).astype(float)
    columns = stats.mann_whitney_columns(Y, members)
    for j in range(4):
        mask = members[:, j] > 0
        assert columns[j] == pytest.approx(stats.mann_whitney(Y[mask], Y[~mask]))


def test_kruskal_wallis_and_chi2_contingency_match_scipy() -> None:
    groups = [X[:50], X[50:120] + 1, X[120:]]
    h, p, df = stats.kruskal_wallis(groups)
    expected = scipy_stats.kruskal(*groups)
    assert (h, df) == (pytest.approx(expected.statistic), 2)
    assert p == pytest.approx(expected.pvalue, rel=1e-6)
    table = [[30, 12, 5, 3], [20, 20, 9, 6]]
    statistic, p, df = stats.chi2_contingency(table)
    expected = scipy_stats.chi2_contingency(table, correction=False)
    assert statistic == pytest.approx(expected.statistic)
    assert p == pytest.approx(expected.pvalue, rel=1e-6) and df == 3


def test_hypergeometric_tail_matches_scipy() -> None:
    for k, population, marked, drawn in [(10, 832, 40, 60), (0, 50, 5, 10), (5, 20, 5, 5)]:
        expected = scipy_stats.hypergeom.sf(k - 1, population, marked, drawn)
        assert stats.hypergeom_sf(k, population, marked, drawn) == pytest.approx(expected, rel=1e-9)


def test_two_proportion_matches_a_hand_computed_z_test() -> None:
    p = stats.two_proportion(np.array([30.0, 10.0]), 100, np.array([45.0, 10.0]), 100)
    pooled = 0.375
    z = 0.15 / np.sqrt(pooled * (1 - pooled) * 0.02)
    assert p[0] == pytest.approx(2 * scipy_stats.norm.sf(z))
    assert p[1] == 1.0


def test_chi2_sf_matches_scipy_over_a_range() -> None:
    for x in (0.1, 1.0, 3.0, 10.0, 40.0):
        for df in (1, 2, 5, 13):
            assert stats.chi2_sf(x, df) == pytest.approx(scipy_stats.chi2.sf(x, df), rel=1e-8)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.lists(st.integers(0, 6), min_size=5, max_size=5), min_size=1, max_size=6))
def test_rank_rows_matches_scipy_rankdata(rows: list[list[int]]) -> None:
    values = np.array(rows, dtype=float)
    assert np.allclose(stats.rank_rows(values), scipy_stats.rankdata(values, axis=1))


def test_bootstrap_interval_is_the_nan_aware_percentile() -> None:
    samples = RNG.normal(size=(500, 3))
    samples[:50, 1] = np.nan
    samples[:, 2] = np.nan
    low, high = stats.bootstrap_interval(samples)
    assert np.allclose(low[:2], np.nanpercentile(samples[:, :2], 2.5, axis=0))
    assert np.allclose(high[:2], np.nanpercentile(samples[:, :2], 97.5, axis=0))
    assert np.isnan(low[2]) and np.isnan(high[2])


def test_resample_weights_draw_n_items_per_resample_and_repeat_with_the_seed() -> None:
    first = stats.resample_weights(50, 20, np.random.default_rng(3))
    second = stats.resample_weights(50, 20, np.random.default_rng(3))
    assert (first.sum(axis=1) == 50).all() and (first == second).all()
    assert stats.resample_weights(0, 4, np.random.default_rng(0)).shape == (4, 0)


def test_median_matches_numpy() -> None:
    assert stats.median([3, 1, 2, 10]) == 2.5
    assert np.allclose(stats.median_rows(Y.reshape(4, 50)), np.median(Y.reshape(4, 50), axis=1))
