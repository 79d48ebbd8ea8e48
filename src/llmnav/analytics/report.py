"""``report.html``: the population analytics as one self-contained page.

Charts are inline SVG drawn from the numbers here (no script, no CDN, no web
font), tables are plain HTML, and every text that comes from telemetry
(actor ids, interface names) is escaped by the template engine. The page
opens offline and explains each figure for a reader who has not read the
study.

Charts are built as lists of SVG shapes (:class:`Shape`) by the small
helpers below and drawn by one template macro, so no HTML or SVG is ever
assembled from strings.

>>> chart = bar_chart("Tactics", [("Defense Evasion", 0.84, (0.81, 0.87), "")], maximum=1.0)
>>> [s.kind for s in chart.shapes][:3]
['text', 'rect', 'line']
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import jinja2
import numpy as np

from llmnav.analytics.layers import actor_layer_name
from llmnav.analytics.population import TIERS, Population
from llmnav.files import atomic_write

__all__ = [
    "TIER_COLOURS",
    "Chart",
    "Shape",
    "bar_chart",
    "box_chart",
    "heat_colour",
    "histogram_chart",
    "line_chart",
    "render_report",
    "scatter_chart",
    "write_report",
]

TIER_COLOURS: dict[str, str] = {
    "low": "#8fb9d8",
    "medium": "#f2c14e",
    "high": "#f08a24",
    "critical": "#c62828",
}

ShapeKind = Literal["rect", "line", "text", "circle", "polyline"]


@dataclass(frozen=True, slots=True)
class Shape:
    """One SVG element: its kind, geometry, style and tooltip (``title``)."""

    kind: ShapeKind
    x: float = 0.0
    y: float = 0.0
    w: float = 0.0
    h: float = 0.0
    x2: float = 0.0
    y2: float = 0.0
    r: float = 0.0
    fill: str = "none"
    stroke: str = "none"
    text: str = ""
    anchor: str = "start"
    size: float = 11.0
    points: str = ""
    title: str = ""


@dataclass
class Chart:
    """An SVG chart: title, size, shapes and a caption saying how to read it."""

    title: str
    width: int
    height: int
    shapes: list[Shape] = field(default_factory=list)
    caption: str = ""


def _lerp(a: str, b: str, t: float) -> str:
    ca = [int(a[i : i + 2], 16) for i in (1, 3, 5)]
    cb = [int(b[i : i + 2], 16) for i in (1, 3, 5)]
    mixed = [round(x + (y - x) * t) for x, y in zip(ca, cb, strict=True)]
    return "#" + "".join(f"{v:02x}" for v in mixed)


def heat_colour(value: float, maximum: float) -> str:
    """White -> yellow -> red as ``value`` goes from 0 to ``maximum``.

    >>> heat_colour(0, 1), heat_colour(1, 1)
    ('#ffffff', '#e53935')
    """
    t = 0.0 if maximum <= 0 else max(0.0, min(1.0, value / maximum))
    if t < 0.5:
        return _lerp("#ffffff", "#ffd54f", t * 2)
    return _lerp("#ffd54f", "#e53935", (t - 0.5) * 2)


def _ticks(maximum: float, count: int = 5) -> list[float]:
    if maximum <= 0:
        return [0.0]
    raw = maximum / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    return [step * i for i in range(int(maximum / step + 1e-9) + 1)]


def _fmt(value: float, percent: bool) -> str:
    return f"{value * 100:.0f}%" if percent else f"{value:g}"


def bar_chart(
    title: str,
    items: Sequence[tuple[str, float, tuple[float, float] | None, str]],
    *,
    maximum: float | None = None,
    percent: bool = True,
    caption: str = "",
    colour: str = "#5c7cfa",
    label_width: int = 230,
) -> Chart:
    """Horizontal bars with optional interval whiskers: ``(label, value, (low, high), tooltip)``."""
    row, width = 20, 720
    plot = width - label_width - 60
    top = maximum or max([v for _, v, _, _ in items] + [1e-9])
    height = 30 + row * len(items) + 20
    shapes: list[Shape] = []
    for i, (label, value, ci, tip) in enumerate(items):
        y = 20 + i * row
        shapes.append(Shape("text", x=label_width - 6, y=y + 13, text=label, anchor="end"))
        length = plot * max(0.0, value) / top if top else 0.0
        text = _fmt(value, percent)
        shapes.append(
            Shape(
                "rect",
                x=label_width,
                y=y + 3,
                w=length,
                h=row - 6,
                fill=colour,
                title=tip or f"{label}: {text}",
            )
        )
        if ci is not None:
            lo, hi = (plot * max(0.0, c) / top for c in ci)
            shapes.append(
                Shape(
                    "line",
                    x=label_width + lo,
                    y=y + row / 2,
                    x2=label_width + hi,
                    y2=y + row / 2,
                    stroke="#222",
                )
            )
        shapes.append(Shape("text", x=label_width + length + 4, y=y + 14, text=text, size=10))
    base = 20 + row * len(items)
    for tick in _ticks(top):
        x = label_width + plot * tick / top
        shapes.append(Shape("line", x=x, y=16, x2=x, y2=base, stroke="#ddd"))
        shapes.append(
            Shape("text", x=x, y=base + 14, text=_fmt(tick, percent), anchor="middle", size=10)
        )
    return Chart(title, width, height, shapes, caption)


def histogram_chart(
    title: str,
    values_by_tier: Mapping[str, Sequence[float]],
    *,
    bin_width: float = 5.0,
    caption: str = "",
) -> Chart:
    """Stacked histogram of ARiES (0-100) coloured by tier."""
    width, height, left, bottom = 720, 260, 50, 220
    bins = int(100 / bin_width)
    counts = {
        tier: np.histogram(np.asarray(values, dtype=float), bins=bins, range=(0, 100))[0]
        for tier, values in values_by_tier.items()
    }
    totals = sum(counts.values(), np.zeros(bins, dtype=np.int64))
    top = max(1, int(totals.max()) if bins else 1)
    plot_w, plot_h = width - left - 20, bottom - 20
    shapes: list[Shape] = []
    for tick in _ticks(top, 4):
        y = bottom - plot_h * tick / top
        shapes.append(Shape("line", x=left, y=y, x2=left + plot_w, y2=y, stroke="#eee"))
        shapes.append(Shape("text", x=left - 4, y=y + 4, text=f"{tick:g}", anchor="end", size=10))
    bar_w = plot_w / bins
    stack = np.zeros(bins)
    for tier in TIERS:
        if tier not in counts:
            continue
        for b in range(bins):
            c = int(counts[tier][b])
            if not c:
                continue
            h = plot_h * c / top
            y = bottom - plot_h * stack[b] / top - h
            shapes.append(
                Shape(
                    "rect",
                    x=left + b * bar_w + 1,
                    y=y,
                    w=bar_w - 2,
                    h=h,
                    fill=TIER_COLOURS[tier],
                    title=f"ARiES {b * bin_width:g}-{(b + 1) * bin_width:g}: {c} {tier}",
                )
            )
            stack[b] += c
    for score in range(0, 101, 10):
        x = left + plot_w * score / 100
        shapes.append(Shape("text", x=x, y=bottom + 14, text=str(score), anchor="middle", size=10))
    shapes.append(Shape("text", x=left + plot_w / 2, y=bottom + 32, text="ARiES", anchor="middle"))
    shapes.extend(_legend(left + 10, 12))
    return Chart(title, width, height, shapes, caption)


def _legend(x: float, y: float) -> list[Shape]:
    shapes = []
    for i, tier in enumerate(TIERS):
        shapes.append(Shape("rect", x=x + i * 90, y=y - 9, w=10, h=10, fill=TIER_COLOURS[tier]))
        shapes.append(Shape("text", x=x + i * 90 + 14, y=y, text=tier, size=10))
    return shapes


def box_chart(title: str, groups: Mapping[str, Sequence[float]], *, caption: str = "") -> Chart:
    """Box plots (quartiles, whiskers at min/max) of ARiES per group."""
    row, width, left = 34, 720, 150
    plot = width - left - 30
    height = 20 + row * len(groups) + 30
    shapes: list[Shape] = []
    for i, (name, values) in enumerate(groups.items()):
        y = 20 + i * row
        mid = y + row / 2
        shapes.append(
            Shape("text", x=left - 6, y=mid + 4, text=f"{name} ({len(values)})", anchor="end")
        )
        if not len(values):
            continue
        lo, q1, med, q3, hi = np.percentile(np.asarray(values, dtype=float), [0, 25, 50, 75, 100])

        def sx(v: float) -> float:
            return float(left + plot * v / 100)

        tip = f"{name}: median {med:.1f}, quartiles {q1:.1f}-{q3:.1f}, range {lo:.1f}-{hi:.1f}"
        shapes.append(Shape("line", x=sx(lo), y=mid, x2=sx(hi), y2=mid, stroke="#555"))
        shapes.append(
            Shape(
                "rect",
                x=sx(q1),
                y=mid - 9,
                w=max(1.0, sx(q3) - sx(q1)),
                h=18,
                fill="#c5d3f6",
                stroke="#3b5bdb",
                title=tip,
            )
        )
        shapes.append(Shape("line", x=sx(med), y=mid - 9, x2=sx(med), y2=mid + 9, stroke="#1b1b1b"))
    base = 20 + row * len(groups)
    for score in range(0, 101, 10):
        x = left + plot * score / 100
        shapes.append(Shape("line", x=x, y=16, x2=x, y2=base, stroke="#eee"))
        shapes.append(Shape("text", x=x, y=base + 14, text=str(score), anchor="middle", size=10))
    return Chart(title, width, height, shapes, caption)


def scatter_chart(
    title: str,
    points: Iterable[tuple[float, float, str, str]],
    *,
    x_label: str,
    y_label: str,
    caption: str = "",
) -> Chart:
    """Scatter of ``(x, y, tier, tooltip)`` with y in 0-100, coloured by tier."""
    width, height, left, bottom = 720, 340, 50, 290
    items = list(points)
    top_x = max([p[0] for p in items] + [1.0])
    plot_w, plot_h = width - left - 20, bottom - 30
    shapes: list[Shape] = []
    for tick in _ticks(top_x, 6):
        x = left + plot_w * tick / top_x
        shapes.append(Shape("line", x=x, y=30, x2=x, y2=bottom, stroke="#eee"))
        shapes.append(Shape("text", x=x, y=bottom + 14, text=f"{tick:g}", anchor="middle", size=10))
    for score in range(0, 101, 20):
        y = bottom - plot_h * score / 100
        shapes.append(Shape("line", x=left, y=y, x2=left + plot_w, y2=y, stroke="#eee"))
        shapes.append(Shape("text", x=left - 4, y=y + 4, text=str(score), anchor="end", size=10))
    for x, y, tier, tip in items:
        shapes.append(
            Shape(
                "circle",
                x=left + plot_w * x / top_x,
                y=bottom - plot_h * y / 100,
                r=3.2,
                fill=TIER_COLOURS.get(tier, "#888"),
                stroke="#333",
                title=tip,
            )
        )
    shapes.append(Shape("text", x=left + plot_w / 2, y=bottom + 32, text=x_label, anchor="middle"))
    shapes.append(Shape("text", x=8, y=22, text=y_label))
    shapes.extend(_legend(left + 120, 16))
    return Chart(title, width, height, shapes, caption)


def line_chart(
    title: str,
    labels: Sequence[str],
    series: Mapping[str, Sequence[float | None]],
    *,
    maximum: float,
    percent: bool,
    caption: str = "",
) -> Chart:
    """Lines over periods (one point per label); missing values break nothing, they are skipped."""
    width, height, left, bottom = 720, 250, 60, 190
    plot_w, plot_h = width - left - 40, bottom - 30
    n = max(1, len(labels))
    shapes: list[Shape] = []
    top = maximum or 1.0
    for tick in _ticks(top, 4):
        y = bottom - plot_h * tick / top
        shapes.append(Shape("line", x=left, y=y, x2=left + plot_w, y2=y, stroke="#eee"))
        shapes.append(
            Shape("text", x=left - 4, y=y + 4, text=_fmt(tick, percent), anchor="end", size=10)
        )

    def px(i: int) -> float:
        return left + (plot_w * (i + 0.5) / n)

    for i, label in enumerate(labels):
        shapes.append(Shape("text", x=px(i), y=bottom + 14, text=label, anchor="middle", size=9))
    colours = ["#c62828", "#1e88e5", "#43a047", "#8e24aa"]
    for k, (name, values) in enumerate(series.items()):
        colour = colours[k % len(colours)]
        coords = [(px(i), bottom - plot_h * v / top) for i, v in enumerate(values) if v is not None]
        if len(coords) > 1:
            shapes.append(
                Shape(
                    "polyline",
                    points=" ".join(f"{x:.1f},{y:.1f}" for x, y in coords),
                    stroke=colour,
                )
            )
        for (x, y), v in zip(coords, [v for v in values if v is not None], strict=True):
            shapes.append(
                Shape(
                    "circle",
                    x=x,
                    y=y,
                    r=4,
                    fill=colour,
                    title=f"{name}: {_fmt(v, percent) if percent else f'{v:.1f}'}",
                )
            )
        shapes.append(Shape("rect", x=left + 10 + k * 220, y=8, w=10, h=10, fill=colour))
        shapes.append(Shape("text", x=left + 24 + k * 220, y=17, text=name, size=10))
    return Chart(title, width, height, shapes, caption)


# -- the page ----------------------------------------------------------------------


@dataclass
class MatrixCell:
    technique_id: str
    name: str
    value: float
    colour: str
    tip: str


@dataclass
class MatrixColumn:
    tactic_id: str
    name: str
    cells: list[MatrixCell]
    hidden: int


def _matrix(
    analytics: Mapping[str, Any], key: Literal["share", "mean_aries"], per_column: int
) -> list[MatrixColumn]:
    techniques: Mapping[str, Any] = analytics.get("techniques", {})
    tactics: Mapping[str, Any] = analytics.get("tactics", {})
    if key == "share":  # scaled to the most common technique, so rare ones still differ
        shares = [float(r["share"]) for r in techniques.values() if r.get("share") is not None]
        maximum = max([*shares, 0.01])
    else:
        maximum = 100.0
    columns = []
    for tactic_id, tactic in tactics.items():
        rows = [
            (t, row)
            for t, row in techniques.items()
            if tactic_id in row.get("tactics", ()) and row.get(key) is not None
        ]
        rows.sort(key=lambda tr: (-float(tr[1][key]), tr[0]))
        cells = []
        for technique, row in rows[:per_column]:
            value = float(row[key])
            shown = f"{value * 100:.1f}%" if key == "share" else f"{value:.1f}"
            cells.append(
                MatrixCell(
                    technique,
                    row.get("name") or "",
                    value,
                    heat_colour(value, maximum),
                    f"{technique} {row.get('name') or ''}: {shown} "
                    f"({row['actors']} actors, mean ARiES {row.get('mean_aries')})",
                )
            )
        columns.append(
            MatrixColumn(
                tactic_id,
                str(tactic.get("name") or tactic_id),
                cells,
                max(0, len(rows) - per_column),
            )
        )
    return columns


def _charts(analytics: Mapping[str, Any], population: Population) -> dict[str, Chart]:
    charts: dict[str, Chart] = {}
    tactics: Mapping[str, Any] = analytics.get("tactics", {})
    charts["tactics"] = bar_chart(
        "Tactic prevalence: share of actors using each tactic",
        [
            (
                str(row["name"]),
                float(row["share"] or 0.0),
                tuple(row["ci"]) if row.get("ci") else None,
                f"{row['name']}: {row['actors']} actors ({(row['share'] or 0) * 100:.1f}%)",
            )
            for row in tactics.values()
        ],
        maximum=1.0,
        caption="Bar: share of actors with at least one action mapped to the tactic. "
        "Black line: 95% bootstrap interval.",
    )
    top = list(analytics.get("techniques", {}).items())[:25]
    charts["techniques"] = bar_chart(
        "The 25 most common techniques (share of actors)",
        [
            (
                f"{t} {row.get('name') or ''}"[:42],
                float(row["share"] or 0.0),
                tuple(row["ci"]) if row.get("ci") else None,
                f"{t} {row.get('name') or ''}: {row['actors']} actors",
            )
            for t, row in top
        ],
        maximum=1.0,
        label_width=300,
        colour="#f08a24",
        caption="Bar: share of actors using the technique. Black line: 95% bootstrap interval.",
    )
    by_tier: dict[str, list[float]] = {t: [] for t in TIERS}
    for actor in population.actors:
        by_tier.setdefault(actor.tier, []).append(actor.aries)
    charts["scores"] = histogram_chart(
        "Score distribution, coloured by tier",
        by_tier,
        caption="How many actors fall in each 5-point ARiES band; colours are the tiers.",
    )
    groups: dict[str, list[float]] = {}
    for actor in population.actors:
        groups.setdefault(actor.interface, []).append(actor.aries)
    charts["interfaces"] = box_chart(
        "ARiES by interface",
        dict(sorted(groups.items())),
        caption="Box: middle half of the actors (quartiles), bar: median, line: lowest to "
        "highest score.",
    )
    charts["tiers_box"] = box_chart(
        "ARiES by tier",
        {t: by_tier[t] for t in TIERS if by_tier.get(t)},
        caption="The spread of scores inside each tier.",
    )
    charts["breadth"] = scatter_chart(
        "Breadth vs risk: techniques per actor against ARiES",
        [
            (
                float(a.n_techniques),
                a.aries,
                a.tier,
                f"{a.actor_id}: {a.n_techniques} techniques, ARiES {a.aries:.1f} ({a.tier})",
            )
            for a in population.actors
        ],
        x_label="distinct techniques used by the actor",
        y_label="ARiES",
        caption="One dot per actor. A weak upward drift means breadth alone says little "
        "about risk.",
    )
    periods = analytics.get("tier_share_by_period_detail", {}).get("periods", {})
    labels = list(periods)
    per_tech = analytics.get("techniques_per_actor", {}).get("by_period", {})
    charts["period_tiers"] = line_chart(
        "Medium-or-higher share per period",
        labels,
        {
            "medium or higher": [row["medium_or_higher"]["share"] for row in periods.values()],
            "high or critical": [
                (row["counts"]["high"] + row["counts"]["critical"]) / row["actors"]
                if row["actors"]
                else None
                for row in periods.values()
            ],
        },
        maximum=1.0,
        percent=True,
        caption="Share of the actors first seen in each period whose ARiES is medium or above.",
    )
    medians = [per_tech.get(label, {}).get("median") for label in labels]
    charts["period_techniques"] = line_chart(
        "Median techniques per actor, per period",
        labels,
        {"median techniques": medians},
        maximum=max([m for m in medians if m is not None] + [1.0]) * 1.2,
        percent=False,
        caption="The typical actor's breadth in each period.",
    )
    return charts


def _pct(value: float | None, digits: int = 1) -> str:
    return "n/a" if value is None else f"{float(value) * 100:.{digits}f}%"


def _num(value: float | None, digits: int = 1) -> str:
    return "n/a" if value is None else f"{float(value):,.{digits}f}"


def _pval(value: float | None) -> str:
    if value is None:
        return "n/a"
    return "< 0.0001" if value < 1e-4 else f"{value:.4f}"


def _signed(value: float | None, digits: int = 1) -> str:
    return "n/a" if value is None else f"{float(value):+.{digits}f}"


_FILTERS: dict[str, Any] = {"pct": _pct, "num": _num, "pval": _pval, "signed": _signed}


def _ci_text(ci: Sequence[float] | None, percent: bool = True, digits: int = 1) -> str:
    if not ci:
        return "n/a"
    if percent:
        return f"{ci[0] * 100:.{digits}f}-{ci[1] * 100:.{digits}f}%"
    return f"{ci[0]:.{digits}f} to {ci[1]:.{digits}f}"


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("llmnav.analytics", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(_FILTERS)
    env.filters["ci"] = _ci_text
    return env


def render_report(
    analytics: Mapping[str, Any],
    population: Population,
    *,
    layers: Sequence[Path] = (),
    base: Path | None = None,
    title: str = "LLM misuse population report",
    top_n: int = 25,
    per_column: int = 20,
) -> str:
    """The report page as text (``write_report`` writes it)."""
    layer_links: dict[str, str] = {}
    population_files = []
    aio_actor_layers = 0
    for path in layers:
        href = os.path.relpath(path, base) if base is not None else path.name
        href = href.replace(os.sep, "/")
        if path.name.startswith("actor-"):
            layer_links[path.name] = href
        elif path.name.startswith("aio-actor-"):
            aio_actor_layers += 1
        elif path.suffix == ".json":
            population_files.append((path.name, href))
    actors = [
        {
            "rank": i + 1,
            "actor": a,
            "layer": layer_links.get(actor_layer_name(a.actor_id)),
        }
        for i, a in enumerate(population.actors[:top_n])
    ]
    context = {
        "title": title,
        "a": analytics,
        "charts": _charts(analytics, population),
        "matrix_share": _matrix(analytics, "share", per_column),
        "matrix_aries": _matrix(analytics, "mean_aries", per_column),
        "per_column": per_column,
        "triage": actors,
        "top_n": top_n,
        "tiers": TIERS,
        "tier_colours": TIER_COLOURS,
        "population_layers": population_files,
        "actor_layers": len(layer_links),
        "aio_actor_layers": aio_actor_layers,
        "top_techniques": list(analytics.get("techniques", {}).items())[:40],
        "uplift_techniques": list(
            analytics.get("technique_uplift", {}).get("techniques", {}).items()
        )[:20],
        "over_index": list(analytics.get("over_indexing", {}).get("techniques", {}).items())[:20],
        "drift": [
            (pair, list(pair["techniques"].items())[:15])
            for pair in analytics.get("technique_drift", {}).get("pairs", [])
        ],
    }
    return _environment().get_template("report.html").render(**context)


def write_report(
    analytics: Mapping[str, Any],
    population: Population,
    path: str | os.PathLike[str],
    *,
    layers: Sequence[Path] = (),
    title: str = "LLM misuse population report",
    top_n: int = 25,
) -> Path:
    """Write ``report.html`` (atomically); layer links are relative to its folder.

    >>> write_report(analytics, population, "out/report.html", layers=files)  # doctest: +SKIP
    PosixPath('out/report.html')
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    text = render_report(
        analytics,
        population,
        layers=[Path(p) for p in layers],
        base=target.parent,
        title=title,
        top_n=top_n,
    )
    atomic_write(target, text.encode("utf-8"))
    return target
