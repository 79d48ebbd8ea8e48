"""The catalog's records: small, frozen dataclasses built from ATT&CK STIX objects.

Every record carries its ATT&CK id (``T1003.001``, ``TA0006``, ``G0007``, ``S0002``,
``C0022``, ``DET0103``, ``AN0110``, ``DC0084``), its name, its ATT&CK URL and the STIX
id of the object it came from, so outputs can point back at the bundle.

>>> t = Technique(id="T1003.001", name="LSASS Memory", is_subtechnique=True, parent="T1003")
>>> t.active, t.parent
(True, 'T1003')
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = [
    "Analytic",
    "Campaign",
    "DataComponent",
    "DetectionStrategy",
    "Group",
    "LogSourceRef",
    "Procedure",
    "SearchHit",
    "Software",
    "SourceType",
    "Tactic",
    "Technique",
    "TechniqueLookup",
]

SourceType = Literal["intrusion-set", "malware", "tool", "campaign"]
"""STIX type of the object that ``uses`` a technique in a procedure example."""


class _Lifecycle:
    """What revoked and deprecated ATT&CK objects share: whether they are still in use."""

    __slots__ = ()
    revoked: bool
    deprecated: bool

    @property
    def active(self) -> bool:
        """Neither revoked nor deprecated."""
        return not (self.revoked or self.deprecated)


@dataclass(frozen=True, slots=True)
class Tactic:
    """An ATT&CK tactic (``TA0006`` credential-access), one column of the matrix."""

    id: str
    shortname: str
    name: str
    description: str = ""
    url: str = ""
    stix_id: str = ""
    deprecated: bool = False


@dataclass(frozen=True, slots=True)
class Technique(_Lifecycle):
    """An ATT&CK technique or sub-technique, including revoked and deprecated ones.

    ``tactics`` holds tactic shortnames and ``tactic_ids`` the matching ``TA`` ids, both
    in matrix order. ``children`` lists the active sub-techniques of a technique.
    A revoked technique names its replacement in ``revoked_by`` (an ATT&CK id; the
    replacement may itself be revoked, ``Catalog.technique`` follows the chain).
    """

    id: str
    name: str
    description: str = ""
    url: str = ""
    stix_id: str = ""
    platforms: tuple[str, ...] = ()
    tactics: tuple[str, ...] = ()
    tactic_ids: tuple[str, ...] = ()
    is_subtechnique: bool = False
    parent: str | None = None
    children: tuple[str, ...] = ()
    revoked: bool = False
    deprecated: bool = False
    revoked_by: str | None = None


@dataclass(frozen=True, slots=True)
class TechniqueLookup:
    """What ``Catalog.technique(id)`` found: the technique to use and how it got there.

    ``via`` lists the revoked ids passed on the way, starting with the requested one;
    it is empty when the id was found directly.

    >>> lookup = TechniqueLookup("T1002", Technique("T1560", "Archive Collected Data"),
    ...                          via=("T1002",))
    >>> lookup.followed, lookup.note
    (True, 'T1002 was revoked and replaced by T1560 (Archive Collected Data)')
    """

    requested: str
    technique: Technique
    via: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        """The ATT&CK id to use (the replacement's when ``followed``)."""
        return self.technique.id

    @property
    def followed(self) -> bool:
        """True when the requested id was revoked and a replacement was returned."""
        return bool(self.via)

    @property
    def deprecated(self) -> bool:
        """True when the technique found is deprecated (it has no replacement)."""
        return self.technique.deprecated

    @property
    def note(self) -> str:
        """One sentence for users about revocation or deprecation; empty otherwise."""
        tech = self.technique
        if self.followed:
            chain = " -> ".join((*self.via, tech.id))
            text = f"{self.requested} was revoked and replaced by {tech.id} ({tech.name})"
            if len(self.via) > 1:
                text += f" via {chain}"
            if tech.deprecated:
                text += f"; {tech.id} is deprecated"
            return text
        if tech.revoked:
            return f"{tech.id} was revoked and has no replacement in this catalog"
        if tech.deprecated:
            return f"{tech.id} is deprecated and has no replacement"
        return ""


@dataclass(frozen=True, slots=True)
class Group(_Lifecycle):
    """An ATT&CK group (STIX ``intrusion-set``), ``G0007`` APT28, with its aliases."""

    id: str
    name: str
    aliases: tuple[str, ...] = ()
    description: str = ""
    url: str = ""
    stix_id: str = ""
    revoked: bool = False
    deprecated: bool = False
    revoked_by: str | None = None


@dataclass(frozen=True, slots=True)
class Software(_Lifecycle):
    """ATT&CK software (``S0002`` Mimikatz): STIX ``malware`` or ``tool``."""

    id: str
    name: str
    type: Literal["malware", "tool"] = "malware"
    aliases: tuple[str, ...] = ()
    platforms: tuple[str, ...] = ()
    description: str = ""
    url: str = ""
    stix_id: str = ""
    revoked: bool = False
    deprecated: bool = False
    revoked_by: str | None = None


@dataclass(frozen=True, slots=True)
class Campaign(_Lifecycle):
    """An ATT&CK campaign (``C0022``), with the groups it is attributed to."""

    id: str
    name: str
    aliases: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    first_seen: str = ""
    last_seen: str = ""
    description: str = ""
    url: str = ""
    stix_id: str = ""
    revoked: bool = False
    deprecated: bool = False
    revoked_by: str | None = None


@dataclass(frozen=True, slots=True)
class Procedure:
    """A procedure example: a group, software or campaign ``uses`` a technique."""

    source_id: str
    source_name: str
    source_type: SourceType
    technique_id: str
    description: str


@dataclass(frozen=True, slots=True)
class LogSourceRef:
    """A log source an analytic reads: data component id, log name and channel."""

    data_component: str
    name: str
    channel: str


@dataclass(frozen=True, slots=True)
class Analytic:
    """An ATT&CK analytic (``AN0110``): platform-specific detection logic."""

    id: str
    name: str
    description: str = ""
    platforms: tuple[str, ...] = ()
    log_sources: tuple[LogSourceRef, ...] = ()
    mutable_elements: tuple[tuple[str, str], ...] = ()
    url: str = ""
    stix_id: str = ""


@dataclass(frozen=True, slots=True)
class DetectionStrategy:
    """An ATT&CK detection strategy (``DET0103``): analytics that detect techniques."""

    id: str
    name: str
    techniques: tuple[str, ...] = ()
    analytics: tuple[Analytic, ...] = ()
    url: str = ""
    stix_id: str = ""


@dataclass(frozen=True, slots=True)
class DataComponent:
    """An ATT&CK data component (``DC0084``) with the log sources that provide it."""

    id: str
    name: str
    description: str = ""
    log_sources: tuple[tuple[str, str], ...] = ()
    url: str = ""
    stix_id: str = ""
    revoked: bool = False
    deprecated: bool = False


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One result of ``Catalog.search``: what matched, how, and its score.

    ``kind`` is ``technique``, ``tactic``, ``group``, ``software`` or ``campaign``;
    ``match`` is ``id``, ``name``, ``alias``, ``parent`` or ``text`` (ranked in that order).
    """

    kind: str
    id: str
    name: str
    score: float
    match: str
    note: str = ""
