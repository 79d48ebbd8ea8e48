"""OpenAIProvider and AnthropicProvider against httpx.MockTransport: never the network."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from llmnav.errors import ConfigError
from llmnav.mapping.llm import (
    AnthropicProvider,
    CompletionRequest,
    OpenAIProvider,
    ProviderError,
)

DATA = Path(__file__).parents[1] / "data" / "mapping" / "llm"
KEY = "sk-test-SECRET-0123456789"
REQUEST = CompletionRequest("You map telemetry.", "Map this.", max_tokens=300)


def canned(name: str) -> dict[str, Any]:
    value: dict[str, Any] = json.loads((DATA / name).read_text(encoding="utf-8"))
    return value


Reply = httpx.Response | Callable[[httpx.Request], httpx.Response]


class Server:
    """A MockTransport handler that records requests and plays replies in order."""

    def __init__(self, *replies: Reply) -> None:
        self.replies = list(replies)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        reply = self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]
        return reply(request) if callable(reply) else reply

    @property
    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self)

    def body(self, n: int = 0) -> dict[str, Any]:
        value: dict[str, Any] = json.loads(self.requests[n].content)
        return value


class Sleeps(list[float]):
    """An injectable sleep that records the waits instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def openai(server: Server, sleep: Sleeps | None = None, **options: Any) -> OpenAIProvider:
    return OpenAIProvider(
        "http://llm.test/v1",
        model="qwen2.5-14b-instruct",
        api_key=KEY,
        transport=server.transport,
        sleep=sleep if sleep is not None else Sleeps(),
        **options,
    )


def anthropic(server: Server, sleep: Sleeps | None = None, **options: Any) -> AnthropicProvider:
    return AnthropicProvider(
        model="claude-sonnet-4-5",
        api_key=KEY,
        transport=server.transport,
        sleep=sleep if sleep is not None else Sleeps(),
        **options,
    )


# -- OpenAI-compatible ------------------------------------------------------------------


def test_openai_provider_posts_chat_completion_with_bearer_key_and_json_mode() -> None:
    server = Server(httpx.Response(200, json=canned("openai_chat_completion.json")))
    response = openai(server).complete(REQUEST)

    sent = server.requests[0]
    assert sent.method == "POST"
    assert str(sent.url) == "http://llm.test/v1/chat/completions"
    assert sent.headers["authorization"] == f"Bearer {KEY}"
    assert sent.headers["content-type"] == "application/json"
    assert server.body() == {
        "model": "qwen2.5-14b-instruct",
        "messages": [
            {"role": "system", "content": "You map telemetry."},
            {"role": "user", "content": "Map this."},
        ],
        "max_tokens": 300,
        "temperature": 0.0,
        "response_format": {"type": "json_object"},
    }
    assert response.text.startswith('{"results": [{"id": "1"')
    assert response.model == "qwen2.5-14b-instruct"
    assert response.finish_reason == "stop"
    assert (response.input_tokens, response.output_tokens) == (812, 74)


def test_openai_provider_without_key_sends_no_authorization_and_can_skip_json_mode() -> None:
    server = Server(httpx.Response(200, json=canned("openai_chat_completion.json")))
    provider = OpenAIProvider(
        "http://localhost:11434/v1/", model="llama3", transport=server.transport
    )
    provider.complete(CompletionRequest("s", "p", model="other", json_mode=False))

    assert "authorization" not in server.requests[0].headers
    assert server.body()["model"] == "other"
    assert "response_format" not in server.body()
    assert str(server.requests[0].url) == "http://localhost:11434/v1/chat/completions"


def test_openai_provider_accepts_a_base_url_that_already_ends_with_the_path() -> None:
    provider = OpenAIProvider("http://llm.test/v1/chat/completions", model="m")
    assert provider.endpoint == "http://llm.test/v1/chat/completions"


def test_openai_provider_joins_content_parts_and_accepts_null_content() -> None:
    parts = {"choices": [{"message": {"content": [{"type": "text", "text": "{"}, {"text": "}"}]}}]}
    server = Server(
        httpx.Response(200, json=parts),
        httpx.Response(200, json={"choices": [{"message": {"content": None}}]}),
    )
    provider = openai(server)
    assert provider.complete(REQUEST).text == "{}"
    assert provider.complete(REQUEST).text == ""


