"""Find, load and import catalogs.

The package ships ATT&CK v18.1 Enterprise, Mobile and ICS in ``llmnav/catalog/data/``.
Other releases are imported from their STIX bundle once and then load like the
packaged ones::

    >>> from llmnav.catalog import import_bundle, load_catalog
    >>> load_catalog().version
    '18.1'
    >>> cat = import_bundle("enterprise-attack-17.1.json", dest_dir="catalogs")  # doctest: +SKIP
    >>> load_catalog(path="catalogs", version="17.1").version  # doctest: +SKIP
    '17.1'

Without ``dest_dir`` imports go to the user catalog directory: ``$LLMNAV_CATALOG_DIR``,
else ``$XDG_DATA_HOME/llmnav/catalogs``, else ``~/.local/share/llmnav/catalogs``;
``load_catalog(version=...)`` looks there too.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import json
import os
import re
from pathlib import Path
from typing import Any

from llmnav.catalog.catalog import Catalog
from llmnav.catalog.files import SUFFIX, loads_part, read_catalog_file, write_catalog_file
from llmnav.catalog.stix import build_catalog_data
from llmnav.errors import CatalogError, SourceLocation

__all__ = [
    "DATA_DIR",
    "DEFAULT_DOMAIN",
    "DOMAINS",
    "catalog_files",
    "import_bundle",
    "load_catalog",
    "normalize_domain",
    "read_bundle",
    "user_catalog_dir",
]

DATA_DIR = Path(__file__).resolve().parent / "data"
"""Where the packaged catalogs live."""

DEFAULT_DOMAIN = "enterprise-attack"
DOMAINS = ("enterprise-attack", "mobile-attack", "ics-attack")
"""The ATT&CK domains; ``enterprise``, ``mobile`` and ``ics`` are accepted too."""

_VERSIONED = re.compile(r"^(?P<domain>.+)-(?P<version>\d[\w.]*)$")


def normalize_domain(domain: str) -> str:
    """``enterprise`` -> ``enterprise-attack``; other names are lower-cased as they are.

    >>> normalize_domain("ICS")
    'ics-attack'
    """
    name = domain.strip().lower()
    return f"{name}-attack" if name in ("enterprise", "mobile", "ics") else name


def user_catalog_dir() -> Path:
    """The directory that ``import_bundle`` writes to by default."""
    explicit = os.environ.get("LLMNAV_CATALOG_DIR")
    if explicit:
        return Path(explicit).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base).expanduser() / "llmnav" / "catalogs"


def _version_key(version: str) -> tuple[tuple[int, str], ...]:
    return tuple((int(p), "") if p.isdigit() else (-1, p) for p in version.split("."))


def catalog_files(directory: Path) -> dict[tuple[str, str], Path]:
    """Catalog files in ``directory`` by (domain, version); version is ``""`` if unnamed.

    Names are ``<domain>.jsonl.gz`` (packaged) or ``<domain>-<version>.jsonl.gz``.
    """
    found: dict[tuple[str, str], Path] = {}
    if not directory.is_dir():
        return found
    for path in sorted(directory.glob(f"*{SUFFIX}")):
        stem = path.name[: -len(SUFFIX)]
        match = _VERSIONED.match(stem)
        if match and match["domain"].endswith("-attack"):
            found[(match["domain"], match["version"])] = path
        else:
            found[(stem, "")] = path
    return found


def _pick(directory: Path, domain: str, version: str | None) -> Path | None:
    files = catalog_files(directory)
    if version is None:
        if (domain, "") in files:
            return files[(domain, "")]
        versions = sorted((v for d, v in files if d == domain), key=_version_key)
        return files[(domain, versions[-1])] if versions else None
    return files.get((domain, version)) or files.get((domain, ""))


@functools.lru_cache(maxsize=32)
def _load_file(path: str, mtime_ns: int, size: int) -> Catalog:
    """Load one catalog file; cached per path, modification time and size."""
    header, parts = read_catalog_file(Path(path))

    def load_part(name: str) -> dict[str, Any]:
        if name not in parts:
            raise CatalogError(f"The catalog has no {name} part; rebuild it", SourceLocation(path))
        return loads_part(parts[name], name, path)

    return Catalog(header["meta"], header["core"], load_part, source=path)


def _load_path(path: Path) -> Catalog:
    try:
        info = path.stat()
    except OSError as exc:
        raise CatalogError(
            f"Cannot read catalog file: {exc.strerror or exc}", SourceLocation(str(path))
        ) from None
    return _load_file(str(path), info.st_mtime_ns, info.st_size)


def load_catalog(
    domain: str | None = None,
    path: str | os.PathLike[str] | None = None,
    *,
    version: str | None = None,
) -> Catalog:
    """Load an ATT&CK catalog (cached: the same file gives the same ``Catalog``).

    Parameters:
        domain: ``enterprise-attack`` (default), ``mobile-attack`` or ``ics-attack``
            (``enterprise``, ``mobile``, ``ics`` work too).
        path: a catalog file, or a directory of them (as written by ``import_bundle``);
            default: the packaged catalogs, then the user catalog directory.
        version: the ATT&CK version wanted (``17.1``); default: the packaged one, or
            the newest in ``path``.

    Raises:
        CatalogError: no such catalog, or the file is not a catalog.

    >>> load_catalog("mobile").stats()["techniques"]
    77
    """
    wanted = normalize_domain(domain) if domain else None
    if path is not None:
        target = Path(path)
        if target.is_dir():
            found = _pick(target, wanted or DEFAULT_DOMAIN, version)
            if found is None:
                raise CatalogError(
                    f"No {wanted or DEFAULT_DOMAIN} catalog"
                    + (f" for ATT&CK {version}" if version else "")
                    + "; import a bundle there with `llmnav catalog import BUNDLE --dest DIR`",
                    SourceLocation(str(target)),
                )
            target = found
        catalog = _load_path(target)
        if wanted and catalog.domain != wanted:
            raise CatalogError(
                f"This catalog holds {catalog.domain}, not {wanted}", SourceLocation(str(target))
            )
        if version and catalog.version != version:
            raise CatalogError(
                f"This catalog is ATT&CK {catalog.version}, not {version}",
                SourceLocation(str(target)),
            )
        return catalog
    name = wanted or DEFAULT_DOMAIN
    packaged = _pick(DATA_DIR, name, None)
    if packaged is not None:
        catalog = _load_path(packaged)
        if version is None or catalog.version == version:
            return catalog
    found = _pick(user_catalog_dir(), name, version)
    if found is not None:
        return load_catalog(name, found, version=version)
    available = sorted({d for d, _ in catalog_files(DATA_DIR)} | set(DOMAINS))
    if version is not None:
        raise CatalogError(
            f"ATT&CK {version} of {name} is not installed; import its STIX bundle with "
            f"`llmnav catalog import BUNDLE` (looked in {user_catalog_dir()})"
        )
    raise CatalogError(f"Unknown ATT&CK domain {name!r}; use one of {', '.join(available)}")


def read_bundle(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Parse a STIX bundle file, plain JSON or gzip (``.json.gz``); sniffed, not guessed.

    Raises ``CatalogError`` naming the file when it cannot be read or parsed.
    """
    where = str(path)
    try:
        with open(path, "rb") as handle:
            magic = handle.read(2)
            handle.seek(0)
            if magic == b"\x1f\x8b":
                with gzip.open(handle, "rt", encoding="utf-8") as text:
                    value = json.load(text)
            else:
                value = json.load(handle)
    except json.JSONDecodeError as exc:
        raise CatalogError(
            f"Cannot read STIX bundle: not valid JSON ({exc.msg}, column {exc.colno})",
            SourceLocation(where, line=exc.lineno),
        ) from None
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise CatalogError(f"Cannot read STIX bundle: {reason}", SourceLocation(where)) from None
    if not isinstance(value, dict):
        raise CatalogError(
            "Not a STIX bundle: the file holds JSON but not an object", SourceLocation(where)
        )
    return value


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def import_bundle(
    path: str | os.PathLike[str],
    dest_dir: str | os.PathLike[str] | None = None,
    *,
    version: str | None = None,
    domain: str | None = None,
) -> Catalog:
    """Build a catalog from a STIX bundle and store it so ``load_catalog`` finds it.

    Parameters:
        path: the bundle, ``.json`` or ``.json.gz`` (any ATT&CK release, any domain).
        dest_dir: where to write ``<domain>-<version>.jsonl.gz``; default
            ``user_catalog_dir()``.
        version: ATT&CK version, for bundles without an ``x-mitre-collection``.
        domain: ATT&CK domain, for bundles that do not name it.

    Returns:
        The loaded catalog; ``.source`` is the file written.

    Raises:
        CatalogError: the bundle cannot be read or is not ATT&CK; the message names it.
    """
    source = Path(path)
    bundle = read_bundle(source)
    data = build_catalog_data(
        bundle,
        source=source.name,
        version=version,
        domain=normalize_domain(domain) if domain else None,
    )
    data["meta"]["source_sha256"] = _sha256(source)
    meta = data["meta"]
    if not re.fullmatch(r"[\w.-]+", f"{meta['domain']}-{meta['version']}"):
        raise CatalogError(
            f"Unusable domain or version in bundle: {meta['domain']!r} {meta['version']!r}",
            SourceLocation(str(source)),
        )
    directory = Path(dest_dir) if dest_dir is not None else user_catalog_dir()
    out = write_catalog_file(data, directory / f"{meta['domain']}-{meta['version']}{SUFFIX}")
    return _load_path(out)
