# ruff: noqa: E501  (text data: one line each)
"""Slot values for the synthetic telemetry: hosts, users, paths, domains, tools.

``Slots`` fills ``{{name}}`` placeholders in a template with values drawn from one
``random.Random``, so the same seed always gives the same text. An actor keeps
its own environment (its target network, C2 domain, project names), so the
texts of one actor are consistent with each other.
"""

from __future__ import annotations

import random
import re
import string
from dataclasses import dataclass, field

__all__ = ["Environment", "fill"]

_FIRST = [
    "alice",
    "bob",
    "carol",
    "dave",
    "erin",
    "frank",
    "grace",
    "heidi",
    "ivan",
    "judy",
    "mallory",
    "oscar",
    "peggy",
    "rupert",
    "sybil",
    "trent",
    "victor",
    "walter",
    "yusuf",
    "mei",
    "ana",
    "lars",
    "ingrid",
    "tomas",
    "nadia",
    "omar",
    "priya",
    "kenji",
    "sofia",
]
_ORGS = [
    "acme",
    "globex",
    "initech",
    "umbrella",
    "hooli",
    "vandelay",
    "stark",
    "wayne",
    "wonka",
    "tyrell",
    "cyberdyne",
    "soylent",
    "massive",
    "aperture",
    "oscorp",
    "nakatomi",
    "gringotts",
    "monarch",
    "pied-piper",
    "blueshift",
    "northwind",
    "contoso",
    "fabrikam",
    "tailspin",
    "adatum",
    "litware",
    "woodgrove",
]
_WORDS = [
    "update",
    "cdn",
    "sync",
    "cloud",
    "static",
    "telemetry",
    "metrics",
    "api",
    "auth",
    "login",
    "secure",
    "portal",
    "mail",
    "docs",
    "files",
    "share",
    "backup",
    "status",
    "edge",
    "assets",
    "content",
    "service",
    "node",
    "relay",
    "check",
    "office",
]
_TLDS = ("com", "net", "org", "io", "xyz", "top", "info", "biz", "cc", "online", "site")
_HOST_ROLES = [
    "dc01",
    "dc02",
    "fs01",
    "fs02",
    "web01",
    "web-prod-3",
    "app02",
    "db-prod-01",
    "sql01",
    "mail01",
    "jump01",
    "build-srv",
    "git01",
    "vpn-gw",
    "hr-ws-114",
    "fin-ws-07",
    "dev-ws-22",
    "backup01",
    "k8s-node-4",
    "ci-runner-2",
]
_DIRS_WIN = (
    r"C:\Users\Public",
    r"C:\ProgramData\Microsoft\Crypto",
    r"C:\Windows\Temp",
    r"%APPDATA%\Microsoft\Windows",
    r"%LOCALAPPDATA%\Temp",
    r"C:\Users\{user}\Documents",
)
_DIRS_NIX = ("/tmp", "/var/tmp", "/dev/shm", "/opt/app", "/home/{user}", "/srv/data", "/var/www")
_PROJECTS = [
    "nightowl",
    "phantom",
    "shadowpay",
    "ghostkey",
    "silentfox",
    "darkmail",
    "viper-loader",
    "kraken",
    "moth",
    "blackice",
    "wraith",
    "hydra-rat",
    "nullbyte",
    "lynx",
]
_PROC = ("svchost.exe", "explorer.exe", "RuntimeBroker.exe", "notepad.exe", "dllhost.exe")
_EXT = ("docx", "xlsx", "pdf", "pptx", "txt", "kdbx", "csv", "sql")
_LANGS = ("Python", "C#", "C++", "Go", "Rust", "PowerShell", "C", "Nim")
_BROWSERS = ("Chrome", "Edge", "Brave", "Firefox", "Opera")
_AV = ("Windows Defender", "Defender for Endpoint", "CrowdStrike Falcon", "SentinelOne", "ESET")


