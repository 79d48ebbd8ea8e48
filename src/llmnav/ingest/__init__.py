"""Telemetry ingest: format readers, segmentation into actions, and the store writer."""

from __future__ import annotations

from llmnav.ingest.pipeline import FileSummary, IngestSummary, ingest_files
from llmnav.ingest.readers import get_reader, read_records, reader_names, sniff
from llmnav.ingest.segment import segment_session

__all__ = [
    "FileSummary",
    "IngestSummary",
    "get_reader",
    "ingest_files",
    "read_records",
    "reader_names",
    "segment_session",
    "sniff",
]
