"""`semap stats`: tables for researchers."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer

from semap.cli.context import opened_store
from semap.cli.export import write_output
from semap.exports import TableFormat, table_bytes
from semap.stats.counts import crosstab, published_type_table
from semap.stats.queries import organizations_by_area

stats_app = typer.Typer(help="Statistics tables (counts, location quotients).", no_args_is_help=True)


class CountBy(StrEnum):
    type = "type"
    subtype = "subtype"
    designation = "designation"
    industry = "industry"
    category = "category"


class Level(StrEnum):
    district = "district"
    dong = "dong"


@stats_app.command("counts")
def counts(
    by: CountBy = typer.Option(CountBy.type, help="what to count by"),
    level: Level = typer.Option(Level.district, help="district or dong"),
    fmt: TableFormat = typer.Option(TableFormat.csv, "--format", "-f"),
    output: Path | None = typer.Option(None, "--output", "-o", help="file to write (default: stdout)"),
) -> None:
    """Organizations per district (or dong) by type — in the published 2013 layout — subtype, designation,
    industry or SeMap category. Each organization counts once, except in the designation table (once per
    designation it holds)."""
    store = opened_store()
    try:
        orgs = organizations_by_area(store, level.value)
    finally:
        store.close()
    label = "district_ko" if level is Level.district else "dong_ko"
    table = published_type_table(orgs) if by is CountBy.type else crosstab(orgs, by.value, label)
    if by is CountBy.type and level is Level.dong:
        table.index.name = label
    write_output(table_bytes(table, fmt), output)
