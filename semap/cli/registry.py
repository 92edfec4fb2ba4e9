"""`semap registry`: look at a registry file the way the build will read it."""

from __future__ import annotations

from pathlib import Path

import typer

registry_app = typer.Typer(help="Registry files: what SeMap reads in them.", no_args_is_help=True)


@registry_app.command("inspect")
def inspect(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="a CSV, XLSX or saved JSON registry"),
    format: list[str] = typer.Option(None, "--format", help="only these formats (a shipped name or a .toml path)"),
    rows: int = typer.Option(5, help="how many rows to show"),
) -> None:
    """Detect encoding, sheet and header row, rank the declared formats by how well they match, name the missing
    required columns, and show the first rows as SeMap would read them. No manifest needed."""
    from semap.registry.inspect import describe, inspect_file

    for line in describe(inspect_file(file, format or None), rows):
        typer.echo(line)
