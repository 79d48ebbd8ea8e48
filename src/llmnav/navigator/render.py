"""Draw a layer's matrix to SVG or PNG, with each technique's score printed in its cell.

The stock Navigator's SVG and image exports colour the cells but do not print
scores; these drawings do. Columns are the tactics in matrix order (from the
ATT&CK catalog, or the AIO taxonomy for domain ``aio``); each cell is coloured
by the technique's ``color`` or else by its score on the layer's gradient.
By default only annotated techniques are drawn (``all_techniques=True`` for
the whole matrix); annotated sub-techniques sit, indented, under their parent.

Both formats are drawn from one list of boxes and texts (:func:`matrix_drawing`):
:func:`render_svg` writes them as SVG, escaping every text (layer names and
comments come from whoever made the layer), and :func:`render_png` rasterises
them itself (rectangles and a built-in 5x7 bitmap font; no imaging library).

>>> from llmnav.navigator.layer import TechniqueScore, build_layer
>>> layer = build_layer(name="<b>demo</b>", domain="enterprise-attack",
...                     techniques=[TechniqueScore("T1003.001", 80), TechniqueScore("T1059", 40)])
>>> svg = render_svg(layer)
>>> svg.startswith("<svg") and "&lt;b&gt;demo&lt;/b&gt;" in svg and "<b>" not in svg
True
>>> ">80</text>" in svg and ">40</text>" in svg
True
"""

from __future__ import annotations

import os
import struct
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal
from xml.sax.saxutils import escape, quoteattr

from llmnav.catalog import Catalog, load_catalog
from llmnav.navigator.font import GLYPH_ADVANCE, GLYPH_HEIGHT, glyph_rows
from llmnav.navigator.layer import ATTACK_DOMAINS, Layer, Technique

__all__ = [
    "NAVIGATOR_DEFAULT_GRADIENT",
    "Box",
    "Cell",
    "Column",
    "Drawing",
    "Label",
    "gradient_colour",
    "matrix_columns",
    "matrix_drawing",
    "png_bytes",
    "render_png",
    "render_svg",
    "write_rendering",
]

# The Navigator's gradient for a layer without one: red-yellow-green over 0-100.
NAVIGATOR_DEFAULT_GRADIENT: tuple[tuple[str, ...], float, float] = (
    ("#ff6666", "#ffe766", "#8ec843"),
    0,
    100,
)
_NO_SCORE = "#ffffff"
_DISABLED = "#e4e4e4"
_FONT = "Helvetica, Arial, sans-serif"

# Layout, in SVG user units (pixels at scale 1).
_MARGIN = 16
_COLUMN = 190
_GAP = 6
_HEADER = 40
_CELL = 32
_INDENT = 14
_CHAR = 0.6  # width of one character, as a fraction of the font size


# -- colours -------------------------------------------------------------------------

_Rgba = tuple[int, int, int, int]


def _rgba(colour: str) -> _Rgba:
    text = colour.lstrip("#")
    alpha = int(text[6:8], 16) if len(text) == 8 else 255
    return int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16), alpha


def _hex(rgba: _Rgba) -> str:
    red, green, blue, alpha = rgba
    text = f"#{red:02x}{green:02x}{blue:02x}"
    return text if alpha == 255 else f"{text}{alpha:02x}"


def _over_white(colour: str) -> tuple[int, int, int]:
    red, green, blue, alpha = _rgba(colour)
    share = alpha / 255
    return tuple(round(c * share + 255 * (1 - share)) for c in (red, green, blue))  # type: ignore[return-value]


def gradient_colour(score: float, colours: Sequence[str], low: float, high: float) -> str:
    """The colour of a score on a gradient, as the Navigator computes it.

    Colours are spread evenly from ``low`` to ``high`` and mixed linearly;
    scores outside the range take the end colour.

    >>> gradient_colour(50, ["#ffffff", "#ff0000"], 0, 100)
    '#ff8080'
    >>> gradient_colour(-5, ["#0000ff", "#ffffff", "#ff0000"], -1, 1)
    '#0000ff'
    """
    if high <= low or len(colours) == 1:
        return colours[-1]
    share = min(max((score - low) / (high - low), 0.0), 1.0) * (len(colours) - 1)
    index = min(int(share), len(colours) - 2)
    start, end = _rgba(colours[index]), _rgba(colours[index + 1])
    part = share - index
    mixed = tuple(round(a + (b - a) * part) for a, b in zip(start, end, strict=True))
    return _hex(mixed)  # type: ignore[arg-type]


