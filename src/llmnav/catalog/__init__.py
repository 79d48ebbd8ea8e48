"""The MITRE ATT&CK® catalog: tactics, techniques, groups, software, procedure examples.

ATT&CK v18.1 Enterprise, Mobile and ICS ship with the package (built from MITRE's STIX
2.1 bundles by ``scripts/build_catalog.py``); other releases can be imported from their
STIX bundle. ATT&CK is © The MITRE Corporation; see ``llmnav/catalog/data/NOTICE``.

>>> from llmnav.catalog import load_catalog
>>> catalog = load_catalog()                     # enterprise-attack, cached
>>> catalog.version, len(catalog.tactics)
('18.1', 14)
>>> catalog.technique("T1003.001").technique.tactics
('credential-access',)
>>> catalog.technique("T1002").note
'T1002 was revoked and replaced by T1560 (Archive Collected Data)'
>>> catalog.group("Fancy Bear").id
'G0007'
>>> len(catalog.procedures("T1003.001")) > 0
True
"""

from __future__ import annotations

from llmnav.catalog.catalog import KINDS, Catalog
from llmnav.catalog.load import (
    DOMAINS,
    import_bundle,
    load_catalog,
    read_bundle,
    user_catalog_dir,
)
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
    Tactic,
    Technique,
    TechniqueLookup,
)
from llmnav.catalog.stix import build_catalog_data

__all__ = [
    "DOMAINS",
    "KINDS",
    "Analytic",
    "Campaign",
    "Catalog",
    "DataComponent",
    "DetectionStrategy",
    "Group",
    "LogSourceRef",
    "Procedure",
    "SearchHit",
    "Software",
    "Tactic",
    "Technique",
    "TechniqueLookup",
    "build_catalog_data",
    "import_bundle",
    "load_catalog",
    "read_bundle",
    "user_catalog_dir",
]
