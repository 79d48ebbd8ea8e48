"""Turn one tool-call command into the process-creation events it would log.

Sigma ``process_creation`` rules look at one process at a time: its image
(the executable) and its command line. A command an agent runs is often
several processes: ``sudo cat /etc/shadow`` starts ``sudo`` and then
``cat``, ``cmd /c whoami /priv`` starts ``cmd.exe`` and then ``whoami.exe``,
``curl -s URL | sh`` starts both ends of the pipe. ``processes(command)``
returns the command itself plus each of those children::

    >>> [p.command_line for p in processes("sudo cat /etc/shadow | head -1")]
    ['sudo cat /etc/shadow | head -1', 'sudo cat /etc/shadow', 'cat /etc/shadow', 'head -1']
    >>> processes("cmd.exe /c whoami /priv")[-1]
    Process(command_line='whoami /priv', image='whoami', image_win='\\\\whoami.exe', \
image_unix='/whoami')

The image is the first token as written (``C:\\Windows\\System32\\cmd.exe``,
``/usr/bin/curl``, or a bare ``nmap``). A bare name carries no directory, so
rules written as ``Image|endswith: '\\whoami.exe'`` or ``'/cat'`` could never
match it; ``image_win`` and ``image_unix`` are the forms it would take once
the shell resolved it (``\\whoami.exe``, ``/whoami``) and the rules see
them as alternative spellings of ``Image``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Process", "first_token", "processes", "split_segments"]

_MAX_DEPTH = 3
"""How deep ``bash -c '...'`` and ``cmd /c ...`` wrappers are unwrapped."""

_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=")
_PREFIXES = {"sudo", "doas", "nohup", "time", "exec", "env", "command", "nice"}
"""Launchers whose arguments are another command (after their own options)."""
_PREFIX_OPTIONS_WITH_VALUE = {"-u", "-g", "-U", "-C", "-D", "-h", "-p", "-r", "-t", "-n"}
_SHELLS = {"sh", "bash", "zsh", "dash", "ksh", "ash"}
_SHELL_COMMAND_FLAG = re.compile(r"-[a-z]*c[a-z]*")
_POWERSHELLS = {"powershell", "pwsh"}
_POWERSHELL_COMMAND = {"-c", "-command", "/c", "/command"}


@dataclass(frozen=True, slots=True)
class Process:
    """The fields of one process-creation event that a command gives us."""

    command_line: str
    image: str
    image_win: str | None
    image_unix: str | None

    @classmethod
    def of(cls, command_line: str) -> Process:
        """The process that ``command_line`` starts.

        >>> Process.of('"C:\\\\Program Files\\\\x\\\\y.exe" -v').image
        'C:\\\\Program Files\\\\x\\\\y.exe'
        >>> Process.of("/usr/bin/curl -O x").image_win is None
        True
        """
        image = first_token(command_line)
        return cls(command_line, image, _windows_form(image), _unix_form(image))


def _windows_form(image: str) -> str | None:
    if not image or "/" in image:
        return None
    path = image if "\\" in image else "\\" + image
    basename = path.rsplit("\\", 1)[-1]
    return path if "." in basename else path + ".exe"


def _unix_form(image: str) -> str | None:
    if not image or "\\" in image:
        return None
    return image if "/" in image else "/" + image


def first_token(command_line: str) -> str:
    """The executable of a command line, without its quotes.

    >>> first_token("  'my tool' --help")
    'my tool'
    >>> first_token("nmap -sV 10.0.0.1")
    'nmap'
    >>> first_token("LANG=C DEBUG= make all")
    'make'
    """
    text = command_line.lstrip()
    while assignment := _ASSIGNMENT.match(text):  # VAR=value before the program
        rest = text[assignment.end() :]
        value = _word(rest) if rest[:1].strip() else ""
        if not rest[len(value) :].strip():
            break
        text = rest[len(value) :].lstrip()
    if not text:
        return ""
    if text[0] in "\"'":
        end = text.find(text[0], 1)
        return text[1:end] if end > 0 else text[1:]
    return text.split(maxsplit=1)[0]


_TOKEN = re.compile(
    r"""
    (?P<separator> && | \|\| | [;|\n] | (?<![<>])&(?!>) )  # not the & of 2>&1, >&2, &>
    | '[^']*'?                # single-quoted, no escapes inside
    | "(?:\\.|[^"\\])*"?      # double-quoted, backslash escapes
    | \\.                     # an escaped character
    | [^'"\\;|&\n]+           # anything else up to the next special character
    | .
    """,
    re.VERBOSE | re.DOTALL,
)
_SPECIAL = frozenset(";|&\n")


def split_segments(command: str) -> list[str]:
    """The simple commands of a command line, split at unquoted ``; & && || |`` and newlines.

    Redirections such as ``2>&1`` and ``&>`` are not separators.

    >>> split_segments("cd /tmp && curl -s http://x/a.sh 2>&1 | sh; echo 'a|b'")
    ['cd /tmp', 'curl -s http://x/a.sh 2>&1', 'sh', "echo 'a|b'"]
    """
    if _SPECIAL.isdisjoint(command):
        return [command.strip()] if command.strip() else []
    segments: list[str] = []
    start = 0
    for token in _TOKEN.finditer(command):
        if token.lastgroup == "separator":
            segments.append(command[start : token.start()])
            start = token.end()
    segments.append(command[start:])
    return [segment.strip() for segment in segments if segment.strip()]


def processes(command: str, *, split: bool = True) -> list[Process]:
    """The command's own process, then (with ``split``) the processes it starts, deduplicated.

    >>> [p.image for p in processes("nohup bash -c 'id; uname -a' &")]
    ['nohup', 'bash', 'id', 'uname']
    """
    lines = [command.strip()]
    if split:
        _collect(command, lines, depth=0)
    seen: set[str] = set()
    result = []
    for line in lines:
        if line and line not in seen:
            seen.add(line)
            result.append(Process.of(line))
    return result


def _collect(command: str, lines: list[str], depth: int) -> None:
    segments = split_segments(command)
    for segment in segments:
        if depth or len(segments) > 1:
            lines.append(segment)
        inner = _unwrap(segment)
        if inner is not None and depth < _MAX_DEPTH:
            _collect(inner, lines, depth + 1)


def _unwrap(segment: str) -> str | None:
    """The command a launcher or shell wrapper runs, or None when ``segment`` is not one."""
    words = segment.split()
    start = 0
    while start < len(words) and _ASSIGNMENT.match(words[start]):
        start += 1
    if start:  # VAR=value ... runs the rest with that environment
        return _rest(segment, start) if start < len(words) else None
    if not words:
        return None
    name = _program_name(_strip_quotes(words[0]))
    if name in _PREFIXES:
        i = start + 1
        while i < len(words) and (words[i].startswith("-") or _ASSIGNMENT.match(words[i])):
            i += 2 if words[i] in _PREFIX_OPTIONS_WITH_VALUE else 1
        return _rest(segment, i) if i < len(words) else None
    if name == "cmd":
        for i in range(start + 1, len(words)):
            if words[i].lower() in {"/c", "/k", "/r"}:
                return _unquote(_rest(segment, i + 1)) if i + 1 < len(words) else None
        return None
    if name in _SHELLS:  # sh -c SCRIPT (also -lc, -ec...): one, usually quoted, argument
        for i in range(start + 1, len(words)):
            if _SHELL_COMMAND_FLAG.fullmatch(words[i]):
                return _unquote(_word(_rest(segment, i + 1))) if i + 1 < len(words) else None
    if name in _POWERSHELLS:  # powershell -Command ...: the rest of the line
        for i in range(start + 1, len(words)):
            if words[i].lower() in _POWERSHELL_COMMAND:
                return _unquote(_rest(segment, i + 1)) if i + 1 < len(words) else None
    return None


def _program_name(token: str) -> str:
    name = re.split(r"[\\/]", token)[-1].lower()
    return name.removesuffix(".exe")


def _word(text: str) -> str:
    """The first shell word of ``text``, quotes included: ``'a b' c`` -> ``'a b'``."""
    if text[:1] in ("'", '"'):
        i = 1
        while i < len(text) and text[i] != text[0]:
            i += 2 if text[i] == "\\" and text[0] == '"' else 1
        return text[: i + 1]
    return text.split(maxsplit=1)[0] if text.strip() else ""


def _strip_quotes(text: str) -> str:
    return text[1:-1] if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'" else text


def _unquote(text: str) -> str:
    return _strip_quotes(text.strip()).strip()


def _rest(segment: str, word_index: int) -> str:
    """``segment`` from its ``word_index``-th whitespace-separated word on, spacing kept."""
    matches = list(re.finditer(r"\S+", segment))
    return segment[matches[word_index].start() :].strip()
