# ruff: noqa: E501  (text data: one line each)
"""The demo population: actors, their sessions, and the generator's labels.

``synthesize(actors, seed)`` yields telemetry records in the ``sessions``
format (docs/formats.md), one per session; ``synthesize_labelled`` yields each
record with the generator's ground truth for it (per action: the technique it
was written for), which ``write_population`` keeps in a separate labels file.
The labels never appear in the telemetry, so the pipeline cannot see them.

The population follows the study of DESIGN section 9: 832 actors over twelve
months (March 2025 to February 2026), four in five of them on an agentic
coding tool, mostly malware developers (develop capabilities, obfuscation,
disabling defenses, local data theft, injection), a few operators reaching
lateral movement, risk rising in the second half of the year, and a handful of
autonomous agentic campaigns with pentest tools as MCP servers.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from llmnav.synth.procedures import procedure_request, procedure_texts
from llmnav.synth.slots import Environment, fill
from llmnav.synth.templates import BENIGN_ASKS, BENIGN_CMDS, REFUSALS, TEMPLATES, Template

__all__ = [
    "EPOCH",
    "ActorPlan",
    "Label",
    "plan_population",
    "synthesize",
    "synthesize_labelled",
]

EPOCH = datetime(2025, 3, 1, tzinfo=UTC)
"""First day of the simulated year (the study ran March 2025 to March 2026)."""
DAYS = 365
HALF = 183

Record = dict[str, Any]
Label = dict[str, Any]

# Technique pools: (technique, base share of actors). Defense evasion and
# develop-capabilities are drawn separately (see ``_techniques``).
_DEFENSE_EVASION = (
    ("T1027", 0.50),
    ("T1562.001", 0.42),
    ("T1055", 0.26),
    ("T1140", 0.10),
    ("T1497.001", 0.12),
    ("T1070.004", 0.08),
    ("T1027.002", 0.07),
    ("T1036.005", 0.05),
    ("T1620", 0.04),
    ("T1112", 0.04),
    ("T1218.011", 0.03),
    ("T1014", 0.02),
    ("T1070.001", 0.03),
    ("T1562.004", 0.03),
)
_EARLY = (
    ("T1005", 0.42),
    ("T1071.001", 0.30),
    ("T1105", 0.22),
    ("T1059.001", 0.18),
    ("T1059.006", 0.14),
    ("T1059.004", 0.06),
    ("T1547.001", 0.24),
    ("T1053.005", 0.10),
    ("T1082", 0.22),
    ("T1083", 0.16),
    ("T1057", 0.10),
    ("T1016", 0.05),
    ("T1087.001", 0.05),
    ("T1518.001", 0.08),
    ("T1056.001", 0.14),
    ("T1555.003", 0.18),
    ("T1113", 0.10),
    ("T1115", 0.06),
    ("T1566.002", 0.06),
    ("T1595.002", 0.05),
    ("T1589.002", 0.04),
    ("T1583.001", 0.03),
    ("T1588.002", 0.03),
    ("T1608.001", 0.03),
    ("T1573.002", 0.05),
    ("T1090.002", 0.03),
    ("T1102", 0.06),
    ("T1219", 0.03),
    ("T1204.002", 0.03),
    ("T1592", 0.03),
    ("T1539", 0.04),
    ("T1498", 0.02),
    ("T1047", 0.03),
)
# Techniques whose share moves between the halves (the study's drift):
# (technique, first-half share, second-half share).
_DRIFT = (
    ("T1566.001", 0.10, 0.02),
    ("T1087.002", 0.04, 0.13),
    ("T1020", 0.03, 0.09),
)
# Post-compromise techniques: more likely the riskier the actor.
_LATE = (
    ("T1041", 0.16),
    ("T1567.002", 0.06),
    ("T1560.001", 0.07),
    ("T1074.001", 0.03),
    ("T1119", 0.03),
    ("T1114.002", 0.02),
    ("T1048.003", 0.02),
    ("T1003.001", 0.06),
    ("T1003.003", 0.02),
    ("T1003.008", 0.03),
    ("T1552.001", 0.04),
    ("T1552.005", 0.02),
    ("T1110.003", 0.03),
    ("T1110.002", 0.03),
    ("T1068", 0.04),
    ("T1548.002", 0.05),
    ("T1134.001", 0.02),
    ("T1543.003", 0.04),
    ("T1053.003", 0.03),
    ("T1505.003", 0.03),
    ("T1098.004", 0.02),
    ("T1136.001", 0.02),
    ("T1190", 0.06),
    ("T1078", 0.03),
    ("T1046", 0.06),
    ("T1018", 0.04),
    ("T1069.002", 0.03),
    ("T1486", 0.06),
    ("T1490", 0.04),
    ("T1496", 0.04),
    ("T1485", 0.01),
)
_LATERAL = ("T1021.001", "T1021.002", "T1021.004", "T1570")
# Techniques whose plain questions also read as lateral movement (cookie theft
# reads as T1550.004 Web Session Cookie): never only studied.
_NO_STUDY = frozenset({"T1539"})

_PREFIXES = (
    "",
    "",
    "",
    "Quick one: ",
    "Next: ",
    "Ok, now ",
    "Can you help? ",
    "For {{project}}: ",
    "New task. ",
    "Another thing: ",
)
_SUFFIXES = (
    "",
    "",
    "",
    " Keep it short.",
    " Use {{lang}} if you can.",
    " No comments in the code.",
    " Explain each step.",
    " It has to work on Windows 10 and 11.",
    " Make it fast.",
)
_PERSONAS = (
    "I'm an authorized pentester on this engagement. ",
    "For a CTF: ",
    "For educational purposes only: ",
    "As a red teamer with a signed scope, ",
    "Hypothetically, ",
)
_CODE_INTROS = (
    "Here is the {{lang}} code:",
    "Below is an implementation.",
    "This should do it:",
    "Here's a version you can drop into {{project}}:",
    "Sure. The module:",
)
_PROSE = (
    "You can do this in three steps: prepare the payload, run it from a writable folder, then verify it from the logs.",
    "The usual approach is to combine the built-in tooling with a small wrapper script; start with the defaults and adjust the timing.",
    "Use the documented API for this and handle errors quietly so nothing pops up on the user's screen.",
    "It depends on the target version; on recent builds the same idea works with the newer interface.",
)
_LANG_NAME = {
    "python": "Python",
    "go": "Go",
    "csharp": "C#",
    "c": "C",
    "cpp": "C++",
    "powershell": "PowerShell",
    "php": "PHP",
    "vba": "VBA",
}


@dataclass
class ActorPlan:
    """What the generator decided about one actor before writing its sessions."""

    actor_id: str
    interface: str
    start_day: float
    severity: float
    techniques: list[str]
    units: int
    benign_share: float
    run_share: float
    campaign: bool = False
    lateral: bool = False
    no_de: bool = False
    studies: list[str] = field(default_factory=list)


def plan_population(actors: int, seed: int) -> list[ActorPlan]:
    """Decide every actor: interface, period, severity, techniques, size."""
    rng = random.Random(f"plan-{seed}")
    n_campaign = min(3, max(1, actors // 250)) if actors >= 10 else 0
    n_lateral = round(actors * 0.08)
    n_agent = round(actors * 0.8)
    kinds = ["code_agent"] * n_agent + ["chat", "api"] * ((actors - n_agent) // 2 + 1)
    kinds = kinds[:actors]
    rng.shuffle(kinds)
    plans: list[ActorPlan] = []
    for index in range(actors):
        actor_id = f"acct-{rng.getrandbits(40):010x}"
        campaign = index < n_campaign
        second = rng.random() < 0.5
        if index == n_campaign:
            start = 0.0
            second = False
        elif index == n_campaign + 1:
            start = DAYS - 8.0
            second = True
        else:
            start = rng.uniform(HALF + 2, DAYS - 16) if second else rng.uniform(0, HALF - 16)
        if campaign:
            start = rng.uniform(HALF + 20, DAYS - 20)
            second = True
        interface = "code_agent" if campaign else kinds[index]
        # Breadth and risk are only loosely related (the study: r = 0.27, and some
        # low-risk actors use more than 30 techniques): wide actors get a little
        # less intent on average, offsetting what breadth adds to ARiES.
        width = max(3, round(rng.lognormvariate(1.8, 0.42)))
        spread = (math.log(width) - 1.8) / 0.42
        risk = rng.betavariate(1.5, 1.7) + (0.24 if second else -0.08) - 0.2 * spread
        risk = min(1.0, max(0.0, risk))
        lateral = 0 < index - n_campaign <= n_lateral
        if lateral:
            risk = max(0.0, risk - 0.02)
        no_de = not lateral and rng.random() < 0.23
        agent = interface == "code_agent"
        if not agent:
            # Chat and API lack the agent's executed tool calls and observed impact;
            # their actors ask more pointedly, so the groups end up alike in risk.
            risk = min(1.0, risk + 0.15)
        benign = min(0.8, max(0.02, 0.56 - 0.85 * risk + (0.13 if agent else -0.1)))
        techniques = _techniques(rng, risk, second, lateral, no_de, width)
        # Techniques the actor only asks about (explain, summarise): counted at a
        # low intent weight, they widen an actor more than they raise its risk.
        studies = _studies(rng, techniques, round(width * 0.6), second, no_de, lateral)
        units = max(len(techniques), round(len(techniques) / (1 - benign)))
        plans.append(
            ActorPlan(
                actor_id=actor_id,
                interface=interface,
                start_day=start,
                severity=risk,
                techniques=techniques,
                studies=studies,
                units=units,
                benign_share=benign,
                run_share=0.05 + 0.5 * risk,
                campaign=campaign,
                lateral=lateral,
                no_de=no_de,
            )
        )
    return plans


def _techniques(
    rng: random.Random, risk: float, second: bool, lateral: bool, no_de: bool, width: int
) -> list[str]:
    """``width`` techniques drawn by weight (post-compromise ones weigh more the riskier
    the actor), malware development first when drawn, lateral movement last."""
    chosen: list[str] = []
    if rng.random() < (0.67 if second else 0.77):
        chosen.append("T1587.001")
    pool: list[tuple[str, float]] = []
    if not no_de:
        evasion = [t for t, _ in _DEFENSE_EVASION]
        chosen.append(rng.choices(evasion, [w for _, w in _DEFENSE_EVASION])[0])
        pool += _DEFENSE_EVASION
    pool += _EARLY
    pool += [(t, late if second else first) for t, first, late in _DRIFT]
    boost = 0.3 + 1.4 * risk
    pool += [(t, w * boost) for t, w in _LATE]
    if no_de:
        pool = [(t, w) for t, w in pool if _usable(t, no_de=True, lateral=lateral)]
    # Weighted sampling without replacement (Efraimidis-Spirakis keys).
    keyed = sorted(pool, key=lambda item: -(rng.random() ** (1.0 / item[1])))
    for technique, _ in keyed:
        if len(chosen) >= width:
            break
        if technique not in chosen:
            chosen.append(technique)
    head, rest = chosen[:1], chosen[1:]
    rng.shuffle(rest)
    chosen = head + rest
    if lateral:
        chosen.extend(rng.sample(_LATERAL, rng.choice((1, 1, 2))))
    return chosen


def _studies(
    rng: random.Random, chosen: list[str], count: int, second: bool, no_de: bool, lateral: bool
) -> list[str]:
    """``count`` further techniques, drawn by the same weights, that the actor studies."""
    pool: list[tuple[str, float]] = [] if no_de else list(_DEFENSE_EVASION)
    pool += _EARLY
    pool += [(t, late if second else first) for t, first, late in _DRIFT]
    pool += _LATE
    evasive = _evasive()
    keyed = sorted(pool, key=lambda item: -(rng.random() ** (1.0 / item[1])))
    found: list[str] = []
    for technique, _ in keyed:
        if len(found) >= count:
            break
        if technique in chosen or technique in _NO_STUDY or (no_de and technique in evasive):
            continue
        found.append(technique)
    return found


def _allowed(technique: str, family: str, count: int, no_de: bool, lateral: bool) -> list[int]:
    """Indexes of the items of a template family whose extra hits the actor may show."""
    from llmnav.synth.screen import flags

    marks = flags().get(technique, {}).get(family, [])
    keep = []
    for index in range(count):
        found = marks[index] if index < len(marks) else []
        if no_de and "de" in found:
            continue
        if not lateral and "lm" in found and technique not in _LATERAL:
            continue
        keep.append(index)
    return keep


@lru_cache(maxsize=1)
def _evasive() -> frozenset[str]:
    """Template techniques in the defense-evasion tactic."""
    from llmnav.catalog import load_catalog

    catalog = load_catalog()
    return frozenset(
        t for t in TEMPLATES if "defense-evasion" in catalog.technique(t).technique.tactics
    )


def _usable(technique: str, *, no_de: bool, lateral: bool) -> bool:
    template = TEMPLATES[technique]
    if no_de and technique in _evasive():
        return False
    return bool(_allowed(technique, "asks", len(template.asks), no_de, lateral))


@dataclass
class _Session:
    """Steps of one session being written, with their labels."""

    session_id: str
    actor_id: str
    interface: str
    clock: datetime
    rng: random.Random
    steps: list[Record] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)

    def _tick(self, low: float, high: float) -> str:
        self.clock += timedelta(seconds=self.rng.uniform(low, high))
        return self.clock.strftime("%Y-%m-%dT%H:%M:%SZ")

    def _label(self, kind: str, technique: str | None) -> None:
        self.labels.append(
            {
                "session_id": self.session_id,
                "actor_id": self.actor_id,
                "step": len(self.steps),
                "kind": kind,
                "technique": technique,
            }
        )

    def user(
        self, text: str, technique: str | None, pause: tuple[float, float] = (20, 240)
    ) -> None:
        self._label("request", technique)
        self.steps.append({"role": "user", "content": text, "timestamp": self._tick(*pause)})

    def say(self, text: str) -> None:
        self.steps.append({"role": "assistant", "content": text, "timestamp": self._tick(3, 25)})

    def code(self, intro: str, language: str, code: str, technique: str | None) -> None:
        self._label("code", technique)
        body = f"{intro}\n\n```{language}\n{code}\n```"
        self.steps.append({"role": "assistant", "content": body, "timestamp": self._tick(5, 40)})

    def call(
        self,
        tool: str,
        command: str,
        result: str,
        technique: str | None,
        note: str = "",
        pace: tuple[float, float] = (2, 20),
    ) -> None:
        self._label("tool_call", technique)
        self.steps.append(
            {
                "role": "assistant",
                "content": note,
                "tool_name": tool,
                "tool_input": {"command": command},
                "timestamp": self._tick(*pace),
            }
        )
        self.steps.append(
            {"role": "tool", "tool_name": tool, "content": result, "timestamp": self._tick(1, 6)}
        )

    def record(self) -> Record:
        return {
            "session_id": self.session_id,
            "actor_id": self.actor_id,
            "interface": self.interface,
            "model": self.rng.choice(("frontier-large", "frontier-large", "frontier-fast")),
            "steps": self.steps,
        }


def synthesize(actors: int = 832, seed: int = 0) -> Iterator[Record]:
    """Telemetry of the demo population: one ``sessions`` record per session.

    The same ``actors`` and ``seed`` always give the same records.
    """
    for record, _labels in synthesize_labelled(actors, seed):
        yield record


def synthesize_labelled(actors: int = 832, seed: int = 0) -> Iterator[tuple[Record, list[Label]]]:
    """Each session record with the generator's labels for its actions.

    A label is ``{"session_id", "actor_id", "step", "kind", "technique"}``:
    the action at ``steps[step]`` of kind request, code or tool_call, written
    for ``technique`` (None for benign filler).
    """
    for plan in plan_population(actors, seed):
        rng = random.Random(f"{seed}-{plan.actor_id}")
        if plan.campaign:
            from llmnav.synth.campaign import campaign_sessions

            yield from campaign_sessions(plan, rng)
        else:
            yield from _actor_sessions(plan, rng)


def _actor_sessions(plan: ActorPlan, rng: random.Random) -> Iterator[tuple[Record, list[Label]]]:
    env = Environment.new(rng)
    units: list[str | None] = list(plan.techniques)
    studies = list(plan.studies)
    while len(units) < plan.units:
        units.append(None)
    # Benign chores spread through the sessions; the order of the rest is kept.
    benign = [u for u in units if u is None]
    work: list[str | None] = [u for u in units if u is not None]
    for _ in benign:
        work.insert(rng.randrange(0, len(work) + 1), None)
    for study in studies:
        work.insert(rng.randrange(0, len(work) + 1), "?" + study)
    n_sessions = max(1, min(len(work) // 4, rng.choice((1, 2, 2, 3, 3, 4))))
    cuts = sorted(rng.sample(range(1, len(work)), n_sessions - 1)) if n_sessions > 1 else []
    bounds = [0, *cuts, len(work)]
    day = plan.start_day
    persona = rng.random() < 0.18
    for index in range(n_sessions):
        start = EPOCH + timedelta(days=day, hours=rng.uniform(7, 22))
        session = _Session(
            f"{plan.actor_id}-s{index + 1}", plan.actor_id, plan.interface, start, rng
        )
        for unit in work[bounds[index] : bounds[index + 1]]:
            if unit is not None and unit.startswith("?"):
                _study_unit(session, env, unit[1:])
            elif unit is None:
                _benign_unit(session, plan, env)
            else:
                _technique_unit(session, plan, env, TEMPLATES[unit], persona)
        yield session.record(), session.labels
        limit = (HALF if plan.start_day < HALF else DAYS) - 1.0
        day = min(day + rng.uniform(0.2, 4.0), limit)


def _pick(
    rng: random.Random, template: Template, family: str, items: Sequence[Any], plan: ActorPlan
) -> Any:
    """One item of a template family the actor may use (None when there is none)."""
    allowed = _allowed(template.technique, family, len(items), plan.no_de, plan.lateral)
    return items[rng.choice(allowed)] if allowed else None


def _ask(
    template: Template, env: Environment, rng: random.Random, plan: ActorPlan, persona: bool
) -> str:
    if rng.random() < 0.18:
        texts = procedure_texts(template.technique)
        allowed = _allowed(template.technique, "procedures", len(texts), plan.no_de, plan.lateral)
        if allowed:
            target = f"{env.org.capitalize()}'s network"
            return procedure_request(texts[rng.choice(allowed)], rng, target)
    text = fill(_pick(rng, template, "asks", template.asks, plan) or template.asks[0], env)
    prefix = fill(rng.choice(_PREFIXES), env)
    if prefix and prefix[-1] == " " and prefix[-2] not in ".:?":
        text = text[0].lower() + text[1:]
    text = prefix + text + fill(rng.choice(_SUFFIXES), env)
    if persona and rng.random() < 0.4:
        text = rng.choice(_PERSONAS) + text[0].lower() + text[1:]
    return text


def _intro(rng: random.Random, env: Environment, language: str) -> str:
    """The sentence before a code block, naming the block's own language."""
    intro = rng.choice(_CODE_INTROS).replace("{{lang}}", _LANG_NAME.get(language, language))
    return fill(intro, env)


