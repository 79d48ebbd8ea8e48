"""The mapper seam: how an action becomes ranked ATT&CK technique candidates.

To add a mapper:

1. subclass ``Mapper`` and set ``name`` (its id in the configuration and in
   every hit's ``mapper`` field) and ``source`` (``rule``, ``model``, ``llm``
   or ``analyst``);
2. implement ``map_batch(items)``: for each ``MapInput`` a list of
   ``Candidate`` (technique id, score 0-1, evidence span), best first; an
   empty list when the mapper has nothing to say;
3. register the class in ``llmnav.mapping.registry``.

Mappers see a ``MapInput``: the text to map plus what kind of text it is, so
that a rule for shell commands need not fire on a chat request. The ensemble
(``llmnav.mapping.combine``) merges the candidates of all mappers into one
calibrated ranking per action.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, Literal

from llmnav.records import Action

__all__ = ["Candidate", "MapInput", "Mapper", "Source", "TextKind"]

Source = Literal["rule", "model", "llm", "analyst"]
TextKind = Literal["command", "request", "code", "sentence"]
"""What a text is: a command a tool ran, a user's request, generated code, or
an analyst's or report's sentence (investigator tables, threat reports)."""


@dataclass(frozen=True, slots=True)
class MapInput:
    """One text to map and its context."""

    id: str
    text: str
    kind: TextKind = "request"
    tool_name: str | None = None
    language: str | None = None
    labels: tuple[str, ...] = ()
    """Technique ids an analyst gave this action; they always win."""

    @classmethod
    def from_action(cls, action: Action) -> MapInput:
        kind: TextKind = {"tool_call": "command", "code": "code"}.get(  # type: ignore[assignment]
            action.kind, "request"
        )
        return cls(action.action_id, action.text, kind, action.tool_name, action.language)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A technique a mapper proposes for one input.

    ``evidence`` is the span of the input that triggered it (for a rule: the
    matched text; for a model: the most telling words), ``detail`` names the
    rule or model feature behind it.
    """

    technique_id: str
    score: float
    evidence: str = ""
    detail: str = ""


class Mapper:
    """Base class of mappers; see the module docstring for how to add one."""

    name: ClassVar[str]
    source: ClassVar[Source]

    def map_batch(self, items: Sequence[MapInput]) -> list[list[Candidate]]:
        """Candidates for each input, best first (one list per input, same order)."""
        raise NotImplementedError
