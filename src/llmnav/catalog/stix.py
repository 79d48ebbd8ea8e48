"""Turn a parsed ATT&CK STIX 2.x bundle into compact catalog data.

``build_catalog_data`` is a pure function: it takes the bundle as a ``dict`` (what
``json.load`` returns) and gives back a ``CatalogData`` of plain JSON values that
``llmnav.catalog.files`` writes and ``Catalog`` reads. Tables are stored as
``{"columns": [...], "rows": [[...], ...]}`` so the files stay small and fast to parse.

What it keeps, per domain (Enterprise, Mobile, ICS or any other ATT&CK release):

- tactics in matrix order (from the active ``x-mitre-matrix`` ``tactic_refs``);
- techniques and sub-techniques with tactics, platforms, parent and children, and the
  revoked (with ``revoked-by`` replacement) and deprecated ones;
- groups (``intrusion-set``), software (``malware`` + ``tool``) and campaigns with
  aliases;
- procedure examples: ``uses`` relationships from a group, software or campaign to a
  technique;
- detection strategies (``DET``) with their analytics (``AN``) and data components
  (``DC``), the ATT&CK v18 detection model;
- the ATT&CK version (``x-mitre-collection`` ``x_mitre_version``) and the domain.

>>> import gzip, json
>>> bundle = json.load(gzip.open("enterprise-attack-18.1.json.gz", "rt"))  # doctest: +SKIP
>>> data = build_catalog_data(bundle, source="enterprise-attack-18.1.json.gz")  # doctest: +SKIP
>>> data["meta"]["version"], data["meta"]["counts"]["techniques"]  # doctest: +SKIP
('18.1', 216)
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TypedDict

from llmnav.errors import CatalogError, SourceLocation

__all__ = [
    "ATTACK_SOURCES",
    "COLUMNS",
    "FORMAT",
    "CatalogData",
    "Table",
    "attack_id",
    "build_catalog_data",
    "table",
]

FORMAT = 1
"""Version of the catalog data layout; bump it when columns change meaning."""

ATTACK_SOURCES = frozenset({"mitre-attack", "mitre-mobile-attack", "mitre-ics-attack"})
"""``external_references`` source names that carry ATT&CK ids."""

_ENTITY_TYPES = ("intrusion-set", "malware", "tool", "campaign")
_DOMAIN_NAMES = {"enterprise-attack", "mobile-attack", "ics-attack"}
_CITATION = re.compile(r"\s*\(Citation:[^)]*\)")


class Table(TypedDict):
    """A table of rows; ``columns`` names the position of each value in a row."""

    columns: list[str]
    rows: list[list[Any]]


class CatalogData(TypedDict):
    """The catalog as JSON values, in the parts that are stored and loaded separately."""

    meta: dict[str, Any]
    core: dict[str, Table]
    detections: dict[str, Table]
    procedures: dict[str, Table]


def table(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> Table:
    """Build a ``Table`` from column names and row sequences.

    >>> table(["id", "name"], [("T1", "x")])
    {'columns': ['id', 'name'], 'rows': [['T1', 'x']]}
    """
    return {"columns": list(columns), "rows": [list(row) for row in rows]}


def attack_id(obj: Mapping[str, Any]) -> str | None:
    """The ATT&CK id of a STIX object (``T1003.001``, ``G0007``, ...), or None.

    >>> attack_id({"external_references": [{"source_name": "mitre-attack",
    ...                                     "external_id": "T1003"}]})
    'T1003'
    """
    refs = obj.get("external_references")
    if not isinstance(refs, list):
        return None
    for ref in refs:
        if isinstance(ref, dict) and ref.get("source_name") in ATTACK_SOURCES:
            ext = ref.get("external_id")
            if isinstance(ext, str) and ext:
                return ext
    return None


def _url(obj: Mapping[str, Any]) -> str:
    for ref in obj.get("external_references") or ():
        if isinstance(ref, dict) and ref.get("source_name") in ATTACK_SOURCES:
            url = ref.get("url")
            return url if isinstance(url, str) else ""
    return ""


def _text(value: object) -> str:
    """A description as stored: citation markers removed, surrounding space trimmed."""
    if not isinstance(value, str):
        return ""
    return _CITATION.sub("", value).strip()


def _strs(value: object) -> list[str]:
    if not isinstance(value, list):
        return []
    return [item for item in value if isinstance(item, str)]


def _revoked(obj: Mapping[str, Any]) -> bool:
    return obj.get("revoked") is True


def _deprecated(obj: Mapping[str, Any]) -> bool:
    return obj.get("x_mitre_deprecated") is True


def _active(obj: Mapping[str, Any]) -> bool:
    return not (_revoked(obj) or _deprecated(obj))


def _aliases(obj: Mapping[str, Any], name: str) -> list[str]:
    key = "x_mitre_aliases" if obj.get("type") in ("malware", "tool") else "aliases"
    seen = {name.casefold()}
    out: list[str] = []
    for alias in _strs(obj.get(key)):
        alias = alias.strip()
        if alias and alias.casefold() not in seen:
            seen.add(alias.casefold())
            out.append(alias)
    return out


def _date(value: object) -> str:
    return value[:10] if isinstance(value, str) else ""


def _objects(bundle: object, where: str) -> list[dict[str, Any]]:
    """The bundle's objects, checked to be JSON objects with a ``type`` and an ``id``."""
    if not isinstance(bundle, Mapping) or not isinstance(bundle.get("objects"), list):
        raise CatalogError(
            "Not a STIX bundle: expected a JSON object with type 'bundle' and an 'objects' list",
            SourceLocation(where),
        )
    if bundle.get("type", "bundle") != "bundle":
        raise CatalogError(
            f"Not a STIX bundle: its type is {bundle.get('type')!r}, expected 'bundle'",
            SourceLocation(where, field="type"),
        )
    out: list[dict[str, Any]] = []
    for index, obj in enumerate(bundle["objects"]):
        if (
            not isinstance(obj, dict)
            or not isinstance(obj.get("type"), str)
            or not isinstance(obj.get("id"), str)
        ):
            raise CatalogError(
                "Bad STIX object: expected a JSON object with string 'type' and 'id'",
                SourceLocation(where, field=f"objects[{index}]"),
            )
        out.append(obj)
    return out


