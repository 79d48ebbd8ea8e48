"""ATT&CK Navigator layers (layer format 4.5): a typed model, a checker, a writer and a builder.

The model follows the official "ATT&CK Navigator Layer File Format Definition",
version 4.5 (``layers/spec/v4.5/layerformat.md`` in mitre-attack/attack-navigator).
Field names are the JSON names (camelCase). Required and optional fields are the
spec's, with one deliberate difference: ``versions`` is required here, because
without it the Navigator cannot tell the layer format and shows a warning.

What the model enforces beyond the spec's types:

- ``versions.layer`` is ``"4.5"``; ``versions.navigator`` is at least ``4.9.0``.
- ``domain`` is ``enterprise-attack``, ``mobile-attack``, ``ics-attack`` or the
  identifier of a custom domain (lowercase letters, digits and ``-``, such as
  ``aio``); the legacy ``mitre-enterprise`` of layer format 3 is rejected.
- In the three ATT&CK domains a ``techniqueID`` is ``T####`` or ``T####.###``;
  in a custom domain it is any non-empty id without spaces (``AIO.T0001``).
- Colours are hex strings ``#rrggbb`` or ``#rrggbbaa`` (the spec's own examples
  use both); a technique's ``color`` may also be ``""``, the spec's default.
- Numbers are JSON numbers, never strings or booleans, and finite;
  ``sorting`` is 0-3; the gradient has two or more colours and
  ``maxValue > minValue``; link URLs start with a protocol (``https://``).

Unknown keys are kept, not rejected: the Navigator reads the fields it knows
and ignores the rest, so a layer written by a newer Navigator still loads.
:func:`validate_layer` reports them as warnings.

Errors: ``Layer.model_validate`` (and :meth:`Layer.from_file`) raise pydantic's
``ValidationError``; :func:`validate_layer` never raises for bad content and
returns ``Issue`` records instead (as pySigma validators do).

>>> layer = build_layer(
...     name="demo",
...     domain="enterprise-attack",
...     techniques=[TechniqueScore("T1003.001", 80, comment="lsass dump"),
...                 TechniqueScore("T1059", 40)],
... )
>>> [(t.techniqueID, t.score, t.showSubtechniques) for t in layer.techniques or []]
[('T1003.001', 80, None), ('T1059', 40, None), ('T1003', None, True)]
>>> layer.techniques[0].links[0].url
'https://attack.mitre.org/techniques/T1003/001/'
>>> (layer.gradient.minValue, layer.gradient.maxValue)
(40, 80)
>>> issues = validate_layer({"name": "x", "domain": "enterprise-attack",
...                          "versions": {"navigator": "5.1.0", "layer": "4.5"},
...                          "techniques": [{"techniqueID": "T1059", "color": "red"}]})
>>> [(issue.severity, issue.location, issue.description) for issue in issues]
[('error', 'techniques[0].color', "Colour 'red' is not a hex colour #rrggbb or #rrggbbaa")]
"""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

import orjson
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from llmnav.files import atomic_write

__all__ = [
    "ATTACK_DOMAINS",
    "DEFAULT_GRADIENT_COLORS",
    "LAYER_FORMAT",
    "Divider",
    "Filters",
    "Gradient",
    "Issue",
    "Layer",
    "Layout",
    "LegendItem",
    "Link",
    "MetadataItem",
    "Technique",
    "TechniqueScore",
    "Versions",
    "attack_technique_url",
    "build_layer",
    "layer_json",
    "load_layers",
    "validate_layer",
    "write_layer",
]

LAYER_FORMAT: Literal["4.5"] = "4.5"
ATTACK_DOMAINS: tuple[str, ...] = ("enterprise-attack", "mobile-attack", "ics-attack")
LEGACY_DOMAINS: dict[str, str] = {
    "mitre-enterprise": "enterprise-attack",
    "mitre-mobile": "mobile-attack",
}
# White (low) to red (high): llmnav's scores measure risk or prevalence.
DEFAULT_GRADIENT_COLORS: tuple[str, ...] = ("#ffffff", "#ffe766", "#ff6666")

