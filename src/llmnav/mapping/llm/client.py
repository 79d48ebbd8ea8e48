"""``HttpProvider``: what the OpenAI and Anthropic providers share.

One JSON POST per completion through an ``httpx.Client``, with bounded retries
and errors that name the endpoint but never the API key. A subclass says where
to post (``path``), which headers carry the key, how the body looks and how to
read the answer.

Retries: HTTP 408, 429 and 5xx, and failed connections, are retried up to
``max_tries`` requests in all, sleeping ``backoff * 2**(n-1)`` seconds (or the
server's ``Retry-After``, at most ``max_backoff``) in between. Timeouts are not
retried: a model too slow once is usually too slow again, and retrying would
multiply the wait. Pass ``sleep`` to make the waits instant in tests and
``transport`` (an ``httpx.MockTransport``) to answer requests without a network.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

import httpx

from llmnav.errors import ConfigError
from llmnav.mapping.llm.provider import (
    CompletionRequest,
    CompletionResponse,
    Provider,
    ProviderError,
)

__all__ = ["HttpProvider", "Sleep"]

log = logging.getLogger(__name__)

Sleep = Callable[[float], None]
"""How to wait between tries (``time.sleep``; tests pass a recorder)."""

_SNIPPET = 300
_HINTS = {
    401: "check the API key (api_key_env)",
    403: "check the API key (api_key_env) and its permissions",
    404: "check base_url and the model name",
    413: "lower batch_size or max_input_chars",
    429: "the endpoint is rate limiting; lower batch_size or try again later",
}


def _retryable(status: int) -> bool:
    return status in (408, 429) or status >= 500


def _after(tries: int) -> str:
    return f" after {tries} tries" if tries > 1 else ""


def _retry_after(response: httpx.Response) -> float | None:
    """The ``Retry-After`` header in seconds, when it is a number."""
    value = response.headers.get("retry-after", "")
    try:
        seconds = float(value)
    except ValueError:
        return None
    return seconds if seconds >= 0 else None


class HttpProvider(Provider):
    """Base class of providers that POST JSON to an HTTP API.

    Parameters:
        base_url: the API root, e.g. ``http://localhost:11434/v1``; ``path`` is appended
            unless the URL already ends with it.
        model: the model to ask when a request names none.
        api_key: sent in the subclass's auth header; never logged or shown.
        timeout: seconds to wait for connecting, and for each read.
        max_tries: requests in all for one completion (1 means no retries).
        backoff: seconds before the first retry; doubles at each further one.
        max_backoff: the longest wait between tries.
        sleep: how to wait (injectable for tests).
        transport: an ``httpx`` transport, e.g. ``httpx.MockTransport(handler)``.
    """

    path: ClassVar[str]
    """Appended to ``base_url``: ``/chat/completions``, ``/v1/messages``."""
    api_name: ClassVar[str]
    """The API in words, for error messages."""
    default_base_url: ClassVar[str | None] = None

    def __init__(
        self,
        base_url: str | None = None,
        *,
        model: str,
        api_key: str | None = None,
        timeout: float = 60.0,
        max_tries: int = 3,
        backoff: float = 1.0,
        max_backoff: float = 30.0,
        sleep: Sleep = time.sleep,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        cls = type(self).__name__
        root = base_url or self.default_base_url
        if not root or not root.startswith(("http://", "https://")):
            raise ConfigError(
                f"{cls} needs a base_url starting with http:// or https://, got {root!r}"
            )
        if not model:
            raise ConfigError(f"{cls} needs a model name")
        if timeout <= 0 or max_tries < 1 or backoff < 0 or max_backoff < 0:
            raise ConfigError(
                f"{cls} needs timeout > 0, max_tries >= 1, backoff >= 0 and max_backoff >= 0"
            )
        self.base_url = root.rstrip("/")
        self.model = model
        self.timeout = timeout
        self.max_tries = max_tries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self._api_key = api_key or None
        self._sleep = sleep
        self._client = httpx.Client(transport=transport, timeout=timeout)

    # -- what a subclass provides ---------------------------------------------------------

    def headers(self) -> dict[str, str]:
        """Request headers, including the one that carries the API key."""
        raise NotImplementedError

    def body(self, request: CompletionRequest) -> dict[str, Any]:
        """The JSON body for one completion."""
        raise NotImplementedError

    def parse(self, data: Mapping[str, Any]) -> CompletionResponse:
        """Read the answer from the JSON body; raise ``ValueError`` naming what is missing."""
        raise NotImplementedError

    # -- the shared part ------------------------------------------------------------------

    @property
    def endpoint(self) -> str:
        """The URL every completion is posted to."""
        if self.base_url.endswith(self.path):
            return self.base_url
        return self.base_url + self.path

    def __repr__(self) -> str:
        key = "'***'" if self._api_key else "None"
        url = self._redact(self.base_url)
        return f"{type(self).__name__}(base_url={url!r}, model={self.model!r}, api_key={key})"

    def close(self) -> None:
        """Close the HTTP connections."""
        self._client.close()

    def complete(self, request: CompletionRequest) -> CompletionResponse:
        """Post one completion, retrying on 408, 429, 5xx and failed connections.

        Raises:
            ProviderError: timeout, unreachable endpoint, an HTTP error after the last
                try, or a body that is not the API's JSON.
        """
        url = self.endpoint
        body = self.body(request)
        for tries in range(1, self.max_tries + 1):
            last = tries == self.max_tries
            try:
                response = self._client.post(url, json=body, headers=self.headers())
            except httpx.TimeoutException as exc:
                raise self._error(
                    f"LLM endpoint {url} did not answer within {self.timeout:g} s; "
                    "raise timeout_s or check the server",
                    tries=tries,
                ) from exc
            except httpx.TransportError as exc:
                if not last:
                    self._wait(tries, None, f"failed ({type(exc).__name__})")
                    continue
                raise self._error(
                    f"Cannot reach LLM endpoint {url} ({type(exc).__name__}: {exc})"
                    f"{_after(tries)}; check base_url and that the server is running",
                    tries=tries,
                ) from exc
            if response.is_success:
                return self._read(response, tries)
            if _retryable(response.status_code) and not last:
                self._wait(tries, response, f"answered HTTP {response.status_code}")
                continue
            raise self._status_error(response, tries)
        raise AssertionError("unreachable")  # pragma: no cover

    def _wait(self, tries: int, response: httpx.Response | None, what: str) -> None:
        delay = self.backoff * 2 ** (tries - 1)
        after = _retry_after(response) if response is not None else None
        if after is not None:
            delay = max(delay, after)
        delay = min(delay, self.max_backoff)
        log.warning(
            "LLM endpoint %s %s; retry %d of %d in %.1f s",
            self._redact(self.endpoint),
            what,
            tries,
            self.max_tries - 1,
            delay,
        )
        self._sleep(delay)

    def _redact(self, text: str) -> str:
        """``text`` without the API key or a password written into ``base_url``."""
        secrets = [self._api_key, httpx.URL(self.base_url).password]
        for secret in secrets:
            if secret:
                text = text.replace(secret, "***")
        return text

    def _error(self, message: str, *, status: int | None = None, tries: int = 1) -> ProviderError:
        return ProviderError(
            self._redact(message), url=self._redact(self.endpoint), status=status, tries=tries
        )

    def _snippet(self, response: httpx.Response) -> str:
        text = " ".join(response.text.split())
        return text[:_SNIPPET] + ("..." if len(text) > _SNIPPET else "")

    def _status_error(self, response: httpx.Response, tries: int) -> ProviderError:
        status = response.status_code
        detail = ""
        try:
            data = response.json()
        except ValueError:
            data = None
        if isinstance(data, dict):
            error = data.get("error")
            if isinstance(error, dict) and isinstance(error.get("message"), str):
                detail = error["message"]
            elif isinstance(error, str):
                detail = error
        detail = " ".join(detail.split())[:_SNIPPET] or self._snippet(response)
        message = f"LLM endpoint {self.endpoint} answered HTTP {status}"
        if response.reason_phrase:
            message += f" {response.reason_phrase}"
        message += _after(tries)
        if detail:
            message += f": {detail}"
        hint = _HINTS.get(status, "")
        if 300 <= status < 400:
            hint = "redirects are not followed; set base_url to the final address"
        if hint:
            message += f"; {hint}"
        return self._error(message, status=status, tries=tries)

    def _read(self, response: httpx.Response, tries: int) -> CompletionResponse:
        status = response.status_code
        try:
            data = response.json()
        except ValueError:
            raise self._error(
                f"LLM endpoint {self.endpoint} answered HTTP {status} with a body that is not "
                f"JSON ({self._snippet(response)!r}); is base_url an {self.api_name} endpoint?",
                status=status,
                tries=tries,
            ) from None
        try:
            if not isinstance(data, dict):
                raise ValueError(f"a JSON {type(data).__name__} instead of an object")
            return self.parse(data)
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            raise self._error(
                f"LLM endpoint {self.endpoint} answered JSON that is not an {self.api_name} "
                f"response ({exc}); check base_url and the provider setting",
                status=status,
                tries=tries,
            ) from None
