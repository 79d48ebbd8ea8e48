"""``AnthropicProvider``: the Anthropic Messages API.

Posts to ``{base_url}/v1/messages`` with the ``x-api-key`` and ``anthropic-version``
headers, the system prompt in ``system`` and the prompt as the one user message,
at temperature 0. The Messages API has no JSON mode: the mapper's prompt asks for
JSON and its parser finds the object in the answer.

>>> import httpx
>>> def handler(request: httpx.Request) -> httpx.Response:
...     return httpx.Response(200, json={"type": "message", "model": "claude",
...         "content": [{"type": "text", "text": "{}"}], "stop_reason": "end_turn"})
>>> provider = AnthropicProvider(api_key="sk-ant-test", model="claude",
...                              transport=httpx.MockTransport(handler))
>>> provider.endpoint
'https://api.anthropic.com/v1/messages'
>>> provider.complete(CompletionRequest("system", "prompt")).text
'{}'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from llmnav.mapping.llm.client import HttpProvider
from llmnav.mapping.llm.provider import CompletionRequest, CompletionResponse

__all__ = ["ANTHROPIC_VERSION", "AnthropicProvider"]

ANTHROPIC_VERSION = "2023-06-01"
"""The ``anthropic-version`` header sent with every request."""


def _int_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


class AnthropicProvider(HttpProvider):
    """The Anthropic Messages API; see ``HttpProvider`` for the options.

    ``base_url`` defaults to ``https://api.anthropic.com``; point it at a proxy or
    gateway that speaks the same API if you use one.
    """

    name = "anthropic"
    path = "/v1/messages"
    api_name = "Anthropic Messages API"
    default_base_url = "https://api.anthropic.com"

    @property
    def endpoint(self) -> str:
        """``{base_url}/v1/messages`` (a base_url ending in ``/v1`` is accepted too)."""
        if self.base_url.endswith("/v1"):
            return self.base_url + "/messages"
        return super().endpoint

    def headers(self) -> dict[str, str]:
        """JSON content type, ``anthropic-version`` and ``x-api-key`` when a key is set."""
        headers = {
            "content-type": "application/json",
            "accept": "application/json",
            "anthropic-version": ANTHROPIC_VERSION,
        }
        if self._api_key:
            headers["x-api-key"] = self._api_key
        return headers

    def body(self, request: CompletionRequest) -> dict[str, Any]:
        """``system``, one user message, ``max_tokens`` and ``temperature``."""
        return {
            "model": request.model or self.model,
            "system": request.system,
            "messages": [{"role": "user", "content": request.prompt}],
            "max_tokens": request.max_tokens,
            "temperature": request.temperature,
        }

    def parse(self, data: Mapping[str, Any]) -> CompletionResponse:
        """The text of the ``content`` blocks, ``stop_reason`` and usage."""
        content = data.get("content")
        if not isinstance(content, list):
            raise ValueError("no content list")
        text = "".join(
            block["text"]
            for block in content
            if isinstance(block, dict)
            and block.get("type") == "text"
            and isinstance(block.get("text"), str)
        )
        usage = data.get("usage")
        usage = usage if isinstance(usage, dict) else {}
        reason = data.get("stop_reason")
        model = data.get("model")
        return CompletionResponse(
            text=text,
            model=model if isinstance(model, str) else self.model,
            finish_reason=reason if isinstance(reason, str) else "",
            input_tokens=_int_or_none(usage.get("input_tokens")),
            output_tokens=_int_or_none(usage.get("output_tokens")),
        )
