"""`semap stats`: tables for researchers."""

from __future__ import annotations

from pathlib import Path

import typer

from semap.cli.context import opened_store
from semap.cli.export import write_output
from semap.formats import TableFormat
from semap.stats.kinds import ChangeBy, CountBy, HotspotBy, Level, LqBy, Measure, ResourcesBy, check_choice

stats_app = typer.Typer(
    help="Statistics tables (counts, location quotients, hot spots, change between releases).", no_args_is_help=True
)
FORMAT = typer.Option(TableFormat.csv, "--format", "-f", help="csv (UTF-8 with BOM), json or xlsx")
OUTPUT = typer.Option(None, "--output", "-o", help="file to write (default: stdout)")


def _emit(make, fmt: TableFormat, output: Path | None, index: bool = True) -> None:
    from semap.exports import table_bytes  # pandas loads when a table is made, not for `semap --help`

    store = opened_store()
    try:
        table = make(store)
    finally:
        store.close()
    write_output(table_bytes(table if index else table.set_index(table.columns[0]), fmt), output)


@stats_app.command("counts")
def counts(
    by: CountBy = typer.Option(CountBy.type, help="what to count by"),
    level: Level = typer.Option(Level.district, help="district or dong"),
    fmt: TableFormat = FORMAT,
    output: Path | None = OUTPUT,
) -> None:
    """Organizations per district (or dong) by type — in the published 2013 layout — subtype, designation,
    industry or SeMap category. Each organization counts once ("중복 제외"), except in the designation table,
    which counts it once per designation it holds."""
    from semap.stats.tables import counts_table  # scipy and pandas: loaded by the command that uses them

    _emit(lambda store: counts_table(store, by, level), fmt, output)


@stats_app.command("lq")
def lq(
    by: LqBy = typer.Option(LqBy.industry, help="industry (the 2013 research scheme), category or type"),
    level: Level = typer.Option(Level.district, help="district or dong"),
    fmt: TableFormat = FORMAT,
    output: Path | None = OUTPUT,
) -> None:
    """Location quotients with n_ij, n_i, n_j, N, expected, exact confidence interval, p- and BH q-value,
    adjusted-residual z, small-count flag and suppression code; reference area Seoul."""
    from semap.stats.tables import lq_table

    _emit(lambda store: lq_table(store, by, level), fmt, output, index=False)


@stats_app.command("resources")
def resources(
    by: ResourcesBy = typer.Option(ResourcesBy.district, help="per district or per owning organization"),
    fmt: TableFormat = FORMAT,
    output: Path | None = OUTPUT,
) -> None:
    """Shared resources by category, per district or per owning organization."""
    from semap.stats.tables import resources_table

    _emit(lambda store: resources_table(store, by), fmt, output)


@stats_app.command("hotspots")
def hotspots(
    measure: Measure = typer.Option(
        Measure.density, help="density (organizations per km²), count, or rate (needs a population source)"
    ),
    by: HotspotBy = typer.Option(HotspotBy.all, help="all organizations, or one type, industry or category"),
    value: str = typer.Option("", help="the type, industry or category --by selects (e.g. 교육)"),
    fmt: TableFormat = FORMAT,
    output: Path | None = OUTPUT,
) -> None:
    """Hot and cold spots per dong: local Getis–Ord Gi* (queen contiguity, the dong itself included), analytical
    z, two-sided permutation p (9,999 permutations, fixed seed), Benjamini–Hochberg q, class −3…3. How it was
    made and global Moran's I are printed to stderr."""
    from semap.stats.hotspot_tables import hotspots_summary, hotspots_table

    chosen = check_choice(measure, by, value)

    def table(store):
        summary = hotspots_summary(store, measure, by, chosen).iloc[0]
        for key, item in summary.items():
            typer.echo(f"{key}: {item}", err=True)
        return hotspots_table(store, measure, by, chosen)

    _emit(table, fmt, output, index=False)


@stats_app.command("releases")
def releases(fmt: TableFormat = FORMAT, output: Path | None = OUTPUT) -> None:
    """The registry releases this store was built from (the manifests' as_of), with their boundaries' vintage."""
    from semap.stats.queries import releases as read

    _emit(read, fmt, output, index=False)


@stats_app.command("change")
def change(
    as_of_from: str = typer.Option(None, "--from", help="the earlier release's as_of (default: the second newest)"),
    as_of_to: str = typer.Option(None, "--to", help="the later release's as_of (default: the newest)"),
    by: ChangeBy = typer.Option(ChangeBy.all, help="per district, or per district × type or industry (with LQs)"),
    records: bool = typer.Option(False, "--records", help="the organizations behind the change, one a row"),
    fmt: TableFormat = FORMAT,
    output: Path | None = OUTPUT,
) -> None:
    """Change between two releases per district: count_from, entered, exited, moved_in, moved_out, count_to,
    change (by type or industry also reclassified and each release's LQ with its interval). Entries, exits and
    moves are kept apart: a registry's coverage changing looks like growth."""
    from semap.stats.change_tables import change_records, change_table, chosen_releases

    def table(store):
        chosen = chosen_releases(store, as_of_from, as_of_to)
        typer.echo(f"from {chosen[0]} to {chosen[1]}, on the KOSTAT census boundaries {chosen[2]}", err=True)
        return (change_records if records else change_table)(store, chosen[0], chosen[1], by)

    _emit(table, fmt, output, index=False)
