"""llmnav's configuration: one YAML file of documented defaults, overridable by the user.

``llmnav/data/llmnav.yaml`` holds every setting with its default and a comment
saying what it does. A user file holds only what it changes; it is merged over
the defaults key by key and validated, so a typo or a wrong type is an error
that names the file and the field.

>>> config = load_config()
>>> config.orchestration.T0001.min_tactics
2
>>> config = load_config(overrides={"orchestration": {"T0001": {"min_tactics": 3}}})
>>> config.orchestration.T0001.min_tactics, config.orchestration.T0002.min_calls
(3, 10)
>>> load_config(overrides={"orchestration": {"T0001": {"min_tactic": 3}}})
Traceback (most recent call last):
...
llmnav.errors.ConfigError: Unknown setting in <overrides> (field orchestration.T0001.min_tactic)
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from llmnav.errors import ConfigError, SourceLocation
from llmnav.scoring.config import AriesConfig

__all__ = [
    "AriesConfig",
    "Config",
    "OrchestrationConfig",
    "default_config_text",
    "load_config",
]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class KillChainConfig(_Section):
    min_tactics: int = Field(ge=2)


class CallCountConfig(_Section):
    min_calls: int = Field(ge=1)


class TargetSelectionConfig(_Section):
    min_candidates: int = Field(ge=2)


class OffensiveToolsConfig(_Section):
    offensive_tools: tuple[str, ...]


class InterventionConfig(_Section):
    min_tool_calls: int = Field(ge=1)
    max_decisions_per_100: float = Field(ge=0)


class TempoConfig(_Section):
    min_actions: int = Field(ge=2)
    min_per_minute: float = Field(gt=0)


class EvasionConfig(_Section):
    min_subtasks: int = Field(ge=2)
    max_subtask_intent: float = Field(ge=0, le=1)
    min_tactics: int = Field(ge=2)
    persona_patterns: tuple[str, ...]


class OrchestrationConfig(_Section):
    """Thresholds of the AIO detectors (docs/aio.md defines each behaviour)."""

    min_confidence: float = Field(ge=0, le=1)
    min_intent: float = Field(ge=0, le=1)
    ignore_hosts: tuple[str, ...]
    T0001: KillChainConfig
    T0002: CallCountConfig
    T0004: CallCountConfig
    T0005: TargetSelectionConfig
    T0006: OffensiveToolsConfig
    T0007: InterventionConfig
    T0008: TempoConfig
    T0010: EvasionConfig


class Config(_Section):
    """The whole configuration. ``fingerprint`` identifies it in stored results."""

    orchestration: OrchestrationConfig
    aries: AriesConfig

    @property
    def fingerprint(self) -> str:
        canonical = json.dumps(self.model_dump(mode="json"), sort_keys=True)
        return hashlib.blake2b(canonical.encode(), digest_size=6).hexdigest()


def default_config_text() -> str:
    """The documented default configuration file, comments included."""
    return resources.files("llmnav").joinpath("data/llmnav.yaml").read_text(encoding="utf-8")


@cache
def _defaults() -> dict[str, Any]:
    data = yaml.safe_load(default_config_text())
    assert isinstance(data, dict)
    return data


def _merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _read_file(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(
            f"Cannot read configuration file: {exc.strerror}", location=SourceLocation(str(path))
        ) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise ConfigError(
            "Configuration file is not valid YAML", location=SourceLocation(str(path), line)
        ) from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(
            "Configuration file must hold a mapping of settings",
            location=SourceLocation(str(path)),
        )
    return data


def load_config(
    path: str | Path | None = None, *, overrides: Mapping[str, Any] | None = None
) -> Config:
    """The defaults, merged with the file at ``path`` and then with ``overrides``."""
    data = _defaults()
    source = "<defaults>"
    if path is not None:
        data = _merge(data, _read_file(Path(path)))
        source = str(path)
    if overrides:
        data = _merge(data, overrides)
        source = "<overrides>" if path is None else source
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        field = ".".join(str(part) for part in error["loc"])
        unknown = error["type"] == "extra_forbidden"
        message = "Unknown setting" if unknown else f"Invalid setting: {error['msg']}"
        raise ConfigError(message, location=SourceLocation(source, field=field)) from exc
