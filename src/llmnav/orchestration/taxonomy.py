"""The AIO ("AI orchestration") taxonomy: behaviours of AI agents that ATT&CK has no ids for.

``orchestration/data/aio.yaml`` is the single source of the ids, names, tactics
and definitions; this module reads it once, checks it, and answers lookups.
The detectors, the STIX and Navigator exports and ``docs/aio.md`` all use it.

>>> taxonomy = load_taxonomy()
>>> [tactic.shortname for tactic in taxonomy.tactics]
['aio-autonomy', 'aio-targeting', 'aio-leverage', 'aio-evasion']
>>> technique = taxonomy.technique("AIO.T0003")
>>> technique.name, technique.tactic
('Real-Time Pivot Decision', 'AIO.TA02')
>>> taxonomy.tactic_of("AIO.T0003").shortname
'aio-targeting'
>>> taxonomy.technique("AIO.T0003").settings
('ignore_hosts',)
>>> taxonomy.technique("AIO.T9999")
Traceback (most recent call last):
...
llmnav.errors.CatalogError: Unknown AIO technique 'AIO.T9999' (known: AIO.T0001 ... AIO.T0010)
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from llmnav.errors import CatalogError, SourceLocation

__all__ = [
    "AioTactic",
    "AioTechnique",
    "Taxonomy",
    "load_taxonomy",
    "parse_taxonomy",
]

TECHNIQUE_ID = re.compile(r"AIO\.T\d{4}")
TACTIC_ID = re.compile(r"AIO\.TA\d{2}")
SHORTNAME = re.compile(r"[a-z][a-z0-9-]*")
_SETTING = re.compile(r"`([a-z_][a-z0-9_]*)`")
_SOURCE = "orchestration/data/aio.yaml"


@dataclass(frozen=True, slots=True)
class AioTactic:
    """A column of the AIO matrix: ``id`` such as ``AIO.TA01``, and the Navigator ``shortname``."""

    id: str
    shortname: str
    name: str
    description: str


@dataclass(frozen=True, slots=True)
class AioTechnique:
    """One AIO behaviour: ``id`` (``AIO.T0001``), name, ``tactic`` id and precise ``definition``."""

    id: str
    name: str
    tactic: str
    definition: str

    @property
    def settings(self) -> tuple[str, ...]:
        """The configuration settings the definition names (in backticks), in order, once each."""
        return tuple(dict.fromkeys(_SETTING.findall(self.definition)))

    @property
    def config_key(self) -> str:
        """The key of this behaviour's section under ``orchestration:`` (``T0001``)."""
        return self.id.removeprefix("AIO.")


@dataclass(frozen=True, slots=True)
class Taxonomy:
    """The whole taxonomy, tactics and techniques in file order."""

    name: str
    version: str
    description: str
    tactics: tuple[AioTactic, ...]
    techniques: tuple[AioTechnique, ...]

    def technique(self, technique_id: str) -> AioTechnique:
        """The technique with this id; ``CatalogError`` when there is none."""
        for technique in self.techniques:
            if technique.id == technique_id:
                return technique
        known = f"{self.techniques[0].id} ... {self.techniques[-1].id}" if self.techniques else ""
        raise CatalogError(f"Unknown AIO technique {technique_id!r} (known: {known})")

    def tactic(self, tactic_id: str) -> AioTactic:
        """The tactic with this id (``AIO.TA01``) or shortname; ``CatalogError`` if none."""
        for tactic in self.tactics:
            if tactic_id in (tactic.id, tactic.shortname):
                return tactic
        known = ", ".join(tactic.id for tactic in self.tactics)
        raise CatalogError(f"Unknown AIO tactic {tactic_id!r} (known: {known})")

    def tactic_of(self, technique_id: str) -> AioTactic:
        """The tactic a technique belongs to."""
        return self.tactic(self.technique(technique_id).tactic)

    def techniques_of(self, tactic_id: str) -> tuple[AioTechnique, ...]:
        """The techniques of one tactic (id or shortname), in file order."""
        tactic = self.tactic(tactic_id)
        return tuple(t for t in self.techniques if t.tactic == tactic.id)


