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
"how do/can/would I ...", and a bare "that <verb>s ..." clause. A clause that
is itself an artefact ("an application that ...") is read through, and so is
one that is still framing, where a comma is followed by the actual ask ("an
approach to threat hunting, can you write code that ..."). The clause ends at
the end of its sentence. Only the head of a long text is searched.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

__all__ = ["request_focus"]

MAX_CHARS = 2000
"""Only the head of a request is searched: the ask comes first."""

MIN_WORDS = 3

_ARTEFACT_WORDS = """
    script scripts code codebase snippet snippets program programs software tool tools toolkit
    function functions module modules class app apps application applications utility algorithm
    algorithms solution solutions technique techniques approach blueprint implementation routine
    routines malware implant implants payload payloads bot agent loader dropper backdoor exploit
    exploits mechanism mechanisms system framework library something one-liner command commands
    playbook procedure
"""
ARTEFACTS = frozenset(_ARTEFACT_WORDS.split())
"""Words for the thing a request asks to be built ("a script that ...")."""

_SENTENCE_END = re.compile(r"[.?!](?:\s|$)|\.\.|;")
_LABELLED = re.compile(
    r"\b(?:action|task|goal|capability|objective|functionality)\s*:\s*", re.IGNORECASE
)
_EXAMPLE = re.compile(r"\bexample of\s+", re.IGNORECASE)
_CONNECTOR = re.compile(r"\b(?:that|which|to|for|capable of|able to)\s+", re.IGNORECASE)
_HOW = re.compile(
    r"\bhow\s+(?:do|can|could|would|should|might|to)\s+(?:(?:i|we|you|one|someone)\s+)?",
    re.IGNORECASE,
)
_THAT_VERB = re.compile(r"\b(?:that|which)\s+(?=(?:\w+ly\s+)?\w+s\b)", re.IGNORECASE)
_WORD = re.compile(r"[\w-]+")
_NESTED = re.compile(r"(?:an?|the|some)\s+(?:\w+\s+)?(\S+)\s+(?:that|which)\s+", re.IGNORECASE)
_ASK_AFTER_COMMA = re.compile(
    r",\s+(?=(?:(?:can|could|would|will)\s+you|how|i\s+(?:want|need|would like)|let's|please"
    r"|write|draft|design|create|develop|build|construct|showcase|show|demonstrate|illustrate"
    r"|present|provide|replicate|implement|generate|give)\b)",
    re.IGNORECASE,
)


def _after(head: str, found: re.Match[str] | None) -> str | None:
    """The rest of the sentence after ``found`` (None when nothing was found)."""
    if found is None:
        return None
    end = _SENTENCE_END.search(head, found.end())
    return head[found.end() : end.start() if end else len(head)]


def _after_artefact(head: str) -> str | None:
    """The clause after "<artefact> [word] that/which/to/for ..." (the first one)."""
    for found in _CONNECTOR.finditer(head):
        # The artefact is one of the two words before the connector, with nothing
        # but spaces between them ("a script that", "a code segment that").
        words = head[max(0, found.start() - 60) : found.start()].rsplit(None, 2)[-2:]
        for word in reversed(words):
            if not _WORD.fullmatch(word):
                break
            if _is_artefact(word):
                return _after(head, found)
    return None


def _is_artefact(word: str) -> bool:
    word = word.lower()
    return word in ARTEFACTS or word.rsplit("-", 1)[-1] in ARTEFACTS


def _clauses(head: str) -> Iterator[str | None]:
    """Each pattern's clause, in the order they are tried (None: no match)."""
    lowered = head.lower()
    yield _after(head, _LABELLED.search(head)) if ":" in head else None
    yield _after(head, _EXAMPLE.search(head)) if "example of" in lowered else None
    yield _after_artefact(head)
    yield _after(head, _HOW.search(head)) if "how" in lowered else None
    yield _after(head, _THAT_VERB.search(head))


def request_focus(text: str) -> str | None:
    """The clause of ``text`` naming the capability asked for, or None when there is
    no such clause (then the whole text is the request)."""
    clause = _focus(text[:MAX_CHARS])
    ask = _ASK_AFTER_COMMA.search(clause) if clause is not None else None
    if clause is None or ask is None:
        return clause
    return _focus(clause[ask.end() :]) or clause


def _focus(head: str) -> str | None:
    for clause in _clauses(head):
        if clause is None:
            continue
        clause = clause.strip()
        nested = _NESTED.match(clause)
        if nested is not None and _is_artefact(nested.group(1)):
            inner = clause[nested.end() :].strip()
            if len(inner.split()) >= MIN_WORDS:
                clause = inner
        if len(clause.split()) >= MIN_WORDS:
            return clause
    return None
