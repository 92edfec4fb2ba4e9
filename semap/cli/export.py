"""`semap export`: the same files the API's export endpoints give."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from semap.cli.context import opened_store
from semap.features.filters import FeatureFilter
from semap.formats import ExportFormat

export_app = typer.Typer(help="Export data as GeoJSON, CSV or GeoPackage.", no_args_is_help=True)
FORMAT = typer.Option(ExportFormat.geojson, "--format", "-f", help="geojson, csv or gpkg")


def write_output(payload: bytes, output: Path | None) -> None:
    if output is None:
        sys.stdout.buffer.write(payload)
        sys.stdout.buffer.flush()
    else:
        output.write_bytes(payload)


@export_app.command("districts")
def districts(
    fmt: ExportFormat = FORMAT,
    output: Path | None = typer.Option(None, "--output", "-o", help="file to write (default: stdout)"),
) -> None:
    """The 25 districts with both code schemes (adm_code, kostat_code) and Korean/English names."""
    from semap.exports import export_districts  # pandas: loaded by the command, not for `semap --help`

    store = opened_store()
    try:
        write_output(export_districts(store, fmt), output)
    finally:
        store.close()


def _feature_command(layer: str):
    def command(
        fmt: ExportFormat = FORMAT,
        output: Path | None = typer.Option(
            None, "--output", "-o", help="file or folder; a folder gets the API's file name (default: stdout)"
        ),
        district: str | None = typer.Option(None, help="name or code (adm:11710, kostat:11240)"),
        dong: str | None = None,
        type: str | None = typer.Option(None, "--type", help="organization type"),
        subtype: str | None = None,
        designation: str | None = None,
        industry: str | None = None,
        category: str | None = None,
        status: str | None = None,
        q: str | None = typer.Option(None, help="text in name, description or address"),
        bbox: str | None = typer.Option(None, help="minx,miny,maxx,maxy in EPSG:4326"),
        verified_since: str | None = typer.Option(None, help="YYYY-MM-DD"),
        datetime: str | None = typer.Option(None, help="verified on a day or in an interval: 2013-01-01/2013-12-31"),
    ) -> None:
        flt = FeatureFilter.of(
            district=district,
            dong=dong,
            type=type,
            subtype=subtype,
            designation=designation,
            industry=industry,
            category=category,
            status=status,
            q=q,
            bbox=bbox,
            verified_since=verified_since,
            datetime=datetime,
        )
        from semap.exports import feature_export

        store = opened_store()
        try:
            body, name = feature_export(store, layer, flt, fmt)
        finally:
            store.close()
        target = output / name if output is not None and output.is_dir() else output
        write_output(body, target)
        if target is not None:
            typer.echo(f"wrote {target}", err=True)

    command.__doc__ = f"The {layer} a filter selects — the same file as GET /api/v1/export/{layer}.<format>."
    return command


export_app.command("organizations")(_feature_command("organizations"))
export_app.command("resources")(_feature_command("resources"))