def _technique_unit(
    session: _Session, plan: ActorPlan, env: Environment, template: Template, persona: bool
) -> None:
    rng = session.rng
    technique = template.technique
    session.user(_ask(template, env, rng, plan, persona), technique)
    code = _pick(rng, template, "code", template.code, plan) if template.code else None
    if plan.interface != "code_agent":
        if rng.random() < 0.06 * (1.2 - plan.severity):
            session.say(rng.choice(REFUSALS))
            return
        if code is not None and rng.random() < 0.75:
            language, body = code
            session.code(_intro(rng, env, language), language, fill(body, env), technique)
        else:
            session.say(rng.choice(_PROSE))
        return
    wrote = False
    if code is not None and rng.random() < 0.2:
        language, body = code
        session.code(_intro(rng, env, language), language, fill(body, env), technique)
        wrote = True
    command = _pick(rng, template, "cmds", template.cmds, plan) if template.cmds else None
    lab = _pick(rng, template, "lab", template.lab, plan) if template.lab else None
    if command is not None and rng.random() < plan.run_share:
        session.call("bash", fill(command[0], env), fill(command[1], env), technique)
    elif lab is not None and rng.random() < 0.3:
        session.call("bash", fill(lab[0], env), fill(lab[1], env), technique)
    elif not wrote:
        session.say(rng.choice(_PROSE))


