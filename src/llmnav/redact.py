"""Find secret material (keys, tokens, passwords) in telemetry text and hide it.

This module owns secret detection: :func:`find_secrets` is the one piece of code
that decides what is a secret, :func:`redact` replaces each secret with
``[REDACTED <detail>]`` and keeps the context around it, and
:mod:`llmnav.orchestration.entities` reports the same spans as ``secret``
mentions.

>>> redact("mysql -u root -p'S3cr3t!' -h db.internal")
"mysql -u root -p'[REDACTED password]' -h db.internal"
>>> redact("curl -H 'Authorization: Bearer abcdef123456' https://api.example.com")
"curl -H 'Authorization: Bearer [REDACTED token]' https://api.example.com"
>>> redact("postgres://admin:hunter22@db:5432/app")
'postgres://admin:[REDACTED password]@db:5432/app'
>>> [(s.detail, s.value) for s in find_secrets("export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE")]
[('aws_access_key', 'AKIAIOSFODNN7EXAMPLE')]
>>> redact_value("secret", "password", "hunter22")  # doctest: +ELLIPSIS
'[REDACTED password] #...'
>>> redact_value("host", "", "example.com")
'example.com'

Secrets are matched by their form (PEM blocks, AWS, GitHub, Slack, OpenAI and
Google key formats, JWTs) or by their context (``password=``, ``--password``,
``Authorization:``, ``user:pass@`` in URLs, ``/etc/shadow`` lines). Template
placeholders and shell variables (``<password>``, ``${PASS}``, ``$TOKEN``,
``***``) are not secrets; hex digests are secrets only in a credential context.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from dataclasses import dataclass
from typing import Final

__all__ = [
    "SECRET_DETAILS",
    "Secret",
    "find_secrets",
    "redact",
    "redact_value",
]

SECRET_DETAILS: Final[tuple[str, ...]] = (
    "private_key",
    "aws_access_key",
    "aws_secret_key",
    "api_key",
    "token",
    "jwt",
    "password",
    "password_hash",
    "connection_string",
)


@dataclass(frozen=True, slots=True)
class Secret:
    """One piece of secret material: its kind (``detail``), its text and its span."""

    detail: str
    value: str
    start: int
    end: int


# Priority when two candidates cover the same span (lower wins).
_PRIORITY: Final[dict[str, int]] = {
    d: i
    for i, d in enumerate(
        (
            *("private_key", "aws_access_key", "aws_secret_key", "jwt", "api_key"),
            *("password_hash", "connection_string", "token", "password"),
        )
    )
}

_PEM_BEGIN = re.compile(r"-----BEGIN ((?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?)-----")
_PEM_LINE = re.compile(r"(?:\\n|\r?\n)(?!-----)[A-Za-z0-9+/=:, -]{1,200}")

# Secrets recognised by their form: (pattern, detail, characters that must not precede it).
# The patterns start with a literal so that scanning is fast; the boundary is checked apart.
_FORMS: Final[tuple[tuple[re.Pattern[str], str, str], ...]] = (
    (re.compile(r"A(?:KI|SI)A[A-Z0-9]{16}(?![A-Za-z0-9])"), "aws_access_key", "alnum"),
    (re.compile(r"g(?:h[pousr]_[A-Za-z0-9]{36,255}|ithub_pat_\w{22,255})"), "token", "word"),
    (re.compile(r"xox[abprs]-[A-Za-z0-9-]{10,250}"), "token", "word"),
    (re.compile(r"sk-[A-Za-z0-9_-]{20,300}"), "api_key", "word"),
    (re.compile(r"AIza[0-9A-Za-z_-]{35}(?![\w-])"), "api_key", "word"),
    (
        re.compile(r"eyJ[A-Za-z0-9_-]{8,2000}\.[A-Za-z0-9_-]{4,8000}\.[A-Za-z0-9_-]{0,2000}"),
        "jwt",
        "word",
    ),
    (
        re.compile(
            r"\$(?:1|2[abxy]?|5|6|y|gy|7|apr1|sha1|md5|argon2(?:id|i|d))\$"
            r"[./A-Za-z0-9$=,+-]{8,400}"
        ),
        "password_hash",
        "word",
    ),
)


def _bounded(text: str, start: int, boundary: str) -> bool:
    """Whether the character before ``start`` may precede a secret of this form."""
    if start == 0:
        return True
    before = text[start - 1]
    if boundary == "alnum":
        return not before.isalnum()
    return not (before.isalnum() or before in "_-$")


_VALUE = (
    r"""(?:"(?P<dq>[^"\n]{1,2048})"|'(?P<sq>[^'\n]{1,2048})'|(?P<bare>[^\s"'`,;&|<>)}\]]{1,512}))"""
)

