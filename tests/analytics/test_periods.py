"""Periods: halves by default, any length on request, labels in time order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from llmnav.analytics.periods import parse_period_spec, period_index, split_periods
from llmnav.errors import ConfigError

SPAN = (datetime(2025, 1, 1, tzinfo=UTC), datetime(2025, 12, 31, tzinfo=UTC))


def test_split_periods_cuts_halves_and_keeps_the_last_moment() -> None:
    first, second = split_periods(SPAN, 2)
    assert first.start == SPAN[0] and first.end == second.start and second.end == SPAN[1]
    assert period_index(SPAN[1], [first, second]) == 1
    assert period_index(SPAN[0], [first, second]) == 0
    assert period_index(None, [first, second]) is None
    assert period_index(SPAN[0] - timedelta(days=1), [first, second]) is None


def test_split_periods_by_length_ends_at_the_span_end() -> None:
    periods = split_periods(SPAN, "30d")
    assert len(periods) == 13
    assert periods[0].label == "2025-01-01/2025-01-30"
    assert periods[-1].end == SPAN[1]
    assert split_periods(SPAN, timedelta(weeks=26)) == split_periods(SPAN, "26w")


def test_split_periods_labels_stay_unique_for_short_spans() -> None:
    span = (datetime(2025, 1, 1, 9, tzinfo=UTC), datetime(2025, 1, 1, 17, tzinfo=UTC))
    labels = [p.label for p in split_periods(span, 4)]
    assert len(set(labels)) == 4 and labels[0].startswith("2025-01-01T09:00")


def test_split_periods_of_one_instant_is_one_period() -> None:
    moment = datetime(2025, 1, 1, tzinfo=UTC)
    assert len(split_periods((moment, moment), 2)) == 1
    assert split_periods(None, 2) == []


@pytest.mark.parametrize("spec", ["fortnight", "0", 0, "-3d", True])
def test_parse_period_spec_rejects_bad_values_with_a_hint(spec: object) -> None:
    with pytest.raises(ConfigError, match=r"[Pp]eriod"):
        parse_period_spec(spec)  # type: ignore[arg-type]


def test_parse_period_spec_reads_counts_and_lengths() -> None:
    assert parse_period_spec("3") == 3
    assert parse_period_spec("12h") == timedelta(hours=12)
    assert parse_period_spec("3m") == timedelta(days=90)
    assert parse_period_spec("86400s") == timedelta(days=1)
