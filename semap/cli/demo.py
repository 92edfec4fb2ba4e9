"""`semap demo`: the synthetic demo registry."""

from __future__ import annotations

from pathlib import Path

import typer

from semap.cli.context import geodata_settings

demo_app = typer.Typer(
    help="The demo registry (synthetic, faithful to the published 2013 figures).", no_args_is_help=True
)


@demo_app.command("generate")
def generate(
    facts: Path = typer.Option(Path("../shared/facts"), help="folder with the published 2013 facts"),
    output: Path = typer.Option(None, "-o", "--output", help="where to write (default semap/data/demo)"),
) -> None:
    """Regenerate semap/data/demo/ with the fixed seed (its output is committed; a fresh clone need not run this)."""
    from semap.demo.generate import generate as run
    from semap.geodata.boundaries import read_boundaries
    from semap.pipeline.sources import BOUNDARIES_SOURCE, source_folder

    settings = geodata_settings()
    source, folder = source_folder(settings, BOUNDARIES_SOURCE)
    figures = run(facts, read_boundaries(folder, source), output or settings.geodata_dir / "demo")
    for key, value in figures.items():
        typer.echo(f"{key}: {value}")
