"""The configuration file: documented defaults, partial user files, clear errors."""

from __future__ import annotations

import doctest
from pathlib import Path

import pytest
import yaml

import llmnav.config
from llmnav.config import default_config_text, load_config
from llmnav.errors import ConfigError

DATA = Path(__file__).parent / "data" / "config"


def test_config_docstring_examples() -> None:
    assert doctest.testmod(llmnav.config, optionflags=doctest.ELLIPSIS).failed == 0


def test_user_file_changes_only_what_it_names() -> None:
    config = load_config(DATA / "stricter.yaml")
    assert config.orchestration.min_intent == 0.7
    assert config.orchestration.T0002.min_calls == 25
    assert config.orchestration.T0001.min_tactics == load_config().orchestration.T0001.min_tactics


def test_fingerprint_tells_configurations_apart_and_is_stable() -> None:
    assert load_config().fingerprint == load_config().fingerprint
    assert load_config(DATA / "stricter.yaml").fingerprint != load_config().fingerprint


def test_wrong_type_names_file_and_field() -> None:
    with pytest.raises(ConfigError) as error:
        load_config(DATA / "bad-type.yaml")
    assert error.value.location is not None
    assert error.value.location.path.endswith("bad-type.yaml")
    assert error.value.location.field == "orchestration.T0002.min_calls"


def test_invalid_yaml_names_the_line() -> None:
    with pytest.raises(ConfigError, match="not valid YAML") as error:
        load_config(DATA / "not-yaml.yaml")
    assert error.value.location is not None and error.value.location.line is not None


def test_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="Cannot read configuration file"):
        load_config(tmp_path / "nope.yaml")


def test_every_default_setting_is_documented_by_a_comment() -> None:
    text = default_config_text()
    lines = text.splitlines()
    for key in yaml.safe_load(text)["orchestration"]:
        index = next(i for i, line in enumerate(lines) if line.strip().startswith(f"{key}:"))
        nearby = (lines[index - 1].strip(), lines[index + 1].strip())
        assert any(line.startswith("#") for line in nearby), f"{key} has no comment"
