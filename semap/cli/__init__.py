"""The `semap` command line (typer)."""
