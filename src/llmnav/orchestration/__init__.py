"""The orchestration layer: AI-native agent behaviours (the AIO taxonomy) from session graphs.

ATT&CK names what was done; AIO names how an AI agent chained it. Each session
becomes a ``SessionGraph`` (autonomous runs, human decision points, mapped
tactics, entities with provenance, tempo) and ten detectors, one per AIO
behaviour, read it. docs/aio.md defines every behaviour; the thresholds are
the ``orchestration`` section of the configuration file.

>>> from llmnav.config import load_config
>>> from llmnav.records import Event
>>> events = [
...     Event("e1", "a", "s", 0, "user", "message", "find a way in on 10.0.0.0/24"),
...     Event("e2", "a", "s", 1, "assistant", "tool_call", tool_name="bash",
...           tool_input="nmap -sn 10.0.0.0/24"),
...     Event("e3", "a", "s", 2, "tool", "tool_result",
...           "Nmap scan report for 10.0.0.3\\nNmap scan report for 10.0.0.7\\n"
...           "Nmap scan report for 10.0.0.9"),
...     Event("e4", "a", "s", 3, "assistant", "tool_call", tool_name="bash",
...           tool_input="ssh admin@10.0.0.7"),
... ]
>>> [h.behaviour_id for h in detect_sessions([events], load_config())]
['AIO.T0003', 'AIO.T0004', 'AIO.T0005']
"""

from __future__ import annotations

from llmnav.orchestration.detect import (
    detect_graph,
    detect_sessions,
    detect_store,
    graphs_from_store,
)
from llmnav.orchestration.detectors import DETECTORS, Detector, Finding, builtin_detectors
from llmnav.orchestration.graph import Entity, Run, SessionGraph, Step, StepMapping, build_graph
from llmnav.orchestration.taxonomy import Taxonomy, load_taxonomy

__all__ = [
    "DETECTORS",
    "Detector",
    "Entity",
    "Finding",
    "Run",
    "SessionGraph",
    "Step",
    "StepMapping",
    "Taxonomy",
    "build_graph",
    "builtin_detectors",
    "detect_graph",
    "detect_sessions",
    "detect_store",
    "graphs_from_store",
    "load_taxonomy",
]