_AUTH_HEADER = re.compile(
    r"(?i)\b(?:proxy-)?authorization[\"']?\s*[:=]\s*[\"']?(?:bearer|basic|token|digest)\s+"
    r"(?P<bare>[A-Za-z0-9._~+/=-]{4,4096})"
)
_URL_USERINFO = re.compile(
    r"(?i)\b[a-z][a-z0-9+.-]{0,20}://[^\s:/@\"'<>]{1,256}:(?P<bare>[^\s@/\"'<>]{1,256})@"
)
# A credential keyword is found by its core word, then widened to the whole key
# (``DB_PASSWORD``, ``client_secret``) and checked for ``=``/``:`` and a value.
_KEY_HIT = re.compile(r"pass|pwd|secret|token|key|credential")
_KEY_CHARS: Final[frozenset[str]] = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_.-")
_KEY_REST = re.compile(r"[a-z0-9_-]{0,40}")
_KEY_END = re.compile(
    r"(?:pass(?:word|wd|phrase)?|pwd|secret(?:[_-]?key)?|token|api[_-]?key|apikey|"
    r"access[_-]?key|private[_-]?key|credentials?)$"
)
_KEY_TAIL = re.compile(r"[\"']?[ \t]{0,8}(?P<sep>=|:(?!//|:))[ \t]{0,8}" + _VALUE)
_GLUED_PREFIXES: Final[tuple[str, ...]] = ("pg", "db", "root", "admin", "mysql", "")
_LONG_OPTION = re.compile(
    r"(?i)(?<!\S)--(?P<key>password|passwd|pass|token|api-key|apikey|secret|"
    r"access-key|secret-key|auth-token)(?:=|[ \t]+)(?!-)" + _VALUE
)
_SHORT_P = re.compile(r"(?<!\S)-p[ \t]+(?!-)" + _VALUE)
_MYSQL_P = re.compile(
    r"(?<!\S)-p(?:'(?P<sq>[^'\n]{1,512})'|\"(?P<dq>[^\"\n]{1,512})\"|"
    r"(?P<bare>[^\s'\"-][^\s'\"]{0,511}))"
)
_CURL_U = re.compile(
    r"(?<!\S)(?:-u|--user|-U)[ \t]+['\"]?[^\s:%'\"]{1,128}[:%](?P<bare>[^\s'\"]{1,256})"
)
_RDP_P = re.compile(r"(?i)(?<!\S)/p:" + _VALUE)
_NET_USER = re.compile(
    r"(?i)\bnet1?(?:\.exe)?\s+user\s+(?:\"[^\"\n]+\"|[^\s/]+)\s+" + _VALUE + r"(?=[^\n]*?/add)"
)
_SHADOW = re.compile(r"(?m)^[a-z_][a-z0-9_.-]{0,31}\$?:!?(?P<bare>\$[^:\s]{8,400}):\d*:")
_PWDUMP = re.compile(
    r"(?m)^[^:\s]{1,128}:\d{1,10}:(?P<lm>[0-9a-fA-F]{32}):(?P<bare>[0-9a-fA-F]{32}):::"
)

