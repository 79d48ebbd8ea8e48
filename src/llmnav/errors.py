"""Errors raised by llmnav.

Every error is a ``ValueError`` subclass that can carry where it happened::

    LlmnavError(ValueError)      .location = SourceLocation(path, line, field)
      ConfigError                bad configuration, options that cannot be combined
      CatalogError               unreadable bundle, unknown technique id
      IngestError                unusable input: format not recognised, unreadable file
        RecordError              one bad record; readers turn it into a Rejected record
      StoreError                 the database cannot be opened or written

Catch the root to handle them all::

    try:
        llmnav.ingest_files(["traces.jsonl"], db="x.duckdb")
    except llmnav.LlmnavError as exc:
        print(exc)          # "... in traces.jsonl:42 (field ts)"
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "CatalogError",
    "ConfigError",
    "IngestError",
    "LlmnavError",
    "RecordError",
    "SourceLocation",
    "StoreError",
]


@dataclass(frozen=True, slots=True)
class SourceLocation:
    """Where in the input something was found: file, 1-based line, field path."""

    path: str
    line: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        text = self.path
        if self.line is not None:
            text += f":{self.line}"
        if self.field:
            text += f" (field {self.field})"
        return text


class LlmnavError(ValueError):
    """Root of all llmnav errors; the message names the location when there is one."""

    def __init__(self, message: str, location: SourceLocation | None = None) -> None:
        self.message = message
        self.location = location
        super().__init__(f"{message} in {location}" if location else message)


class ConfigError(LlmnavError):
    """A configuration file or a combination of options is invalid."""


class CatalogError(LlmnavError):
    """The ATT&CK catalog cannot be built or an id is unknown."""


class IngestError(LlmnavError):
    """An input cannot be read at all (missing file, unknown format)."""


class RecordError(IngestError):
    """One record is bad; the reader quarantines it and goes on."""


class StoreError(LlmnavError):
    """The DuckDB store cannot be opened or written."""
