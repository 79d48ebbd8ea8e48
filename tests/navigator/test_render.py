"""Drawing layers: columns in matrix order, scores printed in cells, escaping, PNG bytes."""

from __future__ import annotations

import doctest
import struct
import zlib
from pathlib import Path
from xml.etree import ElementTree

import pytest

import llmnav.navigator.render
from llmnav.navigator import Layer, TechniqueScore, build_layer
from llmnav.navigator.render import (
    Label,
    gradient_colour,
    matrix_columns,
    matrix_drawing,
    render_png,
    render_svg,
    write_rendering,
)
from llmnav.navigator.tools import read_layer_file

DATA = Path(__file__).resolve().parent.parent / "data" / "navigator" / "tools"
SVG = "{http://www.w3.org/2000/svg}"


def texts(svg: str) -> list[str]:
    root = ElementTree.fromstring(svg)
    return [element.text or "" for element in root.iter(f"{SVG}text")]


def png_size_and_rows(data: bytes) -> tuple[int, int, bytes]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    chunks, offset = [], 8
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind = data[offset + 4 : offset + 8]
        body = data[offset + 8 : offset + 8 + length]
        (crc,) = struct.unpack(">I", data[offset + 8 + length : offset + 12 + length])
        assert crc == zlib.crc32(kind + body) & 0xFFFFFFFF
        chunks.append((kind, body))
        offset += 12 + length
    assert [kind for kind, _ in chunks] == [b"IHDR", b"IDAT", b"IEND"]
    return width, height, zlib.decompress(chunks[1][1])


@pytest.fixture(scope="module")
def first_half() -> Layer:
    return read_layer_file(DATA / "first-half.json")


def test_module_examples_run() -> None:
    failures, _ = doctest.testmod(llmnav.navigator.render)
    assert failures == 0


def test_columns_follow_the_matrix_order_with_subtechniques_under_their_parent(
    first_half: Layer,
) -> None:
    columns = matrix_columns(first_half)
    assert [column.name for column in columns] == [
        "Initial Access",
        "Execution",
        "Credential Access",
        "Lateral Movement",
    ]
    credential = columns[2]
    assert [(cell.technique_id, cell.subtechnique) for cell in credential.cells] == [
        ("T1003", False),
        ("T1003.001", True),
    ]
    assert credential.cells[1].name == "LSASS Memory"


def test_all_draws_the_whole_matrix(first_half: Layer) -> None:
    columns = matrix_columns(first_half, all_techniques=True)
    assert len(columns) == 14
    assert sum(len(column.cells) for column in columns) > 200


def test_cells_are_coloured_by_score_on_the_layer_gradient(first_half: Layer) -> None:
    cells = {
        cell.technique_id: cell for column in matrix_columns(first_half) for cell in column.cells
    }
    assert cells["T1059"].fill == gradient_colour(40, ["#ffffff", "#ff6666"], 0, 100)
    assert cells["T1003"].fill == "#ffffff"  # a parent shown for its sub-technique, unscored


def test_a_technique_colour_wins_over_its_score() -> None:
    layer = read_layer_file(DATA / "hostile.json")
    cells = {cell.technique_id: cell for column in matrix_columns(layer) for cell in column.cells}
    assert cells["T1566"].fill == "#66b1ff"


def test_svg_prints_the_score_in_each_scored_cell(first_half: Layer) -> None:
    svg = render_svg(first_half)
    shown = texts(svg)
    for score in ("40", "10", "25", "6"):
        assert score in shown
    assert "T1003.001" in shown and "LSASS Memory" in shown
    assert shown[0] == "first half"


def test_svg_escapes_hostile_layer_names_comments_and_legend_labels() -> None:
    layer = read_layer_file(DATA / "hostile.json")
    svg = render_svg(layer)
    root = ElementTree.fromstring(svg)  # well-formed despite the payloads
    assert "<script" not in svg and "<b " not in svg and "<img" not in svg
    assert root.find(f"{SVG}title") is not None
    assert root.find(f"{SVG}title").text == layer.name  # type: ignore[union-attr]
    titles = [element.text or "" for element in root.iter(f"{SVG}title")]
    assert any("<script>alert('comment')</script>" in title for title in titles)
    assert "<b onmouseover=alert(1)>legend</b>"[:20] in "".join(texts(svg))
    assert not [element for element in root.iter() if element.tag.endswith("script")]


