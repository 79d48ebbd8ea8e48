"""Layer tools: a layer from a list of ids, layers combined by a score expression, a diff.

Every function returns a :class:`~llmnav.navigator.layer.Layer` built with
:func:`~llmnav.navigator.layer.build_layer`, so what it returns is a valid
layer format 4.5 file once written with :func:`~llmnav.navigator.layer.write_layer`.

>>> from llmnav.catalog import load_catalog
>>> layer = layer_from_techniques(["T1003.001", "T1021.004"], load_catalog(), name="seen")
>>> sorted(t.techniqueID for t in layer.techniques or [])
['T1003', 'T1003.001', 'T1021', 'T1021.004']
>>> a = layer_from_techniques(["T1059", "T1003"], load_catalog(), score=3)
>>> b = layer_from_techniques(["T1059"], load_catalog(), score=1)
>>> combined = combine_layers("a - b", [a, b])
>>> {t.techniqueID: t.score for t in combined.techniques or []}
{'T1003': 3, 'T1059': 2}
>>> [(row.technique_id, row.status, row.delta) for row in layer_changes(b, a)]
[('T1003', 'added', 3.0), ('T1059', 'changed', 2.0)]
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from llmnav.catalog import Catalog, load_catalog
from llmnav.catalog.load import normalize_domain
from llmnav.errors import CatalogError, ConfigError, IngestError, SourceLocation
from llmnav.navigator.expr import Expression, parse_expression, variable_name
from llmnav.navigator.layer import (
    ATTACK_DOMAINS,
    Gradient,
    Layer,
    Layout,
    Technique,
    TechniqueScore,
    build_layer,
    validate_layer,
)

__all__ = [
    "BINARY_GRADIENT_COLORS",
    "DIVERGING_GRADIENT_COLORS",
    "LayerChange",
    "ResolvedIds",
    "combine_layers",
    "diff_layers",
    "layer_changes",
    "layer_from_techniques",
    "parse_technique_ids",
    "read_layer_file",
    "resolve_technique_ids",
]

# Blue for negative, white for 0, red for positive.
DIVERGING_GRADIENT_COLORS: tuple[str, ...] = ("#3b6fd1", "#ffffff", "#e0413a")
# The Navigator's "transparentblue" preset, which it picks for a 0/1 result.
BINARY_GRADIENT_COLORS: tuple[str, ...] = ("#ffffff00", "#66b1ff")

_ID_SPLIT = re.compile(r"[\s,;]+")
_HEX = re.compile(r"#([0-9a-fA-F]{6}|[0-9a-fA-F]{8})")
_AIO_DOMAIN = "aio"

# A technique annotation is keyed as the Navigator keys it: id and tactic
# (None for an annotation that applies in every tactic of the technique).
_Key = tuple[str, str | None]


# -- reading -------------------------------------------------------------------------


def parse_technique_ids(text: str) -> list[str]:
    """Ids from text: one per line or separated by commas, ``#`` starts a comment.

    >>> parse_technique_ids("T1003, t1021.004\\n# lateral\\nT1059  # shells\\n")
    ['T1003', 'T1021.004', 'T1059']
    """
    ids: list[str] = []
    for line in text.splitlines():
        line = line.split("#", 1)[0]
        ids.extend(part.upper() for part in _ID_SPLIT.split(line) if part)
    return ids


def read_layer_file(path: str | Path) -> Layer:
    """Read one layer, with an error that names the file and what is wrong in it.

    A file holding a list of exactly one layer is accepted.

    Raises:
        IngestError: the file is missing, not JSON, not a valid layer, or holds
            several layers.
    """
    target = Path(path)
    where = SourceLocation(str(target))
    try:
        data = json.loads(target.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise IngestError("Layer file not found", where) from None
    except OSError as exc:
        raise IngestError(f"Cannot read the layer file ({exc.strerror})", where) from None
    except ValueError as exc:
        raise IngestError(f"Not a layer file: not JSON ({exc})", where) from None
    if isinstance(data, list):
        if len(data) != 1:
            raise IngestError(
                f"The file holds {len(data)} layers; save each layer to its own file", where
            )
        data = data[0]
    errors = [issue for issue in validate_layer(data) if issue.severity == "error"]
    if errors:
        listed = "; ".join(f"{issue.location}: {issue.description}" for issue in errors[:3])
        more = f" (and {len(errors) - 3} more)" if len(errors) > 3 else ""
        raise IngestError(f"Not a valid Navigator layer: {listed}{more}", where)
    return Layer.model_validate(data)


# -- from a list of ids --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ResolvedIds:
    """What :func:`resolve_technique_ids` found: the ids to use and notes for the user.

    ``ids`` are unique, in input order, revoked ids replaced; ``tactics`` maps
    an id to the tactic shortnames it belongs to; ``notes`` say which ids were
    replaced or are deprecated.
    """

    ids: tuple[str, ...]
    tactics: Mapping[str, tuple[str, ...]]
    names: Mapping[str, str]
    notes: tuple[str, ...]


def resolve_technique_ids(
    ids: Iterable[str], catalog: Catalog | None = None, *, domain: str = "enterprise-attack"
) -> ResolvedIds:
    """Check ids against the catalog (or the AIO taxonomy for domain ``aio``).

    Revoked ids follow the catalog's replacement (with a note); duplicates are
    dropped.

    Raises:
        CatalogError: one or more ids are unknown (all of them are named).
    """
    domain = normalize_domain(domain)
    found: list[str] = []
    tactics: dict[str, tuple[str, ...]] = {}
    names: dict[str, str] = {}
    notes: list[str] = []
    unknown: list[str] = []
    if domain == _AIO_DOMAIN:
        from llmnav.orchestration.taxonomy import load_taxonomy

        taxonomy = load_taxonomy()
        known = {technique.id: technique for technique in taxonomy.techniques}
        for raw in ids:
            wanted = raw.strip().upper()
            behaviour = known.get(wanted)
            if behaviour is None:
                unknown.append(raw.strip())
            elif wanted not in tactics:
                found.append(wanted)
                tactics[wanted] = (taxonomy.tactic(behaviour.tactic).shortname,)
                names[wanted] = behaviour.name
        where = f"the AIO taxonomy {taxonomy.version}"
    else:
        catalog = catalog or load_catalog(domain)
        for raw in ids:
            try:
                lookup = catalog.technique(raw)
            except CatalogError:
                unknown.append(raw.strip())
                continue
            if lookup.note:
                notes.append(lookup.note)
            technique = lookup.technique
            if technique.id not in tactics:
                found.append(technique.id)
                tactics[technique.id] = technique.tactics
                names[technique.id] = technique.name
        where = f"ATT&CK {catalog.domain} {catalog.version}"
    if unknown:
        hint = (
            "see `llmnav aio list`"
            if domain == _AIO_DOMAIN
            else "find techniques by name with `llmnav catalog search TEXT`"
        )
        raise CatalogError(f"Unknown technique id(s) in {where}: {', '.join(unknown)}; {hint}")
    return ResolvedIds(tuple(found), tactics, names, tuple(dict.fromkeys(notes)))


def layer_from_techniques(
    ids: Iterable[str],
    catalog: Catalog | None = None,
    *,
    name: str = "techniques",
    domain: str | None = None,
    score: float | None = 1,
    color: str | None = None,
    description: str = "",
) -> Layer:
    """A layer annotating each technique of a plain list.

    Parameters
    ----------
    ids:
        ATT&CK ids (``T1003``, ``T1021.004``; case and ``/`` are forgiven) or, for
        domain ``aio``, AIO ids (``AIO.T0003``).
    catalog:
        The catalog to check ids against; default: the packaged one for ``domain``.
    domain:
        ``enterprise-attack`` (default: the catalog's), ``mobile-attack``,
        ``ics-attack`` or ``aio``.
    score, color:
        What every listed technique gets (``score=None`` for none).

    Sub-techniques are shown: their parents get ``showSubtechniques`` and the
    layout expands annotated sub-techniques. Revoked ids are replaced (the
    comment says so).

    >>> layer = layer_from_techniques(["T1002"], name="archive")
    >>> technique = (layer.techniques or [])[0]
    >>> technique.techniqueID, technique.comment
    ('T1560', 'T1002 was revoked and replaced by T1560 (Archive Collected Data)')
    """
    requested = list(ids)
    if color is not None and not _HEX.fullmatch(color):
        raise ConfigError(f"Colour {color!r} is not a hex colour such as #ff6666 or #ff666680")
    if domain is None:
        domain = catalog.domain if catalog is not None else "enterprise-attack"
    domain = normalize_domain(domain)
    resolved = resolve_technique_ids(requested, catalog, domain=domain)
    replaced: dict[str, str] = {}
    for note in resolved.notes:
        match = re.search(r"replaced by (\S+)", note)
        if match:
            replaced.setdefault(match.group(1), note)
    entries = [
        TechniqueScore(
            technique_id,
            score,
            comment=replaced.get(technique_id, ""),
            color=color,
            tactic=resolved.tactics[technique_id][0] if domain == _AIO_DOMAIN else None,
        )
        for technique_id in resolved.ids
    ]
    version = catalog.version if catalog is not None and domain != _AIO_DOMAIN else "18"
    attack_version = version.split(".")[0] if domain in ATTACK_DOMAINS else None
    return build_layer(
        name=name,
        domain=domain,
        techniques=entries,
        description=description or f"{len(resolved.ids)} techniques from a list",
        attack_version=attack_version,
        metadata={"made by": "llmnav layer from-techniques", "techniques": len(resolved.ids)},
        links_base=None if domain == _AIO_DOMAIN else "https://attack.mitre.org/techniques/",
        layout=Layout(layout="side", showID=True, showName=True, expandedSubtechniques="annotated"),
    )


# -- combining -----------------------------------------------------------------------


def _scored(technique: Technique) -> float | None:
    return None if technique.score is None else float(technique.score)


def _annotations(layer: Layer) -> dict[_Key, Technique]:
    """The layer's annotations by (id, tactic); the last one wins, as in the Navigator."""
    return {(t.techniqueID, t.tactic): t for t in layer.techniques or []}


def _lookup(table: Mapping[_Key, Technique], key: _Key) -> Technique | None:
    found = table.get(key)
    if found is None and key[1] is not None:
        found = table.get((key[0], None))  # an annotation for every tactic
    return found


def _same_domain(layers: Sequence[Layer]) -> str:
    domains = sorted({layer.domain for layer in layers})
    if len(domains) > 1:
        listed = ", ".join(
            f"{variable_name(i)} = {layer.name!r} ({layer.domain})"
            for i, layer in enumerate(layers)
        )
        raise ConfigError(f"Cannot combine layers of different domains: {listed}")
    return domains[0]


def _attack_version(layers: Sequence[Layer]) -> str | None:
    for layer in layers:
        if layer.versions.attack:
            return layer.versions.attack
    return None


def _format(value: float | None) -> str:
    if value is None:
        return "-"
    return str(int(value)) if float(value).is_integer() else f"{value:.6g}"


def _key_order(key: _Key) -> tuple[str, str]:
    return (key[0], key[1] or "")


def combine_layers(
    expression: str | Expression,
    layers: Sequence[Layer],
    *,
    name: str | None = None,
    description: str | None = None,
    catalog: Catalog | None = None,
) -> Layer:
    """The Navigator's "create layer from other layers": a score expression per technique.

    Layers are the variables ``a``, ``b``, ``c`` ... in the order given. For each
    technique annotated in any layer, a layer that does not score it counts as
    0; a technique that no layer scores gets no result (the Navigator's rule).
    Comparisons give 1 or 0. A division by zero leaves the technique unscored.
    An expression without variables (``50``) scores every technique of
    ``catalog`` when one is given (as the Navigator does for its domain), else
    every technique annotated in the layers.

    Each result technique's comment gives the inputs (``a: 3, b: -``, ``-`` for
    no score); the layer's metadata gives the expression, what each variable
    is, and counts. The gradient spans the results (white-blue when they are
    all 0 or 1).

    >>> from llmnav.navigator.layer import TechniqueScore, build_layer
    >>> def layer(**scores):
    ...     return build_layer(name="x", domain="enterprise-attack",
    ...                        techniques=[TechniqueScore(k, v) for k, v in scores.items()])
    >>> result = combine_layers("a > b", [layer(T1059=5, T1003=1), layer(T1059=2)])
    >>> [(t.techniqueID, t.score, t.comment) for t in result.techniques or []]
    [('T1003', 1, 'a: 1, b: -'), ('T1059', 1, 'a: 5, b: 2')]

    Raises:
        ExpressionError: the expression does not parse or uses a variable
            beyond the layers given (with its position).
        ConfigError: no layers, or layers of different domains.
    """
    parsed = expression if isinstance(expression, Expression) else parse_expression(expression)
    if not layers:
        raise ConfigError("Give at least one layer to combine")
    parsed.check_variables(len(layers))
    domain = _same_domain(layers)
    tables = [_annotations(layer) for layer in layers]
    letters = [variable_name(i) for i in range(len(layers))]

    keys: set[_Key] = set()
    for table in tables:
        keys.update(table)
    constant = not parsed.variables
    if constant and catalog is not None and domain in ATTACK_DOMAINS:
        keys = {(technique.id, None) for technique in catalog.techniques()}

    entries: list[TechniqueScore] = []
    unscored = 0
    for key in sorted(keys, key=_key_order):
        inputs: dict[str, float | None] = {}
        for letter, table in zip(letters, tables, strict=True):
            found = _lookup(table, key)
            inputs[letter] = None if found is None else _scored(found)
        if not constant and all(inputs[letter] is None for letter in parsed.variables):
            continue  # no layer used by the expression scores it
        value = parsed.evaluate({k: 0.0 if v is None else v for k, v in inputs.items()})
        if value is None:
            unscored += 1
        comment = ", ".join(f"{letter}: {_format(inputs[letter])}" for letter in letters)
        if value is None:
            comment += f" ({parsed.text} has no value: division by zero)"
        entries.append(TechniqueScore(key[0], value, comment=comment, tactic=key[1]))

    values = [entry.score for entry in entries if entry.score is not None]
    gradient: Gradient | Sequence[str] | None = None
    if values and set(values) <= {0.0, 1.0} and len(set(values)) == 2:
        gradient = BINARY_GRADIENT_COLORS
    inputs_text = "; ".join(
        f"{letter} = {layer.name}" for letter, layer in zip(letters, layers, strict=True)
    )
    metadata: dict[str, str | int | float] = {
        "made by": "llmnav layer combine",
        "score expression": parsed.text,
    }
    metadata.update({letter: layer.name for letter, layer in zip(letters, layers, strict=True)})
    metadata["techniques scored"] = len(values)
    metadata["techniques without a value"] = unscored
    return build_layer(
        name=name or f"layer by operation: {parsed.text}",
        domain=domain,
        techniques=entries,
        description=description
        or f"Scores computed per technique by the expression {parsed.text} over {inputs_text}.",
        attack_version=_attack_version(layers),
        gradient=gradient,
        metadata=metadata,
        links_base=None if domain not in ATTACK_DOMAINS else "https://attack.mitre.org/techniques/",
        layout=Layout(layout="side", showID=True, showName=True, expandedSubtechniques="annotated"),
    )


# -- diff ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LayerChange:
    """One technique in :func:`layer_changes`: its scores in A and B and ``delta = B - A``.

    ``status`` is ``added`` (scored in B only), ``removed`` (in A only),
    ``changed`` or ``unchanged``; a missing score counts as 0 in ``delta``.
    """

    technique_id: str
    tactic: str | None
    a: float | None
    b: float | None
    delta: float
    status: Literal["added", "removed", "changed", "unchanged"]


def layer_changes(a: Layer, b: Layer) -> list[LayerChange]:
    """Per technique scored in either layer: B minus A, sorted by id then tactic."""
    _same_domain([a, b])
    table_a, table_b = _annotations(a), _annotations(b)
    changes: list[LayerChange] = []
    for key in sorted(set(table_a) | set(table_b), key=_key_order):
        found_a, found_b = _lookup(table_a, key), _lookup(table_b, key)
        score_a = None if found_a is None else _scored(found_a)
        score_b = None if found_b is None else _scored(found_b)
        if score_a is None and score_b is None:
            continue
        delta = (score_b or 0.0) - (score_a or 0.0)
        status: Literal["added", "removed", "changed", "unchanged"]
        if score_a is None:
            status = "added"
        elif score_b is None:
            status = "removed"
        else:
            status = "changed" if score_a != score_b else "unchanged"
        changes.append(LayerChange(key[0], key[1], score_a, score_b, delta, status))
    return changes


def diff_layers(
    a: Layer, b: Layer, *, name: str | None = None, description: str | None = None
) -> Layer:
    """B minus A per technique: two periods, or two cohorts, side by side.

    Each technique's score is ``B - A`` (a missing score counts as 0) and its
    comment ``A: x, B: y``; the gradient diverges from blue (B lower) through
    white (no change) to red (B higher), symmetric around 0. The layer's
    metadata counts the added, removed, changed and unchanged techniques.

    >>> from llmnav.navigator.layer import TechniqueScore, build_layer
    >>> first = build_layer(name="H1", domain="enterprise-attack",
    ...                     techniques=[TechniqueScore("T1059", 40)])
    >>> second = build_layer(name="H2", domain="enterprise-attack",
    ...                      techniques=[TechniqueScore("T1059", 55)])
    >>> diff = diff_layers(first, second)
    >>> [(t.score, t.comment) for t in diff.techniques or []]
    [(15, 'A: 40, B: 55')]
    >>> (diff.gradient.minValue, diff.gradient.maxValue) if diff.gradient else None
    (-15, 15)
    """
    changes = layer_changes(a, b)
    entries = [
        TechniqueScore(
            change.technique_id,
            change.delta,
            comment=f"A: {_format(change.a)}, B: {_format(change.b)}",
            tactic=change.tactic,
            metadata={"change": change.status},
        )
        for change in changes
    ]
    reach = max((abs(change.delta) for change in changes), default=0.0) or 1.0
    bound = int(reach) if float(reach).is_integer() else reach
    counts = {
        status: sum(1 for change in changes if change.status == status)
        for status in ("added", "removed", "changed", "unchanged")
    }
    metadata: dict[str, str | int | float] = {
        "made by": "llmnav layer diff",
        "A": a.name,
        "B": b.name,
    }
    metadata.update(counts)
    return build_layer(
        name=name or f"{b.name} minus {a.name}",
        domain=a.domain,
        techniques=entries,
        description=description
        or (
            f"Score in B ({b.name}) minus score in A ({a.name}) per technique; "
            "blue: lower in B, red: higher in B."
        ),
        attack_version=_attack_version([b, a]),
        gradient=Gradient(colors=list(DIVERGING_GRADIENT_COLORS), minValue=-bound, maxValue=bound),
        legend={
            "lower in B": DIVERGING_GRADIENT_COLORS[0],
            "higher in B": DIVERGING_GRADIENT_COLORS[-1],
        },
        metadata=metadata,
        links_base=None
        if a.domain not in ATTACK_DOMAINS
        else "https://attack.mitre.org/techniques/",
        layout=Layout(layout="side", showID=True, showName=True, expandedSubtechniques="annotated"),
    )
