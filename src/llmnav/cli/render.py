"""Shared rendering helpers for the CLI: consoles and safe text."""

from __future__ import annotations

import re

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

__all__ = ["byte_progress", "console", "error_console", "print_error", "safe"]

console = Console()
error_console = Console(stderr=True)

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def safe(text: object, limit: int | None = None) -> str:
    """Telemetry text made safe for the terminal: no control sequences, no rich markup.

    >>> safe("[red]x[/red]\\x1b[2J")
    '\\\\[red]x\\\\[/red]?[2J'
    """
    value = _CONTROL.sub("?", str(text))
    if limit is not None and len(value) > limit:
        value = value[: limit - 1] + "…"
    return escape(value)


def print_error(message: object) -> None:
    """``Error: message`` in red on stderr, never wrapped (paths stay copyable)."""
    error_console.print(f"[bold red]Error:[/] {safe(message)}", highlight=False, soft_wrap=True)


def byte_progress(label: str) -> Progress:
    """A progress bar over the bytes of the input, with a ``counts`` field to fill in.

    It draws on stderr and only on a terminal, so piped output stays clean.
    """
    return Progress(
        TextColumn(f"[bold]{label}"),
        BarColumn(),
        DownloadColumn(),
        TextColumn("{task.fields[counts]}"),
        TimeRemainingColumn(),
        console=error_console,
        transient=True,
    )
