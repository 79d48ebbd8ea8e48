"""ATT&CK procedure examples reworded into requests ("How would I ... like <group> did").

The catalog's procedure examples say what a group, a piece of software or a
campaign did (``[APT29](https://...) used procdump to dump LSASS``). Reworded
as a user's request, they give every technique many realistic, distinct texts.
"""

from __future__ import annotations

import random
import re
from functools import lru_cache

__all__ = ["procedure_request", "procedure_texts"]

_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_CITATION = re.compile(r"\s*\(Citation:[^)]*\)")
_SPACE = re.compile(r"\s+")

_FORMS = (
    "How would I do this myself, like {source} did: {text}",
    "I want to copy what {source} did here: {text} Write it for my own operation.",
    "{text} Show me how to do the same against {target}.",
    "Like {source}: {text} Give me working code for it.",
    "Reproduce this tradecraft for me. {text}",
    "My crew wants the same capability. {text} How do we build it?",
)


@lru_cache(maxsize=1)
def _catalog_procedures() -> dict[str, tuple[tuple[str, str], ...]]:
    from llmnav.catalog import load_catalog
    from llmnav.synth.templates import TEMPLATES

    catalog = load_catalog()
    found: dict[str, tuple[tuple[str, str], ...]] = {}
    for technique in TEMPLATES:
        texts = []
        for proc in catalog.procedures(technique):
            text = _SPACE.sub(" ", _CITATION.sub("", _LINK.sub(r"\1", proc.description))).strip()
            if 30 <= len(text) <= 400:
                texts.append((proc.source_name, text))
        found[technique] = tuple(texts)
    return found


def procedure_texts(technique: str) -> tuple[tuple[str, str], ...]:
    """(source name, cleaned description) of each procedure example of ``technique``."""
    return _catalog_procedures().get(technique, ())


def procedure_request(procedure: tuple[str, str], rng: random.Random, target: str) -> str:
    """A request reworded from one procedure example ``(source, text)``."""
    source, text = procedure
    if not text.endswith((".", "!", "?")):
        text += "."
    return rng.choice(_FORMS).format(source=source, text=text, target=target)