def test_openai_provider_needs_a_base_url() -> None:
    with pytest.raises(ConfigError, match=r"OpenAIProvider needs a base_url starting with http"):
        OpenAIProvider(model="m")
    with pytest.raises(ConfigError, match=r"got 'localhost:8000'"):
        OpenAIProvider("localhost:8000", model="m")


# -- Anthropic ---------------------------------------------------------------------------


def test_anthropic_provider_posts_messages_with_api_key_and_version_headers() -> None:
    server = Server(httpx.Response(200, json=canned("anthropic_message.json")))
    response = anthropic(server).complete(REQUEST)

    sent = server.requests[0]
    assert str(sent.url) == "https://api.anthropic.com/v1/messages"
    assert sent.headers["x-api-key"] == KEY
    assert sent.headers["anthropic-version"] == "2023-06-01"
    assert "authorization" not in sent.headers
    assert server.body() == {
        "model": "claude-sonnet-4-5",
        "system": "You map telemetry.",
        "messages": [{"role": "user", "content": "Map this."}],
        "max_tokens": 300,
        "temperature": 0.0,
    }
    assert '"T1003.001"' in response.text
    assert response.finish_reason == "end_turn"
    assert (response.input_tokens, response.output_tokens) == (790, 61)


def test_anthropic_provider_accepts_a_gateway_base_url_with_or_without_v1() -> None:
    assert (
        AnthropicProvider("https://gw.test/", model="m").endpoint == "https://gw.test/v1/messages"
    )
    assert AnthropicProvider("https://gw.test/v1", model="m").endpoint == (
        "https://gw.test/v1/messages"
    )


def test_anthropic_provider_reads_only_text_blocks() -> None:
    message = {
        "content": [
            {"type": "thinking", "thinking": "hmm"},
            {"type": "text", "text": '{"results": '},
            {"type": "text", "text": "[]}"},
        ],
        "stop_reason": "max_tokens",
    }
    response = anthropic(Server(httpx.Response(200, json=message))).complete(REQUEST)
    assert response.text == '{"results": []}'
    assert response.truncated


# -- retries -----------------------------------------------------------------------------


def test_provider_retries_429_then_succeeds_honouring_retry_after() -> None:
    server = Server(
        httpx.Response(429, headers={"retry-after": "7"}, json={"error": {"message": "slow"}}),
        httpx.Response(200, json=canned("openai_chat_completion.json")),
    )
    sleeps = Sleeps()
    response = openai(server, sleeps).complete(REQUEST)

    assert response.finish_reason == "stop"
    assert len(server.requests) == 2
    assert sleeps == [7.0]


def test_provider_retries_5xx_with_exponential_backoff_then_raises() -> None:
    server = Server(httpx.Response(529, json=canned("anthropic_error_529.json")))
    sleeps = Sleeps()
    with pytest.raises(ProviderError) as caught:
        anthropic(server, sleeps, max_tries=3, backoff=0.5).complete(REQUEST)

    assert len(server.requests) == 3
    assert sleeps == [0.5, 1.0]
    assert caught.value.status == 529
    assert caught.value.tries == 3
    assert str(caught.value) == (
        "LLM endpoint https://api.anthropic.com/v1/messages answered HTTP 529 after 3 tries: "
        "Overloaded"
    )


def test_provider_caps_the_wait_at_max_backoff() -> None:
    server = Server(httpx.Response(503, headers={"retry-after": "3600"}))
    sleeps = Sleeps()
    with pytest.raises(ProviderError):
        openai(server, sleeps, max_tries=2, max_backoff=5).complete(REQUEST)
    assert sleeps == [5.0]


def test_provider_does_not_retry_client_errors() -> None:
    server = Server(httpx.Response(400, json={"error": {"message": "max_tokens too large"}}))
    with pytest.raises(
        ProviderError, match=r"answered HTTP 400 Bad Request: max_tokens too large$"
    ):
        openai(server).complete(REQUEST)
    assert len(server.requests) == 1


