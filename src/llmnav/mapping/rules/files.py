"""Rule files: YAML documents holding a ``rules`` list and optional ``defaults``.

::

    defaults:              # optional: applied to every rule that does not set them
      kinds: [command, code]
      platforms: [windows]
    rules:
      - id: lsass-procdump
        technique: T1003.001
        score: 0.95
        description: procdump writes a memory dump of lsass
        keywords: [procdump]
        pattern: '\\bprocdump(?:64)?(?:\\.exe)?\\b[^\\n]{0,120}?\\blsass'
        examples: ['procdump.exe -accepteula -ma lsass.exe out.dmp']

The built-in rules are the files in ``llmnav/mapping/rules/data/``.

>>> rules = builtin_rules()
>>> rules[0].location.path.endswith(".yaml"), rules[0].location.line > 0
(True, True)
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from llmnav.errors import ConfigError, SourceLocation
from llmnav.mapping.rules.rule import Issue, Rule

__all__ = [
    "BUILTIN_DIR",
    "builtin_rule_files",
    "builtin_rules",
    "error_for",
    "read_rule_file",
    "read_rule_files",
]

BUILTIN_DIR = Path(__file__).parent / "data"
"""Where the built-in rule files live (shipped as package data)."""

DEFAULT_FIELDS = ("kinds", "platforms")
"""Fields a file's ``defaults`` may set."""

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's loader when PyYAML was built with it (several times faster)."""


def builtin_rule_files() -> list[Path]:
    """The built-in rule files, in name order."""
    return sorted(BUILTIN_DIR.glob("*.yaml"))


@functools.cache
def builtin_rules() -> tuple[Rule, ...]:
    """The rules of all built-in files (read once per process)."""
    return tuple(read_rule_files(builtin_rule_files()))


def read_rule_files(paths: Iterable[str | os.PathLike[str]]) -> list[Rule]:
    """The rules of several files, in order."""
    return [rule for path in paths for rule in read_rule_file(path)]


def read_rule_file(path: str | os.PathLike[str]) -> list[Rule]:
    """The rules in one file, each with its file and line; nothing is checked but shape.

    Raises:
        ConfigError: the file cannot be read, is not YAML, is not a mapping with a
            ``rules`` list, or a rule has an unknown field or a value of the wrong type.
    """
    name = os.fspath(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(
            f"Cannot read rule file: {exc.strerror or exc}", SourceLocation(name)
        ) from None
    except UnicodeDecodeError:
        raise ConfigError("Rule file is not UTF-8 text", SourceLocation(name)) from None
    data, node = _parse(text, name)
    document = _document(data, name)
    defaults = _defaults(document, name)
    rules: list[Rule] = []
    for item, item_node in zip(document["rules"], _rule_nodes(node), strict=True):
        where = SourceLocation(name, item_node.start_mark.line + 1)
        if not isinstance(item, Mapping):
            raise ConfigError(f"Rule {len(rules) + 1} is not a mapping of fields", where)
        _refuse_repeated_fields(item_node, item, where)
        rules.append(Rule.from_dict({**defaults, **item}, where))
    return rules


def error_for(issues: Sequence[Issue]) -> ConfigError | None:
    """The ``ConfigError`` to raise for the first error among ``issues``, if any.

    >>> error_for([Issue("error", "missing field 'score'", "x", SourceLocation("my.yaml", 3))])
    ConfigError("Rule 'x': missing field 'score' in my.yaml:3")
    """
    errors = [i for i in issues if i.severity == "error"]
    if not errors:
        return None
    first = errors[0]
    more = f" (first of {len(errors)} problems)" if len(errors) > 1 else ""
    return ConfigError(f"Rule {first.rule_id!r}{more}: {first.description}", first.location)


def _parse(text: str, name: str) -> tuple[Any, yaml.Node | None]:
    """The YAML document as data and as nodes (which know their line numbers)."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        return (loader.construct_document(node) if node is not None else None), node
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(
            f"Rule file is not valid YAML: {problem}", SourceLocation(name, line)
        ) from None
    finally:
        loader.dispose()


def _document(data: Any, name: str) -> Mapping[str, Any]:
    shape = "a rule file is a mapping with a 'rules' list (see docs/rules.md)"
    if not isinstance(data, Mapping) or "rules" not in data:
        raise ConfigError(f"No rules found: {shape}", SourceLocation(name, 1))
    unknown = sorted(set(data) - {"rules", "defaults"})
    if unknown:
        raise ConfigError(f"Unknown top-level key {unknown[0]!r}: {shape}", SourceLocation(name))
    if not isinstance(data["rules"], list):
        raise ConfigError(f"'rules' is not a list: {shape}", SourceLocation(name))
    return data


def _defaults(data: Mapping[str, Any], name: str) -> dict[str, Any]:
    defaults = data.get("defaults") or {}
    if not isinstance(defaults, Mapping):
        raise ConfigError("'defaults' is not a mapping", SourceLocation(name))
    unknown = sorted(set(defaults) - set(DEFAULT_FIELDS))
    if unknown:
        raise ConfigError(
            f"'defaults' cannot set {unknown[0]!r}; it may set {', '.join(DEFAULT_FIELDS)}",
            SourceLocation(name),
        )
    return dict(defaults)


def _rule_nodes(node: yaml.Node | None) -> list[yaml.Node]:
    """The YAML nodes of the document's ``rules`` list (for lines and repeated keys)."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if getattr(key, "value", None) == "rules" and isinstance(value, yaml.SequenceNode):
                return list(value.value)
    return []


def _refuse_repeated_fields(
    node: yaml.Node, item: Mapping[str, Any], where: SourceLocation
) -> None:
    """YAML keeps the last of two equal keys without a word; a rule file must not."""
    seen: set[str] = set()
    for key, _ in node.value if isinstance(node, yaml.MappingNode) else ():
        name = getattr(key, "value", None)
        if isinstance(name, str) and name in seen:
            rule_id = item.get("id") or "<no id>"
            raise ConfigError(
                f"Rule {rule_id!r}: field {name!r} is given twice",
                SourceLocation(where.path, key.start_mark.line + 1, name),
            )
        seen.add(str(name))
