"""llmnav: the LLM ATT&CK Navigator.

Turn telemetry of how people use language models into ATT&CK-mapped threat
intelligence::

    >>> import llmnav
    >>> summary = llmnav.ingest_files(["sessions.jsonl"], db="llm.duckdb")   # doctest: +SKIP
    >>> summary.read == summary.stored + summary.rejected               # doctest: +SKIP
    True
"""

from __future__ import annotations

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

__all__ = [
    "Action",
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
]

__version__ = "0.1.0"
