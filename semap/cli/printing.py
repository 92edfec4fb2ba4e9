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
    """The district's map with numbered markers, a numbered list, legend, data date and a QR code to its page
    (SEMAP_PUBLIC_URL: where SeMap is reached)."""
    from semap.errors import PrintFailed
    from semap.features.filters import resolve_district
    from semap.maps.print_map import district_print
    from semap.settings import MapSettings, load

    settings = load(MapSettings)
    if not output.parent.is_dir():  # said before the drawing, not after it
        raise PrintFailed(f"cannot write {output}: No such file or directory")
    store = opened_store()
    try:
        pdf = district_print(store, resolve_district(name), layer, size, lang, settings.public_url)
    finally:
        store.close()
    try:
        output.write_bytes(pdf)
    except OSError as exc:
        raise PrintFailed(f"cannot write {output}: {exc.strerror or exc}") from None
    typer.echo(f"wrote {output} ({len(pdf) // 1024} KB)")
    if settings.public_url_is_local:
        typer.echo(
            f"semap: warning: the QR code leads to {settings.public_url}, which opens only on this computer; "
            "set SEMAP_PUBLIC_URL to the address people reach SeMap at (e.g. https://semap.example.org) and print "
            "again",
            err=True,
        )
