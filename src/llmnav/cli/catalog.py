"""``llmnav catalog``: the packaged ATT&CK catalog (stats, show, search, import)."""

from __future__ import annotations

import json
import re
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from llmnav.catalog import (
    DOMAINS,
    Campaign,
    Catalog,
    Group,
    Software,
    Tactic,
    TechniqueLookup,
    import_bundle,
    load_catalog,
)
from llmnav.catalog.search import plain_text
from llmnav.cli.options import JsonFlag, LimitOption
from llmnav.cli.render import console, safe
from llmnav.errors import CatalogError

__all__ = ["app"]

app = typer.Typer(help="Browse the packaged ATT&CK catalog.", no_args_is_help=True)

DomainOption = Annotated[
    str | None,
    typer.Option(
        "--domain",
        "-d",
        help="ATT&CK domain: enterprise (default), mobile or ics.",
        show_default=False,
    ),
]
CatalogPath = Annotated[
    Path | None,
    typer.Option(
        "--catalog",
        help="A catalog file or directory written by `llmnav catalog import` "
        "(default: the packaged catalogs).",
        show_default=False,
    ),
]
AttackVersion = Annotated[
    str | None,
    typer.Option(
        "--attack-version",
        help="ATT&CK version to use, e.g. 17.1 (imported with `llmnav catalog import`).",
        show_default=False,
    ),
]

_TECHNIQUE_ID = re.compile(r"^T\d{4}([./]\d{3})?$", re.IGNORECASE)


def _load(domain: str | None, catalog: Path | None, version: str | None) -> Catalog:
    return load_catalog(domain, catalog, version=version)


def _echo_json(value: object) -> None:
    typer.echo(json.dumps(value, ensure_ascii=False, indent=2))


# -- stats -----------------------------------------------------------------------------

_STATS_COLUMNS = (
    ("tactics", "tactics"),
    ("techniques", "techniques"),
    ("subtechniques", "sub-techniques"),
    ("procedures", "procedure examples"),
    ("groups", "groups"),
    ("software", "software"),
    ("campaigns", "campaigns"),
    ("detection_strategies", "detection strategies"),
)


@app.command("stats")
def stats_command(
    domain: DomainOption = None,
    all_domains: Annotated[
        bool, typer.Option("--all", help="Every packaged domain (Enterprise, Mobile, ICS).")
    ] = False,
    catalog: CatalogPath = None,
    attack_version: AttackVersion = None,
    as_json: JsonFlag = False,
) -> None:
    """Count what a catalog holds, per domain.

    Active tactics, techniques, sub-techniques, procedure examples, groups, software,
    campaigns and detection strategies.
    """
    if all_domains and (domain or catalog):
        raise typer.BadParameter("--all cannot be combined with --domain or --catalog")
    names: list[str | None] = list(DOMAINS) if all_domains else [domain]
    rows = [_load(name, catalog, attack_version).stats() for name in names]
    if as_json:
        _echo_json(rows if all_domains else rows[0])
        return
    view = Table(title="ATT&CK catalog (active entries)", title_justify="left")
    view.add_column("")
    for row in rows:
        view.add_column(f"{safe(row['domain'])} {safe(row['version'])}", justify="right")
    for key, label in _STATS_COLUMNS:
        view.add_row(label, *(f"{int(row.get(key, 0)):,}" for row in rows))
    console.print(view)


# -- show ------------------------------------------------------------------------------


@app.command("show")
def show_command(
    key: Annotated[
        str,
        typer.Argument(
            help="A technique id (T1003.001), or the id or name of a tactic, group, "
            "software or campaign."
        ),
    ],
    domain: DomainOption = None,
    catalog: CatalogPath = None,
    attack_version: AttackVersion = None,
    procedures: Annotated[
        int, typer.Option("--procedures", "-p", min=0, help="Procedure examples to show.")
    ] = 5,
    as_json: JsonFlag = False,
) -> None:
    """Show one technique, tactic, group, software or campaign.

    A technique comes with its tactics, platforms, parent and sub-techniques, URL,
    description, procedure examples and detection strategies. A revoked technique id
    shows its replacement, and says so.
    """
    cat = _load(domain, catalog, attack_version)
    if _TECHNIQUE_ID.match(key.strip()):
        _show_technique(cat, cat.technique(key), procedures, as_json)
        return
    entry = _find_other(cat, key)
    if entry is None:
        if cat.get_technique(key) is not None:
            _show_technique(cat, cat.technique(key), procedures, as_json)
            return
        raise CatalogError(
            f"Unknown ATT&CK id or name {key.strip()!r} in {cat.domain} {cat.version}; "
            "find it with `llmnav catalog search TEXT`"
        )
    _show_entry(cat, entry, procedures, as_json)


