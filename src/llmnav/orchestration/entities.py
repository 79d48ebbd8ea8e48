"""Entity mentions (IPs, hosts, URLs, ports, accounts, secrets, cloud resources) in telemetry.

Agent telemetry is attacker-controlled text: shell commands in tool inputs,
tool outputs (scanner reports, file listings, tracebacks) and messages. This
module finds the entities in it with precompiled regular expressions and a
small shell-command reader, and never runs or evaluates anything.

Host names are matched for precision rather than recall: outside a network
context a dotted name is a host only when its last label is a real TLD that is
not also a common file extension or code attribute (``level2.py``,
``README.md``, ``os.path`` and ``django.db.models`` are not hosts). Inside a
network context (``ssh``, ``nc``, ``curl``, ``nmap``, ``-h HOST``, ``Host:``,
``remote("host", 1337)``...) any plausible host name counts.

>>> [(m.kind, m.value, m.detail) for m in extract_entities("ssh -i k admin@10.0.0.7")]
[('account', 'admin', 'admin@10.0.0.7'), ('ip', '10.0.0.7', '')]
>>> [m.value for m in network_targets("bash", "nc saturn.picoctf.net 52000; echo example.com")]
['saturn.picoctf.net']
>>> auth_files("ssh -i ~/.ssh/id_rsa -o IdentityFile=/tmp/k2 root@box")
['~/.ssh/id_rsa', '/tmp/k2']
>>> is_local_host("127.0.0.2"), is_local_host("169.254.169.254")
(True, False)
>>> host_matches("API.GitHub.com", ["github.com"]), host_matches("10.1.2.3", ["10.0.0.0/8"])
(True, True)
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Final, Literal

from llmnav.redact import _Lines, _lower, find_secrets

__all__ = [
    "ENTITY_KINDS",
    "EntityKind",
    "Mention",
    "auth_files",
    "extract_entities",
    "host_matches",
    "is_local_host",
    "network_targets",
]

EntityKind = Literal["ip", "host", "url", "port", "account", "secret", "cloud_resource"]
ENTITY_KINDS: Final[tuple[str, ...]] = (
    "ip",
    "host",
    "url",
    "port",
    "account",
    "secret",
    "cloud_resource",
)


@dataclass(frozen=True, slots=True)
class Mention:
    """One entity mentioned in a text, with its span ``text[start:end]``.

    ``value`` is normalised: hosts lower-case without a trailing dot, IPs in
    canonical form (a CIDR gives its network and ``detail`` ``"cidr"``), URLs as
    written minus trailing punctuation, account names lower-case, secrets as
    written. ``detail`` is the sub-kind: for a secret one of
    :data:`llmnav.redact.SECRET_DETAILS`; for a cloud resource ``arn``,
    ``aws_instance``, ``s3_bucket``, ``gcs_bucket``, ``gcp_project`` or
    ``azure_resource``; for a URL its host; for a port its protocol (nmap
    output) or host; for an account where it was seen (``user@host``,
    ``DOMAIN\\user``, ``passwd``, ``shadow``, ``option``, ``email``).
    """

    kind: EntityKind
    value: str
    start: int
    end: int
    detail: str = ""


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# --- TLDs ---------------------------------------------------------------------------

_CC = (
    "ad ae af ag ai al ao aq ar au aw az ba bb bd be bf bg bh bi bj bm bn bo br bs bt bw by bz "
    "ca cd cf cg ch ci ck cm cn co cr cv cw cx cy cz de dj dk dm dz ec ee eg er et eu fi fj fk "
    "fm fo fr ga gf gg gh gi gm gn gp gq gr gu gw gy hk hm hn hr ht hu ie il im io iq ir je jm "
    "jo jp ke kg kh ki km kn kp kr kw ky kz lb lc li lk lr lu lv ly mc me mg mh mn mp mq mr mt "
    "mu mw mx my mz nf ng ni nl np nr nu nz om pa pe pf pg ph pk pn pr pw qa ro ru rw sa sb sd "
    "se sg si sk sl sm sn sr ss su sx sy sz tc tg tj tl tm tn tt tv tw tz ua ug uk us uy uz va "
    "vc ve vg vi vn vu wf ws ye yt za zm zw"
)
_GENERIC = (
    "com net org edu gov mil biz xyz online club live tech dev blog website icu vip ninja "
    "rocks asia tel travel jobs museum aero coop"
)
_INTERNAL = (
    "local localdomain localhost internal lan corp home intranet test example invalid arpa "
    "onion htb thm vm priv"
)
# TLDs that are also file extensions or common attribute names in code.
_COLLIDING = (
    "py sh md rs pl pm so cc ms ps pt mk am ac la ml mo nc tf sc st gs sv cl re id is it at "
    "to as in no do ax cu mm gd gt lt ge ne tr th td ls mv es gl ma na tk "
    "name run zip mov app pro cat zone mobi email network security services support center "
    "group company global city help systems today world work news digital tools social chat "
    "space page link store shop cloud site top int fun art info"
)
_BARE_TLDS: Final[frozenset[str]] = _words(f"{_CC} {_GENERIC} {_INTERNAL}")
_ALL_TLDS: Final[frozenset[str]] = _BARE_TLDS | _words(_COLLIDING)
_GENERIC_TLDS: Final[frozenset[str]] = _words(_GENERIC)
_INTERNAL_TLDS: Final[frozenset[str]] = _words(_INTERNAL)
# Country TLDs common enough in host names to trust in a two-label name.
_POPULAR_CC: Final[frozenset[str]] = _words(
    "io ai co me tv ly gg uk de fr ru cn jp br au ca nl ch se be dk fi cz kr tw hk sg ir ua kz "
    "su pw ws nz za mx ar vn my pk bd ng ke eg il gr hu ro bg sk si hr lt lv ee ie eu us cx"
)
_CODE_HEADS: Final[frozenset[str]] = _words(
    "threading self this cls os sys np pd java javax super args kwargs obj ctx req request "
    "response resp res err ex df module config settings app window document console math json"
)

# --- regular expressions ------------------------------------------------------------

_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
_IPV4 = re.compile(r"\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}(?:/(\d{1,2})(?![\w/.]))?")
_IPV4_EXACT = re.compile(rf"(?:{_OCTET}\.){{3}}{_OCTET}(?:/\d{{1,2}})?")
_IPV6 = re.compile(
    r"(?<![\w:.])(?=[0-9A-Fa-f:]*\d)(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\w:])"
)
_HOSTTOK = re.compile(r"(?<![\w.@-])[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){1,10}(?!\.?[\w-])")
_LOCALHOST = re.compile(r"(?i)(?<![\w.-])localhost(?![\w-])")
_URL_SCHEMES: Final[frozenset[str]] = _words(
    "http https ftp ftps sftp ssh smb ldap ldaps s3 gs ws wss tftp rdp redis mongodb "
    "mongodb+srv postgres postgresql mysql amqp amqps git svn"
)
_URL_SEP = re.compile(r"://")
_URL_SCHEME = re.compile(r"(?i)(?<![\w.-])(?:jdbc:)?([a-z][a-z0-9]{1,11}(?:\+[a-z]{1,8})?)$")
_URL_BODY = re.compile(r"[^\s\"'<>`{}|\\^]{1,4096}")
_EMAIL = re.compile(
    r"(?<![\w.%+:/-])([A-Za-z0-9][A-Za-z0-9._%+-]{0,63})@"
    r"(\[?[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252}[A-Za-z0-9])?\]?)(?![\w-])"
)
_NMAP_PORT = re.compile(r"(?<![\w/.])(\d{1,5})/(tcp|udp|sctp)\b")
_PORT_OPT = re.compile(
    r"(?i)(?<!\S)(?:-p|--port|-port|-P)(?:=|[ \t]*)(\d{1,5}(?:[,-]\d{1,5})*)(?![\w.])"
)
_PORT_KW = re.compile(r"(?i)\bport[\"']?\s*[=:]\s*[\"']?(\d{1,5})\b")
_USER_OPT = re.compile(
    r"(?i)(?:(?<!\S)(?:--user(?:name)?|--login|-u|-U|-l)(?:=|[ \t]+)|(?<!\S)/u:)[\"']?"
    r"(?:[\w.-]{1,64}\\{1,2})?([^\s\"'/:%;&|\\]{1,64})"
)
_USER_ENV = re.compile(
    r"(?<![\w$])(?:USER|USERNAME|LOGNAME|DB_USER|MYSQL_USER|PGUSER)=([^\s\"'$;]{1,64})"
)
_DOMAIN_USER = re.compile(r"\\{1,2}([A-Za-z][\w.$-]{0,62})(?![\w\\])")
_UPPER_DOMAIN = re.compile(r"^[A-Z][A-Z0-9-]{1,62}$")
# What follows a backslash in escape sequences: \n..., \x41, \u00e9
_ESCAPE_LIKE = re.compile(r"^(?:[ntr][A-Z0-9]|x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4})")
_DOMAIN_BEFORE = re.compile(r"(?<![\\\w:/.])[A-Za-z][\w.-]{0,62}$")
_PASSWD_LINE = re.compile(
    r"(?m)^([a-z_][a-z0-9_.-]{0,31}\$?):([^:\n]{0,200}):(\d{1,10}):(\d{1,10}):[^:\n]{0,200}:"
    r"[^:\n]{0,200}:[^:\n]{0,200}$"
)
_SHADOW_LINE = re.compile(r"(?m)^([a-z_][a-z0-9_.-]{0,31}\$?):[^:\n]{0,400}:\d*:\d*:\d*:\d*:")
_NET_USER = re.compile(r"(?i)net1?(?:\.exe)?[ \t]+user[ \t]+(?!/)(\"[^\"\n]{1,64}\"|[^\s/]{1,64})")
_ARN = re.compile(
    r"(?<![\w:])arn:aws[\w-]{0,20}:[\w-]{1,64}:[\w-]{0,32}:\d{0,12}:[^\s\"',;)}\]]{1,1024}"
)
_EC2 = re.compile(r"(?<![\w-])i-(?:[0-9a-f]{17}|[0-9a-f]{8})(?![\w-])")
_S3_HOSTED = re.compile(
    r"(?i)(?<![\w.-])([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\.s3[.-](?:[a-z0-9-]+\.)?amazonaws\.com"
)
_GCP_PROJECT = re.compile(
    r"(?<![\w-])(?:projects/|--project[= ]|gcloud config set project |gcloud projects \w+ )"
    r"([a-z][a-z0-9-]{4,28}[a-z0-9])(?![\w-])"
)
_AZURE = re.compile(
    r"(?i)/subscriptions/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
    r"(?:/resourceGroups/[\w.()-]{1,90}(?:/providers/[\w.()/-]{1,400})?)?"
)
_UNC = re.compile(r"(?<![\\\w])\\\\([A-Za-z0-9][A-Za-z0-9.-]{1,252})\\[\w$.-]")
_HOST_KW_LITERALS: Final[tuple[str, ...]] = (
    "host:",
    "--host",
    "host",
    "server",
    "/",
    "-computername",
)
# Host-naming contexts, matched on the lower-cased text: (pattern, how sure, 1 or 2).
_HOST_KW: Final[tuple[tuple[re.Pattern[str], int], ...]] = tuple(
    (re.compile(prefix + r"[\"']?(\[[0-9a-f:]+\]|[a-z0-9][a-z0-9.-]{0,252})"), sure)
    for prefix, sure in (
        (r"(?m)^[ \t]*host:[ \t]*", 1),
        (r"(?<!\S)--host(?:name)?(?:=|[ \t]+)", 2),
        (r"\bhost(?:name)?[ \t]*=[ \t]*(?=[\"'])", 1),
        (r"\bserver[ \t]*=[ \t]*(?=[\"'])", 1),
        (r"/(?:v|node):", 2),
        (r"-computername[ \t]+", 2),
    )
)
_CODE_NET: Final[tuple[str, ...]] = (
    "requests.",
    "urllib",
    "urlopen",
    "httpx",
    "aiohttp",
    "http.client",
    "socket",
    "remote(",
    "fetch(",
    "axios",
    "webclient",
    "downloadstring",
    "downloadfile",
    "webrequest",
    "restmethod",
    "net::http",
    "open-uri",
    "tcpsocket",
    "httpclient",
    "xmlhttprequest",
    "paramiko",
    "ftplib",
    "smtplib",
    "telnetlib",
    "pwn",
    "create_connection",
    "getaddrinfo",
    "gethostbyname",
)
_CODE_ARG = re.compile(
    r"\(\s*\(?\s*([\"'])([A-Za-z0-9.:\[\]-]{1,253})\1(?:\s*,\s*(?:port\s*=\s*)?(\d{1,5}))?"
)
_CODE_FUNC = re.compile(
    r"(?:\bremote|\.connect(?:_ex)?|create_connection|HTTPS?Connection|gethostbyname(?:_ex)?|"
    r"getaddrinfo|\bFTP(?:_TLS)?|\bSMTP(?:_SSL)?|\bTelnet|TCPSocket(?:\.new|\.open)?)\s*$"
)
# The first word of each shell command segment (after a line start, ;, &&, |, $( or `).
_FIRST_WORD = re.compile(
    r"(?m)(?:^|[;|&`]|\$\(|:[ \t]*(?=\"))[ \t]*[\"'(]*([A-Za-z][\w.\\/+-]{0,60})"
)
_SEGMENT_SPLIT = re.compile(r"\r?\n|;|&&|\|\|?")
# One shell word: quoted parts stay together ("Host: x", -p'my pass').
_ARG = re.compile(r"(?:\"[^\"\n]*\"|'[^'\n]*'|[^\s\"']|[\"'])+")

_NET_CMDS: Final[frozenset[str]] = _words(
    "ssh scp sftp rsync ssh-copy-id sshfs autossh mosh nc ncat netcat telnet socat curl wget "
    "http https aria2c lynx nmap masscan rustscan ping ping6 fping hping3 arping traceroute "
    "tracepath mtr dig nslookup host whois drill ftp lftp tftp smbclient smbmap rpcclient "
    "enum4linux enum4linux-ng mysql mariadb psql mongo mongosh redis-cli ldapsearch snmpwalk "
    "onesixtyone xfreerdp wfreerdp rdesktop evil-winrm crackmapexec cme netexec nxc hydra "
    "medusa sqlmap nikto gobuster ffuf feroxbuster dirb dirsearch wfuzz whatweb wpscan nuclei "
    "git pip pip3 psexec psexec.py wmiexec.py smbexec.py secretsdump.py kerbrute "
    "invoke-webrequest iwr invoke-restmethod irm test-netconnection tnc test-connection "
    "enter-pssession new-pssession invoke-command start-bitstransfer resolve-dnsname wmic "
    "certutil bitsadmin openssl mount"
)
# Commands that only reach URLs (and git's user@host: remotes), never bare names.
_URL_ONLY: Final[frozenset[str]] = _words(
    "git pip pip3 certutil bitsadmin start-bitstransfer mount"
)
# Commands whose first positional argument is a host even without a dot.
_FIRST_IS_HOST: Final[frozenset[str]] = _words(
    "ssh sftp mosh nc ncat netcat telnet ping ping6 fping hping3 arping traceroute tracepath "
    "mtr ftp lftp tftp nslookup host whois drill autossh ssh-copy-id test-netconnection tnc "
    "test-connection enter-pssession new-pssession resolve-dnsname rpcclient"
)
# Commands whose positionals are only remote when written user@host: or host:path.
_REMOTE_FORM: Final[frozenset[str]] = _words("scp rsync sshfs")
_PORT_ARG_CMDS: Final[frozenset[str]] = _words("nc ncat netcat telnet")
_WRAPPERS: Final[frozenset[str]] = _words(
    "sudo env timeout nohup time exec eval bash sh zsh dash ksh powershell powershell.exe pwsh "
    "cmd cmd.exe iex invoke-expression proxychains proxychains4 torsocks tsocks sshpass xargs "
    "watch strace nice ionice stdbuf doas runas start-process"
)
_HOST_OPTS: Final[frozenset[str]] = _words(
    "-h --host --hostname -H -J -x --proxy -computername -cn -connect --server -target "
    "--target -t -i -d"
)
_SKIP_OPTS: Final[frozenset[str]] = _words(
    "-o -O -T -F -K -c -b -A -e -w -P -X -u -l -L -U -p -E -m -S -W -R -D -Q -I -i -d -H -oN "
    "-oX -oG -oA -iL --output --output-document --input-file --config --data --data-binary "
    "--data-raw "
    "--data-urlencode --cert --key --cacert --user-agent --request --user --script "
    "--script-args --wordlist --header -outfile -method -body -headers -port "
    "-credential -command -scriptblock -filepath --rate "
    "--exclude --excludefile"
)
# Options of specific commands that take a host value; -i, -t, -d and -H are host options
# only for these.
_HOST_OPT_CMDS: Final[dict[str, frozenset[str]]] = {
    "-i": frozenset({"evil-winrm"}),
    "-t": frozenset({"kerbrute", "hydra", "medusa"}),
    "-d": frozenset({"kerbrute"}),
    "-H": frozenset({"smbmap", "medusa", "ldapsearch"}),
    "-x": frozenset({"curl"}),
}
_STRIP = "\"'`(),;{}[]"


# --- helpers ------------------------------------------------------------------------


_IP_LIKE = re.compile(r"\[?[0-9A-Fa-f:.]+\]?(?:%\w+)?(?:/\d{1,3})?")


def _ip_value(token: str) -> tuple[str, str] | None:
    """``(canonical value, detail)`` when ``token`` is an IP address or IPv4 network."""
    if not _IP_LIKE.fullmatch(token) or ("." not in token and ":" not in token):
        return None
    try:
        if "/" in token:
            net = ipaddress.ip_network(token, strict=False)
            return str(net), "cidr"
        return str(ipaddress.ip_address(token.strip("[]"))), ""
    except ValueError:
        return None


_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")


def _host_value(token: str, *, network: bool, single_ok: int = 0) -> str | None:
    """The normalised host name ``token`` stands for, or None when it is not one.

    ``single_ok`` says how sure the context is that ``token`` is a host: 0 not
    at all (only real TLDs), 1 a little (a one-label name needs a digit or a
    hyphen, like ``web01`` or ``internal-api``), 2 sure (any name).
    """
    value = token.lower().rstrip(".")
    if not value or len(value) > 253:
        return None
    labels = value.split(".")
    if not all(_LABEL.match(label) for label in labels):
        return None
    if value == "localhost":
        return value
    if len(labels) == 1:
        ok = single_ok > 0 and not value.isdigit() and any(c.isalpha() for c in value)
        if single_ok == 1:
            ok = ok and any(c.isdigit() or c == "-" for c in value)
        return value if ok else None
    tld = labels[-1]
    if not tld.isalpha():
        return None
    if single_ok == 2 or (network and tld in _ALL_TLDS):
        return value
    if network or tld not in _BARE_TLDS or labels[0] in _CODE_HEADS:
        return None
    # name.cc is as often attribute access (bounds.lb, dtype.tz) as a host
    two_label_doubt = tld in _INTERNAL_TLDS or tld not in _POPULAR_CC or len(labels[0]) < 3
    if len(labels) == 2 and tld not in _GENERIC_TLDS and two_label_doubt:
        return None
    return value


def _url_host(url: str) -> tuple[str, int, int] | None:
    """The host of ``url`` with its offsets inside the URL."""
    start = url.find("://") + 3
    rest_end = len(url)
    for ch in "/?#":
        pos = url.find(ch, start)
        if pos >= 0:
            rest_end = min(rest_end, pos)
    at = url.rfind("@", start, rest_end)
    if at >= 0:
        start = at + 1
    if url.startswith("[", start):
        close = url.find("]", start)
        if close < 0:
            return None
        return url[start + 1 : close], start + 1, close
    end = start
    while end < rest_end and url[end] != ":":
        end += 1
    return url[start:end], start, end


def _trim_url(url: str) -> str:
    while url and url[-1] in ".,;:!?'\"":
        url = url[:-1]
    while url and url[-1] in ")]}":
        opener = {")": "(", "]": "[", "}": "{"}[url[-1]]
        if url.count(opener) >= url.count(url[-1]):
            break
        url = url[:-1]
        while url and url[-1] in ".,;:!?'\"":
            url = url[:-1]
    return url


def _host_or_ip(value: str, start: int, end: int, single_ok: int = 2) -> Mention | None:
    ip = _ip_value(value)
    if ip is not None:
        return Mention("ip", ip[0], start, end, ip[1])
    host = _host_value(value, network=True, single_ok=single_ok)
    if host is not None:
        return Mention("host", host, start, end)
    return None


def _url_mentions(url: str, start: int) -> Iterator[Mention]:
    end = start + len(url)
    parsed = _url_host(url)
    host = parsed[0] if parsed else ""
    yield Mention("url", url, start, end, host.lower())
    if parsed is None or not host:
        return
    _, hs, he = parsed
    scheme = url[: url.find("://")].lower()
    if scheme in ("s3", "gs"):
        detail = "s3_bucket" if scheme == "s3" else "gcs_bucket"
        yield Mention("cloud_resource", host, start + hs, start + he, detail)
        return
    mention = _host_or_ip(host, start + hs, start + he)
    if mention is None:
        return
    yield mention
    close = he + 1 if url[he : he + 1] == "]" else he
    port = re.match(r":(\d{1,5})(?!\d)", url[close:])
    if port and 0 < int(port.group(1)) < 65536:
        ps = start + close + 1
        yield Mention("port", str(int(port.group(1))), ps, ps + len(port.group(1)), mention.value)


def _port_after(text: str, end: int, host: str) -> Mention | None:
    m = re.match(r":(\d{1,5})(?![\d.:])", text[end : end + 7])
    if m and 0 < int(m.group(1)) < 65536:
        return Mention("port", str(int(m.group(1))), end + 1, end + 1 + len(m.group(1)), host)
    return None


def _segments(text: str) -> Iterator[tuple[int, str]]:
    """Shell command segments of ``text`` (split on newlines, ``;``, ``&&``, ``|``)."""
    pos = 0
    for m in _SEGMENT_SPLIT.finditer(text):
        if m.start() > pos:
            yield pos, text[pos : m.start()]
        pos = m.end()
    if pos < len(text):
        yield pos, text[pos:]


def _clean(token: str) -> tuple[str, int]:
    """``token`` without surrounding quotes and brackets, and the offset removed on the left."""
    left = 0
    if token.startswith("$("):
        left = 2
    while left < len(token) and token[left] in _STRIP:
        left += 1
    right = len(token)
    while right > left and token[right - 1] in _STRIP:
        right -= 1
    return token[left:right], left


def _command_name(token: str) -> str:
    name = token.lower().replace("\\", "/").rsplit("/", 1)[-1]
    return name[:-4] if name.endswith(".exe") else name


MAX_ARGS: Final = 256  # arguments read per command; real commands have fewer


def _argv_targets(seg_start: int, seg: str) -> Iterator[Mention]:
    """The host, IP and URL mentions a shell command segment reaches (with ports)."""
    args = []
    for m in _ARG.finditer(seg):
        args.append((seg_start + m.start(), m.group()))
        if len(args) >= MAX_ARGS:
            break
    index = 0
    cmd = ""
    wrapped = False
    while index < len(args) and index < 16:
        offset, raw = args[index]
        token, left = _clean(raw)
        index += 1
        if any(c.isspace() for c in token):  # bash -c "curl ...", powershell -c '...'
            if wrapped:
                yield from _argv_targets(offset + left, token)
            return
        name = _command_name(token)
        if name in _NET_CMDS or name.startswith("impacket-"):
            cmd = name
            break
        if name in _WRAPPERS:
            wrapped = True
            continue
        if wrapped or "=" in token or token.startswith("-") or token.isdigit():
            continue
        if token.lower().startswith(("(new-object", "new-object")):
            continue
        return
    if not cmd:
        return
    url_only = cmd in _URL_ONLY
    positional = 0
    expect_host = False
    skip = False
    for offset, raw in args[index:]:
        token, left = _clean(raw)
        start = offset + left
        if not token:
            continue
        if any(c.isspace() for c in token):  # a header, a remote command, a script
            skip = expect_host = False
            continue
        low = token.lower()
        if "://" in token:
            skip = expect_host = False
            for url, url_start in _urls(token):
                yield from _url_mentions(url, start + url_start)
            continue
        if skip:
            skip = False
            continue
        host_opt = expect_host
        expect_host = False
        if token.startswith("-") and len(token) > 1:
            opt, eq, value = token.partition("=")
            is_host_opt = (
                opt in _HOST_OPTS or opt.lower() in ("-computername", "-cn", "-connect")
            ) and (opt not in _HOST_OPT_CMDS or cmd in _HOST_OPT_CMDS[opt])
            if is_host_opt and not url_only:
                if eq:
                    token, start, host_opt = value, start + len(opt) + 1, True
                else:
                    expect_host = True
                    continue
            else:
                skip = not eq and (opt in _SKIP_OPTS or opt.lower() in _SKIP_OPTS)
                continue
        elif token.startswith("+"):
            continue
        for prefix in ("/v:", "/node:", "tcp:", "tcp4:", "tcp6:", "udp:", "@"):
            if low.startswith(prefix) and not url_only:
                token, start, host_opt = token[len(prefix) :], start + len(prefix), True
                break
        if token.isdigit() and cmd in _PORT_ARG_CMDS and len(token) <= 5:
            if 0 < int(token) < 65536:
                yield Mention("port", str(int(token)), start, start + len(token))
            continue
        if not host_opt:
            positional += 1
        yield from _target_token(token, start, cmd, positional, host_opt, url_only)


def _target_token(
    token: str, start: int, cmd: str, positional: int, host_opt: bool, url_only: bool
) -> Iterator[Mention]:
    remote_only = cmd in _REMOTE_FORM or url_only
    host_start = start
    host = token
    rest = ""
    if token.startswith(("//", "\\\\")):
        body = token[2:]
        host = re.split(r"[\\/]", body)[0]
        host_start = start + 2
        rest = body[len(host) :]
        host_opt = True
    elif "@" in token:
        at = token.rfind("@")
        host = token[at + 1 :]
        host_start = start + at + 1
        host_opt = True
    elif remote_only and (":" not in token or token.startswith("/")):
        return
    if url_only and not rest and "@" not in token:
        return
    if host.startswith("["):
        close = host.find("]")
        if close < 0:
            return
        after = host[close + 1 :]
        host, rest, host_start = host[1:close], after, host_start + 1
    elif host.count(":") == 1 or (host.count(":") > 1 and "::" not in host):
        host, _, tail = host.partition(":")
        rest = ":" + tail
    elif "/" in host and _ip_value(host) is None:
        return
    single_ok = 2 if host_opt else 1 if (positional == 1 and cmd in _FIRST_IS_HOST) else 0
    mention = _host_or_ip(host, host_start, host_start + len(host), single_ok=single_ok)
    if mention is None:
        return
    yield mention
    port = re.match(r":(\d{1,5})$", rest)
    if port and 0 < int(port.group(1)) < 65536:
        ps = host_start + len(host) + 1
        yield Mention("port", str(int(port.group(1))), ps, ps + len(port.group(1)), mention.value)


def _urls(text: str) -> Iterator[tuple[str, int]]:
    """Each URL in ``text`` (trailing punctuation removed) with its offset."""
    last_end = 0
    for sep in _URL_SEP.finditer(text):
        if sep.start() < last_end:
            continue
        scheme = _URL_SCHEME.search(text, max(0, sep.start() - 22), sep.start())
        if scheme is None:
            continue
        name, start = scheme.group(1).lower(), scheme.start(1)
        if name not in _URL_SCHEMES and "+" in name:  # git+https://, svn+ssh://
            plus = name.index("+") + 1
            name, start = name[plus:], start + plus
        if name not in _URL_SCHEMES:
            continue
        body = _URL_BODY.match(text, sep.end())
        if body is None:
            continue
        url = _trim_url(text[start : body.end()])
        if len(url) > sep.end() - start:
            last_end = start + len(url)
            yield url, start


def _code_targets(text: str) -> Iterator[Mention]:
    """Targets of network code (Python sockets and HTTP, pwntools, .NET WebClient...)."""
    low = text.lower()
    if not any(marker in low for marker in _CODE_NET):
        return
    for m in _CODE_ARG.finditer(text):
        if not _CODE_FUNC.search(text, max(0, m.start() - 40), m.start()):
            continue
        mention = _host_or_ip(m.group(2), m.start(2), m.end(2))
        if mention is None:
            continue
        yield mention
        if m.group(3) and 0 < int(m.group(3)) < 65536:
            yield Mention("port", str(int(m.group(3))), m.start(3), m.end(3), mention.value)
    for url, url_start in _urls(text):
        yield from _url_mentions(url, url_start)


def _command_segments(text: str) -> Iterator[tuple[int, str]]:
    """The shell command segments of ``text`` that start with a network command or wrapper."""
    last = -1
    for m in _FIRST_WORD.finditer(text):
        name = _command_name(m.group(1))
        if name not in _NET_CMDS and name not in _WRAPPERS and not name.startswith("impacket-"):
            continue
        start = m.start(1)
        if start < last:
            continue
        end = _SEGMENT_SPLIT.search(text, start)
        last = end.start() if end else len(text)
        yield start, text[start:last]


def _command_targets(text: str) -> Iterator[Mention]:
    for seg_start, seg in _command_segments(text):
        yield from _argv_targets(seg_start, seg)


def _dedupe(mentions: Iterable[Mention]) -> list[Mention]:
    seen: dict[tuple[str, int, int], Mention] = {}
    for m in mentions:
        seen.setdefault((m.kind, m.start, m.end), m)
    return sorted(seen.values(), key=lambda m: (m.start, m.end, ENTITY_KINDS.index(m.kind)))


# --- public API ---------------------------------------------------------------------


def _network_mentions(text: str) -> Iterator[Mention]:
    for url, url_start in _urls(text):
        yield from _url_mentions(url, url_start)
    for m in _IPV4.finditer(text):
        if m.start() > 0 and (text[m.start() - 1].isalnum() or text[m.start() - 1] in "_."):
            continue
        after = text[m.end() : m.end() + 2]
        if (after[:1].isalnum() or after[:1] == "_") or re.match(r"\.\d", after):
            continue
        if not _IPV4_EXACT.fullmatch(m.group()):
            continue
        value = _ip_value(m.group())
        if value is None or (m.group(1) is not None and int(m.group(1)) > 32):
            continue
        yield Mention("ip", value[0], m.start(), m.end(), value[1])
        if m.group(1) is None:
            port = _port_after(text, m.end(), value[0])
            if port:
                yield port
    if "::" in text or text.count(":") >= 7:
        for m in _IPV6.finditer(text):
            token = m.group()
            if token.startswith(":") and not token.startswith("::"):
                continue
            if "::" not in token and token.count(":") != 7:
                continue
            if (
                m.start() > 0
                and text[m.start() - 1] == "["
                and (
                    not text.startswith("]", m.end())
                    or re.match(r"[\w)\]]", text[m.start() - 2 : m.start() - 1] or " ")
                )
            ):
                continue
            if token != "::1" and max(len(group) for group in token.split(":")) < 3:
                continue  # 1::2 and ::7 are slices and scopes, not addresses
            value = _ip_value(token)
            if value is not None:
                yield Mention("ip", value[0], m.start(), m.end())
    for m in _HOSTTOK.finditer(text):
        if text.startswith("(", m.end()) or text.startswith("@", m.end()):
            continue
        host = _host_value(m.group(), network=False)
        if host is not None:
            yield Mention("host", host, m.start(), m.end())
            port = _port_after(text, m.end(), host)
            if port:
                yield port
    for m in _LOCALHOST.finditer(text):
        yield Mention("host", "localhost", m.start(), m.end())
        port = _port_after(text, m.end(), "localhost")
        if port:
            yield port
    if "\\\\" in text:
        for m in _UNC.finditer(text):
            mention = _host_or_ip(m.group(1), m.start(1), m.end(1))
            if mention:
                yield mention
    low = _lower(text)
    for literal, (pattern, sure) in zip(_HOST_KW_LITERALS, _HOST_KW, strict=True):
        if literal not in low:
            continue
        for m in pattern.finditer(low):
            named = text[m.start(1) : m.end(1)].strip("[]")
            mention = _host_or_ip(named, m.start(1), m.end(1), sure)
            if mention:
                yield mention
    yield from _command_targets(text)
    yield from _code_targets(text)


_SSH_LINE = re.compile(r"(?i)\b(?:ssh|scp|sftp|rsync|sshfs|ssh-copy-id|autossh|mosh|git)\b")
_USER_CMD_LINE = re.compile(
    r"(?i)\b(?:mysql|mysqldump|mariadb|psql|pg_dump|curl|smbclient|crackmapexec|cme|netexec|"
    r"nxc|evil-winrm|hydra|medusa|ssh|rpcclient|mongo|mongosh|redis-cli|impacket-\w+|"
    r"psexec|wmiexec|smbexec|secretsdump|kerbrute|xfreerdp|smbmap|ldapsearch|ftp)\b"
)
_PASSWORD_P_LINE = re.compile(
    r"(?i)\b(?:sshpass|crackmapexec|cme|netexec|nxc|evil-winrm|hydra|psexec|impacket-\w+|"
    r"smbmap|wmiexec|mysql|mysqldump|mariadb|kerbrute)\b"
)


def _account_mentions(text: str, lines: _Lines) -> Iterator[Mention]:
    if "@" in text:
        for m in _EMAIL.finditer(text):
            user, host = m.group(1), m.group(2)
            after = text[m.end() : m.end() + 1]
            if after == ":" or lines.has(m.start(), _SSH_LINE):
                target = _host_or_ip(host.strip("[]"), m.start(2), m.end(2))
                if target is None:
                    continue
                yield Mention("account", user.lower(), m.start(1), m.end(1), f"{user}@{host}")
                yield target
            elif _host_value(host, network=False) is not None:
                address = m.group().lower()
                yield Mention("account", address, m.start(), m.end(), "email")
    options = ("-u", "-U", "-l", "--user", "--login", "/u:")
    for m in _USER_OPT.finditer(text) if any(o in text for o in options) else ():
        if lines.has(m.start(), _USER_CMD_LINE):
            name = m.group(1)
            if not name.startswith(("$", "<", "-")) and not name.isdigit():
                yield Mention("account", name.lower(), m.start(1), m.end(1), "option")
    if "=" in text:
        for m in _USER_ENV.finditer(text):
            yield Mention("account", m.group(1).lower(), m.start(1), m.end(1), "env")
    if "\\" in text:
        for m in _DOMAIN_USER.finditer(text):
            found = _DOMAIN_BEFORE.search(text, max(0, m.start() - 63), m.start())
            if found is None:
                continue
            domain, user = found.group(), m.group(1)
            start = found.start()
            line_start = text.rfind("\n", 0, start) + 1
            line_end = text.find("\n", m.end())
            whole = text[line_start : line_end if line_end >= 0 else len(text)].strip()
            written = text[start : m.end()]
            if len(user) < 2 or domain.endswith(".") or _ESCAPE_LIKE.match(user):
                continue
            if _UPPER_DOMAIN.match(domain) or "." in domain or whole == written:
                yield Mention("account", user.lower(), m.start(1), m.end(1), written)
    if ":" in text:
        for m in _PASSWD_LINE.finditer(text):
            yield Mention("account", m.group(1).lower(), m.start(1), m.end(1), "passwd")
        for m in _SHADOW_LINE.finditer(text):
            if not _PASSWD_LINE.match(text, m.start()):
                yield Mention("account", m.group(1).lower(), m.start(1), m.end(1), "shadow")
    if " user " in _lower(text):
        for m in _NET_USER.finditer(text):
            if m.start() > 0 and text[m.start() - 1].isalnum():
                continue
            name = m.group(1).strip('"')
            if name and not name.startswith(("$", "<")):
                yield Mention("account", name.lower(), m.start(1), m.end(1), "net user")


def _port_mentions(text: str, lines: _Lines) -> Iterator[Mention]:
    if "/tcp" in text or "/udp" in text or "/sctp" in text:
        for m in _NMAP_PORT.finditer(text):
            if 0 < int(m.group(1)) < 65536:
                yield Mention("port", str(int(m.group(1))), m.start(1), m.end(1), m.group(2))
    if "-p" in text or "-P" in text:
        for m in _PORT_OPT.finditer(text):
            if lines.has(m.start(), _PASSWORD_P_LINE) and not m.group().startswith("--"):
                continue
            for n in re.finditer(r"\d+", m.group(1)):
                if 0 < int(n.group()) < 65536:
                    s = m.start(1) + n.start()
                    yield Mention("port", str(int(n.group())), s, s + len(n.group()))
    if "port" in _lower(text):
        for m in _PORT_KW.finditer(text):
            if 0 < int(m.group(1)) < 65536:
                yield Mention("port", str(int(m.group(1))), m.start(1), m.end(1))


def _cloud_mentions(text: str) -> Iterator[Mention]:
    if "arn:" in text:
        for m in _ARN.finditer(text):
            yield Mention("cloud_resource", m.group(), m.start(), m.end(), "arn")
    if "i-" in text:
        for m in _EC2.finditer(text):
            yield Mention("cloud_resource", m.group(), m.start(), m.end(), "aws_instance")
    if "amazonaws" in text:
        for m in _S3_HOSTED.finditer(text):
            bucket = m.group(1).lower()
            if not bucket.startswith("s3"):
                yield Mention("cloud_resource", bucket, m.start(1), m.end(1), "s3_bucket")
    low = text.lower()
    if "gcloud" in low or "googleapis" in low or "--project" in low:
        for m in _GCP_PROJECT.finditer(text):
            yield Mention("cloud_resource", m.group(1), m.start(1), m.end(1), "gcp_project")
    if "/subscriptions/" in low:
        for m in _AZURE.finditer(text):
            yield Mention("cloud_resource", m.group(), m.start(), m.end(), "azure_resource")


def extract_entities(text: str) -> list[Mention]:
    """Every entity mentioned in ``text``, sorted by position, one per (kind, span).

    >>> out = "22/tcp open  ssh\\nNmap scan report for web01.corp.example.com (10.0.0.5)"
    >>> [(m.kind, m.value, m.detail) for m in extract_entities(out)]
    [('port', '22', 'tcp'), ('host', 'web01.corp.example.com', ''), ('ip', '10.0.0.5', '')]
    >>> extract_entities('File "/app/level2.py", line 3, in <module>: os.path.join')
    []
    >>> [(m.kind, m.detail) for m in extract_entities("password=hunter22")]
    [('secret', 'password')]
    """
    mentions: list[Mention] = []
    mentions.extend(_network_mentions(text))
    lines = _Lines(text)
    mentions.extend(_account_mentions(text, lines))
    mentions.extend(_port_mentions(text, lines))
    mentions.extend(_cloud_mentions(text))
    for s in find_secrets(text):
        mentions.append(Mention("secret", s.value, s.start, s.end, s.detail))
    return _dedupe(mentions)


_NETWORK_TOOL = re.compile(r"(?i)http|fetch|browser|request|web|curl|nmap|scan|ssh|url")


def network_targets(tool_name: str | None, tool_input: str) -> list[Mention]:
    """The host, IP and URL mentions a tool call actually reaches.

    For a shell-like tool these are the targets of the network clients it runs
    (``ssh``, ``nc``, ``curl``, ``nmap``, ``Invoke-WebRequest``...) and of
    network code (``requests.get``, ``socket.connect``, pwntools ``remote``).
    For a network tool (its name says http, fetch, browser, web, scan, ssh,
    url...) every host, IP and URL in the input counts.

    >>> [m.value for m in network_targets("shell", "grep 10.0.0.1 log && ping -c1 10.0.0.2")]
    ['10.0.0.2']
    >>> [(m.kind, m.value) for m in network_targets("web_fetch", '{"url": "https://x.example/a"}')]
    [('url', 'https://x.example/a'), ('host', 'x.example')]
    """
    kinds = ("ip", "host", "url")
    found: list[Mention] = []
    if tool_name and _NETWORK_TOOL.search(tool_name):
        found.extend(_network_mentions(tool_input))
    else:
        found.extend(_command_targets(tool_input))
        found.extend(_code_targets(tool_input))
    return [m for m in _dedupe(found) if m.kind in kinds]


_AUTH_FILE = re.compile(
    r"(?i)(?:-o[ \t]*[\"']?IdentityFile[= \t]+|"
    r"(?<!\S)--(?:key-?file|private-key|identity(?:-file)?|ssh-key(?:-file)?)(?:=|[ \t]+)|"
    r"\b(?:AWS_SHARED_CREDENTIALS_FILE|"
    r"GOOGLE_APPLICATION_CREDENTIALS)=)"
    r"(\"[^\"\n]{1,1024}\"|'[^'\n]{1,1024}'|[^\s\"';&|)]{1,1024})"
)
_IDENTITY_I = re.compile(
    r"(?<!\S)-i[ \t]*(\"[^\"\n]{1,1024}\"|'[^'\n]{1,1024}'|[^\s\"';&|)-][^\s\"';&|)]{0,1023})"
)
_SSH_FAMILY = re.compile(
    r"(?i)(?<![\w.-])(?:ssh|scp|sftp|ssh-copy-id|sshfs|autossh|rsync)(?![\w-])"
)


def auth_files(tool_input: str) -> list[str]:
    """Paths given to a command as identity, key or credential files, as written.

    >>> auth_files("GIT_SSH_COMMAND='ssh -i /keys/deploy' git pull; sed -i s/a/b/ f")
    ['/keys/deploy']
    """
    found: list[tuple[int, str]] = []
    for m in _AUTH_FILE.finditer(tool_input):
        found.append((m.start(1), m.group(1).strip("\"'")))
    if "-i" in tool_input:
        for seg_start, seg in _segments(tool_input):
            family = _SSH_FAMILY.search(seg)
            if family is None:
                continue
            for m in _IDENTITY_I.finditer(seg, family.end()):
                found.append((seg_start + m.start(1), m.group(1).strip("\"'")))
    paths: list[str] = []
    for _, path in sorted(found):
        if path and path not in paths:
            paths.append(path)
    return paths


_LOCAL_NAMES: Final[frozenset[str]] = frozenset(
    {"localhost", "localhost.localdomain", "host.docker.internal", "ip6-localhost"}
)
_METADATA = ipaddress.ip_address("169.254.169.254")


def _network(value: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    """``value`` as an IP network (an address is a /32 or /128), or None."""
    if not _IP_LIKE.fullmatch(value):
        return None
    try:
        return ipaddress.ip_network(value, strict=False)
    except ValueError:
        return None


def is_local_host(value: str) -> bool:
    """Whether ``value`` (a host name, IP or CIDR) names the local machine.

    Link-local addresses count as local, except the cloud metadata service
    169.254.169.254, which is a target.

    >>> [is_local_host(v) for v in ("LOCALHOST.", "app.localhost", "::1", "0.0.0.0", "10.0.0.1")]
    [True, True, True, True, False]
    """
    name = value.strip().strip("[]").lower().rstrip(".")
    if name in _LOCAL_NAMES or name.endswith(".localhost"):
        return True
    net = _network(name)
    if net is None:
        return False
    ip = net.network_address
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        net = ipaddress.ip_network(f"{ip.ipv4_mapped}/{max(0, net.prefixlen - 96)}")
        ip = net.network_address
    if _METADATA in net:
        return False
    last = net.broadcast_address
    return all(a.is_loopback or a.is_unspecified or a.is_link_local for a in (ip, last))


def host_matches(value: str, patterns: Iterable[str]) -> bool:
    """Whether ``value`` is one of ``patterns`` or a subdomain of one.

    IPs match an equal IP or a CIDR pattern that contains them; a CIDR value
    matches a pattern that contains the whole network.

    >>> host_matches("evilgithub.com", ["github.com"]), host_matches("::1", ["::1"])
    (False, True)
    >>> host_matches("10.1.2.0/24", ["10.0.0.0/8"]), host_matches("10.0.0.0/8", ["10.1.2.0/24"])
    (True, False)
    """
    name = value.strip().strip("[]").lower().rstrip(".")
    net = _network(name)
    for raw in patterns:
        pattern = raw.strip().strip("[]").lower().rstrip(".")
        if not pattern:
            continue
        if net is not None:
            other = _network(pattern)
            if (
                other is not None and net.version == other.version and net.subnet_of(other)  # type: ignore[arg-type]
            ):
                return True
        elif name == pattern.removeprefix("*.") or name.endswith("." + pattern.lstrip("*.")):
            return True
    return False
