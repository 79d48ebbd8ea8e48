"""``llmnav config``: show the configuration in effect."""

from __future__ import annotations

import typer
import yaml

from llmnav.cli.options import ConfigOption
from llmnav.config import default_config_text, load_config

__all__ = ["app"]

app = typer.Typer(help="The configuration file: defaults and your changes.", no_args_is_help=True)


@app.command("show")
def show_command(config: ConfigOption = None) -> None:
    """Print the configuration in effect: the documented defaults, or the defaults merged
    with --config (as YAML, with its fingerprint)."""
    if config is None:
        typer.echo(default_config_text(), nl=False)
        typer.echo(f"# fingerprint: {load_config().fingerprint}")
        return
    settings = load_config(config)
    typer.echo(yaml.safe_dump(settings.model_dump(mode="json"), sort_keys=False), nl=False)
    typer.echo(f"# fingerprint: {settings.fingerprint}")
