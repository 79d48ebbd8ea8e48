"""LlmSettings, settings files and build_llm_mapper; the package's public surface and docs."""

from __future__ import annotations

import json
from dataclasses import fields
from pathlib import Path
from typing import Any

import httpx
import pytest

import llmnav.mapping.llm as llm
from llmnav.catalog import Catalog, load_catalog
from llmnav.errors import ConfigError
from llmnav.mapping.base import MapInput
from llmnav.mapping.llm import (
    AnthropicProvider,
    LlmMapper,
    LlmSettings,
    OpenAIProvider,
    build_llm_mapper,
    build_provider,
    load_llm_settings,
)

ROOT = Path(__file__).parents[2]
DATA = ROOT / "tests" / "data" / "mapping" / "llm"
OLLAMA = {"provider": "openai", "base_url": "http://localhost:11434/v1", "model": "qwen2.5:14b"}


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


def test_llm_settings_from_dict_fills_defaults() -> None:
    settings = LlmSettings.from_dict(OLLAMA)
    assert settings == LlmSettings("openai", "qwen2.5:14b", "http://localhost:11434/v1")
    assert settings.to_dict()["timeout_s"] == 60.0
    assert settings.key_env is None
    assert LlmSettings("anthropic", "claude-sonnet-4-5").key_env == "ANTHROPIC_API_KEY"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {**OLLAMA, "provider": "gemini"},
            "Unknown LLM provider 'gemini'; valid providers: anthropic, openai "
            "in llm.yaml (field provider)",
        ),
        (
            {**OLLAMA, "modle": "x"},
            "Unknown LLM setting 'modle'; valid settings: api_key_env, base_url, batch_size, "
            "json_mode, max_input_chars, max_techniques, max_tokens, max_tries, model, provider, "
            "timeout_s in llm.yaml (field modle)",
        ),
        (
            {"provider": "openai"},
            "The LLM setting 'model' is missing in llm.yaml (field model)",
        ),
        (
            {"provider": "openai", "model": "m"},
            "The openai provider needs base_url, e.g. http://localhost:11434/v1 (Ollama), "
            "http://localhost:8000/v1 (vLLM) or https://api.openai.com/v1 "
            "in llm.yaml (field base_url)",
        ),
        (
            {**OLLAMA, "base_url": "localhost:11434"},
            "base_url must start with http:// or https://, got 'localhost:11434' "
            "in llm.yaml (field base_url)",
        ),
        (
            {**OLLAMA, "timeout_s": "soon"},
            "The LLM setting 'timeout_s' must be a number, got 'soon' in llm.yaml "
            "(field timeout_s)",
        ),
        (
            {**OLLAMA, "batch_size": 0},
            "batch_size must be an integer >= 1, got 0 in llm.yaml (field batch_size)",
        ),
        (
            {**OLLAMA, "max_tries": True},
            "The LLM setting 'max_tries' must be an integer, got True in llm.yaml "
            "(field max_tries)",
        ),
        (
            {**OLLAMA, "json_mode": "yes"},
            "The LLM setting 'json_mode' must be true or false, got 'yes' in llm.yaml "
            "(field json_mode)",
        ),
    ],
)
def test_llm_settings_from_dict_rejects_bad_values(data: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        LlmSettings.from_dict(data, source="llm.yaml")
    assert str(caught.value) == message


def test_llm_settings_checks_values_when_made_directly() -> None:
    with pytest.raises(ConfigError, match=r"^max_techniques must be an integer >= 1, got -1 in"):
        LlmSettings("anthropic", "m", max_techniques=-1)


def test_load_llm_settings_reads_yaml_with_or_without_an_llm_key() -> None:
    ollama = load_llm_settings(DATA / "llm-openai.yaml")
    assert (ollama.provider, ollama.base_url, ollama.timeout_s, ollama.batch_size) == (
        "openai",
        "http://localhost:11434/v1",
        120,
        4,
    )
    claude = load_llm_settings(DATA / "llm-anthropic.yaml")
    assert (claude.provider, claude.key_env, claude.max_techniques) == (
        "anthropic",
        "LLMNAV_TEST_ANTHROPIC_KEY",
        3,
    )


def test_load_llm_settings_names_the_file_on_errors(tmp_path: Path) -> None:
    bad = tmp_path / "llm.yaml"
    bad.write_text("provider: openai\nmodel: [unclosed\n")
    with pytest.raises(ConfigError, match=r"not valid YAML or JSON in .*llm\.yaml:3$"):
        load_llm_settings(bad)
    with pytest.raises(ConfigError, match=r"^Cannot read the LLM settings file .* in .*nope\.yaml"):
        load_llm_settings(tmp_path / "nope.yaml")
    bad.write_text(json.dumps(["provider", "openai"]))
    with pytest.raises(ConfigError, match=r"must be a mapping of setting: value, got list"):
        load_llm_settings(bad)


def test_build_provider_reads_the_key_from_the_named_variable() -> None:
    settings = load_llm_settings(DATA / "llm-anthropic.yaml")
    provider = build_provider(settings, environ={"LLMNAV_TEST_ANTHROPIC_KEY": "sk-ant-xyz"})
    assert isinstance(provider, AnthropicProvider)
    assert provider.headers()["x-api-key"] == "sk-ant-xyz"
    assert "sk-ant-xyz" not in repr(provider)


def test_build_provider_without_the_key_variable_says_which_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    with pytest.raises(ConfigError) as caught:
        build_provider(LlmSettings("anthropic", "claude-sonnet-4-5"))
    assert str(caught.value) == (
        "The environment variable ANTHROPIC_API_KEY that should hold the anthropic API key is "
        "not set; export it, or set api_key_env to the variable that holds the key "
        "in LLM settings (field api_key_env)"
    )


def test_build_llm_mapper_wires_settings_into_provider_and_mapper(catalog: Catalog) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"choices": [{"message": {"content": '{"results":[]}'}}]})

    settings = LlmSettings.from_dict({**OLLAMA, "batch_size": 2, "api_key_env": "LOCAL_KEY"})
    mapper = build_llm_mapper(
        settings, catalog, httpx.MockTransport(handler), environ={"LOCAL_KEY": "k-local"}
    )
    assert isinstance(mapper, LlmMapper)
    assert isinstance(mapper.provider, OpenAIProvider)
    assert mapper.map_batch([MapInput(str(n), "id") for n in range(3)]) == [[], [], []]
    assert len(seen) == 2
    assert seen[0].headers["authorization"] == "Bearer k-local"
    assert str(seen[0].url) == "http://localhost:11434/v1/chat/completions"


# -- surface and docs -------------------------------------------------------------------


def test_llm_package_all_is_sorted_and_complete() -> None:
    assert llm.__all__ == sorted(llm.__all__, key=lambda n: (not n.isupper(), n))
    for name in llm.__all__:
        assert hasattr(llm, name), name


def test_every_llm_setting_is_documented() -> None:
    doc = (ROOT / "docs" / "llm.md").read_text(encoding="utf-8")
    for field in fields(LlmSettings):
        assert f"`{field.name}`" in doc, f"{field.name} is not documented in docs/llm.md"
    for provider in llm.PROVIDERS:
        assert f"`{provider}`" in doc
