"""LLM mapper configuration: ``LlmSettings``, read from a file, and the factories.

A settings file is YAML (or JSON), either the settings themselves or under an
``llm`` key::

    provider: openai                      # openai | anthropic
    base_url: http://localhost:11434/v1   # required for openai
    model: qwen2.5:14b
    api_key_env: null                     # the environment variable that holds the key

The API key itself is never in the file: ``api_key_env`` names the environment
variable to read it from (default ``ANTHROPIC_API_KEY`` for ``anthropic``, none
for ``openai``, whose local servers usually need no key).

>>> settings = LlmSettings.from_dict({"provider": "openai", "model": "m",
...                                   "base_url": "http://localhost:8000/v1"})
>>> settings.batch_size, settings.max_techniques
(8, 5)
>>> LlmSettings.from_dict({"provider": "gemini", "model": "m"})
Traceback (most recent call last):
...
llmnav.errors.ConfigError: Unknown LLM provider 'gemini'; valid providers: anthropic, openai \
in LLM settings (field provider)
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any, Literal

import httpx
import yaml

from llmnav.catalog import Catalog
from llmnav.errors import ConfigError, SourceLocation
from llmnav.mapping.llm.anthropic import AnthropicProvider
from llmnav.mapping.llm.client import HttpProvider, Sleep
from llmnav.mapping.llm.mapper import LlmMapper
from llmnav.mapping.llm.openai import OpenAIProvider

__all__ = [
    "DEFAULT_API_KEY_ENV",
    "PROVIDERS",
    "LlmSettings",
    "ProviderName",
    "build_llm_mapper",
    "build_provider",
    "load_llm_settings",
]

ProviderName = Literal["anthropic", "openai"]

PROVIDERS: dict[str, type[HttpProvider]] = {
    "anthropic": AnthropicProvider,
    "openai": OpenAIProvider,
}
"""Provider name in the settings -> class."""

DEFAULT_API_KEY_ENV: dict[str, str] = {"anthropic": "ANTHROPIC_API_KEY"}
"""The variable read for the key when ``api_key_env`` is not given."""

_WHERE = "LLM settings"


class _Invalid(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True, slots=True)
class LlmSettings:
    """How to reach the LLM and how to batch inputs; checked when made.

    Parameters:
        provider: ``openai`` (any OpenAI-compatible endpoint) or ``anthropic``.
        model: the model name the endpoint knows.
        base_url: the API root; required for ``openai`` (e.g. ``http://localhost:11434/v1``,
            ``https://api.openai.com/v1``), default ``https://api.anthropic.com``.
        api_key_env: the environment variable that holds the API key; None for none
            (``anthropic`` defaults to ``ANTHROPIC_API_KEY``).
        timeout_s: seconds to wait for the endpoint (connecting, and each read).
        max_tries: requests per batch before giving up (429 and 5xx are retried).
        max_techniques: the most techniques per input.
        batch_size: inputs per request.
        max_input_chars: each input is cut to this many characters before sending.
        max_tokens: the most answer tokens per request.
        json_mode: ask OpenAI-compatible endpoints for a JSON object
            (``response_format``); turn off for servers that reject it.

    Raises:
        ConfigError: a value is missing, of the wrong type or out of range; the
            message lists the valid values.
    """

    provider: ProviderName
    model: str
    base_url: str | None = None
    api_key_env: str | None = None
    timeout_s: float = 60.0
    max_tries: int = 3
    max_techniques: int = 5
    batch_size: int = 8
    max_input_chars: int = 4000
    max_tokens: int = 4096
    json_mode: bool = True

    def __post_init__(self) -> None:
        try:
            _check(self)
        except _Invalid as exc:
            raise ConfigError(exc.message, SourceLocation(_WHERE, field=exc.field)) from None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, source: str = _WHERE) -> LlmSettings:
        """Settings from a parsed file; ``source`` names the file in error messages.

        Raises:
            ConfigError: an unknown key, a missing ``provider`` or ``model``, or a bad value.
        """
        if not isinstance(data, Mapping):
            raise ConfigError(
                f"LLM settings must be a mapping of setting: value, got {type(data).__name__}",
                SourceLocation(source),
            )
        names = [f.name for f in fields(cls)]
        for key in data:
            if key not in names:
                raise ConfigError(
                    f"Unknown LLM setting {key!r}; valid settings: {', '.join(sorted(names))}",
                    SourceLocation(source, field=str(key)),
                )
        for key in ("provider", "model"):
            if data.get(key) in (None, ""):
                raise ConfigError(
                    f"The LLM setting {key!r} is missing",
                    SourceLocation(source, field=key),
                )
        try:
            for f in fields(cls):
                if f.name in data:
                    _check_type(f.name, data[f.name])
            return cls(**data)
        except ConfigError as exc:
            field = exc.location.field if exc.location else None
            raise ConfigError(exc.message, SourceLocation(source, field=field)) from None
        except _Invalid as exc:
            raise ConfigError(exc.message, SourceLocation(source, field=exc.field)) from None

    def to_dict(self) -> dict[str, Any]:
        """The settings as a plain dict (no secrets: the key stays in the environment)."""
        return asdict(self)

    @property
    def key_env(self) -> str | None:
        """The environment variable to read the API key from, defaults applied."""
        return self.api_key_env or DEFAULT_API_KEY_ENV.get(self.provider)


_TYPES: dict[str, tuple[str, tuple[type, ...]]] = {
    "provider": ("a string", (str,)),
    "model": ("a string", (str,)),
    "base_url": ("a URL string or null", (str, type(None))),
    "api_key_env": ("an environment variable name or null", (str, type(None))),
    "timeout_s": ("a number", (int, float)),
    "max_tries": ("an integer", (int,)),
    "max_techniques": ("an integer", (int,)),
    "batch_size": ("an integer", (int,)),
    "max_input_chars": ("an integer", (int,)),
    "max_tokens": ("an integer", (int,)),
    "json_mode": ("true or false", (bool,)),
}


def _check_type(name: str, value: Any) -> None:
    what, types = _TYPES[name]
    if (isinstance(value, bool) and bool not in types) or not isinstance(value, types):
        raise _Invalid(name, f"The LLM setting {name!r} must be {what}, got {value!r}")


def _check(s: LlmSettings) -> None:
    """Raise ``_Invalid`` for the first bad value of ``s``."""
    if s.provider not in PROVIDERS:
        raise _Invalid(
            "provider",
            f"Unknown LLM provider {s.provider!r}; valid providers: {', '.join(sorted(PROVIDERS))}",
        )
    if not isinstance(s.model, str) or not s.model.strip():
        raise _Invalid("model", "The LLM setting 'model' must name a model, e.g. gpt-4o-mini")
    if s.base_url is None and s.provider == "openai":
        raise _Invalid(
            "base_url",
            "The openai provider needs base_url, e.g. http://localhost:11434/v1 (Ollama), "
            "http://localhost:8000/v1 (vLLM) or https://api.openai.com/v1",
        )
    if s.base_url is not None and not s.base_url.startswith(("http://", "https://")):
        raise _Invalid(
            "base_url", f"base_url must start with http:// or https://, got {s.base_url!r}"
        )
    if s.api_key_env is not None and not s.api_key_env.strip():
        raise _Invalid("api_key_env", "api_key_env must name an environment variable or be null")
    if not isinstance(s.timeout_s, int | float) or not (
        math.isfinite(s.timeout_s) and s.timeout_s > 0
    ):
        raise _Invalid("timeout_s", f"timeout_s must be a number of seconds > 0, got {s.timeout_s}")
    for name in ("max_tries", "max_techniques", "batch_size", "max_input_chars", "max_tokens"):
        value = getattr(s, name)
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise _Invalid(name, f"{name} must be an integer >= 1, got {value!r}")


def load_llm_settings(path: str | Path) -> LlmSettings:
    """Read ``LlmSettings`` from a YAML or JSON file (the settings, or an ``llm`` key).

    Raises:
        ConfigError: the file cannot be read or parsed, or a setting is bad; the
            message names the file and the setting.
    """
    where = str(path)
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(
            f"Cannot read the LLM settings file ({exc.strerror})", SourceLocation(where)
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise ConfigError(
            "The LLM settings file is not valid YAML or JSON", SourceLocation(where, line)
        ) from None
    if isinstance(data, Mapping) and isinstance(data.get("llm"), Mapping):
        data = data["llm"]
    return LlmSettings.from_dict(data, source=where)


def build_provider(
    settings: LlmSettings,
    *,
    transport: httpx.BaseTransport | None = None,
    environ: Mapping[str, str] | None = None,
    sleep: Sleep = time.sleep,
) -> HttpProvider:
    """The provider the settings describe, with its API key read from the environment.

    Raises:
        ConfigError: the key's environment variable is not set.
    """
    env = os.environ if environ is None else environ
    api_key = None
    name = settings.key_env
    if name is not None:
        api_key = env.get(name, "").strip()
        if not api_key:
            raise ConfigError(
                f"The environment variable {name} that should hold the {settings.provider} "
                "API key is not set; export it, or set api_key_env to the variable that holds "
                "the key",
                SourceLocation(_WHERE, field="api_key_env"),
            )
    cls = PROVIDERS[settings.provider]
    return cls(
        settings.base_url,
        model=settings.model,
        api_key=api_key,
        timeout=float(settings.timeout_s),
        max_tries=settings.max_tries,
        sleep=sleep,
        transport=transport,
    )


def build_llm_mapper(
    settings: LlmSettings,
    catalog: Catalog,
    transport: httpx.BaseTransport | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    sleep: Sleep = time.sleep,
) -> LlmMapper:
    """An ``LlmMapper`` over the provider the settings describe.

    Parameters:
        settings: from ``load_llm_settings`` or ``LlmSettings.from_dict``.
        catalog: technique ids in answers are checked against it.
        transport: an ``httpx`` transport for the provider (tests: ``httpx.MockTransport``).
        environ: where to read the API key (default ``os.environ``).
        sleep: how to wait between retries.

    >>> mapper = build_llm_mapper(settings, load_catalog())        # doctest: +SKIP
    >>> mapper.map_batch([MapInput("a1", "mimikatz", "command")])  # doctest: +SKIP
    """
    provider = build_provider(settings, transport=transport, environ=environ, sleep=sleep)
    return LlmMapper(
        provider,
        catalog,
        max_techniques=settings.max_techniques,
        batch_size=settings.batch_size,
        max_input_chars=settings.max_input_chars,
        max_tokens=settings.max_tokens,
        json_mode=settings.json_mode,
    )