@dataclass
class Environment:
    """One actor's world: the values its texts reuse (its targets, its C2, its names)."""

    rng: random.Random
    net: str = ""
    org: str = ""
    domain: str = ""
    c2: str = ""
    c2_ip: str = ""
    project: str = ""
    lang: str = ""
    user: str = ""
    hosts: list[str] = field(default_factory=list)
    ips: list[str] = field(default_factory=list)

    @classmethod
    def new(cls, rng: random.Random) -> Environment:
        env = cls(rng)
        a, b = rng.choice((10, 172, 192)), rng.randrange(0, 250)
        if a == 172:
            b = rng.randrange(16, 32)
        if a == 192:
            a, b = 192, 168
        c = rng.randrange(0, 250)
        env.net = f"{a}.{b}.{c}"
        env.org = rng.choice(_ORGS)
        env.domain = f"{env.org}.{rng.choice(('local', 'corp', 'internal', 'lan'))}"
        env.c2 = f"{rng.choice(_WORDS)}-{rng.choice(_WORDS)}.{rng.choice(_TLDS)}"
        env.c2_ip = f"{rng.choice((45, 91, 185, 193, 198, 203))}.{rng.randrange(1, 255)}.{rng.randrange(1, 255)}.{rng.randrange(2, 254)}"
        env.project = rng.choice(_PROJECTS)
        env.lang = rng.choice(_LANGS)
        env.user = rng.choice(_FIRST)
        env.hosts = rng.sample(_HOST_ROLES, 6)
        env.ips = [f"{env.net}.{n}" for n in sorted(rng.sample(range(2, 250), 8))]
        return env

    def value(self, name: str) -> str:
        rng = self.rng
        match name:
            case "ip":
                return rng.choice(self.ips)
            case "ip2":
                return rng.choice(self.ips[4:])
            case "net":
                return f"{self.net}.0/24"
            case "host":
                return rng.choice(self.hosts)
            case "fqdn":
                return f"{rng.choice(self.hosts)}.{self.domain}"
            case "domain":
                return self.domain
            case "org":
                return self.org.capitalize()
            case "c2":
                return self.c2
            case "c2_ip":
                return self.c2_ip
            case "user":
                return rng.choice(_FIRST)
            case "me":
                return self.user
            case "admin":
                return rng.choice(("administrator", "svc_backup", "it-admin", "root", "deploy"))
            case "project":
                return self.project
            case "lang":
                return self.lang
            case "port":
                return str(rng.choice((443, 8443, 4444, 8080, 9001, 53, 8888, 1337)))
            case "proc":
                return rng.choice(_PROC)
            case "ext":
                return rng.choice(_EXT)
            case "browser":
                return rng.choice(_BROWSERS)
            case "av":
                return rng.choice(_AV)
            case "winpath":
                return rng.choice(_DIRS_WIN).replace("{user}", rng.choice(_FIRST))
            case "nixpath":
                return rng.choice(_DIRS_NIX).replace("{user}", rng.choice(_FIRST))
            case "n":
                return str(rng.randrange(3, 60))
            case "big":
                return f"{rng.randrange(2, 400):,}{rng.choice(('', ',000'))}".rstrip(",")
            case "hex":
                return "".join(rng.choice("0123456789abcdef") for _ in range(12))
            case "key":
                return "AKIA" + "".join(
                    rng.choice(string.ascii_uppercase + "234567") for _ in range(16)
                )
            case "secret":
                return "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(40))
            case "pw":
                return (
                    rng.choice(("Summer", "Winter", "Welcome", "Spring", "Passw0rd"))
                    + str(rng.randrange(2019, 2027))
                    + rng.choice("!#$@")
                )
            case "mins":
                return str(rng.choice((5, 10, 15, 30, 60)))
            case "date":
                return f"2025-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"
            case "size":
                return f"{rng.randrange(2, 900)}M"
        raise KeyError(name)


_SLOT = re.compile(r"\{\{([a-z_0-9]+)\}\}")


def fill(template: str, env: Environment) -> str:
    """``template`` with each ``{{slot}}`` replaced (a new draw per occurrence, but one
    value per slot name inside the same template, so a host named twice is the same host)."""
    chosen: dict[str, str] = {}

    def sub(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in chosen:
            chosen[name] = env.value(name)
        return chosen[name]

    return _SLOT.sub(sub, template)