# Commands whose ``-p X`` is a password (not a port).
_P_IS_PASSWORD = re.compile(
    r"(?i)\b(?:sshpass|crackmapexec|cme|netexec|nxc|evil-winrm|hydra|psexec(?:\.py)?|"
    r"impacket-\w+|smbmap|wmiexec(?:\.py)?|smbexec(?:\.py)?|secretsdump(?:\.py)?|kerbrute|"
    r"runas|bloodhound-python|certipy)\b"
)
_MYSQL = re.compile(r"(?i)\b(?:mysql|mysqldump|mariadb|mysqladmin)\b")
_RDP = re.compile(r"(?i)\b(?:x|w)freerdp\b|\brdesktop\b")

_PLACEHOLDER = re.compile(
    r"""(?ix)^(?:
        <[^>]*>?|\[[^\]]*\]?|\{\{.*|\$\{.*|\$\(.*|\$[A-Za-z_]\w*|%\(?\w*\)?s?|%[A-Za-z_]+%|
        \*+|x{3,}|\.{3,}|-+|_+|
        (?:your|my|the|some|example|dummy|fake|sample)[_-]?\w*|
        pass|user|username|none|null|nil|true|false|undefined|required|optional|empty|string|str|bytes|int|
        bool|any|self|secret|password|passwd|token|redacted|hidden|masked|
        getpass\b.*|os\.environ.*|env\b.*
    )$"""
)
# Bare values that are code, not secrets: snake_case names and colours.
_CODE_VALUE = re.compile(r"^[a-z]+(?:_[a-z]+)+$")
_COLOUR = re.compile(r"^#[0-9a-fA-F]{3,8}$")
_TYPE_NAME = re.compile(r"^(?:[A-Z][a-z]+)+$|^[A-Z]\w*\[")
_CODE_EXPR = re.compile(r"[(\[{]|^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+$")


def _secret_detail(key: str) -> str:
    key = key.lower()
    if "private" in key:
        return "private_key"
    if "key" in key:
        return "aws_secret_key" if "secret" in key and "aws" in key else "api_key"
    if "secret" in key and "aws" in key:
        return "aws_secret_key"
    if "token" in key or "secret" in key or "credential" in key:
        return "token"
    return "password"


def _plausible(value: str, key: str = "") -> bool:
    if len(value) < 4 or value.startswith("[REDACTED"):
        return False
    if _PLACEHOLDER.match(value) or len(set(value)) == 1 or _COLOUR.match(value):
        return False
    if key.lower().endswith("pwd") and value[:1] in "/~":
        return False
    return key == "" or value.lower() != key.lower()


def _group_span(m: re.Match[str]) -> tuple[int, int] | None:
    for name in ("dq", "sq", "bare"):
        if name in m.re.groupindex and m.group(name) is not None:
            return m.span(name)
    return None


def _pem_blocks(text: str, out: list[Secret]) -> None:
    last_end = 0
    for m in _PEM_BEGIN.finditer(text):
        if m.start() < last_end:
            continue
        label = m.group(1)
        end_marker = f"-----END {label}-----"
        stop = text.find(end_marker, m.end(), m.end() + 20000)
        if stop >= 0:
            end = stop + len(end_marker)
        else:  # truncated output: take the base64 lines that follow
            end = m.end()
            while (line := _PEM_LINE.match(text, end)) is not None and line.end() > end:
                end = line.end()
        last_end = end
        out.append(Secret("private_key", text[m.start() : end], m.start(), end))


