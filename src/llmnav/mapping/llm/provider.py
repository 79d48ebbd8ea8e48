"""The LLM provider seam: one chat completion in, one text answer out.

A provider hides one vendor's API behind ``complete(request)``. The mapper only
ever builds a ``CompletionRequest`` and reads a ``CompletionResponse``, so any
endpoint that can answer a system prompt plus a user prompt can map telemetry.

To add a provider:

1. subclass ``Provider`` (or ``HttpProvider`` in ``llmnav.mapping.llm.client``
   for a JSON-over-HTTP API) and set ``name``, its id in the configuration;
2. implement ``complete(request)``: return a ``CompletionResponse`` or raise
   ``ProviderError`` naming the endpoint (never the API key);
3. add the class to ``PROVIDERS`` in ``llmnav.mapping.llm.settings``.

Errors::

    LlmnavError
      ProviderError     the endpoint failed: HTTP error, timeout, unreachable, not JSON
      AnswerError       the endpoint answered, but the model's text is unusable

>>> from llmnav.mapping.llm import FakeProvider, CompletionRequest
>>> FakeProvider('{"results": []}').complete(CompletionRequest("system", "prompt")).text
'{"results": []}'
"""

from __future__ import annotations

from dataclasses import dataclass
from types import TracebackType
from typing import ClassVar, Self

from llmnav.errors import LlmnavError

__all__ = [
    "AnswerError",
    "CompletionRequest",
    "CompletionResponse",
    "Provider",
    "ProviderError",
]


class ProviderError(LlmnavError):
    """An LLM endpoint failed: HTTP error, timeout, connection refused, a body that is not JSON.

    The message names the endpoint URL and, when there was one, the HTTP status;
    it never contains the API key.

    Attributes:
        url: the endpoint that failed.
        status: the last HTTP status, or None when no response came back.
        tries: how many requests were made before giving up.

    >>> try:
    ...     provider.complete(request)                       # doctest: +SKIP
    ... except ProviderError as exc:
    ...     print(exc.url, exc.status)                       # doctest: +SKIP
    """

    def __init__(self, message: str, *, url: str, status: int | None = None, tries: int = 1):
        super().__init__(message)
        self.url = url
        self.status = status
        self.tries = tries


class AnswerError(LlmnavError):
    """The endpoint answered, but the model's text cannot be used (no JSON object in it)."""


@dataclass(frozen=True, slots=True)
class CompletionRequest:
    """One chat completion to ask for.

    Parameters:
        system: the system prompt (instructions).
        prompt: the user turn (for the mapper: instructions plus the data section).
        model: the model to use; None means the provider's own default.
        max_tokens: the most tokens the answer may have.
        temperature: sampling temperature; 0 for repeatable mappings.
        json_mode: ask for a JSON object where the API can enforce it
            (OpenAI ``response_format``); ignored where it cannot.
    """

    system: str
    prompt: str
    model: str | None = None
    max_tokens: int = 1024
    temperature: float = 0.0
    json_mode: bool = True


@dataclass(frozen=True, slots=True)
class CompletionResponse:
    """What the model answered.

    Parameters:
        text: the answer text (for the mapper: hopefully one JSON object).
        model: the model that answered, as the endpoint reports it.
        finish_reason: why it stopped (``stop``, ``length``, ``end_turn``, ``max_tokens``).
        input_tokens: prompt tokens, when the endpoint reports usage.
        output_tokens: answer tokens, when the endpoint reports usage.
    """

    text: str
    model: str = ""
    finish_reason: str = ""
    input_tokens: int | None = None
    output_tokens: int | None = None

    @property
    def truncated(self) -> bool:
        """True when the answer was cut off at ``max_tokens``."""
        return self.finish_reason in ("length", "max_tokens")


class Provider:
    """Base class of LLM providers; see the module docstring for how to add one.

    Providers are context managers: ``with provider: ...`` closes their connections.
    """

    name: ClassVar[str]
    model: str = ""
    """The model used when a request names none."""

    def complete(self, request: CompletionRequest) -> CompletionResponse:
        """Answer one chat completion, or raise ``ProviderError``."""
        raise NotImplementedError

    @property
    def endpoint(self) -> str:
        """Where requests go, for messages and logs (a URL, or a name for test doubles)."""
        return self.name

    def close(self) -> None:
        """Release connections; the default has none."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
