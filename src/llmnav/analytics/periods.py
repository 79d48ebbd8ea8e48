"""Periods: the population's active time cut into equal parts, or into parts of a given length.

An actor belongs to the period holding its first activity (``first_seen``);
actors without timestamps belong to none.

>>> from datetime import UTC, datetime
>>> span = (datetime(2025, 1, 1, tzinfo=UTC), datetime(2025, 12, 31, tzinfo=UTC))
>>> [p.label for p in split_periods(span, 2)]
['2025-01-01/2025-07-01', '2025-07-02/2025-12-31']
>>> [p.label for p in split_periods(span, "90d")][:2]
['2025-01-01/2025-03-31', '2025-04-01/2025-06-29']
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from llmnav.errors import ConfigError

__all__ = ["Period", "PeriodSpec", "parse_period_spec", "period_index", "split_periods"]

PeriodSpec = int | timedelta | str
"""How to cut time: a number of equal periods, a length, or a length as text (``90d``, ``4w``)."""

_LENGTH = re.compile(r"\s*(\d+(?:\.\d+)?)\s*(s|h|d|w|m)\s*", re.IGNORECASE)
_UNITS = {
    "s": timedelta(seconds=1),
    "h": timedelta(hours=1),
    "d": timedelta(days=1),
    "w": timedelta(weeks=1),
}


@dataclass(frozen=True, slots=True)
class Period:
    """One period: ``start <= t < end`` (the last period also holds ``end``)."""

    label: str
    start: datetime
    end: datetime


def parse_period_spec(spec: PeriodSpec) -> int | timedelta:
    """A period count or length from ``spec``; ``ConfigError`` names a bad one.

    >>> parse_period_spec("2"), parse_period_spec("30d")
    (2, datetime.timedelta(days=30))
    """
    if isinstance(spec, bool):
        raise ConfigError(f"Periods {spec!r} must be a count (2) or a length such as '30d'")
    if isinstance(spec, int):
        if spec < 1:
            raise ConfigError(f"Periods must be at least 1, not {spec}")
        return spec
    if isinstance(spec, timedelta):
        if spec <= timedelta(0):
            raise ConfigError(f"Period length must be positive, not {spec}")
        return spec
    text = spec.strip()
    if text.isdigit():
        return parse_period_spec(int(text))
    found = _LENGTH.fullmatch(text)
    if found is None:
        raise ConfigError(
            f"Cannot read periods {spec!r}; give a count (2 = halves) or a length "
            "such as 30d, 4w, 12h, 3600s or 3m (months of 30 days)"
        )
    value, unit = float(found.group(1)), found.group(2).lower()
    step = timedelta(days=30) if unit == "m" else _UNITS[unit]
    return parse_period_spec(step * value)


def _labels(bounds: list[tuple[datetime, datetime]]) -> list[str]:
    for fmt in ("%Y-%m-%d", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S.%f"):
        labels = []
        for index, (start, end) in enumerate(bounds):
            last = end if index == len(bounds) - 1 else end - timedelta(microseconds=1)
            labels.append(f"{start.strftime(fmt)}/{last.strftime(fmt)}")
        if len(set(labels)) == len(labels):
            return labels
    return [f"P{i + 1}" for i in range(len(bounds))]


def split_periods(span: tuple[datetime, datetime] | None, spec: PeriodSpec) -> list[Period]:
    """Cut ``span`` (first, last activity) into periods, in time order; [] for no span."""
    if span is None:
        return []
    how = parse_period_spec(spec)
    start, end = span
    if isinstance(how, int):
        width = (end - start) / how
        if width <= timedelta(0):
            return [Period(_labels([(start, end)])[0], start, end)]
        bounds = [(start + width * i, start + width * (i + 1)) for i in range(how)]
        bounds[-1] = (bounds[-1][0], end)
    else:
        bounds = []
        cursor = start
        while True:
            nxt = cursor + how
            if nxt >= end:
                bounds.append((cursor, end))
                break
            bounds.append((cursor, nxt))
            cursor = nxt
    labels = _labels(bounds)
    return [Period(label, s, e) for label, (s, e) in zip(labels, bounds, strict=True)]


def period_index(when: datetime | None, periods: list[Period]) -> int | None:
    """The index of the period holding ``when`` (None outside them all or undated)."""
    if when is None or not periods:
        return None
    for index, period in enumerate(periods):
        if period.start <= when < period.end:
            return index
    if when == periods[-1].end:
        return len(periods) - 1
    return None
