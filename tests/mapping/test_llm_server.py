"""OpenAIProvider and LlmMapper against a real HTTP server on 127.0.0.1 (no mock transport).

The server is a stdlib ``http.server`` in a daemon thread on a free port. It speaks
the OpenAI chat completions shape, answers through ``FakeProvider.from_table`` and
is shut down after each test; every request has a short timeout.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from typer.testing import CliRunner

from llmnav.catalog import load_catalog
from llmnav.cli import app
from llmnav.mapping.base import MapInput
from llmnav.mapping.llm import (
    CompletionRequest,
    FakeProvider,
    LlmMapper,
    OpenAIProvider,
    ProviderError,
)

KEY = "sk-local-server-test"
ANSWERS = FakeProvider.from_table({"whoami /all": [("T1033", 0.8, "whoami")]}, model="local")


class ChatCompletions(BaseHTTPRequestHandler):
    """POST /v1/chat/completions in the OpenAI shape; 401 without the bearer key."""

    seen: ClassVar[list[dict[str, Any]]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).seen.append({"path": self.path, "auth": self.headers["Authorization"], **body})
        if self.path != "/v1/chat/completions":
            self.reply(404, {"error": {"message": f"no route {self.path}"}})
        elif self.headers["Authorization"] != f"Bearer {KEY}":
            self.reply(401, {"error": {"message": "missing or wrong API key"}})
        else:
            system, user = (m["content"] for m in body["messages"])
            text = ANSWERS.complete(CompletionRequest(system, user)).text
            self.reply(
                200,
                {
                    "model": body["model"],
                    "choices": [{"message": {"role": "assistant", "content": text}}],
                },
            )

    def reply(self, status: int, data: dict[str, Any]) -> None:
        payload = json.dumps(data).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output quiet."""


@pytest.fixture
def base_url(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    ChatCompletions.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), ChatCompletions)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield f"http://{host!s}:{port}/v1"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_openai_provider_talks_to_a_real_local_server(base_url: str) -> None:
    with OpenAIProvider(base_url, model="local-model", api_key=KEY, timeout=5) as provider:
        mapper = LlmMapper(provider, load_catalog())
        found = mapper.map_batch([MapInput("a1", "whoami /all", "command")])

    assert [(c.technique_id, c.score, c.evidence) for c in found[0]] == [("T1033", 0.8, "whoami")]
    assert mapper.errors == []
    [seen] = ChatCompletions.seen
    assert seen["path"] == "/v1/chat/completions"
    assert seen["model"] == "local-model"
    assert seen["temperature"] == 0


def test_openai_provider_reports_a_real_401_without_the_key(base_url: str) -> None:
    provider = OpenAIProvider(base_url, model="m", api_key="sk-wrong-key", timeout=5)
    with provider, pytest.raises(ProviderError) as caught:
        provider.complete(CompletionRequest("s", "p"))
    assert caught.value.status == 401
    assert str(caught.value) == (
        f"LLM endpoint {base_url}/chat/completions answered HTTP 401 Unauthorized: "
        "missing or wrong API key; check the API key (api_key_env)"
    )
    assert "sk-wrong-key" not in str(caught.value)


def test_llmnav_map_with_llm_config_adds_the_endpoints_candidates(
    base_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TEST_LLM_KEY", KEY)
    config = tmp_path / "llm.yaml"
    config.write_text(
        f"llm:\n  provider: openai\n  base_url: {base_url}\n  model: local\n"
        "  api_key_env: TEST_LLM_KEY\n  timeout_s: 5\n"
    )
    source = tmp_path / "in.jsonl"
    source.write_text('{"id": "a1", "text": "whoami /all", "kind": "command"}\n')
    out = tmp_path / "out.jsonl"
    args = ["map", str(source), "-o", str(out), "--llm", str(config), "--explain"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    (line,) = [json.loads(x) for x in out.read_text().splitlines()]
    whoami = next(t for t in line["techniques"] if t["id"] == "T1033")
    assert "llm" in whoami["mappers"]
    assert len(ChatCompletions.seen) == 1
