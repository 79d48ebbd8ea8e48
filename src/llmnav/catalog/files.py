"""Catalog files on disk: one gzip file per domain, read in parts.

A catalog file (``enterprise-attack.jsonl.gz``) is a gzip stream of three members, each
one line of JSON, so ``gzip -dc FILE`` shows three lines:

1. the header and core tables: ``{"format", "meta", "parts", "core"}``, where ``parts``
   gives the compressed size of each following member (``detections``, ``procedures``);
2. the detection tables (strategies, analytics, data components);
3. the procedure examples.

Only the first member is decompressed when a catalog loads; the others are decompressed
on first use. Files are written deterministically (sorted keys, gzip ``mtime`` 0, no
file name), so the same bundle always gives the same bytes.

>>> blob = dumps_catalog(data)  # doctest: +SKIP
>>> header, parts = loads_header(blob, "x.jsonl.gz")  # doctest: +SKIP
"""

from __future__ import annotations

import gzip
import json
import zlib
from pathlib import Path
from typing import Any

from llmnav.catalog.stix import FORMAT, CatalogData
from llmnav.errors import CatalogError, SourceLocation
from llmnav.files import atomic_write

__all__ = [
    "LAZY_PARTS",
    "SUFFIX",
    "dumps_catalog",
    "loads_header",
    "loads_part",
    "read_catalog_file",
    "write_catalog_file",
]

SUFFIX = ".jsonl.gz"
"""File name ending of catalog files."""

LAZY_PARTS = ("detections", "procedures")
"""Parts stored after the core, in file order, loaded on first use."""


def _json_line(value: object) -> bytes:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return (text + "\n").encode("utf-8")


def _gzip(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=9, mtime=0)


def dumps_catalog(data: CatalogData) -> bytes:
    """The bytes of a catalog file for ``data`` (deterministic)."""
    members = {
        "detections": _gzip(_json_line(data["detections"])),
        "procedures": _gzip(_json_line(data["procedures"])),
    }
    header = {
        "format": FORMAT,
        "meta": data["meta"],
        "parts": [[name, len(members[name])] for name in LAZY_PARTS],
        "core": data["core"],
    }
    return _gzip(_json_line(header)) + b"".join(members[name] for name in LAZY_PARTS)


def write_catalog_file(data: CatalogData, path: Path) -> Path:
    """Write ``data`` to ``path`` atomically (temporary file, then rename); return ``path``."""
    return atomic_write(path, dumps_catalog(data))


def _bad(where: str, reason: str) -> CatalogError:
    return CatalogError(
        f"Not an llmnav catalog file ({reason}); build one with `llmnav catalog import BUNDLE`",
        SourceLocation(where),
    )


def _damaged(where: str, reason: str) -> CatalogError:
    return CatalogError(
        f"The catalog file is damaged ({reason}); rebuild it with `llmnav catalog import BUNDLE`",
        SourceLocation(where),
    )


def loads_header(blob: bytes, where: str) -> tuple[dict[str, Any], dict[str, bytes]]:
    """Decode the first member of a catalog file; return it and the raw lazy parts.

    Raises ``CatalogError`` naming ``where`` when the bytes are not a catalog file of a
    format this version reads.
    """
    inflater = zlib.decompressobj(wbits=31)
    try:
        first = inflater.decompress(blob)
    except zlib.error as exc:
        raise _bad(where, f"not gzip data: {exc}") from None
    if not inflater.eof:
        raise _damaged(where, "it ends too early")
    try:
        header = json.loads(first)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _bad(where, f"its first part is not JSON: {exc}") from None
    if not isinstance(header, dict) or "format" not in header or "core" not in header:
        if isinstance(header, dict) and header.get("type") == "bundle":
            raise CatalogError(
                "This is a STIX bundle, not an llmnav catalog; import it first with "
                "`llmnav catalog import BUNDLE` (or llmnav.catalog.import_bundle)",
                SourceLocation(where),
            )
        raise _bad(where, "no catalog header")
    if header["format"] != FORMAT:
        raise CatalogError(
            f"Catalog format {header['format']!r} is not supported (this llmnav reads "
            f"format {FORMAT}); rebuild it with `llmnav catalog import BUNDLE`",
            SourceLocation(where),
        )
    rest = inflater.unused_data
    parts: dict[str, bytes] = {}
    offset = 0
    for name, size in header.get("parts", ()):
        parts[str(name)] = rest[offset : offset + int(size)]
        offset += int(size)
    if offset != len(rest):
        raise _damaged(where, "the parts after the header do not add up")
    return header, parts


def loads_part(raw: bytes, name: str, where: str) -> dict[str, Any]:
    """Decompress and parse one lazy part read by ``loads_header``."""
    try:
        value = json.loads(zlib.decompress(raw, wbits=31))
    except (zlib.error, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CatalogError(
            f"The {name} part of the catalog is damaged ({exc}); rebuild the catalog",
            SourceLocation(where),
        ) from None
    if not isinstance(value, dict):
        raise CatalogError(f"The {name} part of the catalog is damaged", SourceLocation(where))
    return value


def read_catalog_file(path: Path) -> tuple[dict[str, Any], dict[str, bytes]]:
    """Read a catalog file's header and raw lazy parts; ``CatalogError`` if unreadable."""
    try:
        blob = path.read_bytes()
    except OSError as exc:
        raise CatalogError(
            f"Cannot read catalog file: {exc.strerror or exc}", SourceLocation(str(path))
        ) from None
    return loads_header(blob, str(path))
