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


@demo_app.command("changed-copy")
def changed_copy(
    folder: Path = typer.Argument(..., help="where to write the copy (must not exist)"),
    as_of: str = typer.Option("2014-12-31", "--as-of", help="the copy's release date (its manifest's as_of)"),
) -> None:
    """A SYNTHETIC later release of the demo registry, for trying `semap stats change`: cooperatives added,
    removed and moved to another district, listed in FOLDER/CHANGES.csv. Build it with
    SEMAP_REGISTRIES=FOLDER/registries.toml semap build."""
    from semap.demo.release import write_changed_demo

    for change in write_changed_demo(folder, as_of):
        where = " → ".join(" ".join(a.split()) for a in (change.address_before, change.address_after) if a)
        typer.echo(f"{change.kind}: {change.name} ({change.business_number}) {where}")
    typer.echo(f"manifest: {folder / 'registries.toml'} (as_of {as_of}; synthetic)")