def _find_other(cat: Catalog, key: str) -> Tactic | Group | Software | Campaign | None:
    lookups = (cat.tactic, cat.group, cat.software, cat.campaign)
    for lookup in lookups:
        try:
            return lookup(key)
        except CatalogError:
            continue
    return None


def _show_technique(cat: Catalog, lookup: TechniqueLookup, limit: int, as_json: bool) -> None:
    tech = lookup.technique
    procs = cat.procedures(tech.id)
    dets = cat.detections(tech.id)
    if as_json:
        _echo_json(
            {
                "requested": lookup.requested,
                "followed": lookup.followed,
                "via": list(lookup.via),
                "note": lookup.note,
                "attack_version": cat.version,
                "domain": cat.domain,
                "technique": asdict(tech),
                "procedure_count": len(procs),
                "procedures": [asdict(p) for p in procs[:limit]],
                "detections": [asdict(d) for d in dets],
            }
        )
        return
    if lookup.note:
        console.print(f"[yellow]Note:[/] {safe(lookup.note)}", highlight=False)
    kind = "sub-technique" if tech.is_subtechnique else "technique"
    flags = ""
    if tech.revoked:
        flags = " [red](revoked)[/]"
    elif tech.deprecated:
        flags = " [red](deprecated)[/]"
    console.print(f"[bold]{safe(tech.id)} {safe(tech.name)}[/]{flags}", highlight=False)
    console.print(
        f"[dim]{kind}, ATT&CK {safe(cat.version)} {safe(cat.domain)}[/]  {safe(tech.url)}",
        highlight=False,
    )
    tactic_names = []
    for tactic_id, shortname in zip(tech.tactic_ids, tech.tactics, strict=False):
        try:
            tactic_names.append(f"{tactic_id} {cat.tactic(tactic_id).name}")
        except CatalogError:
            tactic_names.append(f"{tactic_id} {shortname}")
    _field("Tactics", ", ".join(tactic_names))
    _field("Platforms", ", ".join(tech.platforms))
    if tech.parent:
        parent = cat.get_technique(tech.parent)
        _field("Parent", f"{tech.parent} {parent.name if parent else ''}".strip())
    if tech.children:
        names = []
        for child in tech.children:
            found = cat.get_technique(child)
            names.append(f"{child} {found.name}" if found else child)
        _field("Sub-techniques", "; ".join(names))
    if tech.description:
        console.print()
        console.print(safe(plain_text(tech.description)), highlight=False)
    if procs:
        console.print()
        view = Table(
            title=f"Procedure examples ({min(limit, len(procs))} of {len(procs):,})",
            title_justify="left",
        )
        view.add_column("source", no_wrap=True)
        view.add_column("name")
        view.add_column("example", ratio=1)
        for proc in procs[:limit]:
            view.add_row(
                safe(proc.source_id),
                safe(proc.source_name),
                safe(plain_text(proc.description), limit=300),
            )
        if limit:
            console.print(view)
        else:
            _field("Procedure examples", f"{len(procs):,}")
    for det in dets:
        console.print()
        console.print(
            f"[bold]Detection strategy[/] {safe(det.id)} {safe(det.name)}  {safe(det.url)}",
            highlight=False,
        )
        for analytic in det.analytics:
            sources = ", ".join(dict.fromkeys(ref.name for ref in analytic.log_sources))
            console.print(
                f"  {safe(analytic.id)} [dim]({safe(', '.join(analytic.platforms))})[/] "
                f"{safe(sources, limit=120)}",
                highlight=False,
            )


def _field(label: str, value: str) -> None:
    if value:
        console.print(f"[bold]{label}:[/] {safe(value)}", highlight=False)