def _text(entry: Mapping[str, Any], key: str, where: str, source: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        field = f"{where}.{key}" if where else key
        raise CatalogError(f"Missing or empty {key!r}", SourceLocation(source, field=field))
    return " ".join(value.split())


def _entries(data: Mapping[str, Any], key: str, source: str) -> list[Mapping[str, Any]]:
    entries = data.get(key)
    if not isinstance(entries, list) or not entries:
        raise CatalogError(f"{key!r} must be a non-empty list", SourceLocation(source, field=key))
    for index, entry in enumerate(entries):
        if not isinstance(entry, Mapping):
            raise CatalogError(
                "Entry is not a mapping", SourceLocation(source, field=f"{key}[{index}]")
            )
    return entries


def parse_taxonomy(data: Mapping[str, Any], source: str = _SOURCE) -> Taxonomy:
    """Build and check a taxonomy from the parsed YAML mapping.

    Checks: ids match ``AIO.T\\d{4}`` / ``AIO.TA\\d{2}`` and are unique, shortnames
    are unique lowercase identifiers, and every technique's tactic exists.

    >>> parse_taxonomy({"name": "x", "version": "1", "description": "d",
    ...     "tactics": [{"id": "AIO.TA01", "shortname": "a", "name": "A", "description": "d"}],
    ...     "techniques": [{"id": "AIO.T0001", "name": "N", "tactic": "AIO.TA02",
    ...                     "definition": "d"}]})
    Traceback (most recent call last):
    ...
    llmnav.errors.CatalogError: Unknown tactic 'AIO.TA02' in ... (field techniques[0].tactic)
    """
    tactics: list[AioTactic] = []
    for index, entry in enumerate(_entries(data, "tactics", source)):
        where = f"tactics[{index}]"
        tactic = AioTactic(
            id=_text(entry, "id", where, source),
            shortname=_text(entry, "shortname", where, source),
            name=_text(entry, "name", where, source),
            description=_text(entry, "description", where, source),
        )
        if not TACTIC_ID.fullmatch(tactic.id):
            raise CatalogError(
                f"Tactic id {tactic.id!r} does not match AIO.TA<2 digits>",
                SourceLocation(source, field=f"{where}.id"),
            )
        if not SHORTNAME.fullmatch(tactic.shortname):
            raise CatalogError(
                f"Shortname {tactic.shortname!r} is not lowercase letters, digits and '-'",
                SourceLocation(source, field=f"{where}.shortname"),
            )
        for other in tactics:
            if tactic.id == other.id or tactic.shortname == other.shortname:
                raise CatalogError(
                    f"Duplicate tactic {tactic.id!r} / {tactic.shortname!r}",
                    SourceLocation(source, field=where),
                )
        tactics.append(tactic)

    tactic_ids = {tactic.id for tactic in tactics}
    techniques: list[AioTechnique] = []
    seen: set[str] = set()
    for index, entry in enumerate(_entries(data, "techniques", source)):
        where = f"techniques[{index}]"
        technique = AioTechnique(
            id=_text(entry, "id", where, source),
            name=_text(entry, "name", where, source),
            tactic=_text(entry, "tactic", where, source),
            definition=_text(entry, "definition", where, source),
        )
        if not TECHNIQUE_ID.fullmatch(technique.id):
            raise CatalogError(
                f"Technique id {technique.id!r} does not match AIO.T<4 digits>",
                SourceLocation(source, field=f"{where}.id"),
            )
        if technique.id in seen:
            raise CatalogError(
                f"Duplicate technique id {technique.id!r}", SourceLocation(source, field=where)
            )
        if technique.tactic not in tactic_ids:
            raise CatalogError(
                f"Unknown tactic {technique.tactic!r}",
                SourceLocation(source, field=f"{where}.tactic"),
            )
        seen.add(technique.id)
        techniques.append(technique)

    version = data.get("version")
    if not isinstance(version, str | int | float) or isinstance(version, bool):
        raise CatalogError("Missing 'version'", SourceLocation(source, field="version"))
    return Taxonomy(
        name=_text(data, "name", "", source),
        version=str(version),
        description=" ".join(str(data.get("description", "")).split()),
        tactics=tuple(tactics),
        techniques=tuple(techniques),
    )


@cache
def load_taxonomy() -> Taxonomy:
    """The packaged AIO taxonomy (read and checked once per process)."""
    text = resources.files("llmnav").joinpath(_SOURCE).read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    if not isinstance(data, Mapping):
        raise CatalogError("The taxonomy file is not a mapping", SourceLocation(_SOURCE))
    return parse_taxonomy(data)
