"""A small 5x7 bitmap font for the PNG renderer (printable ASCII, "·" and "…").

Each glyph is a string of rows, top first, one character per row: the row's five
pixels as a base-32 digit (``0``-``9``, ``a``-``v``), the leftmost pixel the
highest bit. Rows 0-6 stand on the baseline; an eighth row is a descender.
Characters without a glyph draw as ``?``.

>>> rows = glyph_rows("T")
>>> ["".join("#" if pixel else "." for pixel in row) for row in rows][:2]
['#####', '..#..']
"""

from __future__ import annotations

from functools import cache

__all__ = ["GLYPH_ADVANCE", "GLYPH_HEIGHT", "GLYPH_WIDTH", "glyph_rows"]

GLYPH_WIDTH = 5
GLYPH_HEIGHT = 7  # rows above the baseline
GLYPH_ADVANCE = 6  # pixels from one character to the next

_DIGITS = "0123456789abcdefghijklmnopqrstuv"

_GLYPHS: dict[str, str] = {
    " ": "0000000",
    "!": "4444404",
    '"': "aa00000",
    "#": "aavavaa",
    "$": "4fke5u4",
    "%": "op248j3",
    "&": "cik8lid",
    "'": "4400000",
    "(": "2488842",
    ")": "8422248",
    "*": "04lel40",
    "+": "044v440",
    ",": "0000c48",
    "-": "000v000",
    ".": "00000cc",
    "/": "01248g0",
    "0": "ehjlphe",
    "1": "4c4444e",
    "2": "eh1248v",
    "3": "v2421he",
    "4": "26aiv22",
    "5": "vgu11he",
    "6": "68guhhe",
    "7": "v124888",
    "8": "ehhehhe",
    "9": "ehhf12c",
    ":": "0cc0cc0",
    ";": "0cc0c48",
    "<": "248g842",
    "=": "00v0v00",
    ">": "8421248",
    "?": "eh12404",
    "@": "eh1dlle",
    "A": "ehhvhhh",
    "B": "uhhuhhu",
    "C": "ehggghe",
    "D": "sihhhis",
    "E": "vgguggv",
    "F": "vgguggg",
    "G": "ehgnhhf",
    "H": "hhhvhhh",
    "I": "e44444e",
    "J": "72222ic",
    "K": "hikokih",
    "L": "ggggggv",
    "M": "hrllhhh",
    "N": "hhpljhh",
    "O": "ehhhhhe",
    "P": "uhhuggg",
    "Q": "ehhhlid",
    "R": "uhhukih",
    "S": "fgge11u",
    "T": "v444444",
    "U": "hhhhhhe",
    "V": "hhhhha4",
    "W": "hhhllla",
    "X": "hha4ahh",
    "Y": "hha4444",
    "Z": "v1248gv",
    "[": "e88888e",
    "\\": "0g84210",
    "]": "e22222e",
    "^": "4ah0000",
    "_": "000000v",
    "`": "8400000",
    "a": "00e1fhf",
    "b": "ggmphhu",
    "c": "00egghe",
    "d": "11djhhf",
    "e": "00ehvge",
    "f": "698s888",
    "g": "00fhhf1e",
    "h": "ggmphhh",
    "i": "40c444e",
    "j": "206222ic",
    "k": "ggikoki",
    "l": "c44444e",
    "m": "00qllhh",
    "n": "00mphhh",
    "o": "00ehhhe",
    "p": "00uhhugg",
    "q": "00fhhf11",
    "r": "00mpggg",
    "s": "00ege1u",
    "t": "88s8896",
    "u": "00hhhjd",
    "v": "00hhha4",
    "w": "00hhlla",
    "x": "00ha4ah",
    "y": "00hhhf1e",
    "z": "00v248v",
    "{": "2448442",
    "|": "4444444",
    "}": "8442448",
    "~": "008l200",
    "·": "000cc00",
    "…": "000000l",
}


@cache
def glyph_rows(char: str) -> tuple[tuple[bool, ...], ...]:
    """The pixel rows of one character (``?`` for one the font lacks)."""
    code = _GLYPHS.get(char) or _GLYPHS["?"]
    return tuple(
        tuple(bool(_DIGITS.index(digit) >> (GLYPH_WIDTH - 1 - column) & 1) for column in range(5))
        for digit in code
    )