def test_provider_retries_a_refused_connection_then_names_the_endpoint() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("[Errno 111] Connection refused", request=request)

    server = Server(refuse)
    sleeps = Sleeps()
    with pytest.raises(ProviderError) as caught:
        openai(server, sleeps).complete(REQUEST)
    assert len(server.requests) == 3
    assert str(caught.value) == (
        "Cannot reach LLM endpoint http://llm.test/v1/chat/completions "
        "(ConnectError: [Errno 111] Connection refused) after 3 tries; "
        "check base_url and that the server is running"
    )
    assert caught.value.status is None


# -- failures ----------------------------------------------------------------------------


def test_provider_timeout_is_a_clear_error_and_is_not_retried() -> None:
    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    server = Server(slow)
    with pytest.raises(ProviderError) as caught:
        openai(server, timeout=2.5).complete(REQUEST)
    assert len(server.requests) == 1
    assert str(caught.value) == (
        "LLM endpoint http://llm.test/v1/chat/completions did not answer within 2.5 s; "
        "raise timeout_s or check the server"
    )
    assert caught.value.url == "http://llm.test/v1/chat/completions"


def test_provider_rejects_a_body_that_is_not_json() -> None:
    server = Server(httpx.Response(200, text="<html><body>Welcome to nginx!</body></html>"))
    with pytest.raises(ProviderError) as caught:
        openai(server).complete(REQUEST)
    assert str(caught.value) == (
        "LLM endpoint http://llm.test/v1/chat/completions answered HTTP 200 with a body that "
        "is not JSON ('<html><body>Welcome to nginx!</body></html>'); is base_url an "
        "OpenAI-compatible chat completions endpoint?"
    )
    assert caught.value.status == 200


def test_provider_rejects_json_of_another_api() -> None:
    server = Server(httpx.Response(200, json=canned("anthropic_message.json")))
    with pytest.raises(ProviderError, match=r"not an OpenAI-compatible chat completions response"):
        openai(server).complete(REQUEST)
    with pytest.raises(ProviderError, match=r"\(a JSON list instead of an object\)"):
        openai(Server(httpx.Response(200, json=[1, 2]))).complete(REQUEST)


def test_provider_does_not_follow_redirects() -> None:
    server = Server(httpx.Response(307, headers={"location": "http://elsewhere.test/v1"}))
    with pytest.raises(ProviderError, match=r"HTTP 307 .*redirects are not followed"):
        openai(server).complete(REQUEST)
    assert len(server.requests) == 1


def test_provider_error_never_contains_the_api_key() -> None:
    server = Server(httpx.Response(401, json=canned("openai_error_401.json")))
    provider = openai(server)
    with pytest.raises(ProviderError) as caught:
        provider.complete(REQUEST)

    sent = server.requests[0]
    assert sent.headers["authorization"] == f"Bearer {KEY}"
    message = str(caught.value)
    assert KEY not in message
    assert KEY not in repr(caught.value)
    assert message == (
        "LLM endpoint http://llm.test/v1/chat/completions answered HTTP 401 Unauthorized: "
        "Incorrect API key provided: ***. You can find your API key at "
        "https://platform.openai.com/account/api-keys.; check the API key (api_key_env)"
    )


def test_provider_repr_hides_the_api_key() -> None:
    provider = openai(Server(httpx.Response(200)))
    assert repr(provider) == (
        "OpenAIProvider(base_url='http://llm.test/v1', model='qwen2.5-14b-instruct', api_key='***')"
    )
    assert KEY not in repr(provider)


def test_provider_hides_a_password_written_into_base_url() -> None:
    server = Server(httpx.Response(502, text="Bad gateway"))
    provider = OpenAIProvider(
        "https://user:pa55word@gw.test/v1", model="m", max_tries=1, transport=server.transport
    )
    with pytest.raises(ProviderError) as caught:
        provider.complete(REQUEST)
    assert str(caught.value) == (
        "LLM endpoint https://user:***@gw.test/v1/chat/completions answered HTTP 502 "
        "Bad Gateway: Bad gateway"
    )
    assert caught.value.url == "https://user:***@gw.test/v1/chat/completions"
    assert "pa55word" not in repr(provider)


def test_provider_is_a_context_manager_that_closes_its_client() -> None:
    server = Server(httpx.Response(200, json=canned("openai_chat_completion.json")))
    with openai(server) as provider:
        provider.complete(REQUEST)
    assert provider._client.is_closed
