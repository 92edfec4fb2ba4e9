"""`semap geodata`: source files."""

from __future__ import annotations

import typer

from semap.cli.context import geodata_settings
from semap.pipeline.sources import fetch_all

geodata_app = typer.Typer(help="Source files declared in semap/data/sources.toml.", no_args_is_help=True)


@geodata_app.command("fetch")
def fetch() -> None:
    """Download every declared source file (or take it from SEMAP_GEODATA_MIRROR) and verify its sha256."""
    settings = geodata_settings()
    for name, files in fetch_all(settings).items():
        for item in files:
            typer.echo(f"{name}: {item.path.name} ok ({item.origin})")
