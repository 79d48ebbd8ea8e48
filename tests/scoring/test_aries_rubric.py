"""The sophistication rubric and the optional LLM grader (FakeProvider only)."""

from __future__ import annotations

import json

from llmnav.catalog import Catalog
from llmnav.config import Config
from llmnav.mapping.llm import CompletionRequest, FakeProvider, ProviderError
from llmnav.scoring import ActionEvidence, ActorProfile, LlmGrader, TechniqueUse, score_profile
from llmnav.scoring.profile import action_weight


def profile(config: Config) -> ActorProfile:
    use = TechniqueUse("T1055", ("defense-evasion", "privilege-escalation"), 0.9, "inject")
    action = ActionEvidence(
        "a1", "s1", 0, "code", "WriteProcessMemory(hProc, ...)", 0.9,
        action_weight(0.9, config.aries), "delivered", (use,),
    )  # fmt: skip
    return ActorProfile("x", "api", actions=(action,)).with_counts()


def sophistication(config: Config, catalog: Catalog, grader: LlmGrader | None) -> float:
    s = score_profile(profile(config), config, catalog, grader=grader)
    return next(c for c in s.components if c.name == "technical sophistication").points


def test_rubric_counts_advanced_techniques_and_bespoke_code(
    config: Config, catalog: Catalog
) -> None:
    s = score_profile(profile(config), config, catalog)
    part = next(c for c in s.components if c.name == "technical sophistication")
    assert part.points > 0
    assert part.evidence[0].startswith("expertise 1.00")
    assert any(line.startswith("bespoke tooling") for line in part.evidence)


def test_llm_grader_blends_with_the_rubric(config: Config, catalog: Catalog) -> None:
    answer = {"expertise": 1, "operator_skill": 1, "bespoke_tooling": 1, "capability_depth": 1,
              "rationale": "custom process injection"}  # fmt: skip
    fake = FakeProvider(json.dumps(answer))
    rubric_only = sophistication(config, catalog, None)
    blended = sophistication(config, catalog, LlmGrader(fake))
    share = config.aries.threat.llm_grader_share
    maximum = config.aries.threat.sophistication
    assert blended == round((1 - share) * rubric_only + share * maximum, 2)
    assert len(fake.requests) == 1
    assert "WriteProcessMemory" in fake.requests[0].prompt


def test_llm_grader_failure_falls_back_to_the_rubric(config: Config, catalog: Catalog) -> None:
    def down(request: CompletionRequest) -> str:
        raise ProviderError("LLM endpoint fake is down", url="fake")

    s = score_profile(profile(config), config, catalog, grader=LlmGrader(FakeProvider(down)))
    part = next(c for c in s.components if c.name == "technical sophistication")
    assert part.points == sophistication(config, catalog, None)
    assert part.evidence[-1] == "LLM grader failed, rubric used: LLM endpoint fake is down"


def test_llm_grader_answer_without_criteria_falls_back(config: Config, catalog: Catalog) -> None:
    grader = LlmGrader(FakeProvider('{"expertise": "high"}'))
    s = score_profile(profile(config), config, catalog, grader=grader)
    part = next(c for c in s.components if c.name == "technical sophistication")
    assert "gave no expertise" in part.evidence[-1]