ATTACK_ID = re.compile(r"T\d{4}(\.\d{3})?")
_SUBTECHNIQUE = re.compile(r"(T\d{4})\.\d{3}")
_CUSTOM_ID = re.compile(r"\S+")
_HEX = re.compile(r"#([0-9a-fA-F]{6}|[0-9a-fA-F]{8})")
_DOMAIN = re.compile(r"[a-z0-9][a-z0-9-]*")
_VERSION = re.compile(r"\d+(\.\d+)*")
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://\S+")
_MIN_NAVIGATOR = (4, 9, 0)


def _hex_colour(value: str) -> str:
    if not _HEX.fullmatch(value):
        raise ValueError(f"Colour {value!r} is not a hex colour #rrggbb or #rrggbbaa")
    return value


def _technique_colour(value: str) -> str:
    return value if value == "" else _hex_colour(value)


def _number_input(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"Must be a number, not {type(value).__name__} {value!r}")
    if not math.isfinite(value):
        raise ValueError(f"Number {value!r} is not finite")
    return value


def _no_bool(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError(f"Must be a number, not bool {value!r}")
    return value


def _url(value: str) -> str:
    if not _URL.fullmatch(value):
        raise ValueError(f"URL {value!r} must start with a protocol such as 'https://'")
    return value


def _version_tuple(value: str) -> tuple[int, ...]:
    return tuple(int(part) for part in value.split("."))


Colour = Annotated[StrictStr, AfterValidator(_hex_colour)]
TechniqueColour = Annotated[StrictStr, AfterValidator(_technique_colour)]
Number = Annotated[StrictInt | StrictFloat, BeforeValidator(_number_input)]
Url = Annotated[StrictStr, AfterValidator(_url)]


class _Model(BaseModel):
    # Unknown keys are kept (the Navigator ignores them) and reported by validate_layer.
    model_config = ConfigDict(extra="allow", strict=True)


class Versions(_Model):
    """``versions``: ATT&CK version (optional), Navigator version, layer format ("4.5")."""

    attack: StrictStr | None = None
    navigator: StrictStr
    layer: Literal["4.5"]

    @model_validator(mode="after")
    def _check(self) -> Versions:
        if self.attack is not None and not _VERSION.fullmatch(self.attack):
            raise ValueError(f"versions.attack {self.attack!r} is not a version such as '18'")
        if not _VERSION.fullmatch(self.navigator):
            raise ValueError(
                f"versions.navigator {self.navigator!r} is not a version such as '5.1.0'"
            )
        if _version_tuple(self.navigator) < _MIN_NAVIGATOR:
            raise ValueError(f"versions.navigator {self.navigator!r} must be at least '4.9.0'")
        return self


class Filters(_Model):
    """``filters``: the platforms to show (all of the domain's when absent)."""

    platforms: list[StrictStr] | None = None


class Layout(_Model):
    """``layout``: how the matrix is drawn."""

    layout: Literal["side", "flat", "mini"] | None = None
    showID: StrictBool | None = None
    showName: StrictBool | None = None
    showAggregateScores: StrictBool | None = None
    countUnscored: StrictBool | None = None
    aggregateFunction: Literal["average", "min", "max", "sum"] | None = None
    expandedSubtechniques: Literal["none", "all", "annotated"] | None = None


class Divider(_Model):
    """A separator among metadata or links: ``{"divider": true}``."""

    divider: StrictBool


class MetadataItem(_Model):
    """A ``name``/``value`` pair shown in the tooltip (both strings)."""

    name: StrictStr
    value: StrictStr


class Link(_Model):
    """A hyperlink: ``label`` and ``url`` (with a protocol prefix)."""

    label: StrictStr
    url: Url


MetadataEntry = MetadataItem | Divider
LinkEntry = Link | Divider


class Technique(_Model):
    """One technique annotation; ``tactic`` limits it to one tactic column."""

    techniqueID: StrictStr = Field(min_length=1)
    tactic: StrictStr | None = None
    comment: StrictStr | None = None
    enabled: StrictBool | None = None
    score: Number | None = None
    color: TechniqueColour | None = None
    metadata: list[MetadataEntry] | None = None
    links: list[LinkEntry] | None = None
    showSubtechniques: StrictBool | None = None


class Gradient(_Model):
    """``gradient``: two or more colours spread from ``minValue`` to ``maxValue``."""

    colors: list[Colour] = Field(min_length=2)
    minValue: Number
    maxValue: Number

    @model_validator(mode="after")
    def _check(self) -> Gradient:
        if not self.maxValue > self.minValue:
            raise ValueError(
                f"gradient.maxValue ({self.maxValue}) must be greater than "
                f"minValue ({self.minValue})"
            )
        return self


class LegendItem(_Model):
    """One legend entry: ``label`` and ``color``."""

    label: StrictStr
    color: Colour


class Layer(_Model):
    """A Navigator layer, format 4.5 (see the module docstring for the rules)."""

    name: StrictStr
    versions: Versions
    domain: StrictStr
    description: StrictStr | None = None
    customDataURL: Url | None = None
    filters: Filters | None = None
    sorting: Annotated[Literal[0, 1, 2, 3], BeforeValidator(_no_bool)] | None = None
    layout: Layout | None = None
    hideDisabled: StrictBool | None = None
    techniques: list[Technique] | None = None
    gradient: Gradient | None = None
    legendItems: list[LegendItem] | None = None
    showTacticRowBackground: StrictBool | None = None
    tacticRowBackground: Colour | None = None
    selectTechniquesAcrossTactics: StrictBool | None = None
    selectSubtechniquesWithParent: StrictBool | None = None
    selectVisibleTechniques: StrictBool | None = None
    metadata: list[MetadataEntry] | None = None
    links: list[LinkEntry] | None = None

    @field_validator("domain")
    @classmethod
    def _check_domain(cls, domain: str) -> str:
        if domain in LEGACY_DOMAINS:
            raise ValueError(
                f"Domain {domain!r} belongs to layer format 3; use {LEGACY_DOMAINS[domain]!r}"
            )
        if not _DOMAIN.fullmatch(domain):
            raise ValueError(
                f"Domain {domain!r} is neither one of {', '.join(ATTACK_DOMAINS)} nor a "
                "custom domain identifier (lowercase letters, digits and '-')"
            )
        return domain

    @field_validator("techniques")
    @classmethod
    def _check_ids(cls, techniques: list[Technique] | None, info: ValidationInfo) -> Any:
        domain = info.data.get("domain")
        attack = domain in ATTACK_DOMAINS
        pattern = ATTACK_ID if attack else _CUSTOM_ID
        expected = "an ATT&CK id (T#### or T####.###)" if attack else "an id without spaces"
        for index, technique in enumerate(techniques or []):
            if not pattern.fullmatch(technique.techniqueID):
                raise ValueError(
                    f"techniqueID {technique.techniqueID!r} (techniques[{index}]) is not {expected}"
                )
        return techniques

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> Layer:
        """Read one layer from a JSON file (pydantic ``ValidationError`` when invalid).

        A file holding a list of layers is an error here; use :func:`load_layers`.
        """
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        if isinstance(data, list):
            raise ValueError(f"{path} holds {len(data)} layers; use load_layers()")
        return cls.model_validate(data)

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready mapping: JSON names, ``None`` fields left out."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


def load_layers(path: str | os.PathLike[str]) -> list[Layer]:
    """Read a layer file holding one layer or a list of layers (Navigator 5 "save all")."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    items = data if isinstance(data, list) else [data]
    return [Layer.model_validate(item) for item in items]


@dataclass(frozen=True, slots=True)
class Issue:
    """A problem in a layer: ``severity``, what, and where (``techniques[3].color``)."""

    severity: Literal["error", "warning"]
    description: str
    location: str


def _location(parts: Iterable[int | str]) -> str:
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        elif part in {"MetadataItem", "Divider", "Link", "int", "float"} or "[" in part:
            continue  # union branch names, not JSON fields
        else:
            text += f".{part}" if text else part
    return text


def _error_issues(error: ValidationError, prefix: str) -> list[Issue]:
    issues: list[Issue] = []
    seen: set[tuple[str, str]] = set()
    for item in error.errors(include_url=False):
        location = _location(item["loc"])
        message = str(item["msg"]).removeprefix("Value error, ")
        if item["type"] == "missing":
            message = "Required field is missing"
        full = prefix + location if location else prefix.rstrip(".") or "<layer>"
        if (full, message) not in seen:
            seen.add((full, message))
            issues.append(Issue("error", message, full))
    return issues


def _extra_issues(model: BaseModel, location: str) -> list[Issue]:
    issues = [
        Issue("warning", f"Unknown field {key!r} (the Navigator ignores it)", location or "<layer>")
        for key in (model.model_extra or {})
    ]
    for name in type(model).model_fields:
        value = getattr(model, name)
        where = f"{location}.{name}" if location else name
        if isinstance(value, BaseModel):
            issues.extend(_extra_issues(value, where))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, BaseModel):
                    issues.extend(_extra_issues(item, f"{where}[{index}]"))
    return issues


def _layer_issues(layer: Layer, prefix: str) -> list[Issue]:
    issues = [
        Issue(issue.severity, issue.description, prefix + issue.location)
        for issue in _extra_issues(layer, "")
    ]
    seen: dict[tuple[str, str | None], int] = {}
    for index, technique in enumerate(layer.techniques or []):
        key = (technique.techniqueID, technique.tactic)
        if key in seen:
            issues.append(
                Issue(
                    "warning",
                    f"{technique.techniqueID} (tactic {technique.tactic or 'any'}) is annotated "
                    f"again; the Navigator keeps the last one (first at techniques[{seen[key]}])",
                    f"{prefix}techniques[{index}]",
                )
            )
        seen[key] = index
    return issues


def validate_layer(data: Any) -> list[Issue]:
    """Check a layer (or a list of layers, or a JSON text or file path): the issues, [] if none.

    Errors are what the model rejects; warnings are unknown fields and duplicate
    annotations. Nothing is raised for bad content.
    """
    if isinstance(data, Path):
        try:
            data = json.loads(data.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            return [Issue("error", f"Cannot read the layer file: {exc}", str(data))]
    elif isinstance(data, str):
        try:
            data = json.loads(data)
        except ValueError as exc:
            return [Issue("error", f"Not JSON: {exc}", "<layer>")]
    if isinstance(data, Layer):
        return _layer_issues(data, "")
    items = data if isinstance(data, list) else [data]
    issues: list[Issue] = []
    for index, item in enumerate(items):
        prefix = f"[{index}]." if isinstance(data, list) else ""
        if not isinstance(item, Mapping):
            issues.append(Issue("error", "A layer must be a JSON object", prefix or "<layer>"))
            continue
        try:
            layer = Layer.model_validate(item)
        except ValidationError as exc:
            issues.extend(_error_issues(exc, prefix))
        else:
            issues.extend(_layer_issues(layer, prefix))
    return issues


def layer_json(layer: Layer | Sequence[Layer]) -> str:
    """The JSON text of a layer (or a list of layers): indent 2, JSON names, no ``None`` fields."""
    if isinstance(layer, Layer):
        payload: Any = layer.to_dict()
    else:
        payload = [item.to_dict() for item in layer]
    # orjson: runs write hundreds of actor layers, and it is ~10x the standard encoder.
    return orjson.dumps(payload, option=orjson.OPT_INDENT_2).decode("utf-8") + "\n"


def write_layer(layer: Layer | Sequence[Layer], path: str | os.PathLike[str]) -> Path:
    """Write a layer file atomically (temporary file, then rename); returns the path."""
    return atomic_write(path, layer_json(layer))


def attack_technique_url(
    technique_id: str, base: str = "https://attack.mitre.org/techniques/"
) -> str:
    """The ATT&CK website page of a technique or sub-technique.

    >>> attack_technique_url("T1003.001")
    'https://attack.mitre.org/techniques/T1003/001/'
    """
    return base.rstrip("/") + "/" + technique_id.replace(".", "/") + "/"


@dataclass(frozen=True, slots=True)
class TechniqueScore:
    """What :func:`build_layer` needs for one technique annotation.

    ``metadata`` values become strings; ``links`` maps label to URL.
    """

    technique_id: str
    score: float | None
    comment: str = ""
    metadata: Mapping[str, str | int | float] = field(default_factory=dict)
    tactic: str | None = None
    color: str | None = None
    links: Mapping[str, str] = field(default_factory=dict)


def _text_value(value: str | int | float) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else float(value)


def _metadata(items: Mapping[str, str | int | float]) -> list[MetadataEntry]:
    return [MetadataItem(name=name, value=_text_value(value)) for name, value in items.items()]


def _gradient(gradient: Gradient | Sequence[str] | None, scores: Sequence[int | float]) -> Gradient:
    if isinstance(gradient, Gradient):
        return gradient
    low, high = (min(scores), max(scores)) if scores else (0, 100)
    if low == high:
        low = min(0, low)
    if low == high:
        high = low + 1
    colours = list(gradient) if gradient is not None else list(DEFAULT_GRADIENT_COLORS)
    return Gradient(colors=colours, minValue=low, maxValue=high)


def build_layer(
    *,
    name: str,
    domain: str,
    techniques: Iterable[TechniqueScore],
    description: str = "",
    attack_version: str | None = "18",
    navigator_version: str = "5.1.0",
    gradient: Gradient | Sequence[str] | None = None,
    legend: Mapping[str, str] | Sequence[LegendItem] = (),
    metadata: Mapping[str, str | int | float] | None = None,
    links_base: str | None = "https://attack.mitre.org/techniques/",
    layout: Layout | None = None,
    sorting: Literal[0, 1, 2, 3] = 3,
    custom_data_url: str | None = None,
) -> Layer:
    """Build a layer the stock Navigator loads; every llmnav layer is made here.

    Parameters
    ----------
    techniques:
        One :class:`TechniqueScore` per annotation, in the order to write them.
    gradient:
        A :class:`Gradient`, or just its colours; the default is white-yellow-red
        from the lowest to the highest score (0-100 when nothing is scored).
    legend:
        ``{label: colour}`` or :class:`LegendItem` objects.
    links_base:
        ATT&CK ids (``T####``, ``T####.###``) get a link to their page under
        this base; ``None`` for no links (custom domains).
    custom_data_url:
        For a custom domain: where the Navigator can fetch its STIX bundle.

    Parent techniques of scored sub-techniques get ``showSubtechniques: true``
    (an entry is added for a parent that has none) so the scores are visible.
    Scores are written as integers when they are whole numbers.
    """
    entries: list[Technique] = []
    scores: list[int | float] = []
    for item in techniques:
        score = None if item.score is None else _number(item.score)
        if score is not None:
            scores.append(score)
        links: list[LinkEntry] = [Link(label=label, url=url) for label, url in item.links.items()]
        if links_base is not None and ATTACK_ID.fullmatch(item.technique_id):
            links.append(
                Link(
                    label=f"ATT&CK {item.technique_id}",
                    url=attack_technique_url(item.technique_id, links_base),
                )
            )
        entries.append(
            Technique(
                techniqueID=item.technique_id,
                tactic=item.tactic,
                score=score,
                color=item.color,
                comment=item.comment or None,
                metadata=_metadata(item.metadata) or None,
                links=links or None,
            )
        )

    index = {(entry.techniqueID, entry.tactic): entry for entry in entries}
    for entry in list(entries):
        match = _SUBTECHNIQUE.fullmatch(entry.techniqueID)
        if match is None or entry.score is None:
            continue
        parent_id = match.group(1)
        parent = index.get((parent_id, entry.tactic)) or index.get((parent_id, None))
        if parent is None:
            parent = Technique(techniqueID=parent_id, tactic=entry.tactic)
            entries.append(parent)
            index[(parent_id, entry.tactic)] = parent
        parent.showSubtechniques = True

    if isinstance(legend, Mapping):
        legend_items = [LegendItem(label=label, color=colour) for label, colour in legend.items()]
    else:
        legend_items = list(legend)
    versions = Versions(attack=attack_version, navigator=navigator_version, layer=LAYER_FORMAT)
    return Layer(
        name=name,
        versions=versions,
        domain=domain,
        description=description,
        customDataURL=custom_data_url,
        sorting=sorting,
        layout=layout or Layout(layout="side", showID=True, showName=True),
        hideDisabled=False,
        techniques=entries,
        gradient=_gradient(gradient, scores),
        legendItems=legend_items or None,
        metadata=_metadata(metadata or {}) or None,
    )
