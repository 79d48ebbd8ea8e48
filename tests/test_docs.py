"""Documentation does not drift from the code."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from llmnav.cli import app

DOCS = Path(__file__).parents[1] / "docs"


def commands(group: Any, prefix: str = "llmnav") -> dict[str, Any]:
    found = {}
    for name, command in group.commands.items():
        path = f"{prefix} {name}"
        if hasattr(command, "commands"):
            found.update(commands(command, path))
        else:
            found[path] = command
    return found


def test_every_cli_command_and_option_is_in_the_cli_reference() -> None:
    reference = (DOCS / "cli.md").read_text()
    for path, command in commands(typer.main.get_command(app)).items():
        assert f"## {path}\n" in reference, f"{path} is not documented in docs/cli.md"
        section = reference.split(f"## {path}\n", 1)[1].split("\n## ", 1)[0]
        for param in command.params:
            for option in param.opts:
                if option.startswith("-") and option != "--help":
                    assert f"`{option}" in section, f"{path} {option} is not documented"


def test_readme_links_point_to_existing_docs() -> None:
    readme = (DOCS.parent / "README.md").read_text()
    for target in ("docs/formats.md", "docs/catalog.md", "docs/cli.md"):
        assert f"]({target})" in readme
        assert (DOCS.parent / target).exists(), target
