"""``FakeProvider``: a provider that answers without a network, for tests and demos.

It answers from a fixed text, from a function of the request, or, for the
mapper, from a table of input texts and the techniques to answer for them. It
keeps every request it got in ``requests``, so a test can check what was sent.

>>> fake = FakeProvider('{"results": []}')
>>> fake.complete(CompletionRequest("system", "prompt")).text
'{"results": []}'
>>> len(fake.requests)
1

A function can fail like an endpoint would:

>>> def down(request: CompletionRequest) -> str:
...     raise ProviderError("LLM endpoint fake is down", url="fake")
>>> FakeProvider(down).complete(CompletionRequest("s", "p"))
Traceback (most recent call last):
...
llmnav.mapping.llm.provider.ProviderError: LLM endpoint fake is down
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from llmnav.mapping.llm.prompt import read_data_section
from llmnav.mapping.llm.provider import (
    CompletionRequest,
    CompletionResponse,
    Provider,
    ProviderError,
)

__all__ = ["Answer", "FakeProvider", "TableRow"]

Answer = Callable[[CompletionRequest], str | CompletionResponse]
"""A function that answers a request with a text or a whole response (or raises)."""

TableRow = tuple[str, float, str]
"""One technique in a ``FakeProvider.from_table`` answer: id, confidence, evidence."""


class FakeProvider(Provider):
    """A test double for ``Provider``: answers from a text, a function or a table.

    Parameters:
        answer: the text to answer every request with, or a function of the request
            returning a text or a ``CompletionResponse`` (it may raise ``ProviderError``).
        model: the model name reported in responses.

    Attributes:
        requests: every request received, in order.
    """

    name = "fake"

    def __init__(self, answer: str | Answer, *, model: str = "fake") -> None:
        self._answer = answer
        self.model = model
        self.requests: list[CompletionRequest] = []

    def __repr__(self) -> str:
        return f"FakeProvider(model={self.model!r})"

    @classmethod
    def from_table(
        cls, table: Mapping[str, Sequence[TableRow]], *, model: str = "fake"
    ) -> FakeProvider:
        """A fake that answers the mapper's prompts from ``{input text: [rows]}``.

        It reads the inputs from the prompt's data section and answers, in the
        mapper's JSON shape, the rows listed for each input's text (an empty list
        for texts not in the table).

        >>> fake = FakeProvider.from_table({"whoami": [("T1033", 0.9, "whoami")]})
        """
        rows = {text: list(found) for text, found in table.items()}

        def answer(request: CompletionRequest) -> str:
            results: list[dict[str, Any]] = []
            for item in read_data_section(request.prompt):
                found = rows.get(str(item.get("text", "")), [])
                results.append(
                    {
                        "id": item.get("id"),
                        "techniques": [
                            {"technique_id": t, "confidence": c, "evidence": e} for t, c, e in found
                        ],
                    }
                )
            return json.dumps({"results": results})

        return cls(answer, model=model)

    def complete(self, request: CompletionRequest) -> CompletionResponse:
        """Record the request and answer it."""
        self.requests.append(request)
        reply = self._answer(request) if callable(self._answer) else self._answer
        if isinstance(reply, CompletionResponse):
            return reply
        if not isinstance(reply, str):
            raise ProviderError(
                f"FakeProvider's answer function returned {type(reply).__name__}, "
                "not a str or CompletionResponse",
                url=self.endpoint,
            )
        return CompletionResponse(reply, model=self.model, finish_reason="stop")
