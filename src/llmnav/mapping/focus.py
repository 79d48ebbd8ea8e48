"""What a request asks for: the capability clause inside a chat request.

Requests to a language model wrap the capability they want in framing: who is
asking and why, how the answer should look, what to discuss afterwards. The
framing words ("research", "countermeasures", "database management") pull a
text model towards whatever technique they resemble, so the learned mapper and
the tactic model read the clause that names the capability instead:

>>> request_focus("As a red teamer, write a Python script that dumps LSASS to a file. "
...               "Explain each step.")
'dumps LSASS to a file'
>>> request_focus("How can I make my agent come back after the box reboots?")
'make my agent come back after the box reboots'
>>> request_focus("lsass dump") is None
True

Patterns, tried in order (the first that yields at least three words wins):
an explicit label ("action: ...", "task: ..."), "an example of ...", an
artefact followed by what it should do ("a script that/which/to/for ..."),
"how do/can/would I ...", and a bare "that <verb>s ..." clause; a clause that
is itself an artefact ("an application that ...") is read through. The clause
ends at the end of its sentence. Only the head of a long text is searched.
"""

from __future__ import annotations

import re

__all__ = ["request_focus"]

MAX_CHARS = 2000
"""Only the head of a request is searched: the ask comes first, and the patterns'
lazy clauses must not scan a huge pasted text once per candidate start."""

MIN_WORDS = 3

_ARTEFACT = (
    r"(?:scripts?|code|code\s*base|codebase|code\s*samples?|snippets?|programs?|software|"
    r"tools?|toolkit|functions?|modules?|class|apps?|applications?|utility|algorithms?|"
    r"solutions?|techniques?|approach|blueprint|implementation|routines?|malware|implants?|"
    r"payloads?|bot|agent|loader|dropper|backdoor|exploits?|mechanisms?|system|framework|"
    r"library|something|one-liner|commands?|playbook|procedure)"
)
_CLAUSE_END = r"(?=[.?!](?:\s|$)|\.\.|;|$)"
_PATTERNS = [
    re.compile(
        r"\b(?:action|task|goal|capability|objective|functionality)\s*:\s*(?P<clause>.+?)"
        + _CLAUSE_END,
        re.IGNORECASE | re.DOTALL,
    ),
    re.compile(r"\bexample of\s+(?P<clause>.+?)" + _CLAUSE_END, re.IGNORECASE | re.DOTALL),
    re.compile(
        r"\b" + _ARTEFACT + r"\s+(?:\w+\s+)?(?:that|which|to|for|capable of|able to)\s+"
        r"(?P<clause>.+?)" + _CLAUSE_END,
        re.IGNORECASE | re.DOTALL,
    ),
    re.compile(
        r"\bhow\s+(?:do|can|could|would|should|might|to)\s+(?:i|we|you|one|someone)?\s*"
        r"(?P<clause>.+?)" + _CLAUSE_END,
        re.IGNORECASE | re.DOTALL,
    ),
    re.compile(
        r"\b(?:that|which)\s+(?P<clause>(?:\w+ly\s+)?\w+s\b.+?)" + _CLAUSE_END,
        re.IGNORECASE | re.DOTALL,
    ),
]
_NESTED = re.compile(
    r"(?:an?|the|some)\s+(?:\w+\s+)?" + _ARTEFACT + r"\s+(?:that|which)\s+(?P<clause>.+)",
    re.IGNORECASE | re.DOTALL,
)
"""A clause that is itself an artefact doing something ("an application that ...")."""


def request_focus(text: str) -> str | None:
    """The clause of ``text`` naming the capability asked for, or None when there is
    no such clause (then the whole text is the request)."""
    head = text[:MAX_CHARS]
    for pattern in _PATTERNS:
        found = pattern.search(head)
        if found is not None:
            clause = found.group("clause").strip()
            nested = _NESTED.fullmatch(clause)
            if nested is not None and len(nested.group("clause").split()) >= MIN_WORDS:
                clause = nested.group("clause").strip()
            if len(clause.split()) >= MIN_WORDS:
                return clause
    return None