def _text_colour(fill: str) -> str:
    red, green, blue = _over_white(fill)
    luminance = (0.299 * red + 0.587 * green + 0.114 * blue) / 255
    return "#000000" if luminance > 0.55 else "#ffffff"


# -- the matrix ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Cell:
    """One technique cell: what to print and how to colour it."""

    technique_id: str
    name: str
    score: float | None
    fill: str
    comment: str = ""
    subtechnique: bool = False
    enabled: bool = True


@dataclass(frozen=True, slots=True)
class Column:
    """One tactic column (in matrix order) and its cells, sub-techniques after parents."""

    name: str
    cells: tuple[Cell, ...]


def _annotated(technique: Technique | None) -> bool:
    if technique is None:
        return False
    return bool(
        technique.score is not None
        or technique.color
        or technique.comment
        or technique.metadata
        or technique.enabled is False
    )


@dataclass(slots=True)
class _Styler:
    layer: Layer
    table: dict[tuple[str, str | None], Technique] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.table = {(t.techniqueID, t.tactic): t for t in self.layer.techniques or []}

    def find(self, technique_id: str, tactic: str | None) -> Technique | None:
        found = self.table.get((technique_id, tactic))
        return found if found is not None else self.table.get((technique_id, None))

    def cell(self, technique_id: str, name: str, tactic: str | None, *, sub: bool) -> Cell:
        technique = self.find(technique_id, tactic)
        score = None if technique is None or technique.score is None else float(technique.score)
        enabled = technique is None or technique.enabled is not False
        if not enabled:
            fill = _DISABLED
        elif technique is not None and technique.color:
            fill = technique.color
        elif score is not None:
            gradient = self.layer.gradient
            colours: Sequence[str]
            low: float
            high: float
            if gradient is not None:
                colours, low, high = gradient.colors, gradient.minValue, gradient.maxValue
            else:
                colours, low, high = NAVIGATOR_DEFAULT_GRADIENT
            fill = gradient_colour(score, colours, low, high)
        else:
            fill = _NO_SCORE
        comment = technique.comment or "" if technique is not None else ""
        return Cell(technique_id, name, score, fill, comment, sub, enabled)

    def sort(self, items: list[tuple[str, str]], tactic: str | None) -> list[tuple[str, str]]:
        """Sort (id, name) pairs as the layer's ``sorting`` asks (names A-Z by default)."""
        mode = self.layer.sorting or 0

        def score(item: tuple[str, str]) -> float:
            found = self.find(item[0], tactic)
            return float("-inf") if found is None or found.score is None else float(found.score)

        by_name = sorted(items, key=lambda item: (item[1].casefold(), item[0]))
        if mode == 1:
            return sorted(items, key=lambda item: (item[1].casefold(), item[0]), reverse=True)
        if mode == 2:
            return sorted(by_name, key=score)
        if mode == 3:
            return sorted(by_name, key=score, reverse=True)
        return by_name


def _attack_columns(
    layer: Layer, catalog: Catalog, styler: _Styler, all_techniques: bool
) -> tuple[list[Column], set[str]]:
    columns: list[Column] = []
    placed: set[str] = set()
    for tactic in catalog.tactics:
        short = tactic.shortname
        parents = catalog.techniques(tactic=short, subtechniques=False)
        chosen: list[tuple[str, str]] = []
        subs_of: dict[str, list[tuple[str, str]]] = {}
        for parent in parents:
            subs = [
                (child.id, child.name)
                for child_id in parent.children
                if (child := catalog.get_technique(child_id)) is not None
                and child.active
                and short in child.tactics
                and _annotated(styler.find(child.id, short))
            ]
            if all_techniques or subs or _annotated(styler.find(parent.id, short)):
                chosen.append((parent.id, parent.name))
                subs_of[parent.id] = subs
        cells: list[Cell] = []
        for parent_id, parent_name in styler.sort(chosen, short):
            cells.append(styler.cell(parent_id, parent_name, short, sub=False))
            placed.add(parent_id)
            for sub_id, sub_name in styler.sort(subs_of[parent_id], short):
                cells.append(styler.cell(sub_id, sub_name, short, sub=True))
                placed.add(sub_id)
        if cells or all_techniques:
            columns.append(Column(tactic.name, tuple(cells)))
    return columns, placed


