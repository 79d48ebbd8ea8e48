"""``llmnav layer``: make, combine, diff and draw ATT&CK Navigator layers."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from llmnav.cli.render import console, error_console, print_error, safe
from llmnav.errors import ConfigError, LlmnavError

__all__ = ["app"]

app = typer.Typer(
    help="Make, combine, diff and draw ATT&CK Navigator layers (format 4.5).",
    no_args_is_help=True,
)

OutLayer = Annotated[Path, typer.Option("--out", "-o", help="Where to write the layer (JSON).")]
NameOption = Annotated[
    str | None,
    typer.Option("--name", help="Name of the new layer (default: says how it was made)."),
]


@contextmanager
def _library_errors(ctx: typer.Context) -> Iterator[None]:
    """Library errors print as ``Error: ...`` and exit 1 (tracebacks with ``--debug``)."""
    try:
        yield
    except LlmnavError as exc:
        if ctx.find_root().obj == "debug":
            raise
        print_error(exc)
        raise typer.Exit(1) from exc


def _written(path: Path, layer_techniques: int, extra: str = "") -> None:
    console.print(
        f"wrote {safe(path)} ({layer_techniques:,} techniques{extra})",
        highlight=False,
        soft_wrap=True,
    )


@app.command("from-techniques")
def from_techniques_command(
    ctx: typer.Context,
    out: OutLayer,
    ids: Annotated[
        list[str] | None,
        typer.Argument(
            help="Technique ids (T1003 T1021.004 ...); '-' reads more from stdin.",
            show_default=False,
        ),
    ] = None,
    from_file: Annotated[
        Path | None,
        typer.Option(
            "--from",
            help="A file of ids, one per line or comma-separated ('#' starts a comment).",
            show_default=False,
        ),
    ] = None,
    name: Annotated[str, typer.Option("--name", help="Name of the layer.")] = "techniques",
    domain: Annotated[
        str,
        typer.Option(
            "--domain",
            "-d",
            help="enterprise-attack, mobile-attack, ics-attack, or aio (AIO behaviours).",
        ),
    ] = "enterprise-attack",
    score: Annotated[
        float, typer.Option("--score", help="The score every listed technique gets.")
    ] = 1,
    color: Annotated[
        str | None, typer.Option("--color", help="A colour (#rrggbb) for every listed technique.")
    ] = None,
    description: Annotated[
        str, typer.Option("--description", help="Description of the layer.")
    ] = "",
) -> None:
    """Write a layer annotating each technique of a plain list.

    Ids are checked against the packaged ATT&CK catalog (or the AIO taxonomy):
    unknown ids are an error naming them, revoked ids are replaced by their
    successor with a warning, and annotated sub-techniques are shown under
    their parents.
    """
    from llmnav.navigator.layer import write_layer
    from llmnav.navigator.tools import (
        layer_from_techniques,
        parse_technique_ids,
        resolve_technique_ids,
    )

    with _library_errors(ctx):
        wanted: list[str] = []
        for item in ids or []:
            if item == "-":
                wanted.extend(parse_technique_ids(sys.stdin.read()))
            else:
                wanted.extend(parse_technique_ids(item))
        if from_file is not None:
            try:
                text = from_file.read_text(encoding="utf-8")
            except OSError as exc:
                raise ConfigError(f"Cannot read the id list {from_file}: {exc.strerror}") from None
            wanted.extend(parse_technique_ids(text))
        if not wanted:
            raise ConfigError(
                "No technique ids given; list them, pass '-' for stdin or --from FILE"
            )
        resolved = resolve_technique_ids(wanted, domain=domain)
        for note in resolved.notes:
            error_console.print(f"[yellow]Warning:[/] {safe(note)}", highlight=False)
        layer = layer_from_techniques(
            wanted, name=name, domain=domain, score=score, color=color, description=description
        )
        write_layer(layer, out)
    _written(out, len(resolved.ids))


@app.command("combine")
def combine_command(
    ctx: typer.Context,
    layers: Annotated[
        list[Path],
        typer.Argument(help="Layer files: the first is a, the second b, and so on."),
    ],
    expression: Annotated[
        str,
        typer.Option(
            "--expr",
            "-e",
            help="Score expression over the layers, e.g. 'a-b', '(a+b)/2', 'a>b and a>=75'.",
        ),
    ],
    out: OutLayer,
    name: NameOption = None,
) -> None:
    """Combine layers by a score expression (the Navigator's "layer by operation").

    For each technique scored in any layer the expression is evaluated with
    a, b, c ... set to that technique's score in each layer (0 where a layer
    does not score it). Comparisons give 1 or 0; a division by zero leaves
    the technique without a score.
    """
    from llmnav.navigator.expr import parse_expression, variable_name
    from llmnav.navigator.layer import write_layer
    from llmnav.navigator.tools import combine_layers, read_layer_file

    with _library_errors(ctx):
        parsed = parse_expression(expression)
        parsed.check_variables(len(layers))
        loaded = [read_layer_file(path) for path in layers]
        catalog = None
        if not parsed.variables and loaded[0].domain.endswith("-attack"):
            from llmnav.catalog import load_catalog

            catalog = load_catalog(loaded[0].domain)
        result = combine_layers(parsed, loaded, name=name, catalog=catalog)
        write_layer(result, out)
    for index, (path, layer) in enumerate(zip(layers, loaded, strict=True)):
        console.print(
            f"{variable_name(index)} = {safe(layer.name)} ({safe(path)})",
            highlight=False,
            soft_wrap=True,
        )
    scored = sum(1 for t in result.techniques or [] if t.score is not None)
    empty = sum(
        1
        for t in result.techniques or []
        if t.score is None and "has no value" in (t.comment or "")
    )
    extra = f", {scored:,} scored"
    if empty:
        extra += f", {empty:,} without a value (division by zero)"
    _written(out, scored + empty, extra)


@app.command("diff")
def diff_command(
    ctx: typer.Context,
    before: Annotated[Path, typer.Argument(help="Layer A (the earlier period or cohort).")],
    after: Annotated[Path, typer.Argument(help="Layer B (the later period or cohort).")],
    out: OutLayer,
    name: NameOption = None,
    top: Annotated[
        int, typer.Option("--top", "-n", min=0, help="Show the N biggest changes.")
    ] = 10,
) -> None:
    """Write B minus A per technique, and show the biggest changes.

    Each technique's score is its score in B minus its score in A (a missing
    score counts as 0), its comment "A: x, B: y"; the gradient runs from blue
    (lower in B) through white to red (higher in B).
    """
    from llmnav.navigator.layer import write_layer
    from llmnav.navigator.tools import diff_layers, layer_changes, read_layer_file

    with _library_errors(ctx):
        layer_a, layer_b = read_layer_file(before), read_layer_file(after)
        changes = layer_changes(layer_a, layer_b)
        write_layer(diff_layers(layer_a, layer_b, name=name), out)

    def number(value: float | None) -> str:
        if value is None:
            return "-"
        return f"{value:+g}" if value else "0"

    biggest = sorted(
        (change for change in changes if change.delta),
        key=lambda change: (-abs(change.delta), change.technique_id),
    )[:top]
    if biggest:
        view = Table(
            title=f"biggest changes: {safe(layer_b.name, 40)} minus {safe(layer_a.name, 40)}",
            title_justify="left",
        )
        per_tactic = any(change.tactic for change in biggest)
        columns = ("technique", "tactic") if per_tactic else ("technique",)
        for column in (*columns, "A", "B", "B - A", "change"):
            view.add_column(column, justify="right" if column in ("A", "B", "B - A") else "left")
        for change in biggest:
            cells = [safe(change.technique_id)]
            if per_tactic:
                cells.append(safe(change.tactic or "any"))
            view.add_row(
                *cells,
                "-" if change.a is None else f"{change.a:g}",
                "-" if change.b is None else f"{change.b:g}",
                number(change.delta),
                change.status,
            )
        console.print(view)
    counts = {
        status: sum(1 for change in changes if change.status == status)
        for status in ("added", "removed", "changed", "unchanged")
    }
    console.print(
        " | ".join(f"{status} {count:,}" for status, count in counts.items()) + f" -> {safe(out)}",
        highlight=False,
        soft_wrap=True,
    )


@app.command("render")
def render_command(
    ctx: typer.Context,
    layer_file: Annotated[Path, typer.Argument(help="The layer file to draw.")],
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Where to write the image: FILE.svg or FILE.png.")
    ],
    all_techniques: Annotated[
        bool,
        typer.Option("--all", help="Draw every technique of the matrix, not only annotated ones."),
    ] = False,
    domain_data: Annotated[
        Path | None,
        typer.Option(
            "--domain-data",
            help="A catalog file or directory from `llmnav catalog import` for the matrix "
            "(default: the packaged catalog of the layer's domain).",
            show_default=False,
        ),
    ] = None,
    image_format: Annotated[
        str | None,
        typer.Option(
            "--format", help="svg or png (default: from the file suffix).", show_default=False
        ),
    ] = None,
    scale: Annotated[
        float, typer.Option("--scale", min=0.5, max=8, help="PNG pixels per SVG unit.")
    ] = 2,
) -> None:
    """Draw a layer's matrix to SVG or PNG with each technique's score in its cell."""
    from llmnav.navigator.render import write_rendering
    from llmnav.navigator.tools import read_layer_file

    chosen = (image_format or ("png" if out.suffix.lower() == ".png" else "svg")).lower()
    if chosen not in ("svg", "png"):
        raise typer.BadParameter(f"{image_format!r} is not svg or png", param_hint="--format")
    with _library_errors(ctx):
        layer = read_layer_file(layer_file)
        catalog = None
        if domain_data is not None:
            from llmnav.catalog import load_catalog

            catalog = load_catalog(layer.domain, domain_data)
        write_rendering(
            layer,
            out,
            catalog=catalog,
            all_techniques=all_techniques,
            scale=scale,
            image_format="png" if chosen == "png" else "svg",
        )
    console.print(f"wrote {safe(out)}", highlight=False, soft_wrap=True)
