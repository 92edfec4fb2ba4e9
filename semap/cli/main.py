"""`semap`: build the store, serve the API and map, export data."""

from __future__ import annotations

import os
import sys

import typer

from semap.cli.access import access_app
from semap.cli.address import address_app
from semap.cli.context import geodata_settings, opened_store
from semap.cli.demo import demo_app
from semap.cli.export import export_app
from semap.cli.geodata import geodata_app
from semap.cli.printing import print_app
from semap.cli.registry import registry_app
from semap.cli.stats import stats_app
from semap.errors import SemapError, StoreNotBuilt

app = typer.Typer(
    help="SeMap: the open map service for Seoul's social economy.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(geodata_app, name="geodata")
app.add_typer(export_app, name="export")
app.add_typer(address_app, name="address")
app.add_typer(demo_app, name="demo")
app.add_typer(stats_app, name="stats")
app.add_typer(registry_app, name="registry")
app.add_typer(print_app, name="print")
app.add_typer(access_app, name="access")


@app.command()
def build(
    allow_shrink: bool = typer.Option(
        False, "--allow-shrink", help="load even if a registry is rejected whole or the data shrink past the threshold"
    ),
) -> None:
    """Fetch verified sources and load them into the store (PostGIS or the embedded DuckDB file).
    The previous data keep serving until the new are complete; a build that would lose data stops."""
    from semap.pipeline.build import build as run_build
    from semap.settings import GeocodeSettings, load
    from semap.stats.prepare import prepare_statistics

    settings = geodata_settings()
    os.nice(settings.build_niceness)  # a batch job beside a server: it yields the cores the requests need
    store = opened_store(wait=True)
    try:
        summary = run_build(
            store,
            settings,
            load(GeocodeSettings),
            progress=True,
            stage=lambda name: typer.echo(f"semap build: {name}", err=True),
            allow_shrink=allow_shrink,
            prepare=prepare_statistics,
        )
    finally:
        store.close()
    for line in summary.lines():
        typer.echo(line)


@app.command()
def pin(
    record_id: str = typer.Argument(..., help="organization or resource id (org-…, res-…)"),
    lon: float = typer.Argument(..., help="longitude, EPSG:4326"),
    lat: float = typer.Argument(..., help="latitude, EPSG:4326"),
    note: str = typer.Option("", help="why, for the next person"),
) -> None:
    """Pin a record to a location by hand; the pin wins over every geocoder and survives rebuilds
    (it takes effect at the next `semap build`)."""
    from semap.pipeline.pins import set_pin

    store = opened_store()
    try:
        set_pin(store, record_id, lon, lat, note)
    finally:
        store.close()
    typer.echo(f"pinned {record_id} at {lon}, {lat}; run `semap build` to apply")


@app.command()
def unpin(record_id: str = typer.Argument(..., help="organization or resource id")) -> None:
    """Remove a manual pin (the geocoders decide again at the next build)."""
    from semap.pipeline.pins import remove_pin

    store = opened_store()
    try:
        remove_pin(store, record_id)
    finally:
        store.close()


@app.command()
def serve(
    host: str = typer.Option(None, help="interface to listen on (default SEMAP_HOST or 127.0.0.1)"),
    port: int = typer.Option(None, help="port (default SEMAP_PORT or 8000)"),
    workers: int = typer.Option(
        None, min=1, max=64, help="server processes sharing the port (default SEMAP_WORKERS or 1); all read one store"
    ),
) -> None:
    """Serve the API and the map pages."""
    import os

    import uvicorn

    from semap.settings import ApiSettings, load

    api = load(ApiSettings)
    # Checked here, not in the app's startup: a bad URL is one line, not a traceback; a database still starting is
    # waited for (docker compose starts both at once).
    store = opened_store(wait=True)
    try:
        store.count("districts")
    except StoreNotBuilt as exc:
        typer.secho(f"semap serve: warning: {exc}; serving 503s until then", err=True, fg=typer.colors.YELLOW)
    finally:
        store.close()
    # The workers read the count from the environment: each shares out the per-address limits by it.
    os.environ["SEMAP_WORKERS"] = str(workers or api.workers)
    # By name: the CLI does not import the API (the layer rule); the app opens the store on startup in each worker.
    uvicorn.run(
        "semap.api.app:create_app",
        factory=True,
        host=host or api.host,
        port=port or api.port,
        workers=workers or api.workers,
        **api.forwarding(),
    )


def main() -> None:
    """Entry point: SeMap's own errors become one clear line and exit status 1, not a traceback."""
    try:
        app()
    except SemapError as exc:
        typer.secho(f"semap: error: {exc}", err=True, fg=typer.colors.RED)
        sys.exit(1)


if __name__ == "__main__":
    main()
