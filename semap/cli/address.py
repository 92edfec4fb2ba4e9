"""`semap address`: address tools."""

from __future__ import annotations

import sys

import orjson
import typer

from semap.geocode.address import AddressError, normalize

address_app = typer.Typer(help="Korean address tools.", no_args_is_help=True)


@address_app.command("normalize")
def normalize_lines() -> None:
    """Read one address per line on stdin; write one JSON object per line (district, road, main, sub, detail,
    canonical, and error when it fails)."""
    for line in sys.stdin:
        raw = line.rstrip("\n")
        if not raw.strip():
            continue
        try:
            parsed = normalize(raw)
            record = {"input": raw, **parsed.as_dict(), "error": None}
        except AddressError as exc:
            record = {"input": raw, "district": None, "road": None, "main": None, "sub": None, "detail": None}
            record |= {"canonical": None, "error": str(exc)}
        sys.stdout.buffer.write(orjson.dumps(record) + b"\n")
    sys.stdout.flush()