def _aio_columns(styler: _Styler, all_techniques: bool) -> tuple[list[Column], set[str]]:
    from llmnav.orchestration.taxonomy import load_taxonomy

    taxonomy = load_taxonomy()
    columns: list[Column] = []
    placed: set[str] = set()
    for tactic in taxonomy.tactics:
        items = [
            (technique.id, technique.name)
            for technique in taxonomy.techniques_of(tactic.id)
            if all_techniques or _annotated(styler.find(technique.id, tactic.shortname))
        ]
        cells = tuple(
            styler.cell(technique_id, name, tactic.shortname, sub=False)
            for technique_id, name in styler.sort(items, tactic.shortname)
        )
        placed.update(cell.technique_id for cell in cells)
        if cells or all_techniques:
            columns.append(Column(tactic.name, cells))
    return columns, placed


def matrix_columns(
    layer: Layer, *, catalog: Catalog | None = None, all_techniques: bool = False
) -> list[Column]:
    """The columns to draw: tactics in matrix order with their technique cells.

    ATT&CK domains use ``catalog`` (default: the packaged catalog of the layer's
    domain); domain ``aio`` uses the AIO taxonomy; any other domain gets one
    column of the layer's techniques. Annotated techniques the matrix does not
    hold (revoked ids, another ATT&CK version) go in a last column, "not in
    the matrix", so no score is lost from the picture.
    """
    styler = _Styler(layer)
    if layer.domain in ATTACK_DOMAINS:
        catalog = catalog or load_catalog(layer.domain)
        columns, placed = _attack_columns(layer, catalog, styler, all_techniques)
    elif layer.domain == "aio":
        columns, placed = _aio_columns(styler, all_techniques)
    else:
        columns, placed = [], set()
    leftovers = sorted(
        {
            (t.techniqueID, t.tactic)
            for t in layer.techniques or []
            if t.techniqueID not in placed and _annotated(t)
        },
        key=lambda key: (key[0], key[1] or ""),
    )
    if leftovers:
        title = "not in the matrix" if layer.domain in (*ATTACK_DOMAINS, "aio") else "techniques"
        cells = []
        for technique_id, tactic in leftovers:
            known = catalog.get_technique(technique_id) if catalog is not None else None
            name = tactic or ""
            if known is not None:
                state = "revoked" if known.revoked else "deprecated" if known.deprecated else ""
                name = f"{known.name} ({state})" if state else known.name
            cells.append(styler.cell(technique_id, name, tactic, sub=False))
        columns.append(Column(title, tuple(cells)))
    return columns


# -- drawing primitives --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Box:
    """A filled rectangle (``stroke`` for an outline, ``tooltip`` for SVG ``<title>``)."""

    x: float
    y: float
    width: float
    height: float
    fill: str
    stroke: str | None = None
    tooltip: str = ""


@dataclass(frozen=True, slots=True)
class Label:
    """A line of text; ``y`` is its baseline, ``anchor`` where ``x`` is."""

    x: float
    y: float
    text: str
    size: float = 10
    fill: str = "#000000"
    bold: bool = False
    anchor: Literal["start", "middle", "end"] = "start"


@dataclass(frozen=True, slots=True)
class Drawing:
    """Everything to draw, in order, on a white ``width`` x ``height`` page."""

    width: float
    height: float
    items: tuple[Box | Label, ...]


