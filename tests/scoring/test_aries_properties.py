"""Properties every ARiES score keeps, on generated actor profiles (hypothesis)."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from llmnav.catalog import load_catalog
from llmnav.config import load_config
from llmnav.records import AioHit
from llmnav.scoring import (
    ActionEvidence,
    ActorProfile,
    ActorScore,
    NameMatcher,
    TechniqueUse,
    score_profile,
)
from llmnav.scoring.profile import action_weight

CONFIG = load_config()
CATALOG = load_catalog()
NAMES = NameMatcher.from_catalog(CATALOG, CONFIG.aries)

# (technique, tactics) from early to late kill-chain stages.
POOL = [
    ("T1595", ("reconnaissance",)),
    ("T1083", ("discovery",)),
    ("T1046", ("discovery",)),
    ("T1059.004", ("execution",)),
    ("T1027", ("defense-evasion",)),
    ("T1552.004", ("credential-access",)),
    ("T1003.008", ("credential-access",)),
    ("T1021.004", ("lateral-movement",)),
    ("T1560.001", ("collection",)),
    ("T1048", ("exfiltration",)),
    ("T1486", ("impact",)),
]
RESULTS = [
    None,
    "ok",
    "uid=0(root) gid=0(root)",
    "-----BEGIN OPENSSH PRIVATE KEY-----",
    "adding: data/customers.csv (deflated 60%)",
    "crm.tgz 100% 36MB 11.2MB/s",
    "Your files have been encrypted",
]
OUTCOMES = {"request": "advised", "code": "delivered", "tool_call": "executed"}

uses = st.builds(
    lambda pick, confidence: TechniqueUse(POOL[pick][0], POOL[pick][1], confidence, "span"),
    st.integers(0, len(POOL) - 1),
    st.floats(0, 1),
)


@st.composite
def actions(draw: st.DrawFn, seq: int) -> ActionEvidence:
    kind = draw(st.sampled_from(["request", "code", "tool_call"]))
    intent = draw(st.floats(0, 1))
    text = draw(st.sampled_from(["scan the range", "run mimikatz", "I am a pentester", "ls"]))
    return ActionEvidence(
        action_id=f"a{seq}",
        session_id="s1",
        seq=seq,
        kind=kind,
        text=text,
        intent=intent,
        weight=action_weight(intent, CONFIG.aries),
        outcome=draw(st.sampled_from([OUTCOMES[kind], "refused"])),  # type: ignore[arg-type]
        techniques=tuple(draw(st.lists(uses, max_size=3))),
        tool_name="bash" if kind == "tool_call" else None,
        result=draw(st.sampled_from(RESULTS)) if kind == "tool_call" else None,
    )


@st.composite
def profiles(draw: st.DrawFn) -> ActorProfile:
    n = draw(st.integers(0, 8))
    acts = tuple(draw(actions(i)) for i in range(n))
    behaviours = draw(st.lists(st.integers(1, 10), max_size=4, unique=True))
    aio = tuple(
        AioHit("s1", "x", f"AIO.T{b:04d}", draw(st.floats(0, 1)), (), "seen", "cfg")
        for b in behaviours
    )
    interface = draw(st.sampled_from(["chat", "api", "code_agent", "agent"]))
    return ActorProfile("x", interface, actions=acts, aio=aio).with_counts()


def score(profile: ActorProfile) -> ActorScore:
    return score_profile(profile, CONFIG, CATALOG, names=NAMES)


@settings(max_examples=150, deadline=None)
@given(profiles())
def test_aries_stays_in_range_and_is_the_sum_of_its_dimensions(profile: ActorProfile) -> None:
    s = score(profile)
    assert 0 <= s.aries <= 100
    assert 0 <= s.threat <= 35 and 0 <= s.vulnerability <= 35 and 0 <= s.impact <= 30
    assert s.aries == round(s.threat + s.vulnerability + s.impact, 2)
    for part in s.components:
        assert 0 <= part.points <= part.max_points
    for dimension in ("threat", "vulnerability", "impact"):
        parts = s.dimension(dimension)  # type: ignore[arg-type]
        assert round(sum(p.points for p in parts), 2) == getattr(s, dimension)
    assert s.tier == CONFIG.aries.tier(s.aries)


@settings(max_examples=100, deadline=None)
@given(profiles())
def test_aries_is_deterministic(profile: ActorProfile) -> None:
    assert score(profile) == score(profile)


@settings(max_examples=100, deadline=None)
@given(profiles(), st.data())
def test_adding_a_technique_never_lowers_the_score(
    profile: ActorProfile, data: st.DataObject
) -> None:
    if not profile.actions:
        return
    index = data.draw(st.integers(0, len(profile.actions) - 1))
    added = data.draw(uses)
    action = profile.actions[index]
    richer = replace(action, techniques=(*action.techniques, added))
    bigger = replace(
        profile, actions=(*profile.actions[:index], richer, *profile.actions[index + 1 :])
    )
    before, after = score(profile), score(bigger)
    assert after.aries >= before.aries
    for dimension in ("threat", "vulnerability", "impact"):
        assert getattr(after, dimension) >= getattr(before, dimension)


def _action(technique: tuple[str, tuple[str, ...]], intent: float = 0.95) -> ActionEvidence:
    use = TechniqueUse(technique[0], technique[1], 0.9, "span")
    return ActionEvidence(
        "a1", "s1", 0, "tool_call", "nmap -sV 10.0.0.0/24", intent,
        action_weight(intent, CONFIG.aries), "executed", (use,), "bash", "22/tcp open ssh",
    )  # fmt: skip


def test_aries_missing_impact_keeps_other_components() -> None:
    # Discovery only, and a result with no consequence in it: impact is zero,
    # threat and vulnerability still score (the score is additive, never a product).
    profile = ActorProfile("x", "agent", actions=(_action(POOL[2]),)).with_counts()
    s = score(profile)
    assert s.impact == 0
    assert s.threat > 0 and s.vulnerability > 0
    assert s.aries == round(s.threat + s.vulnerability, 2)


def test_higher_stage_technique_raises_the_score() -> None:
    early = ActorProfile("x", "agent", actions=(_action(POOL[2]),)).with_counts()
    action = early.actions[0]
    late = replace(
        early,
        actions=(replace(action, techniques=(*action.techniques, TechniqueUse(
            "T1021.004", ("lateral-movement",), 0.9, "ssh -i key"
        ))),),
    )  # fmt: skip
    assert score(late).aries > score(early).aries
    assert score(late).impact > score(early).impact


def test_harmless_actions_add_nothing_but_clarity() -> None:
    # A developer's agent: fifty shell commands mapped to discovery, low intent.
    benign = tuple(
        replace(_action(POOL[1], intent=0.1), action_id=f"a{i}", seq=i) for i in range(50)
    )
    s = score(ActorProfile("dev", "agent", actions=benign).with_counts())
    assert s.aries == 0 and s.tier == "low"


def test_empty_profile_scores_zero_with_all_eight_parts() -> None:
    s = score(ActorProfile("nobody", "chat"))
    assert s.aries == 0
    assert [c.name for c in s.components] == [
        "intent clarity",
        "technical sophistication",
        "threat-intel signals",
        "detection evasion",
        "model enablement",
        "interface risk",
        "observed impact",
        "potential impact",
    ]


def test_refused_request_enables_nothing() -> None:
    ask = replace(_action(POOL[10]), kind="request", outcome="refused", tool_name=None, result=None)
    refused = score(ActorProfile("x", "chat", actions=(ask,)).with_counts())
    delivered = score(ActorProfile("x", "chat", actions=(replace(ask, outcome="advised"),)))
    enablement = next(c for c in refused.components if c.name == "model enablement")
    assert enablement.points == 0
    assert "model refused 1 malicious request(s)" in enablement.evidence
    assert refused.threat == delivered.threat  # the intent is still there
    assert refused.aries < delivered.aries


def test_the_stated_task_weighs_on_intent_and_the_gate() -> None:
    # The same ordinary commands (intent 0.5) under an offensive request and
    # under a harmless one: the request states the task, so the first scores higher.
    from llmnav.scoring.evidence import actor_gate, intent_level

    commands = tuple(
        replace(_action(POOL[1], intent=0.5), action_id=f"c{i}", seq=i + 1) for i in range(20)
    )
    ask = replace(_action(POOL[1]), kind="request", techniques=(), tool_name=None, result=None)
    offensive = ActorProfile("ctf", "agent", actions=(ask, *commands)).with_counts()
    harmless = replace(
        offensive, actions=(replace(ask, intent=0.1, weight=action_weight(0.1, CONFIG.aries)),
                            *commands),
    )  # fmt: skip
    aries = CONFIG.aries
    assert intent_level(offensive, aries) > intent_level(harmless, aries)
    assert actor_gate(offensive, aries) > actor_gate(harmless, aries)
    assert score(offensive).aries > score(harmless).aries
    # Without requests the request share falls back to the mean weight.
    alone = ActorProfile("x", "agent", actions=commands).with_counts()
    mean = sum(a.weight for a in commands) / len(commands)
    peak = sum(sorted((a.weight for a in commands), reverse=True)[: aries.intent.peak_actions])
    expected = (1 - aries.intent.peak_share) * mean + aries.intent.peak_share * (
        peak / aries.intent.peak_actions
    )
    assert abs(intent_level(alone, aries) - expected) < 1e-9
