"""Sigma rules brought by the user, as a mapper of tool-call commands.

Point it at a directory of Sigma rules; the ``process_creation`` ones run
over the command lines of tool calls and their ATT&CK tags become
candidates::

    >>> from llmnav.mapping.base import MapInput
    >>> from llmnav.mapping.sigma import SigmaMapper
    >>> mapper = SigmaMapper.from_directory("rules/")               # doctest: +SKIP
    >>> print(mapper.report.summary())                              # doctest: +SKIP
    sigma: 6 rules loaded from 9 files in rules/, 3 skipped
    >>> mapper.map_batch([MapInput("a1", "procdump -ma lsass.exe", "command")])  # doctest: +SKIP
    [[Candidate(technique_id='T1003.001', score=0.8, evidence='LSASS Memory Dumped ...', ...)]]

See ``docs/sigma.md`` for the field mapping, the scores and the limits.
"""

from __future__ import annotations

from llmnav.mapping.sigma._mapper import SigmaMapper
from llmnav.mapping.sigma._processes import Process, processes
from llmnav.mapping.sigma._rules import (
    FIELD_COLUMNS,
    LEVEL_SCORES,
    UNRATED_SCORE,
    CompiledRule,
    SigmaLoadReport,
    load_rules,
)

__all__ = [
    "FIELD_COLUMNS",
    "LEVEL_SCORES",
    "UNRATED_SCORE",
    "CompiledRule",
    "Process",
    "SigmaLoadReport",
    "SigmaMapper",
    "load_rules",
    "processes",
]
