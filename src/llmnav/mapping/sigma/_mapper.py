"""``SigmaMapper``: the user's Sigma process_creation rules run over tool-call commands."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import closing
from pathlib import Path
from typing import ClassVar

from llmnav.mapping.base import Candidate, MapInput, Mapper, Source
from llmnav.mapping.sigma._processes import processes
from llmnav.mapping.sigma._rules import TABLE, CompiledRule, SigmaLoadReport, connect, load_rules

__all__ = ["SigmaMapper"]

_INSERT = (
    f"INSERT INTO {TABLE} (input, command_line, image, image_win, image_unix) "
    "VALUES (?, ?, ?, ?, ?)"
)


class SigmaMapper(Mapper):
    """Map tool-call commands to ATT&CK with Sigma ``process_creation`` rules.

    Each matching rule proposes its ``attack.tNNNN`` tags, scored by its level
    (``LEVEL_SCORES``), with the rule title as evidence and its id and level as
    detail. Only ``MapInput.kind == "command"`` is evaluated; requests and code
    get no candidates.

    >>> mapper = SigmaMapper.from_directory("tests/data/mapping/sigma")  # doctest: +SKIP
    >>> mapper.report.loaded                                             # doctest: +SKIP
    6
    >>> [c] = mapper.map_batch([MapInput("a1", "whoami /priv", "command")])[0]  # doctest: +SKIP
    >>> c.technique_id, c.score, c.evidence                              # doctest: +SKIP
    ('T1033', 0.8, 'Privileges Listed With Whoami')

    Parameters
    ----------
    rules:
        Compiled rules, usually from ``from_directory``.
    report:
        The load report to expose as ``report``.
    split_commands:
        Also evaluate the processes a command starts (``sudo X``, ``cmd /c X``,
        ``bash -c 'X; Y'``, both sides of ``|``, ``&&``, ``;``), not only the
        command line as a whole.
    """

    name: ClassVar[str] = "sigma"
    source: ClassVar[Source] = "rule"

    def __init__(
        self,
        rules: Sequence[CompiledRule],
        *,
        report: SigmaLoadReport | None = None,
        split_commands: bool = True,
    ) -> None:
        self.rules = tuple(rules)
        self.report = report or SigmaLoadReport("", 0, len(self.rules))
        self.split_commands = split_commands
        self._queries = [
            (rule, f"SELECT DISTINCT input FROM ({query})")
            for rule in self.rules
            for query in rule.queries
        ]

    @classmethod
    def from_directory(cls, path: str | Path, *, split_commands: bool = True) -> SigmaMapper:
        """Load the rules below ``path`` (recursively); see ``load_rules`` for what is skipped.

        Raises ``ConfigError`` when ``path`` is missing, not a directory or has no rule file.
        """
        rules, report = load_rules(path)
        return cls(rules, report=report, split_commands=split_commands)

    def map_batch(self, items: Sequence[MapInput]) -> list[list[Candidate]]:
        """Candidates for each input, best first; one SQLite table and one query per rule."""
        matched = self.matching_rules(items)
        return [_candidates(rules) for rules in matched]

    def matching_rules(self, items: Sequence[MapInput]) -> list[list[CompiledRule]]:
        """The rules that match each input, in rule order (one list per input)."""
        matched: list[list[CompiledRule]] = [[] for _ in items]
        rows = [
            (index, p.command_line, p.image, p.image_win, p.image_unix)
            for index, item in enumerate(items)
            if item.kind == "command" and item.text.strip()
            for p in processes(item.text, split=self.split_commands)
        ]
        if not rows or not self._queries:
            return matched
        with closing(connect()) as db:
            db.executemany(_INSERT, rows)
            for rule, query in self._queries:
                for (index,) in db.execute(query):
                    if not matched[index] or matched[index][-1] is not rule:
                        matched[index].append(rule)
        return matched


def _candidates(rules: list[CompiledRule]) -> list[Candidate]:
    """One candidate per technique, from the best-scored rule proposing it."""
    best: dict[str, CompiledRule] = {}
    for rule in rules:
        for technique in rule.techniques:
            if technique not in best or rule.score > best[technique].score:
                best[technique] = rule
    ranked = sorted(best.items(), key=lambda item: (-item[1].score, item[0]))
    return [
        Candidate(
            technique,
            rule.score,
            evidence=rule.title,
            detail=f"sigma rule {rule.rule_id} (level {rule.level or 'none'})",
        )
        for technique, rule in ranked
    ]
