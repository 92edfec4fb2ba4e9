"""`semap export`: the same files the API's export endpoints give."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from semap.cli.context import opened_store
from semap.exports import ExportFormat, export_districts

export_app = typer.Typer(help="Export data as GeoJSON or CSV.", no_args_is_help=True)


def write_output(payload: bytes, output: Path | None) -> None:
    if output is None:
        sys.stdout.buffer.write(payload)
        sys.stdout.buffer.flush()
    else:
        output.write_bytes(payload)


@export_app.command("districts")
def districts(
    fmt: ExportFormat = typer.Option(ExportFormat.geojson, "--format", "-f", help="geojson or csv"),
    output: Path | None = typer.Option(None, "--output", "-o", help="file to write (default: stdout)"),
) -> None:
    """The 25 districts with both code schemes (adm_code, kostat_code) and Korean/English names."""
    store = opened_store()
    try:
        write_output(export_districts(store, fmt), output)
    finally:
        store.close()