def test_svg_is_deterministic(first_half: Layer) -> None:
    assert render_svg(first_half) == render_svg(first_half)


def test_png_is_a_valid_image_of_the_drawing(first_half: Layer, tmp_path: Path) -> None:
    data = render_png(first_half, tmp_path / "layer.png", scale=1)
    assert (tmp_path / "layer.png").read_bytes() == data
    drawing = matrix_drawing(first_half)
    width, height, raw = png_size_and_rows(data)
    assert (width, height) == (round(drawing.width), round(drawing.height))
    assert len(raw) == height * (1 + 3 * width)
    assert render_png(first_half, scale=1) == data  # deterministic


def test_png_paints_score_colours_and_text(first_half: Layer) -> None:
    data = render_png(first_half, scale=1)
    width, height, raw = png_size_and_rows(data)
    stride = 1 + 3 * width
    pixels = {
        bytes(raw[row * stride + 1 + 3 * x : row * stride + 4 + 3 * x])
        for row in range(height)
        for x in range(0, width, 3)
    }
    red, green, blue = (
        int(gradient_colour(40, ["#ffffff", "#ff6666"], 0, 100)[i : i + 2], 16) for i in (1, 3, 5)
    )
    assert bytes((red, green, blue)) in pixels
    assert b"\x00\x00\x00" in pixels  # black text


def test_drawing_puts_score_labels_right_aligned_in_the_cell(first_half: Layer) -> None:
    labels = [item for item in matrix_drawing(first_half).items if isinstance(item, Label)]
    score = next(label for label in labels if label.text == "40")
    assert score.anchor == "end" and score.bold


def test_aio_layer_uses_the_taxonomy_columns() -> None:
    layer = build_layer(
        name="aio",
        domain="aio",
        techniques=[TechniqueScore("AIO.T0003", 70, tactic="aio-targeting")],
        links_base=None,
    )
    columns = matrix_columns(layer)
    assert len(columns) == 1
    assert columns[0].cells[0].name == "Real-Time Pivot Decision"
    assert columns[0].cells[0].score == 70


def test_techniques_outside_the_matrix_get_their_own_column() -> None:
    layer = build_layer(
        name="old", domain="enterprise-attack", techniques=[TechniqueScore("T1002", 4)]
    )
    columns = matrix_columns(layer)
    assert [column.name for column in columns] == ["not in the matrix"]
    assert columns[0].cells[0].technique_id == "T1002"
    assert columns[0].cells[0].name == "Data Compressed (revoked)"


def test_write_rendering_picks_the_format_from_the_suffix(
    first_half: Layer, tmp_path: Path
) -> None:
    svg = write_rendering(first_half, tmp_path / "m.svg")
    png = write_rendering(first_half, tmp_path / "m.png", scale=1)
    assert svg.read_text().startswith("<svg")
    assert png.read_bytes().startswith(b"\x89PNG")


def test_gradient_colour_clamps_outside_the_range() -> None:
    assert gradient_colour(500, ["#ffffff", "#ff0000"], 0, 100) == "#ff0000"
    assert gradient_colour(0, ["#ffffff00", "#66b1ff"], 0, 1) == "#ffffff00"


def test_a_layer_without_annotations_draws_a_note_instead_of_columns() -> None:
    empty = build_layer(name="empty", domain="enterprise-attack", techniques=[])
    assert matrix_columns(empty) == []
    assert "No annotated techniques in this layer." in texts(render_svg(empty))


def test_disabled_techniques_are_grey_and_a_layer_without_gradient_uses_the_navigators() -> None:
    layer = Layer.model_validate(
        {
            "name": "plain",
            "versions": {"navigator": "5.1.0", "layer": "4.5"},
            "domain": "enterprise-attack",
            "techniques": [
                {"techniqueID": "T1059", "score": 100},
                {"techniqueID": "T1566", "score": 5, "enabled": False},
            ],
        }
    )
    cells = {cell.technique_id: cell for column in matrix_columns(layer) for cell in column.cells}
    assert cells["T1059"].fill == "#8ec843"  # the Navigator's default gradient, high end
    assert cells["T1566"].fill == "#e4e4e4" and not cells["T1566"].enabled
