"""``LlmMapper``: ask a language model which ATT&CK techniques each input shows.

The mapper sends inputs in batches (``batch_size`` per request, each with its own
id) through a ``Provider``, and turns the answers into checked ``Candidate``
lists (see ``llmnav.mapping.llm.answer`` for what is accepted and
``llmnav.mapping.llm.prompt`` for how inputs are kept apart from instructions).

Failures never stop a run. When a batch fails (the endpoint fails after its
retries, or the model answers something that is not JSON) its inputs get empty
candidate lists and a ``BatchFailure`` is appended to ``mapper.errors``; an
answer cut off at ``max_tokens`` keeps what it holds and records the inputs it
did not reach. After
``max_failures_in_row`` endpoint failures in a row the endpoint is taken to be
down: later batches are not sent and each is recorded as skipped. Inputs whose
text is blank are never sent.

>>> from llmnav.catalog import load_catalog
>>> from llmnav.mapping.base import MapInput
>>> from llmnav.mapping.llm import FakeProvider
>>> provider = FakeProvider.from_table({"whoami /all": [("T1033", 0.9, "whoami")]})
>>> mapper = LlmMapper(provider, load_catalog())
>>> mapper.map_batch([MapInput("a1", "whoami /all", "command")])
[[Candidate(technique_id='T1033', score=0.9, evidence='whoami', detail='llm fake')]]
>>> mapper.errors
[]
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from llmnav.catalog import Catalog
from llmnav.errors import ConfigError, LlmnavError
from llmnav.mapping.base import Candidate, MapInput, Mapper
from llmnav.mapping.llm.answer import read_answer
from llmnav.mapping.llm.prompt import build_prompt
from llmnav.mapping.llm.provider import (
    AnswerError,
    CompletionRequest,
    Provider,
    ProviderError,
)

__all__ = ["BatchFailure", "LlmMapper", "LlmUsage"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class BatchFailure:
    """Inputs that got no candidates because something failed, and why.

    Usually a whole batch; when an answer was cut off at ``max_tokens``, the
    inputs it did not reach.

    ``error`` is a ``ProviderError`` (the endpoint failed, or was skipped after
    repeated failures) or an ``AnswerError`` (the model's answer was unusable).
    """

    input_ids: tuple[str, ...]
    error: LlmnavError

    def __str__(self) -> str:
        first = self.input_ids[0] if self.input_ids else "-"
        more = f" and {len(self.input_ids) - 1} more" if len(self.input_ids) > 1 else ""
        return f"inputs {first}{more}: {self.error}"


@dataclass(slots=True)
class LlmUsage:
    """What the mapper has asked for so far: requests and tokens (as endpoints report)."""

    requests: int = 0
    input_tokens: int = 0
    output_tokens: int = 0


class LlmMapper(Mapper):
    """Maps inputs by asking a language model, in batches.

    Parameters:
        provider: the endpoint to ask (``OpenAIProvider``, ``AnthropicProvider``,
            ``FakeProvider``).
        catalog: technique ids in answers must exist here.
        max_techniques: the most candidates per input.
        batch_size: inputs per request.
        max_input_chars: each input's text is cut to this many characters.
        max_tokens: the most answer tokens per request.
        model: the model to name in requests (default: the provider's).
        json_mode: ask for JSON output where the API supports it.
        max_failures_in_row: endpoint failures in a row after which later batches
            are skipped.

    Attributes:
        errors: one ``BatchFailure`` per batch that got no candidates.
        usage: requests sent and tokens used.
    """

    name = "llm"
    source = "llm"

    def __init__(
        self,
        provider: Provider,
        catalog: Catalog,
        *,
        max_techniques: int = 5,
        batch_size: int = 8,
        max_input_chars: int = 4000,
        max_tokens: int = 4096,
        model: str | None = None,
        json_mode: bool = True,
        max_failures_in_row: int = 3,
    ) -> None:
        for label, value in (
            ("max_techniques", max_techniques),
            ("batch_size", batch_size),
            ("max_input_chars", max_input_chars),
            ("max_tokens", max_tokens),
            ("max_failures_in_row", max_failures_in_row),
        ):
            if value < 1:
                raise ConfigError(f"LlmMapper needs {label} >= 1, got {value}")
        self.provider = provider
        self.catalog = catalog
        self.max_techniques = max_techniques
        self.batch_size = batch_size
        self.max_input_chars = max_input_chars
        self.max_tokens = max_tokens
        self.model = model
        self.json_mode = json_mode
        self.max_failures_in_row = max_failures_in_row
        self.errors: list[BatchFailure] = []
        self.usage = LlmUsage()
        self._failures_in_row = 0

    def __repr__(self) -> str:
        return f"LlmMapper({self.provider!r}, batch_size={self.batch_size})"

    def map_batch(self, items: Sequence[MapInput]) -> list[list[Candidate]]:
        """Candidates for each input, best first; empty lists for inputs of failed batches."""
        out: list[list[Candidate]] = [[] for _ in items]
        todo = [n for n, item in enumerate(items) if item.text.strip()]
        for start in range(0, len(todo), self.batch_size):
            chunk = todo[start : start + self.batch_size]
            found = self._map_chunk([items[n] for n in chunk])
            for n, candidates in zip(chunk, found, strict=True):
                out[n] = candidates
        return out

    def _fail(self, chunk: Sequence[MapInput], error: LlmnavError) -> list[list[Candidate]]:
        failure = BatchFailure(tuple(item.id for item in chunk), error)
        log.warning("LLM mapper: no candidates for %s", failure)
        self.errors.append(failure)
        return [[] for _ in chunk]

    def _map_chunk(self, chunk: Sequence[MapInput]) -> list[list[Candidate]]:
        endpoint = self.provider.endpoint
        if self._failures_in_row >= self.max_failures_in_row:
            return self._fail(
                chunk,
                ProviderError(
                    f"Skipped: LLM endpoint {endpoint} failed {self._failures_in_row} times "
                    "in a row; fix it and map again",
                    url=endpoint,
                    tries=0,
                ),
            )
        prompt = build_prompt(
            chunk,
            attack_version=self.catalog.version,
            max_techniques=self.max_techniques,
            max_input_chars=self.max_input_chars,
        )
        request = CompletionRequest(
            system=prompt.system,
            prompt=prompt.user,
            model=self.model,
            max_tokens=self.max_tokens,
            json_mode=self.json_mode,
        )
        self.usage.requests += 1
        try:
            response = self.provider.complete(request)
        except LlmnavError as exc:
            self._failures_in_row += 1
            return self._fail(chunk, exc)
        self._failures_in_row = 0
        self.usage.input_tokens += response.input_tokens or 0
        self.usage.output_tokens += response.output_tokens or 0
        model = response.model or self.model or self.provider.model
        try:
            answers = read_answer(
                response.text,
                [item.text for item in chunk],
                self.catalog,
                keys=prompt.keys,
                max_techniques=self.max_techniques,
                detail=f"llm {model}".strip(),
            )
        except AnswerError as exc:
            if not response.truncated:
                return self._fail(chunk, exc)
            return self._fail(chunk, AnswerError(f"{exc.message}{self._cut_note(request)}"))
        missing = [item for item, found in zip(chunk, answers, strict=True) if found is None]
        if missing and response.truncated:
            self._fail(
                missing,
                AnswerError(
                    f"The model's answer says nothing about {len(missing)} of {len(chunk)} "
                    f"inputs{self._cut_note(request)}"
                ),
            )
        return [found or [] for found in answers]

    @staticmethod
    def _cut_note(request: CompletionRequest) -> str:
        return (
            f" (the answer was cut at {request.max_tokens} tokens; "
            "raise max_tokens or lower batch_size)"
        )