_STUDY_FORMS = (
    "Can you explain {name} ({id}) with an example?",
    "Summarise {name} for me in a few sentences.",
    "Can you explain {name} ({id}) with a short example?",
    "Summarise {name} ({id}) for me in a few sentences.",
)
_STUDY_ANSWERS = (
    "In short: {name} ({id}) is an ATT&CK technique. Defenders usually see it in process, file and network telemetry; the ATT&CK page lists procedure examples and detections.",
    "{name} ({id}) describes a common adversary behaviour. A typical example and the data sources that detect it are listed on attack.mitre.org.",
)


@lru_cache(maxsize=256)
def _technique_name(technique: str) -> str:
    from llmnav.catalog import load_catalog

    return load_catalog().technique(technique).technique.name


def _study_unit(session: _Session, env: Environment, technique: str) -> None:
    """A question about a technique, answered in prose (counted at a low intent)."""
    rng = session.rng
    name = _technique_name(technique)
    session.user(rng.choice(_STUDY_FORMS).format(name=name, id=technique), technique)
    session.say(rng.choice(_STUDY_ANSWERS).format(name=name, id=technique))


def _benign_unit(session: _Session, plan: ActorPlan, env: Environment) -> None:
    rng = session.rng
    session.user(rng.choice(BENIGN_ASKS), None)
    if plan.interface == "code_agent" and rng.random() < 0.15:
        command, result = rng.choice(BENIGN_CMDS)
        session.call("bash", command, result, None)
    else:
        session.say(rng.choice(_PROSE[1:]))
