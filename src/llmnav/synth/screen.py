"""Screen the templates through the mapper: which texts also map to other tactics.

A template text often maps to its own technique first and to a few related
ones after it (a request for a dropper also reads as obfuscation). ARiES
counts an action's best three techniques, so these extra hits decide which
tactics an actor "uses". The generator keeps the study's tactic shares by
knowing, for each text, whether it also reads as defense evasion or lateral
movement: ``python -m llmnav.synth.screen`` maps every template text (filled
a few times) and every procedure example, and writes those flags to
``llmnav/synth/data/screen.json``, which ``flags()`` reads.
"""

from __future__ import annotations

import json
import random
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

__all__ = ["Flags", "flags", "main", "screen"]

WATCHED = {"TA0005": "de", "TA0008": "lm"}
"""Tactics whose extra hits the generator must control, and their flag names."""

Flags = dict[str, dict[str, list[list[str]]]]
"""technique -> family (asks, code, cmds, lab, procedures) -> per item, the flags."""

_FILLS = 3


def screen(min_confidence: float = 0.25, max_rank: int = 3) -> Flags:
    """Map every template text and procedure example; flag the watched tactics they hit."""
    from llmnav.mapping.base import MapInput
    from llmnav.mapping.engine import MappingEngine
    from llmnav.synth.procedures import procedure_texts
    from llmnav.synth.slots import Environment, fill
    from llmnav.synth.templates import TEMPLATES

    engine = MappingEngine.default()
    items: list[MapInput] = []
    where: list[tuple[str, str, int]] = []
    for technique, template in TEMPLATES.items():
        families: dict[str, list[str]] = {
            "asks": list(template.asks),
            "code": [c for _, c in template.code],
            "cmds": [c for c, _ in template.cmds],
            "lab": [c for c, _ in template.lab],
        }
        kinds = {"asks": "request", "code": "code", "cmds": "command", "lab": "command"}
        for family, texts in families.items():
            for index, text in enumerate(texts):
                for n in range(_FILLS):
                    env = Environment.new(random.Random(f"screen-{technique}-{index}-{n}"))
                    items.append(MapInput(str(len(items)), fill(text, env), kinds[family]))  # type: ignore[arg-type]
                    where.append((technique, family, index))
        for index, (source, text) in enumerate(procedure_texts(technique)):
            request = f"Like {source}: {text} Give me working code for it."
            items.append(MapInput(str(len(items)), request, "request"))
            where.append((technique, "procedures", index))
    results = engine.map(items, tactics=False)
    found: dict[tuple[str, str, int], set[str]] = {}
    for (technique, family, index), result in zip(where, results, strict=True):
        marks = found.setdefault((technique, family, index), set())
        for rank, ranked in enumerate(result.techniques, start=1):
            if rank > max_rank or ranked.confidence < min_confidence:
                continue
            for tactic in engine.tactics_of.get(ranked.technique_id, ()):
                if tactic in WATCHED:
                    marks.add(WATCHED[tactic])
    out: Flags = {}
    for (technique, family, index), marks in sorted(found.items()):
        lists = out.setdefault(technique, {}).setdefault(family, [])
        while len(lists) <= index:
            lists.append([])
        lists[index] = sorted(marks)
    return out


@lru_cache(maxsize=1)
def flags() -> Flags:
    """The stored screening result (empty when the data file is missing)."""
    try:
        text = resources.files("llmnav.synth").joinpath("data/screen.json").read_text("utf-8")
    except (FileNotFoundError, ModuleNotFoundError):
        return {}
    loaded: Any = json.loads(text)
    return loaded  # type: ignore[no-any-return]


def main() -> None:
    """Write ``data/screen.json`` next to this module."""
    path = Path(__file__).parent / "data" / "screen.json"
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(screen(), sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