def _domain(objs: list[dict[str, Any]], collection: Mapping[str, Any] | None) -> str:
    for obj in objs:
        if obj["type"] == "x-mitre-matrix" and _active(obj):
            ext = attack_id(obj)
            if ext in _DOMAIN_NAMES:
                return ext
    votes: Counter[str] = Counter()
    if collection is not None:
        votes.update(_strs(collection.get("x_mitre_domains")))
    for obj in objs:
        if obj["type"] == "attack-pattern":
            votes.update(_strs(obj.get("x_mitre_domains")))
    if votes:
        return sorted(votes.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
    for obj in objs:
        if obj["type"] == "x-mitre-matrix":
            ext = attack_id(obj)
            if ext:
                return ext
    return ""


def build_catalog_data(
    bundle: Mapping[str, Any],
    *,
    source: str = "<bundle>",
    version: str | None = None,
    domain: str | None = None,
) -> CatalogData:
    """Build the compact catalog of one ATT&CK domain from a parsed STIX bundle.

    Parameters:
        bundle: the parsed bundle, ``{"type": "bundle", "objects": [...]}``.
        source: the bundle's file name, used in error messages and kept in ``meta``.
        version: ATT&CK version to record when the bundle has no ``x-mitre-collection``.
        domain: domain name to record when the bundle does not say (``enterprise-attack``).

    Returns:
        ``CatalogData`` with ``meta`` (domain, version, counts) and the ``core``,
        ``detections`` and ``procedures`` tables.

    Raises:
        CatalogError: the bundle is not a STIX bundle or holds no ATT&CK techniques
        or tactics; the message names ``source``.
    """
    objs = _objects(bundle, source)
    by_id: dict[str, dict[str, Any]] = {obj["id"]: obj for obj in objs}
    ids: dict[str, str] = {}
    for obj in objs:
        ext = attack_id(obj)
        if ext is not None and obj["type"] != "relationship":
            ids[obj["id"]] = ext

    collection = next((o for o in objs if o["type"] == "x-mitre-collection"), None)
    found_version = collection.get("x_mitre_version") if collection else None
    if version is None:
        version = found_version if isinstance(found_version, str) and found_version else ""
    if not version:
        raise CatalogError(
            "Cannot tell the ATT&CK version: the bundle has no x-mitre-collection with "
            "x_mitre_version; pass the version explicitly",
            SourceLocation(source),
        )
    domain = domain or _domain(objs, collection)
    if not domain:
        raise CatalogError(
            "Cannot tell the ATT&CK domain (no x-mitre-matrix or x_mitre_domains); "
            "pass the domain explicitly",
            SourceLocation(source),
        )

    rels: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for obj in objs:
        if obj["type"] == "relationship" and _active(obj):
            src, dst = obj.get("source_ref"), obj.get("target_ref")
            kind = obj.get("relationship_type")
            if isinstance(src, str) and isinstance(dst, str) and isinstance(kind, str):
                rels[kind].append((src, dst))
    # revoked-by relationships are kept whatever their own flags say.
    revoked_by: dict[str, str] = {}
    for obj in objs:
        if obj["type"] == "relationship" and obj.get("relationship_type") == "revoked-by":
            src, dst = obj.get("source_ref"), obj.get("target_ref")
            if isinstance(src, str) and dst in ids:
                revoked_by[src] = ids[dst]

    tactic_rows, shortname_to_id, order = _tactics(objs, by_id, ids)
    if not tactic_rows:
        raise CatalogError(
            "Not an ATT&CK bundle: it holds no x-mitre-tactic objects with ATT&CK ids",
            SourceLocation(source),
        )
    technique_rows = _techniques(objs, ids, rels, revoked_by, shortname_to_id, order)
    if not technique_rows:
        raise CatalogError(
            "Not an ATT&CK bundle: it holds no attack-pattern objects with ATT&CK ids",
            SourceLocation(source),
        )
    groups, software, campaigns = _entities(objs, ids, rels, revoked_by)
    procedures = _procedures(objs, ids)
    strategies, analytics, components = _detections(objs, ids, rels)

    techniques = [dict(zip(_TECHNIQUE_COLUMNS, row, strict=True)) for row in technique_rows]
    counts = {
        "tactics": _count_active(_TACTIC_COLUMNS, tactic_rows),
        "techniques": sum(
            1 for t in techniques if not (t["is_subtechnique"] or t["revoked"] or t["deprecated"])
        ),
        "subtechniques": sum(
            1 for t in techniques if t["is_subtechnique"] and not (t["revoked"] or t["deprecated"])
        ),
        "techniques_revoked": sum(1 for t in techniques if t["revoked"]),
        "techniques_deprecated": sum(1 for t in techniques if t["deprecated"] and not t["revoked"]),
        "procedures": len(procedures),
        "groups": _count_active(_GROUP_COLUMNS, groups),
        "software": _count_active(_SOFTWARE_COLUMNS, software),
        "campaigns": _count_active(_CAMPAIGN_COLUMNS, campaigns),
        "detection_strategies": len(strategies),
        "analytics": len(analytics),
        "data_components": _count_active(_COMPONENT_COLUMNS, components),
    }
    name = collection.get("name") if collection else None
    modified = collection.get("modified") if collection else None
    spec = collection.get("x_mitre_attack_spec_version") if collection else None
    meta: dict[str, Any] = {
        "format": FORMAT,
        "domain": domain,
        "version": version,
        "name": name if isinstance(name, str) else domain,
        "modified": modified if isinstance(modified, str) else "",
        "attack_spec_version": spec if isinstance(spec, str) else "",
        "source": source,
        "counts": counts,
    }
    return {
        "meta": meta,
        "core": {
            "tactics": table(_TACTIC_COLUMNS, tactic_rows),
            "techniques": table(_TECHNIQUE_COLUMNS, technique_rows),
            "groups": table(_GROUP_COLUMNS, groups),
            "software": table(_SOFTWARE_COLUMNS, software),
            "campaigns": table(_CAMPAIGN_COLUMNS, campaigns),
        },
        "detections": {
            "strategies": table(_STRATEGY_COLUMNS, strategies),
            "analytics": table(_ANALYTIC_COLUMNS, analytics),
            "data_components": table(_COMPONENT_COLUMNS, components),
        },
        "procedures": {"procedures": table(_PROCEDURE_COLUMNS, procedures)},
    }


_TACTIC_COLUMNS = ("id", "shortname", "name", "description", "url", "stix_id", "deprecated")
_TECHNIQUE_COLUMNS = (
    "id",
    "name",
    "description",
    "url",
    "stix_id",
    "platforms",
    "tactics",
    "tactic_ids",
    "is_subtechnique",
    "parent",
    "children",
    "revoked",
    "deprecated",
    "revoked_by",
)
_GROUP_COLUMNS = (
    "id",
    "name",
    "aliases",
    "description",
    "url",
    "stix_id",
    "revoked",
    "deprecated",
    "revoked_by",
)
_SOFTWARE_COLUMNS = (
    "id",
    "name",
    "type",
    "aliases",
    "platforms",
    "description",
    "url",
    "stix_id",
    "revoked",
    "deprecated",
    "revoked_by",
)
_CAMPAIGN_COLUMNS = (
    "id",
    "name",
    "aliases",
    "groups",
    "first_seen",
    "last_seen",
    "description",
    "url",
    "stix_id",
    "revoked",
    "deprecated",
    "revoked_by",
)
_PROCEDURE_COLUMNS = ("source_id", "technique_id", "description")
_STRATEGY_COLUMNS = ("id", "name", "techniques", "analytics", "url", "stix_id")
_ANALYTIC_COLUMNS = (
    "id",
    "name",
    "description",
    "platforms",
    "log_sources",
    "mutable_elements",
    "url",
    "stix_id",
)
_COMPONENT_COLUMNS = (
    "id",
    "name",
    "description",
    "log_sources",
    "url",
    "stix_id",
    "revoked",
    "deprecated",
)


COLUMNS: dict[str, tuple[str, ...]] = {
    "tactics": _TACTIC_COLUMNS,
    "techniques": _TECHNIQUE_COLUMNS,
    "groups": _GROUP_COLUMNS,
    "software": _SOFTWARE_COLUMNS,
    "campaigns": _CAMPAIGN_COLUMNS,
    "procedures": _PROCEDURE_COLUMNS,
    "strategies": _STRATEGY_COLUMNS,
    "analytics": _ANALYTIC_COLUMNS,
    "data_components": _COMPONENT_COLUMNS,
}
"""Column names of every table, by table name, as the builder writes them."""


def _count_active(columns: Sequence[str], rows: list[list[Any]]) -> int:
    """Rows that are neither revoked nor deprecated (missing columns count as False)."""
    flags = [columns.index(c) for c in ("revoked", "deprecated") if c in columns]
    return sum(1 for row in rows if not any(row[i] for i in flags))


def _tactics(
    objs: list[dict[str, Any]], by_id: Mapping[str, dict[str, Any]], ids: Mapping[str, str]
) -> tuple[list[list[Any]], dict[str, str], dict[str, int]]:
    """Tactic rows in matrix order, shortname -> tactic id, shortname -> matrix position."""
    ordered: list[str] = []
    for obj in objs:
        if obj["type"] == "x-mitre-matrix" and _active(obj):
            for ref in _strs(obj.get("tactic_refs")):
                if ref in by_id and ref not in ordered:
                    ordered.append(ref)
    rest = sorted(
        (o["id"] for o in objs if o["type"] == "x-mitre-tactic" and o["id"] not in ordered),
        key=lambda ref: ids.get(ref, ref),
    )
    rows: list[list[Any]] = []
    shortnames: dict[str, str] = {}
    order: dict[str, int] = {}
    for ref in (*ordered, *rest):
        obj = by_id[ref]
        ext = ids.get(ref)
        short = obj.get("x_mitre_shortname")
        if ext is None or not isinstance(short, str):
            continue
        in_matrix = ref in ordered
        rows.append(
            [
                ext,
                short,
                str(obj.get("name", "")),
                _text(obj.get("description")),
                _url(obj),
                ref,
                not (in_matrix and _active(obj)),
            ]
        )
        shortnames.setdefault(short, ext)
        order.setdefault(short, len(order))
    return rows, shortnames, order


def _techniques(
    objs: list[dict[str, Any]],
    ids: Mapping[str, str],
    rels: Mapping[str, list[tuple[str, str]]],
    revoked_by: Mapping[str, str],
    shortnames: Mapping[str, str],
    order: Mapping[str, int],
) -> list[list[Any]]:
    parent_of: dict[str, str] = {}
    for src, dst in rels.get("subtechnique-of", ()):
        if src in ids and dst in ids:
            parent_of[ids[src]] = ids[dst]
    patterns = [o for o in objs if o["type"] == "attack-pattern" and o["id"] in ids]
    is_sub: dict[str, bool] = {}
    for obj in patterns:
        ext = ids[obj["id"]]
        is_sub[ext] = obj.get("x_mitre_is_subtechnique") is True or "." in ext
        if is_sub[ext] and ext not in parent_of and "." in ext:
            parent_of[ext] = ext.split(".", 1)[0]
    children: dict[str, list[str]] = defaultdict(list)
    for obj in patterns:
        ext = ids[obj["id"]]
        if is_sub[ext] and _active(obj) and ext in parent_of:
            children[parent_of[ext]].append(ext)

    rows: list[list[Any]] = []
    for obj in patterns:
        ext = ids[obj["id"]]
        phases = [
            p["phase_name"]
            for p in obj.get("kill_chain_phases") or ()
            if isinstance(p, dict)
            and isinstance(p.get("phase_name"), str)
            and str(p.get("kill_chain_name", "")).startswith("mitre-")
        ]
        phases = sorted(dict.fromkeys(phases), key=lambda s: (order.get(s, len(order)), s))
        revoked = _revoked(obj)
        rows.append(
            [
                ext,
                str(obj.get("name", "")),
                "" if revoked else _text(obj.get("description")),
                _url(obj),
                obj["id"],
                _strs(obj.get("x_mitre_platforms")),
                phases,
                [shortnames[p] for p in phases if p in shortnames],
                is_sub[ext],
                parent_of.get(ext) if is_sub[ext] else None,
                sorted(children.get(ext, ())),
                revoked,
                _deprecated(obj),
                revoked_by.get(obj["id"]),
            ]
        )
    rows.sort(key=lambda r: str(r[0]))
    return rows


def _entities(
    objs: list[dict[str, Any]],
    ids: Mapping[str, str],
    rels: Mapping[str, list[tuple[str, str]]],
    revoked_by: Mapping[str, str],
) -> tuple[list[list[Any]], list[list[Any]], list[list[Any]]]:
    attributed: dict[str, list[str]] = defaultdict(list)
    for src, dst in rels.get("attributed-to", ()):
        if src in ids and dst in ids:
            attributed[src].append(ids[dst])
    groups: list[list[Any]] = []
    software: list[list[Any]] = []
    campaigns: list[list[Any]] = []
    for obj in objs:
        kind = obj["type"]
        if kind not in _ENTITY_TYPES or obj["id"] not in ids:
            continue
        ext = ids[obj["id"]]
        name = str(obj.get("name", ""))
        revoked = _revoked(obj)
        description = "" if revoked else _text(obj.get("description"))
        flags = [revoked, _deprecated(obj), revoked_by.get(obj["id"])]
        if kind == "intrusion-set":
            groups.append(
                [ext, name, _aliases(obj, name), description, _url(obj), obj["id"], *flags]
            )
        elif kind == "campaign":
            campaigns.append(
                [
                    ext,
                    name,
                    _aliases(obj, name),
                    sorted(set(attributed.get(obj["id"], ()))),
                    _date(obj.get("first_seen")),
                    _date(obj.get("last_seen")),
                    description,
                    _url(obj),
                    obj["id"],
                    *flags,
                ]
            )
        else:
            software.append(
                [
                    ext,
                    name,
                    kind,
                    _aliases(obj, name),
                    _strs(obj.get("x_mitre_platforms")),
                    description,
                    _url(obj),
                    obj["id"],
                    *flags,
                ]
            )
    for rows in (groups, software, campaigns):
        rows.sort(key=lambda r: str(r[0]))
    return groups, software, campaigns


def _procedures(objs: list[dict[str, Any]], ids: Mapping[str, str]) -> list[list[Any]]:
    """``uses`` relationships from a group, software or campaign to a technique."""
    rows: list[list[Any]] = []
    for obj in objs:
        if obj["type"] != "relationship" or obj.get("relationship_type") != "uses":
            continue
        if not _active(obj):
            continue
        src, dst = obj.get("source_ref"), obj.get("target_ref")
        if not isinstance(src, str) or not isinstance(dst, str):
            continue
        if src.split("--", 1)[0] not in _ENTITY_TYPES or not dst.startswith("attack-pattern--"):
            continue
        if src not in ids or dst not in ids:
            continue
        rows.append([ids[src], ids[dst], _text(obj.get("description"))])
    rows.sort(key=lambda r: (r[1], r[0], r[2]))
    return rows


def _detections(
    objs: list[dict[str, Any]],
    ids: Mapping[str, str],
    rels: Mapping[str, list[tuple[str, str]]],
) -> tuple[list[list[Any]], list[list[Any]], list[list[Any]]]:
    detects: dict[str, list[str]] = defaultdict(list)
    for src, dst in rels.get("detects", ()):
        if src.startswith("x-mitre-detection-strategy--") and dst in ids:
            detects[src].append(ids[dst])
    strategies: list[list[Any]] = []
    used_analytics: set[str] = set()
    for obj in objs:
        if obj["type"] != "x-mitre-detection-strategy" or obj["id"] not in ids:
            continue
        if not _active(obj):
            continue
        refs = [r for r in _strs(obj.get("x_mitre_analytic_refs")) if r in ids]
        used_analytics.update(refs)
        strategies.append(
            [
                ids[obj["id"]],
                str(obj.get("name", "")),
                sorted(set(detects.get(obj["id"], ()))),
                [ids[r] for r in refs],
                _url(obj),
                obj["id"],
            ]
        )
    analytics: list[list[Any]] = []
    for obj in objs:
        if obj["type"] != "x-mitre-analytic" or obj["id"] not in ids:
            continue
        if not _active(obj) and obj["id"] not in used_analytics:
            continue
        sources = [
            [
                ids.get(str(ref.get("x_mitre_data_component_ref")), ""),
                str(ref.get("name", "")),
                str(ref.get("channel", "")),
            ]
            for ref in obj.get("x_mitre_log_source_references") or ()
            if isinstance(ref, dict)
        ]
        mutable = [
            [str(el.get("field", "")), _text(el.get("description"))]
            for el in obj.get("x_mitre_mutable_elements") or ()
            if isinstance(el, dict)
        ]
        analytics.append(
            [
                ids[obj["id"]],
                str(obj.get("name", "")),
                _text(obj.get("description")),
                _strs(obj.get("x_mitre_platforms")),
                sources,
                mutable,
                _url(obj),
                obj["id"],
            ]
        )
    components: list[list[Any]] = []
    for obj in objs:
        if obj["type"] != "x-mitre-data-component" or obj["id"] not in ids:
            continue
        log_sources = [
            [str(ls.get("name", "")), str(ls.get("channel", ""))]
            for ls in obj.get("x_mitre_log_sources") or ()
            if isinstance(ls, dict)
        ]
        components.append(
            [
                ids[obj["id"]],
                str(obj.get("name", "")),
                _text(obj.get("description")),
                log_sources,
                _url(obj),
                obj["id"],
                _revoked(obj),
                _deprecated(obj),
            ]
        )
    for rows in (strategies, analytics, components):
        rows.sort(key=lambda r: str(r[0]))
    return strategies, analytics, components