def _show_entry(
    cat: Catalog, entry: Tactic | Group | Software | Campaign, limit: int, as_json: bool
) -> None:
    if isinstance(entry, Tactic):
        techniques = cat.techniques(tactic=entry.id, subtechniques=False)
        if as_json:
            _echo_json(
                {
                    "kind": "tactic",
                    "attack_version": cat.version,
                    "tactic": asdict(entry),
                    "techniques": [t.id for t in techniques],
                }
            )
            return
        console.print(
            f"[bold]{safe(entry.id)} {safe(entry.name)}[/] [dim]tactic[/]  {safe(entry.url)}",
            highlight=False,
        )
        console.print(safe(plain_text(entry.description)), highlight=False)
        _field("Techniques", "; ".join(f"{t.id} {t.name}" for t in techniques))
        return
    kind = {Group: "group", Software: "software", Campaign: "campaign"}[type(entry)]
    procs = cat.procedures_of(entry.id)
    if as_json:
        _echo_json(
            {
                "kind": kind,
                "attack_version": cat.version,
                kind: asdict(entry),
                "procedure_count": len(procs),
                "procedures": [asdict(p) for p in procs[:limit]],
            }
        )
        return
    console.print(
        f"[bold]{safe(entry.id)} {safe(entry.name)}[/] [dim]{kind}[/]  {safe(entry.url)}",
        highlight=False,
    )
    _field("Aliases", ", ".join(entry.aliases))
    if isinstance(entry, Software):
        _field("Type", entry.type)
        _field("Platforms", ", ".join(entry.platforms))
    if isinstance(entry, Campaign):
        _field("Groups", ", ".join(entry.groups))
        _field("Seen", f"{entry.first_seen} to {entry.last_seen}" if entry.first_seen else "")
    used = list(dict.fromkeys(p.technique_id for p in procs))
    _field("Techniques used", f"{len(used):,}: " + ", ".join(used) if used else "")
    if entry.description:
        console.print()
        console.print(safe(plain_text(entry.description)), highlight=False)


# -- search ----------------------------------------------------------------------------


@app.command("search")
def search_command(
    text: Annotated[list[str], typer.Argument(help="Words, a name or an id.")],
    limit: LimitOption = 10,
    kind: Annotated[
        list[str] | None,
        typer.Option(
            "--kind",
            "-k",
            help="Only this kind: technique, tactic, group, software, campaign (repeatable).",
            show_default=False,
        ),
    ] = None,
    domain: DomainOption = None,
    catalog: CatalogPath = None,
    attack_version: AttackVersion = None,
    include_inactive: Annotated[
        bool, typer.Option("--inactive", help="Include revoked and deprecated entries.")
    ] = False,
    as_json: JsonFlag = False,
) -> None:
    """Search the catalog: exact ids first, then names and aliases, then text (BM25)."""
    cat = _load(domain, catalog, attack_version)
    query = " ".join(text)
    hits = cat.search(query, limit, kinds=kind or None, active_only=not include_inactive)
    if as_json:
        _echo_json([asdict(hit) for hit in hits])
        return
    if not hits:
        console.print(f"No match for {safe(query)} in {cat.domain} {cat.version}.")
        return
    view = Table(
        title=f"{safe(query)} in ATT&CK {safe(cat.version)} {safe(cat.domain)}",
        title_justify="left",
    )
    view.add_column("#", justify="right")
    view.add_column("kind")
    view.add_column("id", no_wrap=True)
    view.add_column("name")
    view.add_column("match")
    view.add_column("score", justify="right")
    for number, hit in enumerate(hits, 1):
        name = safe(hit.name) + (f" [yellow]({safe(hit.note)})[/]" if hit.note else "")
        view.add_row(str(number), hit.kind, safe(hit.id), name, hit.match, f"{hit.score:.2f}")
    console.print(view)


# -- import ----------------------------------------------------------------------------


@app.command("import")
def import_command(
    bundle: Annotated[
        Path, typer.Argument(help="An ATT&CK STIX bundle, .json or .json.gz (any release).")
    ],
    dest: Annotated[
        Path | None,
        typer.Option(
            "--dest",
            help="Directory for the catalog file (default: the user catalog directory, "
            "$LLMNAV_CATALOG_DIR or ~/.local/share/llmnav/catalogs).",
            show_default=False,
        ),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Import an ATT&CK STIX bundle (another release or domain) as a catalog.

    The catalog is written as DEST/<domain>-<version>.jsonl.gz; use it with --catalog
    or --attack-version, or llmnav.catalog.load_catalog in Python.
    """
    cat = import_bundle(bundle, dest)
    stats = cat.stats()
    if as_json:
        _echo_json({"path": cat.source, **stats})
        return
    console.print(
        f"Imported ATT&CK [bold]{safe(cat.version)}[/] {safe(cat.domain)} from "
        f"{safe(bundle)} -> {safe(cat.source)}",
        highlight=False,
    )
    parts = [f"{int(stats.get(key, 0)):,} {label}" for key, label in _STATS_COLUMNS]
    console.print(" | ".join(parts), highlight=False)
