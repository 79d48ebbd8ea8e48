"""``OpenAIProvider``: any OpenAI-compatible chat completions endpoint.

Works with OpenAI itself and with local or self-hosted servers that speak the same
API (vLLM, Ollama, LiteLLM, llama.cpp). Posts to ``{base_url}/chat/completions``
with ``Authorization: Bearer KEY`` when a key is set, temperature 0 and, when the
request asks for it, ``response_format: {"type": "json_object"}``.

>>> import httpx
>>> def handler(request: httpx.Request) -> httpx.Response:
...     return httpx.Response(200, json={"model": "m", "choices": [
...         {"message": {"role": "assistant", "content": "{}"}, "finish_reason": "stop"}]})
>>> provider = OpenAIProvider("http://localhost:8000/v1", model="m",
...                           transport=httpx.MockTransport(handler))
>>> provider.endpoint
'http://localhost:8000/v1/chat/completions'
>>> provider.complete(CompletionRequest("system", "prompt")).text
'{}'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from llmnav.mapping.llm.client import HttpProvider
from llmnav.mapping.llm.provider import CompletionRequest, CompletionResponse

__all__ = ["OpenAIProvider"]


def _int_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


class OpenAIProvider(HttpProvider):
    """An OpenAI-compatible chat completions endpoint; see ``HttpProvider`` for the options.

    ``base_url`` is the API root including its version, e.g. ``https://api.openai.com/v1``
    or ``http://localhost:11434/v1`` (Ollama). ``api_key`` may be None for local servers.
    """

    name = "openai"
    path = "/chat/completions"
    api_name = "OpenAI-compatible chat completions"

    def headers(self) -> dict[str, str]:
        """JSON content type, and ``Authorization: Bearer`` when a key is set."""
        headers = {"content-type": "application/json", "accept": "application/json"}
        if self._api_key:
            headers["authorization"] = f"Bearer {self._api_key}"
        return headers

    def body(self, request: CompletionRequest) -> dict[str, Any]:
        """System and user messages, ``max_tokens``, ``temperature``, optional JSON mode."""
        body: dict[str, Any] = {
            "model": request.model or self.model,
            "messages": [
                {"role": "system", "content": request.system},
                {"role": "user", "content": request.prompt},
            ],
            "max_tokens": request.max_tokens,
            "temperature": request.temperature,
        }
        if request.json_mode:
            body["response_format"] = {"type": "json_object"}
        return body

    def parse(self, data: Mapping[str, Any]) -> CompletionResponse:
        """``choices[0].message.content`` (a string or a list of text parts) and usage."""
        choices = data.get("choices")
        if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
            raise ValueError("no choices")
        message = choices[0].get("message")
        if not isinstance(message, dict):
            raise ValueError("no choices[0].message")
        content = message.get("content")
        if isinstance(content, list):
            content = "".join(
                part.get("text", "")
                for part in content
                if isinstance(part, dict) and isinstance(part.get("text"), str)
            )
        elif content is None:
            content = ""
        if not isinstance(content, str):
            raise ValueError("choices[0].message.content is not text")
        usage = data.get("usage")
        usage = usage if isinstance(usage, dict) else {}
        reason = choices[0].get("finish_reason")
        model = data.get("model")
        return CompletionResponse(
            text=content,
            model=model if isinstance(model, str) else self.model,
            finish_reason=reason if isinstance(reason, str) else "",
            input_tokens=_int_or_none(usage.get("prompt_tokens")),
            output_tokens=_int_or_none(usage.get("completion_tokens")),
        )