class _Lines:
    """The line each offset of one text is on, and cached searches of whole lines.

    Searching a line once per match would be quadratic on one long line; this
    searches each line at most once per pattern.
    """

    __slots__ = ("_cache", "_starts", "_text")

    def __init__(self, text: str) -> None:
        self._text = text
        self._starts: list[int] | None = None
        self._cache: dict[tuple[int, int], bool] = {}

    def bounds(self, pos: int) -> tuple[int, int]:
        if self._starts is None:
            self._starts = [0, *(m.end() for m in _NEWLINE.finditer(self._text))]
        i = bisect.bisect_right(self._starts, pos) - 1
        end = self._starts[i + 1] - 1 if i + 1 < len(self._starts) else len(self._text)
        return self._starts[i], end

    def has(self, pos: int, pattern: re.Pattern[str]) -> bool:
        start, end = self.bounds(pos)
        key = (start, id(pattern))
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = pattern.search(self._text, start, end) is not None
        return found


_NEWLINE = re.compile("\n")
_SEMICOLON = re.compile(";")
_CONN_KEYS = re.compile(r"(?i)\b(?:server|data source|host|uid|user id)=")


def _add(text: str, out: list[Secret], m: re.Match[str], detail: str, key: str = "") -> None:
    span = _group_span(m)
    if span is None:
        return
    value = text[span[0] : span[1]]
    bare = m.groupdict().get("bare") is not None
    if bare and key and _CODE_EXPR.search(value):
        return
    if _plausible(value, key):
        out.append(Secret(detail, value, span[0], span[1]))


def _keys(low: str) -> list[tuple[str, int]]:
    """Credential keywords (``password``, ``DB_PASSWORD``, ``client_secret``...) in ``low``.

    ``low`` is the text lower-cased (same length); each key comes with its end offset.
    """
    keys: list[tuple[str, int]] = []
    last_end = -1
    for hit in _KEY_HIT.finditer(low):
        if hit.start() < last_end:
            continue
        rest = _KEY_REST.match(low, hit.end())
        end = rest.end() if rest else hit.end()
        last_end = end
        start = hit.start()
        while start > 0 and hit.start() - start < 80 and low[start - 1] in _KEY_CHARS:
            start -= 1
        key = low[start:end]
        core = _KEY_END.search(key)
        if core is None:
            continue
        glued = re.search(r"[a-z0-9]*$", key[: core.start()])
        if glued and glued.group() not in _GLUED_PREFIXES:
            continue
        keys.append((key.lstrip("._-"), end))
    return keys


def _lower(text: str) -> str:
    """``text`` lower-cased with every offset kept."""
    low = text.lower()
    return low if len(low) == len(text) else text.translate(_ASCII_LOWER)


_ASCII_LOWER: Final[dict[int, int]] = {c: c + 32 for c in range(65, 91)}