def _fit(text: str, width: float, size: float) -> str:
    """Shorten text to what fits in ``width`` at ``size`` (ending with "…")."""
    room = max(int(width / (size * _CHAR)), 1)
    text = " ".join(text.split())
    return text if len(text) <= room else text[: max(room - 1, 0)] + "…"


def _score_text(score: float | None) -> str:
    if score is None:
        return ""
    if float(score).is_integer():
        return str(int(score))
    return f"{score:.2f}".rstrip("0").rstrip(".")


def _legend(layer: Layer, x: float, y: float, items: list[Box | Label]) -> float:
    """Draw the gradient bar and legend items from (x, y); returns the height used."""
    gradient = layer.gradient
    if gradient is not None:
        colours, low, high = list(gradient.colors), gradient.minValue, gradient.maxValue
    else:
        colours, low, high = list(NAVIGATOR_DEFAULT_GRADIENT[0]), 0.0, 100.0
    items.append(Label(x, y + 11, "score", size=10, bold=True))
    steps, bar = 48, 240.0
    left = x + 44
    for step in range(steps):
        value = low + (high - low) * (step + 0.5) / steps
        items.append(
            Box(
                left + bar * step / steps,
                y,
                bar / steps + 0.5,
                14,
                gradient_colour(value, colours, low, high),
            )
        )
    items.append(Box(left, y, bar, 14, "none", stroke="#888888"))
    for value, where, anchor in (
        (low, left, "start"),
        ((low + high) / 2, left + bar / 2, "middle"),
        (high, left + bar, "end"),
    ):
        items.append(Label(where, y + 27, _score_text(float(value)), size=10, anchor=anchor))  # type: ignore[arg-type]
    cursor = left + bar + 24
    for entry in layer.legendItems or []:
        items.append(Box(cursor, y, 14, 14, entry.color, stroke="#888888"))
        label = _fit(entry.label, 160, 10)
        items.append(Label(cursor + 20, y + 11, label, size=10))
        cursor += 20 + len(label) * 10 * _CHAR + 16
    return 34


def matrix_drawing(
    layer: Layer,
    *,
    catalog: Catalog | None = None,
    all_techniques: bool = False,
) -> Drawing:
    """Lay out the matrix: title, tactic columns of cells (id, name, score), legend."""
    columns = matrix_columns(layer, catalog=catalog, all_techniques=all_techniques)
    items: list[Box | Label] = []
    scored = sum(1 for t in layer.techniques or [] if t.score is not None)
    count = max(len(columns), 1)
    width = 2 * _MARGIN + count * _COLUMN + (count - 1) * _GAP
    width = max(width, 2 * _MARGIN + 560)
    items.append(
        Label(_MARGIN, _MARGIN + 16, _fit(layer.name, width - 2 * _MARGIN, 16), 16, bold=True)
    )
    subtitle = f"{layer.domain}"
    if layer.versions.attack:
        subtitle += f" · ATT&CK v{layer.versions.attack}"
    subtitle += f" · {scored} scored technique{'s' if scored != 1 else ''}"
    items.append(
        Label(_MARGIN, _MARGIN + 34, _fit(subtitle, width - 2 * _MARGIN, 11), 11, "#444444")
    )
    top: float = _MARGIN + 48
    legend_height = _legend(layer, _MARGIN, top, items)
    top += legend_height + 12
    tallest = 0.0
    for index, column in enumerate(columns):
        left = _MARGIN + index * (_COLUMN + _GAP)
        items.append(Box(left, top, _COLUMN, _HEADER - 4, "#333333"))
        items.append(
            Label(
                left + _COLUMN / 2,
                top + 16,
                _fit(column.name, _COLUMN - 8, 12),
                12,
                "#ffffff",
                True,
                "middle",
            )
        )
        parents = sum(1 for cell in column.cells if not cell.subtechnique)
        items.append(
            Label(
                left + _COLUMN / 2,
                top + 30,
                f"{parents} technique{'s' if parents != 1 else ''}",
                10,
                "#dddddd",
                anchor="middle",
            )
        )
        y = top + _HEADER
        for cell in column.cells:
            x = left + (_INDENT if cell.subtechnique else 0)
            cell_width = _COLUMN - (_INDENT if cell.subtechnique else 0)
            tooltip = f"{cell.technique_id} {cell.name}".strip()
            if cell.score is not None:
                tooltip += f"\nscore: {_score_text(cell.score)}"
            if cell.comment:
                tooltip += f"\n{cell.comment}"
            items.append(
                Box(x, y, cell_width, _CELL - 2, cell.fill, stroke="#9a9a9a", tooltip=tooltip)
            )
            ink = _text_colour(cell.fill) if cell.enabled else "#8a8a8a"
            score = _score_text(cell.score)
            items.append(Label(x + 4, y + 12, cell.technique_id, 10, ink))
            if score:
                items.append(Label(x + cell_width - 4, y + 13, score, 12, ink, True, "end"))
            items.append(Label(x + 4, y + 25, _fit(cell.name, cell_width - 8, 10), 10, ink))
            y += _CELL
        tallest = max(tallest, y - top)
    if not columns or all(not column.cells for column in columns):
        items.append(
            Label(_MARGIN, top + 14, "No annotated techniques in this layer.", 11, "#444444")
        )
        tallest = max(tallest, 24)
    height = top + tallest + _MARGIN
    return Drawing(width, height, tuple(items))


