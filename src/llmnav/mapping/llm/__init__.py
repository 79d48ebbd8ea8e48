"""The optional LLM mapper: ask a language model which ATT&CK techniques telemetry shows.

Never required and never on by default: llmnav sends telemetry only to the endpoint
the user configures. See ``docs/llm.md``.

- ``Provider`` is the seam (``complete(CompletionRequest) -> CompletionResponse``);
  ``OpenAIProvider`` speaks to any OpenAI-compatible chat completions endpoint,
  ``AnthropicProvider`` to the Anthropic Messages API, and ``FakeProvider`` answers
  without a network, for tests.
- ``LlmMapper`` batches inputs into prompts and checks the answers against the catalog.
- ``LlmSettings`` and ``build_llm_mapper`` turn a settings file into a mapper.

>>> from llmnav.catalog import load_catalog
>>> from llmnav.mapping.base import MapInput
>>> from llmnav.mapping.llm import FakeProvider, LlmMapper
>>> fake = FakeProvider.from_table({"net user /domain": [("T1087.002", 0.8, "net user")]})
>>> LlmMapper(fake, load_catalog()).map_batch([MapInput("a1", "net user /domain", "command")])
[[Candidate(technique_id='T1087.002', score=0.8, evidence='net user', detail='llm fake')]]
"""

from __future__ import annotations

from llmnav.mapping.llm.answer import EVIDENCE_PENALTY, read_answer
from llmnav.mapping.llm.anthropic import AnthropicProvider
from llmnav.mapping.llm.client import HttpProvider
from llmnav.mapping.llm.fake import FakeProvider
from llmnav.mapping.llm.mapper import BatchFailure, LlmMapper, LlmUsage
from llmnav.mapping.llm.openai import OpenAIProvider
from llmnav.mapping.llm.prompt import Prompt, build_prompt, read_data_section
from llmnav.mapping.llm.provider import (
    AnswerError,
    CompletionRequest,
    CompletionResponse,
    Provider,
    ProviderError,
)
from llmnav.mapping.llm.settings import (
    PROVIDERS,
    LlmSettings,
    build_llm_mapper,
    build_provider,
    load_llm_settings,
)

__all__ = [
    "EVIDENCE_PENALTY",
    "PROVIDERS",
    "AnswerError",
    "AnthropicProvider",
    "BatchFailure",
    "CompletionRequest",
    "CompletionResponse",
    "FakeProvider",
    "HttpProvider",
    "LlmMapper",
    "LlmSettings",
    "LlmUsage",
    "OpenAIProvider",
    "Prompt",
    "Provider",
    "ProviderError",
    "build_llm_mapper",
    "build_prompt",
    "build_provider",
    "load_llm_settings",
    "read_answer",
    "read_data_section",
]