def _candidates(text: str) -> list[Secret]:
    out: list[Secret] = []
    lines = _Lines(text)
    if "PRIVATE KEY" in text:
        _pem_blocks(text, out)
    for pattern, detail, boundary in _FORMS:
        for m in pattern.finditer(text):
            if not _bounded(text, m.start(), boundary):
                continue
            if (
                detail == "api_key"
                and m.group().startswith("sk-")
                and not any(c.isdigit() for c in m.group())
            ):
                continue
            out.append(Secret(detail, m.group(), m.start(), m.end()))
    low = _lower(text)
    if "authorization" in low:
        for m in _AUTH_HEADER.finditer(text):
            _add(text, out, m, "token")
    if "@" in text and "://" in text:
        for m in _URL_USERINFO.finditer(text):
            _add(text, out, m, "password")
    value_end = -1
    for key, key_end in _keys(low):
        if key_end < value_end:
            continue
        tail = _KEY_TAIL.match(text, key_end)
        if tail is None:
            continue
        value_end = tail.end()
        bare = tail.group("bare")
        if bare and (_TYPE_NAME.match(bare) or _CODE_VALUE.match(bare)):
            continue
        # "pass: x" is prose and "passwd:gecos" a name; YAML puts a space after the colon
        glued = bare is not None and text[tail.start("bare") - 1] == ":"
        if tail.group("sep") == ":" and (key == "pass" or glued):
            continue
        detail = _secret_detail(key)
        if (
            detail == "password"
            and lines.has(tail.start(), _SEMICOLON)
            and lines.has(tail.start(), _CONN_KEYS)
        ):
            detail = "connection_string"
        _add(text, out, tail, detail, key)
    if "--" in text:
        for m in _LONG_OPTION.finditer(text):
            _add(text, out, m, _secret_detail(m.group("key")), m.group("key"))
    if "-p" in text:
        for m in _SHORT_P.finditer(text):
            if lines.has(m.start(), _P_IS_PASSWORD):
                _add(text, out, m, "password", "p")
        for m in _MYSQL_P.finditer(text):
            if lines.has(m.start(), _MYSQL):
                _add(text, out, m, "password", "p")
    if "-u" in text or "-U" in text or "--user" in text:
        for m in _CURL_U.finditer(text):
            _add(text, out, m, "password")
    if "/p:" in text:
        for m in _RDP_P.finditer(text):
            if lines.has(m.start(), _RDP):
                _add(text, out, m, "password", "p")
    if "user" in low and "/add" in low:
        for m in _NET_USER.finditer(text):
            _add(text, out, m, "password")
    if ":$" in text:
        for m in _SHADOW.finditer(text):
            _add(text, out, m, "password_hash")
    if ":::" in text:
        for m in _PWDUMP.finditer(text):
            _add(text, out, m, "password_hash")
    return out


def find_secrets(text: str) -> list[Secret]:
    """Every secret in ``text``, sorted by position, without overlaps.

    Where two candidates overlap, the longer one (then the more specific kind)
    is kept.

    >>> [s.detail for s in find_secrets("password=hunter22 token: ghp_" + "a" * 36)]
    ['password', 'token']
    >>> find_secrets("password=${DB_PASSWORD} pwd=/home/user commit 3f2a9c1e0b")
    []
    """
    found = _candidates(text)
    found.sort(key=lambda s: (s.start, -(s.end - s.start), _PRIORITY.get(s.detail, 99)))
    kept: list[Secret] = []
    last_end = -1
    for secret in found:
        if secret.start >= last_end:
            kept.append(secret)
            last_end = secret.end
    return kept


def redact(text: str) -> str:
    """``text`` with every secret replaced by ``[REDACTED <detail>]``.

    The text around each secret is kept, so the result still shows where the
    secret was used. Redacting twice gives the same text.

    >>> redact("export PGPASSWORD=s3cr3t && psql -h db -U app")
    'export PGPASSWORD=[REDACTED password] && psql -h db -U app'
    >>> redact(redact("password: hunter22")) == redact("password: hunter22")
    True
    """
    secrets = find_secrets(text)
    if not secrets:
        return text
    parts: list[str] = []
    pos = 0
    for secret in secrets:
        parts.append(text[pos : secret.start])
        parts.append(f"[REDACTED {secret.detail}]")
        pos = secret.end
    parts.append(text[pos:])
    return "".join(parts)


def redact_value(kind: str, detail: str, value: str) -> str:
    """How to show an entity value: secrets hidden behind a short fingerprint.

    The fingerprint (6 hex digits of a BLAKE2b digest) lets an analyst see that
    two occurrences are the same secret without seeing it; other kinds are shown
    as they are.

    >>> a = redact_value("secret", "aws_access_key", "AKIAIOSFODNN7EXAMPLE")
    >>> a == redact_value("secret", "aws_access_key", "AKIAIOSFODNN7EXAMPLE"), a[:25]
    (True, '[REDACTED aws_access_key]')
    >>> redact_value("ip", "", "10.0.0.7")
    '10.0.0.7'
    """
    if kind != "secret":
        return value
    digest = hashlib.blake2b(value.encode("utf-8", "surrogatepass"), digest_size=3).hexdigest()
    return f"[REDACTED {detail or 'secret'}] #{digest}"
