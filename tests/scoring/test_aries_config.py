"""The `aries:` section of the configuration file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from llmnav.config import default_config_text, load_config
from llmnav.errors import ConfigError


def test_every_aries_setting_is_documented_by_a_comment() -> None:
    # Each setting (down to aries.X.Y) has a comment above it, or sits in a run
    # of sibling settings under one comment. Entries of mappings (rubric
    # criteria, interfaces, tactic weights...) are documented by their mapping.
    lines = default_config_text().splitlines()
    start = lines.index("aries:")
    setting = re.compile(r"^( {2}| {4})[\w.]+:")
    keys = [i for i in range(start + 1, len(lines)) if setting.match(lines[i])]
    assert len(keys) > 40
    for index in keys:
        indent = len(lines[index]) - len(lines[index].lstrip())
        above = index - 1
        while lines[above].strip() and not lines[above].lstrip().startswith("#"):
            current = len(lines[above]) - len(lines[above].lstrip())
            assert current >= indent, f"{lines[index].strip()} has no comment"
            above -= 1
        assert lines[above].lstrip().startswith("#"), f"{lines[index].strip()} has no comment"
    names = yaml.safe_load(default_config_text())["aries"]
    assert set(names) == {"intent", "threat", "vulnerability", "impact", "risk", "tiers",
                          "min_confidence", "full_confidence", "max_rank", "top_techniques",
                          "evidence_per_part"}  # fmt: skip


def test_dimension_parts_must_add_up_to_the_published_split() -> None:
    with pytest.raises(ConfigError, match="parts of threat must add up to 35") as error:
        load_config(overrides={"aries": {"threat": {"intel": 10}}})
    assert error.value.location is not None
    assert error.value.location.field == "aries"


def test_tier_cut_points_come_from_the_config(tmp_path: Path) -> None:
    user = tmp_path / "tiers.yaml"
    user.write_text("aries:\n  tiers:\n    medium: 40\n    high: 60\n    critical: 80\n")
    aries = load_config(user).aries
    assert [aries.tier(x) for x in (39.9, 40, 60, 80)] == ["low", "medium", "high", "critical"]
    default = load_config().aries
    assert [default.tier(x) for x in (49.99, 50, 69.99, 70, 84.99, 85)] == [
        "low", "medium", "medium", "high", "high", "critical",
    ]  # fmt: skip


def test_unordered_tiers_are_rejected() -> None:
    with pytest.raises(ConfigError, match="medium <= high <= critical"):
        load_config(overrides={"aries": {"tiers": {"high": 90}}})


def test_intent_shares_cannot_exceed_one() -> None:
    from pydantic import ValidationError

    from llmnav.config import load_config
    from llmnav.scoring.config import IntentWeights

    intent = load_config().aries.intent.model_dump()
    with pytest.raises(ValidationError, match="request_share"):
        IntentWeights(**{**intent, "peak_share": 0.6, "request_share": 0.5})