# -- SVG -----------------------------------------------------------------------------


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}".rstrip("0")


def _fill_attributes(colour: str) -> str:
    if colour == "none":
        return 'fill="none"'
    red, green, blue, alpha = _rgba(colour)
    text = f"fill={quoteattr(f'#{red:02x}{green:02x}{blue:02x}')}"
    if alpha != 255:
        text += f' fill-opacity="{alpha / 255:.3f}"'
    return text


def _svg_lines(drawing: Drawing, title: str) -> Iterable[str]:
    yield (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_number(drawing.width)}" '
        f'height="{_number(drawing.height)}" viewBox="0 0 {_number(drawing.width)} '
        f'{_number(drawing.height)}" font-family={quoteattr(_FONT)}>'
    )
    yield f"<title>{escape(title)}</title>"
    size = f'width="{_number(drawing.width)}" height="{_number(drawing.height)}"'
    yield f'<rect {size} fill="#ffffff"/>'
    for item in drawing.items:
        if isinstance(item, Box):
            stroke = f" stroke={quoteattr(item.stroke)}" if item.stroke else ""
            rect = (
                f'<rect x="{_number(item.x)}" y="{_number(item.y)}" width="{_number(item.width)}" '
                f'height="{_number(item.height)}" {_fill_attributes(item.fill)}{stroke}'
            )
            if item.tooltip:
                yield f"{rect}><title>{escape(item.tooltip)}</title></rect>"
            else:
                yield f"{rect}/>"
        else:
            weight = ' font-weight="bold"' if item.bold else ""
            anchor = f' text-anchor="{item.anchor}"' if item.anchor != "start" else ""
            yield (
                f'<text x="{_number(item.x)}" y="{_number(item.y)}" '
                f'font-size="{_number(item.size)}" '
                f"fill={quoteattr(item.fill)}{weight}{anchor}>{escape(item.text)}</text>"
            )
    yield "</svg>"


def render_svg(
    layer: Layer, *, catalog: Catalog | None = None, all_techniques: bool = False
) -> str:
    """The layer's matrix as an SVG document, a score printed in each scored cell.

    Every text is escaped (``xml.sax.saxutils``), so a layer named
    ``</text><script>`` stays text. Hovering a cell shows its comment.
    """
    drawing = matrix_drawing(layer, catalog=catalog, all_techniques=all_techniques)
    return "\n".join(_svg_lines(drawing, layer.name)) + "\n"


# -- PNG -----------------------------------------------------------------------------


