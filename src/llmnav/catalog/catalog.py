"""``Catalog``: one ATT&CK domain at one version, with lookups and search.

A catalog is built from the parts written by ``llmnav.catalog.files`` (or straight from
``build_catalog_data``). Tactics, techniques, groups, software and campaigns load at
once; procedure examples and detections load on first use, and the search index is
built on the first search.

>>> from llmnav.catalog import load_catalog
>>> catalog = load_catalog()
>>> catalog.technique("T1003.001").technique.name
'LSASS Memory'
>>> lookup = catalog.technique("T1002")
>>> lookup.id, lookup.followed
('T1560', True)
>>> [hit.id for hit in catalog.search("lsass memory", limit=1)]
['T1003.001']
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import fields
from typing import TYPE_CHECKING, Any, TypeVar

from llmnav.catalog.lookup import follow_revoked, normalize_id
from llmnav.catalog.model import (
    Analytic,
    Campaign,
    DataComponent,
    DetectionStrategy,
    Group,
    LogSourceRef,
    Procedure,
    SearchHit,
    Software,
    SourceType,
    Tactic,
    Technique,
    TechniqueLookup,
)
from llmnav.catalog.search import Doc, SearchIndex
from llmnav.catalog.stix import COLUMNS, CatalogData, Table
from llmnav.errors import CatalogError, SourceLocation

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

__all__ = ["KINDS", "Catalog", "PartLoader"]

KINDS = ("technique", "tactic", "group", "software", "campaign")
"""What ``Catalog.search`` can return, in the order used to break ties."""

PartLoader = Callable[[str], Mapping[str, Any]]
"""Returns a lazy part (``"detections"`` or ``"procedures"``) as a dict of tables."""

_R = TypeVar("_R", bound="DataclassInstance")
_Entity = Group | Software | Campaign

_MATCH_TIER = {"id": 0, "name": 1, "alias": 1, "parent": 2, "text": 3}


def _rows(
    tables: Mapping[str, Any], name: str, columns: Sequence[str], where: str
) -> list[list[Any]]:
    """Rows of table ``name`` with just ``columns``, in that order."""
    tab: Table | None = tables.get(name)
    if not isinstance(tab, dict) or "columns" not in tab or "rows" not in tab:
        raise CatalogError(f"The catalog has no {name} table; rebuild it", SourceLocation(where))
    have = tab["columns"]
    missing = [c for c in columns if c not in have]
    if missing:
        raise CatalogError(
            f"The catalog's {name} table lacks columns {', '.join(missing)}; rebuild it",
            SourceLocation(where),
        )
    index = [have.index(c) for c in columns]
    return [[row[i] for i in index] for row in tab["rows"]]


def _records(
    tables: Mapping[str, Any],
    name: str,
    cls: type[_R],
    where: str,
    *,
    tuples: Iterable[str] = (),
) -> list[_R]:
    """Rows of table ``name`` as ``cls`` records; list columns in ``tuples`` become tuples."""
    names = [f.name for f in fields(cls)]
    wanted = set(tuples)
    flags = [n in wanted for n in names]
    return [
        cls(*[tuple(v) if t else v for v, t in zip(row, flags, strict=True)])
        for row in _rows(tables, name, names, where)
    ]


def _lookup_note(tech: Technique) -> str:
    """The note a search hit carries for a revoked or deprecated technique."""
    if tech.revoked:
        return f"{tech.id} is revoked" + (f"; use {tech.revoked_by}" if tech.revoked_by else "")
    return f"{tech.id} is deprecated" if tech.deprecated else ""


class Catalog:
    """One ATT&CK domain (``enterprise-attack``, ``mobile-attack``, ``ics-attack``).

    Parameters:
        meta: domain, version, counts and source, as written by ``build_catalog_data``.
        core: the tactic, technique, group, software and campaign tables.
        load_part: returns the ``detections`` or ``procedures`` tables on first use.
        source: where the catalog came from (a file path), used in error messages.

    Usually made by ``load_catalog()`` or ``Catalog.from_data(build_catalog_data(b))``.
    """

    def __init__(
        self,
        meta: Mapping[str, Any],
        core: Mapping[str, Any],
        load_part: PartLoader,
        *,
        source: str = "<memory>",
    ) -> None:
        self.meta: dict[str, Any] = dict(meta)
        self.source = source
        self._load_part = load_part
        self._lock = threading.Lock()
        self._tactic_list = _records(core, "tactics", Tactic, source)
        self._techniques = {
            t.id: t
            for t in _records(
                core,
                "techniques",
                Technique,
                source,
                tuples=("platforms", "tactics", "tactic_ids", "children"),
            )
        }
        self._groups = {
            g.id: g for g in _records(core, "groups", Group, source, tuples=["aliases"])
        }
        self._software = {
            s.id: s
            for s in _records(core, "software", Software, source, tuples=("aliases", "platforms"))
        }
        self._campaigns = {
            c.id: c
            for c in _records(core, "campaigns", Campaign, source, tuples=("aliases", "groups"))
        }
        self._names: dict[str, dict[str, list[tuple[str, _Entity]]]] | None = None
        self._procedures: dict[str, list[Procedure]] | None = None
        self._procedures_by_source: dict[str, list[Procedure]] | None = None
        self._strategies: dict[str, DetectionStrategy] | None = None
        self._detections_by_technique: dict[str, list[DetectionStrategy]] | None = None
        self._analytics: dict[str, Analytic] | None = None
        self._components: dict[str, DataComponent] | None = None
        self._index: SearchIndex | None = None
        self._tech_names: dict[str, list[Technique]] | None = None

    @classmethod
    def from_data(cls, data: CatalogData, *, source: str = "<memory>") -> Catalog:
        """A catalog straight from ``build_catalog_data`` output, without a file.

        >>> Catalog.from_data(build_catalog_data(bundle)).version  # doctest: +SKIP
        '18.1'
        """
        parts: dict[str, Mapping[str, Any]] = {
            "detections": data["detections"],
            "procedures": data["procedures"],
        }
        return cls(data["meta"], data["core"], parts.__getitem__, source=source)

    # -- identity -----------------------------------------------------------------

    @property
    def domain(self) -> str:
        """The ATT&CK domain, e.g. ``enterprise-attack``."""
        return str(self.meta.get("domain", ""))

    @property
    def version(self) -> str:
        """The ATT&CK release, e.g. ``18.1`` (record it with every mapping)."""
        return str(self.meta.get("version", ""))

    @property
    def name(self) -> str:
        """The collection's name, e.g. ``Enterprise ATT&CK``."""
        return str(self.meta.get("name", self.domain))

    def __repr__(self) -> str:
        return f"<Catalog {self.domain} {self.version} from {self.source}>"

    def _where(self) -> str:
        return f"{self.domain} {self.version}"

    # -- tactics and techniques ---------------------------------------------------

    @property
    def tactics(self) -> tuple[Tactic, ...]:
        """The domain's tactics in matrix order (deprecated tactics left out)."""
        return tuple(t for t in self._tactic_list if not t.deprecated)

    def tactic(self, key: str) -> Tactic:
        """A tactic by id (``TA0006``), shortname (``credential-access``) or name."""
        wanted = key.strip().casefold()
        for tac in self._tactic_list:
            if wanted in (tac.id.casefold(), tac.shortname.casefold(), tac.name.casefold()):
                return tac
        raise CatalogError(
            f"Unknown ATT&CK tactic {key!r} in {self._where()}; known tactics: "
            + ", ".join(f"{t.id} {t.shortname}" for t in self.tactics)
        )

    def get_technique(self, technique_id: str) -> Technique | None:
        """The technique with this exact id, revoked or not, or None. No following."""
        return self._techniques.get(normalize_id(technique_id))

    def technique(self, technique_id: str) -> TechniqueLookup:
        """Look a technique up, following revoked ids to their replacement.

        Returns a ``TechniqueLookup``: ``.technique`` is what to use, ``.followed`` says
        whether the requested id was revoked, ``.note`` says so in words.

        Raises:
            CatalogError: the id is not in this catalog.

        >>> catalog.technique("t1003/001").id  # doctest: +SKIP
        'T1003.001'
        """
        found = follow_revoked(technique_id, self._techniques.get)
        if found is None:
            raise CatalogError(
                f"Unknown ATT&CK technique {technique_id.strip()!r} in {self._where()}; "
                "find techniques by name with `llmnav catalog search TEXT`"
            )
        return found

    def techniques(
        self,
        active_only: bool = True,
        *,
        tactic: str | None = None,
        subtechniques: bool = True,
    ) -> list[Technique]:
        """Techniques in id order (sub-techniques right after their parent).

        Parameters:
            active_only: leave out revoked and deprecated techniques.
            tactic: only techniques of this tactic (id, shortname or name).
            subtechniques: include sub-techniques.
        """
        shortname = self.tactic(tactic).shortname if tactic is not None else None
        return [
            t
            for t in self._techniques.values()
            if (t.active or not active_only)
            and (subtechniques or not t.is_subtechnique)
            and (shortname is None or shortname in t.tactics)
        ]

    # -- groups, software, campaigns -----------------------------------------------

    def groups(self, active_only: bool = True) -> list[Group]:
        """Groups (intrusion sets) in id order."""
        return [g for g in self._groups.values() if g.active or not active_only]

    def all_software(self, active_only: bool = True) -> list[Software]:
        """Software (malware and tools) in id order."""
        return [s for s in self._software.values() if s.active or not active_only]

    def campaigns(self, active_only: bool = True) -> list[Campaign]:
        """Campaigns in id order."""
        return [c for c in self._campaigns.values() if c.active or not active_only]

    def group(self, key: str) -> Group:
        """A group by ATT&CK id (``G0007``), name or alias (``Fancy Bear``), any case."""
        found = self._entity("group", key)
        assert isinstance(found, Group)
        return found

    def software(self, key: str) -> Software:
        """Software by ATT&CK id (``S0002``), name or alias, any case."""
        found = self._entity("software", key)
        assert isinstance(found, Software)
        return found

    def campaign(self, key: str) -> Campaign:
        """A campaign by ATT&CK id (``C0022``), name or alias, any case."""
        found = self._entity("campaign", key)
        assert isinstance(found, Campaign)
        return found

    def _tables(self) -> dict[str, Mapping[str, _Entity]]:
        return {"group": self._groups, "software": self._software, "campaign": self._campaigns}

    def _name_index(self) -> dict[str, dict[str, list[tuple[str, _Entity]]]]:
        """Per kind: casefolded name or alias -> [(match, entity)], names first."""
        if self._names is None:
            names: dict[str, dict[str, list[tuple[str, _Entity]]]] = {}
            for kind, table in self._tables().items():
                index: dict[str, list[tuple[str, _Entity]]] = {}
                for entity in table.values():
                    index.setdefault(entity.name.casefold(), []).append(("name", entity))
                for entity in table.values():
                    for alias in entity.aliases:
                        index.setdefault(alias.casefold(), []).append(("alias", entity))
                for matches in index.values():
                    matches.sort(key=lambda m: (m[0] != "name", not m[1].active, m[1].id))
                names[kind] = index
            self._names = names
        return self._names

    def _find_entity(self, kind: str, key: str) -> tuple[str, _Entity] | None:
        table = self._tables()[kind]
        entity: _Entity | None = table.get(key.strip().upper())
        match = "id"
        if entity is None:
            matches = self._name_index()[kind].get(key.strip().casefold())
            if not matches:
                return None
            match, entity = matches[0]
        seen = {entity.id}
        while entity.revoked and entity.revoked_by and entity.revoked_by in table:
            entity = table[entity.revoked_by]
            if entity.id in seen:
                break
            seen.add(entity.id)
        return match, entity

    def _entity(self, kind: str, key: str) -> _Entity:
        found = self._find_entity(kind, key)
        if found is None:
            raise CatalogError(
                f"Unknown ATT&CK {kind} {key.strip()!r} in {self._where()}; "
                "find it by name with `llmnav catalog search TEXT`"
            )
        return found[1]

    # -- procedure examples --------------------------------------------------------

    def _procedure_index(self) -> tuple[dict[str, list[Procedure]], dict[str, list[Procedure]]]:
        with self._lock:
            if self._procedures is None or self._procedures_by_source is None:
                tables = self._load_part("procedures")
                owners: dict[str, tuple[str, SourceType]] = {}
                for g in self._groups.values():
                    owners[g.id] = (g.name, "intrusion-set")
                for s in self._software.values():
                    owners[s.id] = (s.name, s.type)
                for c in self._campaigns.values():
                    owners[c.id] = (c.name, "campaign")
                by_tech: dict[str, list[Procedure]] = {}
                by_source: dict[str, list[Procedure]] = {}
                for source_id, tech_id, text in _rows(
                    tables, "procedures", COLUMNS["procedures"], self.source
                ):
                    name, kind = owners.get(source_id, (source_id, "malware"))
                    proc = Procedure(source_id, name, kind, tech_id, text)
                    by_tech.setdefault(tech_id, []).append(proc)
                    by_source.setdefault(source_id, []).append(proc)
                self._procedures, self._procedures_by_source = by_tech, by_source
            return self._procedures, self._procedures_by_source

    def procedures(
        self, technique_id: str, *, include_subtechniques: bool = False
    ) -> list[Procedure]:
        """Procedure examples of a technique (revoked ids follow their replacement).

        Sorted by source id. ``include_subtechniques`` adds the examples of its
        sub-techniques after its own.
        """
        tech = self.technique(technique_id).technique
        by_tech, _ = self._procedure_index()
        out = list(by_tech.get(tech.id, ()))
        if include_subtechniques:
            for child in tech.children:
                out.extend(by_tech.get(child, ()))
        return out

    def procedures_of(self, source: str) -> list[Procedure]:
        """Procedure examples of a group, software or campaign (id, name or alias)."""
        for kind in ("group", "software", "campaign"):
            found = self._find_entity(kind, source)
            if found is not None:
                _, by_source = self._procedure_index()
                return list(by_source.get(found[1].id, ()))
        raise CatalogError(
            f"Unknown ATT&CK group, software or campaign {source.strip()!r} in {self._where()}"
        )

    # -- detections -----------------------------------------------------------------

    def _detection_index(self) -> dict[str, list[DetectionStrategy]]:
        with self._lock:
            if self._detections_by_technique is None:
                tables = self._load_part("detections")
                analytics: dict[str, Analytic] = {}
                for row in _rows(tables, "analytics", COLUMNS["analytics"], self.source):
                    ident, name, text, platforms, sources, mutable, url, stix_id = row
                    analytics[ident] = Analytic(
                        ident,
                        name,
                        text,
                        tuple(platforms),
                        tuple(LogSourceRef(*ref) for ref in sources),
                        tuple((field, note) for field, note in mutable),
                        url,
                        stix_id,
                    )
                components: dict[str, DataComponent] = {}
                for row in _rows(
                    tables, "data_components", COLUMNS["data_components"], self.source
                ):
                    ident, name, text, log_sources, url, stix_id, revoked, deprecated = row
                    components[ident] = DataComponent(
                        ident,
                        name,
                        text,
                        tuple((log, channel) for log, channel in log_sources),
                        url,
                        stix_id,
                        revoked,
                        deprecated,
                    )
                strategies: dict[str, DetectionStrategy] = {}
                by_tech: dict[str, list[DetectionStrategy]] = {}
                for row in _rows(tables, "strategies", COLUMNS["strategies"], self.source):
                    ident, name, techniques, analytic_ids, url, stix_id = row
                    strategy = DetectionStrategy(
                        ident,
                        name,
                        tuple(techniques),
                        tuple(analytics[a] for a in analytic_ids if a in analytics),
                        url,
                        stix_id,
                    )
                    strategies[ident] = strategy
                    for tech in strategy.techniques:
                        by_tech.setdefault(tech, []).append(strategy)
                self._analytics, self._components = analytics, components
                self._strategies = strategies
                self._detections_by_technique = by_tech
            return self._detections_by_technique

    def detections(self, technique_id: str) -> list[DetectionStrategy]:
        """Detection strategies (with their analytics) for a technique, by id."""
        tech = self.technique(technique_id).technique
        return list(self._detection_index().get(tech.id, ()))

    def detection_strategy(self, strategy_id: str) -> DetectionStrategy:
        """A detection strategy by id (``DET0103``)."""
        self._detection_index()
        assert self._strategies is not None
        found = self._strategies.get(normalize_id(strategy_id))
        if found is None:
            raise CatalogError(
                f"Unknown ATT&CK detection strategy {strategy_id.strip()!r} in {self._where()}"
            )
        return found

    def analytic(self, analytic_id: str) -> Analytic:
        """An analytic by id (``AN0110``)."""
        self._detection_index()
        assert self._analytics is not None
        found = self._analytics.get(normalize_id(analytic_id))
        if found is None:
            raise CatalogError(
                f"Unknown ATT&CK analytic {analytic_id.strip()!r} in {self._where()}"
            )
        return found

    def data_component(self, component_id: str) -> DataComponent:
        """A data component by id (``DC0084``)."""
        self._detection_index()
        assert self._components is not None
        found = self._components.get(normalize_id(component_id))
        if found is None:
            raise CatalogError(
                f"Unknown ATT&CK data component {component_id.strip()!r} in {self._where()}"
            )
        return found

    # -- search -------------------------------------------------------------------------

    def _technique_names(self) -> dict[str, list[Technique]]:
        """Casefolded technique name -> techniques (active first, then by id)."""
        if self._tech_names is None:
            names: dict[str, list[Technique]] = {}
            for tech in self._techniques.values():
                names.setdefault(tech.name.casefold(), []).append(tech)
            for techs in names.values():
                techs.sort(key=lambda t: (not t.active, t.id))
            self._tech_names = names
        return self._tech_names

    def _search_index(self) -> SearchIndex:
        with self._lock:
            if self._index is None:
                docs: list[Doc] = [
                    Doc("technique", t.id, t.name, (), t.description, t.active)
                    for t in self._techniques.values()
                ]
                docs += [
                    Doc("tactic", t.id, t.name, (t.shortname,), t.description, not t.deprecated)
                    for t in self._tactic_list
                ]
                for kind, table in self._tables().items():
                    docs += [
                        Doc(kind, e.id, e.name, e.aliases, e.description, e.active)
                        for e in table.values()
                    ]
                self._index = SearchIndex(docs)
            return self._index

    def search(
        self,
        text: str,
        limit: int = 10,
        *,
        kinds: Sequence[str] | None = None,
        active_only: bool = True,
    ) -> list[SearchHit]:
        """Rank catalog entries for ``text``: exact ids, then names and aliases, then text.

        Parameters:
            text: an id (``T1003``), a name (``Mimikatz``) or words (``dump lsass``).
            limit: most hits to return.
            kinds: restrict to these of ``KINDS`` (default: all).
            active_only: leave out revoked and deprecated entries (an exact revoked id
                still finds its replacement, with a ``note``).

        >>> [h.id for h in catalog.search("T1003", limit=3)]  # doctest: +SKIP
        ['T1003', 'T1003.001', 'T1003.002']
        """
        wanted = tuple(kinds) if kinds is not None else KINDS
        unknown = [k for k in wanted if k not in KINDS]
        if unknown:
            raise CatalogError(f"Unknown search kind {unknown[0]!r}; use one of {', '.join(KINDS)}")
        query = text.strip()
        if not query or limit <= 0:
            return []
        index = self._search_index()
        text_hits = index.query(query, active_only=active_only)
        scores = {(doc.kind, doc.id): score for doc, score in text_hits}
        best: dict[tuple[str, str], SearchHit] = {}

        def add(kind: str, ident: str, name: str, match: str, note: str = "") -> None:
            if kind not in wanted:
                return
            key = (kind, ident)
            hit = SearchHit(kind, ident, name, round(scores.get(key, 0.0), 4), match, note)
            old = best.get(key)
            if old is None or _MATCH_TIER[match] < _MATCH_TIER[old.match]:
                best[key] = hit

        ident = normalize_id(query)
        lookup = follow_revoked(ident, self._techniques.get)
        if lookup is not None and (lookup.technique.active or not active_only or lookup.followed):
            add("technique", lookup.id, lookup.technique.name, "id", lookup.note)
            for child in lookup.technique.children:
                add("technique", child, self._techniques[child].name, "parent")
        for tech in self._technique_names().get(query.casefold(), ()):
            if tech.active or not active_only:
                add("technique", tech.id, tech.name, "name", _lookup_note(tech))
        for tac in self._tactic_list:
            if ident == tac.id and (not tac.deprecated or not active_only):
                add("tactic", tac.id, tac.name, "id")
            elif query.casefold() in (tac.name.casefold(), tac.shortname.casefold()):
                add("tactic", tac.id, tac.name, "name")
        for kind in ("group", "software", "campaign"):
            entity = self._tables()[kind].get(ident)
            if entity is not None and (entity.active or not active_only):
                add(kind, entity.id, entity.name, "id")
            for match, entity in self._name_index()[kind].get(query.casefold(), ()):
                if entity.active or not active_only:
                    add(kind, entity.id, entity.name, match)
        for doc, _ in text_hits:
            add(doc.kind, doc.id, doc.name, "text")
        order = {kind: n for n, kind in enumerate(KINDS)}
        ranked = sorted(
            best.values(),
            key=lambda h: (_MATCH_TIER[h.match], -h.score, order[h.kind], h.id),
        )
        return ranked[:limit]

    # -- summary ----------------------------------------------------------------------

    def stats(self) -> dict[str, Any]:
        """Counts of active entries, with the domain and version.

        Keys: ``domain``, ``version``, ``tactics``, ``techniques``, ``subtechniques``,
        ``procedures``, ``groups``, ``software``, ``campaigns``, ``detection_strategies``,
        ``analytics``, ``data_components``, ``techniques_revoked``,
        ``techniques_deprecated``. Cheap: it reads counts stored at build time.
        """
        counts = self.meta.get("counts", {})
        return {"domain": self.domain, "version": self.version, **counts}
