"""Telling a command from a request when the input does not say which it is."""

from __future__ import annotations

import re

from llmnav.mapping.base import TextKind

__all__ = ["guess_kind"]

_SHELL_START = re.compile(
    r"""^\s*(?:
        sudo|cmd(?:\.exe)?|powershell(?:\.exe)?|pwsh|bash|sh|zsh|python[0-9.]*|perl|ruby|node|
        curl|wget|nc|ncat|nmap|ssh|scp|rsync|ls|cat|echo|grep|find|awk|sed|chmod|chown|cp|mv|rm|
        mkdir|tar|zip|unzip|gzip|base64|openssl|git|docker|kubectl|aws|az|gcloud|gsutil|net|
        netsh|reg|sc|schtasks|wmic|certutil|bitsadmin|rundll32|regsvr32|mshta|whoami|ipconfig|
        ifconfig|ip|ps|kill|systemctl|service|crontab|id|uname|hostname|dir|type|copy|del|
        msiexec|vssadmin|wevtutil|cscript|wscript|osascript|defaults|launchctl|dscl|security|
        Invoke-\w+|Get-\w+|Set-\w+|New-\w+|Remove-\w+|Start-\w+|Stop-\w+|Add-\w+|IEX|iex|
        \$\w+\s*=|\.\\|\./|[A-Za-z]:\\|/(?:usr|bin|tmp|etc|opt|var|home)/
    )(?:\s|$|\.exe\b|[;|&(])""",
    re.VERBOSE,
)
_SHELL_SYNTAX = re.compile(r"(?:\s-{1,2}[A-Za-z][\w-]*|\s/[A-Za-z]+\b|\|\s*\w|&&|\$\(|>\s*/)")


def guess_kind(text: str) -> TextKind:
    """``command`` for shell and PowerShell lines, ``request`` for natural language.

    >>> guess_kind("net user /domain"), guess_kind("How do I list domain users?")
    ('command', 'request')
    """
    head = text.lstrip()[:300]
    if _SHELL_START.match(head):
        return "command"
    words = re.findall(r"[A-Za-z]{2,}", head)
    if _SHELL_SYNTAX.search(head) and len(words) < 25 and not head.rstrip().endswith("?"):
        return "command"
    return "request"
