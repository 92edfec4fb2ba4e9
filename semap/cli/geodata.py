"""`semap geodata`: source files."""

from __future__ import annotations

import typer

from semap.cli.context import geodata_settings

geodata_app = typer.Typer(help="Source files declared in semap/data/sources.toml.", no_args_is_help=True)


@geodata_app.command("fetch")
def fetch(
    source: str = typer.Argument(None, help="'juso' for a monthly 위치정보요약DB zip; default: every fixed source"),
    month: str = typer.Option(None, help="YYYYMM of the juso release (default: last month)"),
) -> None:
    """Download the declared source files (or take them from SEMAP_GEODATA_MIRROR) and verify them: sha256 for
    fixed files; size, zip integrity, members (and sha256 where pinned) for a monthly juso release."""
    from semap.geodata.monthly import previous_month  # httpx: loaded by the command, not for `semap --help`
    from semap.pipeline.sources import fetch_all, juso_release

    settings = geodata_settings()
    if source == "juso":
        release = juso_release(settings, month or previous_month())
        typer.echo(f"juso: {release.path} ok ({release.origin})")
        typer.echo(f"build with it: SEMAP_JUSO_MONTH={release.path.name[:6]} semap build")
        return
    if source is not None:
        raise typer.BadParameter(f"{source!r}: the sources are 'juso' or none (every fixed source)")
    for name, files in fetch_all(settings).items():
        for item in files:
            typer.echo(f"{name}: {item.path.name} ok ({item.origin})")
