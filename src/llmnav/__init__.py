"""llmnav: the LLM ATT&CK Navigator.

Turn telemetry of how people use language models into ATT&CK-mapped threat
intelligence::

    >>> import llmnav
    >>> summary = llmnav.ingest_files(["sessions.jsonl"], db="llm.duckdb")   # doctest: +SKIP
    >>> summary.read == summary.stored + summary.rejected                     # doctest: +SKIP
    True

Names are imported on first use, so ``import llmnav.catalog`` does not pay
for DuckDB and Arrow.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from llmnav.catalog import Catalog, load_catalog
    from llmnav.errors import (
        CatalogError,
        ConfigError,
        IngestError,
        LlmnavError,
        RecordError,
        SourceLocation,
        StoreError,
    )
    from llmnav.ingest import IngestSummary, ingest_files
    from llmnav.records import Action, Event, Rejected
    from llmnav.store.duckdb import Store

_EXPORTS = {
    "Action": "llmnav.records",
    "Catalog": "llmnav.catalog",
    "CatalogError": "llmnav.errors",
    "ConfigError": "llmnav.errors",
    "Event": "llmnav.records",
    "IngestError": "llmnav.errors",
    "IngestSummary": "llmnav.ingest",
    "LlmnavError": "llmnav.errors",
    "RecordError": "llmnav.errors",
    "Rejected": "llmnav.records",
    "SourceLocation": "llmnav.errors",
    "Store": "llmnav.store.duckdb",
    "StoreError": "llmnav.errors",
    "ingest_files": "llmnav.ingest",
    "load_catalog": "llmnav.catalog",
}

__all__ = [
    "Action",
    "Catalog",
    "CatalogError",
    "ConfigError",
    "Event",
    "IngestError",
    "IngestSummary",
    "LlmnavError",
    "RecordError",
    "Rejected",
    "SourceLocation",
    "Store",
    "StoreError",
    "ingest_files",
    "load_catalog",
]

__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'llmnav' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
