"""Secret material is found once (llmnav.redact) and hidden with its context kept."""

from __future__ import annotations

import itertools
import time
from pathlib import Path

import pytest

from llmnav.orchestration.entities import extract_entities
from llmnav.redact import SECRET_DETAILS, Secret, find_secrets, redact, redact_value

DATA = Path(__file__).parent / "data" / "orchestration" / "entities"

GITHUB_TOKEN = "ghp_16C7e42F292c6912E7710c838347Ae178B4a"
JWT = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0"
    ".dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"
)


def details(text: str) -> list[tuple[str, str]]:
    return [(s.detail, s.value) for s in find_secrets(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("password=hunter22", "password=[REDACTED password]"),
        ('{"password": "hunter22"}', '{"password": "[REDACTED password]"}'),
        ("db_password: 'Sup3r$ecret'", "db_password: '[REDACTED password]'"),
        ("export PGPASSWORD=s3cr3t", "export PGPASSWORD=[REDACTED password]"),
        ("MYSQL_PWD=s3cr3t mysql", "MYSQL_PWD=[REDACTED password] mysql"),
        ("mysql -u root -p'S3cr3t!' db", "mysql -u root -p'[REDACTED password]' db"),
        ("mysql -uroot -pS3cr3t db", "mysql -uroot -p[REDACTED password] db"),
        ("tool --password Winter2024 -v", "tool --password [REDACTED password] -v"),
        ("tool --password=Winter2024", "tool --password=[REDACTED password]"),
        ("sshpass -p 'hunter22' ssh a@h", "sshpass -p '[REDACTED password]' ssh a@h"),
        ("xfreerdp /v:h /u:a /p:Winter2024!", "xfreerdp /v:h /u:a /p:[REDACTED password]"),
        ("curl -u admin:letmein http://h/", "curl -u admin:[REDACTED password] http://h/"),
        ("smbclient //h/s -U bob%Passw0rd", "smbclient //h/s -U bob%[REDACTED password]"),
        (
            "postgres://admin:hunter22@db:5432/app",
            "postgres://admin:[REDACTED password]@db:5432/app",
        ),
        (
            "Authorization: Bearer abcdef123456",
            "Authorization: Bearer [REDACTED token]",
        ),
        (
            "curl -H 'Authorization: Basic YWRtaW46cGFzcw==' h",
            "curl -H 'Authorization: Basic [REDACTED token]' h",
        ),
        (f"Authorization: Bearer {JWT}", "Authorization: Bearer [REDACTED jwt]"),
        (f"GITHUB_TOKEN={GITHUB_TOKEN}", "GITHUB_TOKEN=[REDACTED token]"),
        (f"git clone https://{GITHUB_TOKEN}@github.com/o/r", None),
        ("token=0123456789abcdef", "token=[REDACTED token]"),
        ("api_key = 'k-9f8e7d6c5b'", "api_key = '[REDACTED api_key]'"),
        ("client_secret: a1b2c3d4e5", "client_secret: [REDACTED token]"),
        ("AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE", "AWS_ACCESS_KEY_ID=[REDACTED aws_access_key]"),
        (
            "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "aws_secret_access_key = [REDACTED aws_secret_key]",
        ),
        ("key: xoxb-123456789012-abcdefghij", "key: [REDACTED token]"),
        ("OPENAI_API_KEY=sk-proj-abc123def456ghi789jkl", "OPENAI_API_KEY=[REDACTED api_key]"),
        ("AIzaSyA-1234567890abcdefghijklmnopqrstu", "[REDACTED api_key]"),
        (
            "Server=db01;Database=app;User Id=sa;Password=Pa55word;",
            "Server=db01;Database=app;User Id=sa;Password=[REDACTED connection_string];",
        ),
        ("net user backdoor P@ssw0rd1 /add", "net user backdoor [REDACTED password] /add"),
    ],
)
def test_redact_each_secret_form(text: str, expected: str | None) -> None:
    redacted = redact(text)
    if expected is not None:
        assert redacted == expected
    assert "REDACTED" in redacted


def test_redact_a_private_key_block() -> None:
    text = (DATA / "id_rsa.txt").read_text()
    assert redact(text) == "$ cat ~/.ssh/id_rsa\n[REDACTED private_key]\n$ ls -la ~/.ssh\n"


def test_redact_a_truncated_private_key_block() -> None:
    text = "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA7\nAbCdEf==\n...[truncated]"
    assert redact(text) == "[REDACTED private_key]\n...[truncated]"


def test_redact_a_json_escaped_private_key() -> None:
    text = '{"private_key": "-----BEGIN PRIVATE KEY-----\\nMIIE\\n-----END PRIVATE KEY-----\\n"}'
    assert "MIIE" not in redact(text)
    assert [s.detail for s in find_secrets(text)] == ["private_key"]