class _Canvas:
    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        self.pixels = bytearray(b"\xff" * (width * height * 3))

    def fill(self, x0: float, y0: float, x1: float, y1: float, rgb: tuple[int, int, int]) -> None:
        left, right = max(round(x0), 0), min(round(x1), self.width)
        top, bottom = max(round(y0), 0), min(round(y1), self.height)
        if left >= right or top >= bottom:
            return
        run = bytes(rgb) * (right - left)
        for row in range(top, bottom):
            start = (row * self.width + left) * 3
            self.pixels[start : start + len(run)] = run

    def png(self) -> bytes:
        stride = self.width * 3
        raw = b"".join(
            b"\x00" + bytes(self.pixels[row * stride : (row + 1) * stride])
            for row in range(self.height)
        )

        def chunk(kind: bytes, data: bytes) -> bytes:
            return (
                struct.pack(">I", len(data))
                + kind
                + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
            )

        header = struct.pack(">IIBBBBB", self.width, self.height, 8, 2, 0, 0, 0)
        return (
            b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(raw, 9))
            + chunk(b"IEND", b"")
        )


def _draw_label(canvas: _Canvas, label: Label, scale: float) -> None:
    pixel = max(1, round(label.size * scale / 10))
    advance = GLYPH_ADVANCE * pixel
    width = advance * len(label.text)
    x = label.x * scale
    if label.anchor == "end":
        x -= width
    elif label.anchor == "middle":
        x -= width / 2
    top = label.y * scale - GLYPH_HEIGHT * pixel
    rgb = _over_white(label.fill)
    for char in label.text:
        for row, bits in enumerate(glyph_rows(char)):
            for column, on in enumerate(bits):
                if on:
                    px, py = x + column * pixel, top + row * pixel
                    canvas.fill(px, py, px + pixel, py + pixel, rgb)
                    if label.bold:
                        canvas.fill(px + 1, py, px + pixel + 1, py + pixel, rgb)
        x += advance


def png_bytes(drawing: Drawing, *, scale: float = 2) -> bytes:
    """Rasterise a drawing to PNG bytes (8-bit RGB), ``scale`` pixels per unit."""
    canvas = _Canvas(round(drawing.width * scale), round(drawing.height * scale))
    for item in drawing.items:
        if isinstance(item, Box):
            x0, y0 = item.x * scale, item.y * scale
            x1, y1 = (item.x + item.width) * scale, (item.y + item.height) * scale
            if item.fill != "none":
                canvas.fill(x0, y0, x1, y1, _over_white(item.fill))
            if item.stroke:
                ink = _over_white(item.stroke)
                canvas.fill(x0, y0, x1, y0 + 1, ink)
                canvas.fill(x0, y1 - 1, x1, y1, ink)
                canvas.fill(x0, y0, x0 + 1, y1, ink)
                canvas.fill(x1 - 1, y0, x1, y1, ink)
        else:
            _draw_label(canvas, item, scale)
    return canvas.png()


def render_png(
    layer: Layer,
    path: str | os.PathLike[str] | None = None,
    *,
    catalog: Catalog | None = None,
    all_techniques: bool = False,
    scale: float = 2,
) -> bytes:
    """The layer's matrix as a PNG image (also written to ``path`` when given).

    The same drawing as :func:`render_svg`, rasterised without an imaging
    library: boxes are filled exactly and text uses a built-in 5x7 bitmap
    font, so it looks plain but is legible and byte-for-byte reproducible.
    """
    data = png_bytes(
        matrix_drawing(layer, catalog=catalog, all_techniques=all_techniques), scale=scale
    )
    if path is not None:
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return data


def write_rendering(
    layer: Layer,
    path: str | os.PathLike[str],
    *,
    catalog: Catalog | None = None,
    all_techniques: bool = False,
    scale: float = 2,
    image_format: Literal["svg", "png"] | None = None,
) -> Path:
    """Write the matrix as SVG or PNG, chosen by ``image_format`` or the file suffix."""
    target = Path(path)
    chosen = image_format or ("png" if target.suffix.lower() == ".png" else "svg")
    if chosen == "png":
        render_png(layer, target, catalog=catalog, all_techniques=all_techniques, scale=scale)
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        svg = render_svg(layer, catalog=catalog, all_techniques=all_techniques)
        target.write_text(svg, encoding="utf-8")
    return target
