"""report.html: one self-contained page with every section, telemetry escaped."""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
from analytics_helpers import HOSTILE, Analyzed, make_population

from llmnav.analytics import Population, compute_analytics, write_report
from llmnav.analytics.report import bar_chart, heat_colour
from llmnav.catalog import Catalog

SECTIONS = (
    "summary",
    "read",
    "triage",
    "matrix",
    "prevalence",
    "scores",
    "breadth",
    "late",
    "uplift",
    "overindex",
    "sophistication",
    "interfaces",
    "periods",
    "drift",
    "gap",
    "layers",
    "glossary",
)
VOID = {"meta", "br", "hr", "img", "input", "link", "col", "area", "base", "source", "wbr"}
SVG_LEAVES = {"line", "polyline", "path", "circle", "rect", "text", "title"}


class Page(HTMLParser):
    """Collects ids, tags, attributes and text, and checks that tags nest."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.stack: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.tags.append((tag, found))
        if found.get("id"):
            self.ids.append(str(found["id"]))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:]}")
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


@pytest.fixture(scope="module")
def page(analyzed: Analyzed) -> tuple[str, Page]:
    html = analyzed.report.read_text(encoding="utf-8")
    parsed = Page()
    parsed.feed(html)
    parsed.close()
    return html, parsed


def test_report_has_every_section_once(page: tuple[str, Page]) -> None:
    _, parsed = page
    assert [i for i in parsed.ids if i in SECTIONS] == list(SECTIONS)
    assert parsed.errors == [] and parsed.stack == []


def test_report_is_self_contained(page: tuple[str, Page]) -> None:
    html, parsed = page
    assert html.startswith("<!DOCTYPE html>")
    assert not any(tag in {"script", "link", "iframe", "img", "object"} for tag, _ in parsed.tags)
    for tag, attrs in parsed.tags:
        for name in ("src", "href"):
            value = attrs.get(name) or ""
            assert not re.match(r"(?i)(https?:)?//", value), f"<{tag} {name}={value}>"
    assert "@import" not in html and "url(" not in html


def test_report_escapes_hostile_actor_ids(page: tuple[str, Page]) -> None:
    html, parsed = page
    assert HOSTILE not in html
    assert "&lt;script&gt;alert(" in html
    assert HOSTILE in "".join(parsed.text)


def test_report_svg_charts_are_well_formed_xml(page: tuple[str, Page]) -> None:
    html, _ = page
    charts = re.findall(r"<svg .*?</svg>", html, flags=re.S)
    assert len(charts) >= 8
    for chart in charts:
        ET.fromstring(chart)


def test_report_links_actor_layers_relative_to_the_report(
    analyzed: Analyzed, page: tuple[str, Page]
) -> None:
    _, parsed = page
    hrefs = [str(a.get("href")) for tag, a in parsed.tags if tag == "a" and a.get("href")]
    assert "layers/actor-op-espionage.json" in hrefs
    assert "layers/population-prevalence.json" in hrefs
    for href in hrefs:
        if not href.startswith("#"):
            assert (analyzed.out / href).is_file()


def test_report_shows_the_contract_figures(analyzed: Analyzed, page: tuple[str, Page]) -> None:
    html, _ = page
    assert f"{analyzed.analytics['mean_aries']:,.1f}" in html
    assert "Lateral Movement" in html and "Defense Evasion" in html


def test_report_renders_for_an_empty_population(catalog: Catalog, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    write_report(compute_analytics(Population(()), catalog), Population(()), out)
    parsed = Page()
    parsed.feed(out.read_text(encoding="utf-8"))
    assert parsed.errors == [] and "triage" in parsed.ids


def test_report_for_a_study_sized_population_stays_small(catalog: Catalog, tmp_path: Path) -> None:
    population = make_population(catalog)
    out = write_report(
        compute_analytics(population, catalog, resamples=100),
        population,
        tmp_path / "r.html",
    )
    assert out.stat().st_size < 2_000_000


def test_chart_helpers_draw_shapes_and_colours() -> None:
    chart = bar_chart("t", [("a", 0.5, (0.4, 0.6), ""), ("b", 0.25, None, "")], maximum=1.0)
    assert sum(1 for s in chart.shapes if s.kind == "rect") == 2
    assert heat_colour(0.5, 1.0) == "#ffd54f" and heat_colour(2.0, 1.0) == "#e53935"


def test_report_lists_extra_layer_files_and_counts_aio_actor_layers(
    analyzed: Analyzed, tmp_path: Path
) -> None:
    extra = [tmp_path / "layers" / "aio-population.json", tmp_path / "layers" / "aio-actor-x.json"]
    out = write_report(
        analyzed.analytics,
        analyzed.population,
        tmp_path / "report.html",
        layers=[*analyzed.layers, *extra],
    )
    html = out.read_text(encoding="utf-8")
    assert 'href="layers/aio-population.json"' in html
    assert "aio-actor-x.json" not in html and "1 per-actor AIO layers" in html


def test_written_files_are_readable_like_any_other_file(analyzed: Analyzed) -> None:
    umask = os.umask(0)
    os.umask(umask)
    for path in (analyzed.report, analyzed.analytics_json, analyzed.layers[0]):
        assert path.stat().st_mode & 0o777 == 0o666 & ~umask
