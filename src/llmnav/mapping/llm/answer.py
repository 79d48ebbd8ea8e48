"""Reading the model's answer: untrusted text in, checked candidates out.

The answer is treated like any other untrusted input:

- the first JSON object in the text is used (code fences and text around it are
  ignored); none at all raises ``AnswerError``;
- results for ids that were not asked about, and entries that are not objects,
  are ignored; an input the answer leaves out gets None instead of a list. When
  no result fits (an answer cut off at ``max_tokens`` is not valid JSON), the
  complete ``{"id": ..., "techniques": [...]}`` objects in the text are used;
- a technique id must be an ATT&CK technique of the catalog; a revoked id is
  replaced by its replacement (the ``detail`` says so), and ids that are unknown,
  deprecated or revoked without replacement are dropped;
- the confidence must be a number (a numeric string is accepted); it is clamped
  to [0, 1]; a candidate without one is dropped;
- the evidence must be a span of the input: an exact substring, or else a span
  that matches ignoring case and runs of white space (the input's own text is
  kept). Evidence that is missing or not in the input is dropped and the
  candidate's score is multiplied by ``EVIDENCE_PENALTY``;
- the same technique twice for one input keeps the higher score; candidates are
  sorted best first and cut to ``max_techniques``.

>>> from llmnav.catalog import load_catalog
>>> answer = {"results": [{"id": "1", "techniques": [
...     {"technique_id": "T1033", "confidence": 1.7, "evidence": "WHOAMI"}]}]}
>>> read_answer(json.dumps(answer), ["whoami /all"], load_catalog())
[[Candidate(technique_id='T1033', score=1.0, evidence='whoami', detail='llm')]]
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from typing import Any

from llmnav.catalog import Catalog
from llmnav.errors import CatalogError
from llmnav.mapping.base import Candidate
from llmnav.mapping.llm.provider import AnswerError

__all__ = ["EVIDENCE_PENALTY", "extract_json", "find_evidence", "read_answer"]

EVIDENCE_PENALTY = 0.5
"""A candidate whose evidence is missing or not in the input keeps this share of its score."""

_TECHNIQUE = re.compile(r"\s*(T\d{4}(?:[./]\d{3})?)(?![\w.])", re.IGNORECASE)
_FENCE = re.compile(r"```(?:json)?\s*(.*?)```", re.DOTALL | re.IGNORECASE)


def extract_json(text: str) -> Any:
    """The JSON value in a model's answer: the whole text, a fenced block, or the first object.

    Raises:
        AnswerError: no JSON object or array could be read.

    >>> extract_json('Sure! ```json\\n{"results": []}\\n``` Hope it helps.')
    {'results': []}
    """
    stripped = text.strip()
    attempts = [stripped, *(m.group(1).strip() for m in _FENCE.finditer(stripped))]
    for attempt in attempts:
        try:
            value = json.loads(attempt)
        except ValueError:
            continue
        if isinstance(value, dict | list):
            return value
    decoder = json.JSONDecoder()
    for match in re.finditer(r"[{\[]", stripped):
        try:
            value, _ = decoder.raw_decode(stripped, match.start())
        except ValueError:
            continue
        if isinstance(value, dict) or (isinstance(value, list) and value):
            return value
    snippet = " ".join(stripped.split())[:200]
    raise AnswerError(f"The model's answer has no JSON object: {snippet!r}")


def find_evidence(evidence: str, text: str) -> str | None:
    """The span of ``text`` that ``evidence`` quotes, or None when it quotes nothing there.

    An exact substring is returned as it is; otherwise a match that ignores case and
    runs of white space returns the input's own characters.

    >>> find_evidence("Invoke-Mimikatz  -DumpCreds", "powershell invoke-mimikatz -dumpcreds")
    'invoke-mimikatz -dumpcreds'
    """
    if not evidence.strip():
        return None
    if evidence in text:
        return evidence
    words = evidence.split()
    pattern = r"\s+".join(re.escape(word) for word in words)
    match = re.search(pattern, text, re.IGNORECASE)
    return match.group(0) if match else None


def _results(value: Any) -> dict[str, list[Any]]:
    """Answer JSON -> {input id: [raw technique entries]}, tolerating a few shapes."""
    if isinstance(value, dict):
        value = value.get("results", value)
    entries: list[tuple[Any, Any]] = []
    if isinstance(value, list):
        for entry in value:
            if isinstance(entry, dict):
                entries.append((entry.get("id"), entry.get("techniques")))
    elif isinstance(value, dict):
        entries.extend(value.items())
    found: dict[str, list[Any]] = {}
    for key, techniques in entries:
        usable = isinstance(key, str | int) and not isinstance(key, bool)
        if usable and isinstance(techniques, list):
            found.setdefault(str(key).strip(), []).extend(techniques)
    return found


def _scan_entries(text: str) -> list[dict[str, Any]]:
    """Every complete ``{"id": ..., "techniques": [...]}`` object in ``text``, in order."""
    decoder = json.JSONDecoder()
    found: list[dict[str, Any]] = []
    pos = text.find("{")
    while pos >= 0:
        try:
            value, end = decoder.raw_decode(text, pos)
        except ValueError:
            pos = text.find("{", pos + 1)
            continue
        if isinstance(value, dict) and "id" in value and "techniques" in value:
            found.append(value)
            pos = text.find("{", end)
        else:
            pos = text.find("{", pos + 1)
    return found


def _score(entry: dict[str, Any]) -> float | None:
    value = entry.get("confidence", entry.get("score"))
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            return None
    if not isinstance(value, int | float) or math.isnan(value):
        return None
    return min(1.0, max(0.0, float(value)))


def _candidate(entry: Any, text: str, catalog: Catalog, detail: str) -> Candidate | None:
    if not isinstance(entry, dict):
        return None
    raw_id = entry.get("technique_id", entry.get("id", entry.get("technique")))
    match = _TECHNIQUE.match(raw_id) if isinstance(raw_id, str) else None
    score = _score(entry)
    if match is None or score is None:
        return None
    try:
        lookup = catalog.technique(match.group(1))
    except CatalogError:
        return None
    if not lookup.technique.active:
        return None
    evidence = entry.get("evidence")
    span = find_evidence(evidence, text) if isinstance(evidence, str) else None
    if span is None:
        score *= EVIDENCE_PENALTY
    note = f"{detail}; {lookup.note}" if lookup.followed else detail
    return Candidate(lookup.id, round(score, 4), span or "", note)


def read_answer(
    text: str,
    inputs: Sequence[str],
    catalog: Catalog,
    *,
    keys: Sequence[str] | None = None,
    max_techniques: int = 5,
    detail: str = "llm",
) -> list[list[Candidate] | None]:
    """Checked candidates for each input from a model's answer (see the module docstring).

    Returns one list per input, best first, or None for an input the answer does
    not mention at all.

    Parameters:
        text: the model's answer.
        inputs: the input texts, in order; evidence must be a span of these.
        catalog: technique ids must exist here (revoked ids follow their replacement).
        keys: the id each input had in the prompt (default ``"1"``, ``"2"``, ...).
        max_techniques: the most candidates kept per input.
        detail: put in every candidate's ``detail`` (e.g. ``llm gpt-4o``).

    Raises:
        AnswerError: the answer holds no JSON at all.
    """
    ids = list(keys) if keys is not None else [str(n) for n in range(1, len(inputs) + 1)]
    results = _results(extract_json(text))
    if not results.keys() & set(ids):
        results = _results(_scan_entries(text)) or results
    out: list[list[Candidate] | None] = []
    for key, input_text in zip(ids, inputs, strict=True):
        if key not in results:
            out.append(None)
            continue
        best: dict[str, Candidate] = {}
        for entry in results[key]:
            found = _candidate(entry, input_text, catalog, detail)
            if found is None:
                continue
            old = best.get(found.technique_id)
            if old is None or found.score > old.score:
                best[found.technique_id] = found
        ranked = sorted(best.values(), key=lambda c: (-c.score, c.technique_id))
        out.append(ranked[:max_techniques])
    return out