def test_redact_shadow_lines_keep_the_user_and_fields() -> None:
    text = (DATA / "shadow.txt").read_text()
    lines = redact(text).splitlines()
    assert lines[0] == "root:[REDACTED password_hash]:19700:0:99999:7:::"
    assert lines[1] == "daemon:*:19700:0:99999:7:::"
    assert lines[2].startswith("bob:[REDACTED password_hash]:19701")
    assert lines[3] == "sshd:!:19700::::::"


def test_redact_secretsdump_hashes() -> None:
    line = "Administrator:500:aad3b435b51404eeaad3b435b51404ee:31d6cfe0d16ae931b73c59d7e0c089c0:::"
    assert details(line) == [("password_hash", "31d6cfe0d16ae931b73c59d7e0c089c0")]


def test_redact_env_output() -> None:
    redacted = redact((DATA / "env.txt").read_text())
    assert "AWS_SECRET_ACCESS_KEY=[REDACTED aws_secret_key]" in redacted
    assert "AWS_ACCESS_KEY_ID=[REDACTED aws_access_key]" in redacted
    assert "GITHUB_TOKEN=[REDACTED token]" in redacted
    assert "postgres://app:[REDACTED password]@db.internal:5432/app" in redacted
    assert "PWD=/home/ubuntu/app" in redacted
    assert "GIT_COMMIT=3f2a9c1e0b8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f" in redacted


@pytest.mark.parametrize(
    "text",
    [
        "password=<password>",
        "password: ***",
        "password=xxxx",
        "password=$PASSWORD",
        "password=${DB_PASSWORD}",
        'password="{{ vault_password }}"',
        "Authorization: Bearer $TOKEN",
        "postgres://user:pass@localhost/db",
        "mysql -u root -p",
        "password = request.form['password']",
        "password=args.password",
        "def login(user: str, password: str) -> None:",
        "token = tokenizer(text)",
        "Enter password:",
        "Failed password for root from 10.0.0.1 port 22 ssh2",
        "max_tokens=100 bypass=1 compass=north OLDPWD=/home/x",
        "pwd=/home/user",
        "commit 3f2a9c1e0b8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f md5 d41d8cd98f00b204e9800998ecf8427e",
        "nmap -p 22 10.0.0.1; ssh -p 2222 host",
        "password=abc",
        "password=[REDACTED password]",
        "pip install scikit-learn  # sk-learn",
    ],
)
def test_redact_ignores_placeholders_code_and_digests(text: str) -> None:
    assert find_secrets(text) == []
    assert redact(text) == text


def test_redact_keeps_changeme_as_a_real_weak_password() -> None:
    assert details("password=changeme") == [("password", "changeme")]


def test_redact_is_idempotent() -> None:
    text = (DATA / "env.txt").read_text() + (DATA / "id_rsa.txt").read_text()
    once = redact(text)
    assert redact(once) == once


def test_redact_leaves_text_without_secrets_unchanged() -> None:
    text = (DATA / "pytest_traceback.txt").read_text()
    assert redact(text) is text


def test_find_secrets_are_sorted_and_do_not_overlap() -> None:
    text = f"Authorization: Bearer {JWT}\npassword={GITHUB_TOKEN} x AKIAIOSFODNN7EXAMPLE"
    secrets = find_secrets(text)
    assert [s.detail for s in secrets] == ["jwt", "token", "aws_access_key"]
    for a, b in itertools.pairwise(secrets):
        assert a.end <= b.start
    for s in secrets:
        assert isinstance(s, Secret)
        assert text[s.start : s.end] == s.value
        assert s.detail in SECRET_DETAILS


def test_entities_report_the_same_secrets_as_redact() -> None:
    text = (DATA / "env.txt").read_text()
    from_entities = [
        (m.detail, m.value, m.start) for m in extract_entities(text) if m.kind == "secret"
    ]
    from_redact = [(s.detail, s.value, s.start) for s in find_secrets(text)]
    assert from_entities == from_redact


def test_redact_value_hides_secrets_behind_a_stable_fingerprint() -> None:
    a = redact_value("secret", "password", "hunter22")
    assert a.startswith("[REDACTED password] #")
    assert len(a.rsplit("#", 1)[1]) == 6
    assert a == redact_value("secret", "password", "hunter22")
    assert a != redact_value("secret", "password", "hunter23")
    assert "hunter22" not in a


def test_redact_value_shows_other_kinds_as_they_are() -> None:
    assert redact_value("host", "", "example.com") == "example.com"
    assert redact_value("url", "h", "http://h/x") == "http://h/x"


def test_redact_is_fast_on_adversarial_input() -> None:
    for text in ("password=" * 11_111, "-----BEGIN RSA PRIVATE KEY-----\n" * 3_125, "a:" * 50_000):
        start = time.perf_counter()
        redact(text)
        assert time.perf_counter() - start < 2.0  # linear ~0.1 s; backtracking: minutes
