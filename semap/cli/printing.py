"""`semap print`: paper maps for district coordinators."""

from __future__ import annotations

from pathlib import Path

import typer

from semap.cli.context import opened_store
from semap.features.layers import LayerName

print_app = typer.Typer(help="Print-ready maps (vector PDF).", no_args_is_help=True)


@print_app.command("district")
def district(
    name: str = typer.Argument(..., help="the district: 송파구, Songpa-gu, adm:11710 …"),
    layer: LayerName = typer.Option(LayerName.resources, help="resources or organizations"),
    size: str = typer.Option("A4", help="A4 or A3"),
    lang: str = typer.Option("ko", help="ko or en"),
    output: Path = typer.Option(..., "-o", "--output", help="the PDF to write"),
) -> None:
    """The district's map with numbered markers, a numbered list, legend, data date and a QR code to its page."""
    from semap.errors import PrintFailed
    from semap.features.filters import resolve_district
    from semap.maps.print_map import district_print
    from semap.settings import MapSettings, load

    store = opened_store()
    try:
        pdf = district_print(store, resolve_district(name), layer, size, lang, load(MapSettings).public_url)
    finally:
        store.close()
    try:
        output.write_bytes(pdf)
    except OSError as exc:
        raise PrintFailed(f"cannot write {output}: {exc.strerror or exc}") from None
    typer.echo(f"wrote {output} ({len(pdf) // 1024} KB)")
