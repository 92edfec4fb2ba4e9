"""`semap address`: address tools."""

from __future__ import annotations

import sys
from dataclasses import fields

import orjson
import typer

from semap.geocode.address import AddressError, ParsedAddress, normalize

address_app = typer.Typer(help="Korean address tools.", no_args_is_help=True)


KEYS = ("input", *(f.name for f in fields(ParsedAddress)), "kind", "error")


@address_app.command("normalize")
def normalize_lines() -> None:
    """Read one address per line on stdin; write exactly one JSON object per input line, every one with the
    same keys (sido, district, road, main, sub, …, canonical, warnings, kind, and error when it fails; a blank
    line is an error line), so the output lines up with the input."""
    for line in sys.stdin:
        raw = line.rstrip("\r\n")
        record: dict[str, object] = dict.fromkeys(KEYS)
        record["input"] = raw
        try:
            record |= normalize(raw).as_dict()
        except AddressError as exc:
            record["error"] = str(exc)
        sys.stdout.buffer.write(orjson.dumps(record) + b"\n")
    sys.stdout.flush()
