"""Read registry files as Korean public data publishes them: CSV (UTF-8, UTF-8 with BOM, or CP949) or XLSX,
with the header row not always first. The encoding is detected and reported, never silently assumed."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from openpyxl import load_workbook

from semap.errors import GeodataError
from semap.registry.formats import RegistryFormat

HEADER_SEARCH_ROWS = 20


@dataclass(frozen=True)
class SourceRow:
    file: str
    row: int  # 1-based row (line) number in the file, as a person opening it would count
    values: dict[str, str]  # field -> raw text
    line: str  # every non-empty cell, joined: what a person sees on that row


@dataclass(frozen=True)
class ReadResult:
    file: str
    encoding: str
    header_row: int
    missing_columns: tuple[str, ...]  # source headers of required fields not found
    rows: list[SourceRow]


def detect_encoding(data: bytes, path: Path) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    for encoding in ("utf-8", "cp949"):
        try:
            data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return encoding
    raise GeodataError(f"{path}: neither UTF-8 nor CP949; re-save it in one of those encodings")


# Real cells hold long descriptions; the csv module's default 128 KiB limit is no limit SeMap wants to impose.
csv.field_size_limit(64 * 1024 * 1024)


def _csv_rows(path: Path) -> tuple[str, Iterator[tuple[int, list[str]]]]:
    data = path.read_bytes()
    encoding = detect_encoding(data, path)
    reader = csv.reader(io.StringIO(data.decode(encoding), newline=""))

    def rows() -> Iterator[tuple[int, list[str]]]:
        line = 1
        for cells in reader:
            yield line, cells
            line = reader.line_num + 1

    return encoding, rows()


def _xlsx_rows(path: Path) -> tuple[str, Iterator[tuple[int, list[str]]]]:
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for broken files
        raise GeodataError(f"{path}: cannot open as an XLSX workbook: {exc}") from None
    sheet = book.worksheets[0]

    def text(value: object) -> str:
        if value is None:
            return ""
        if hasattr(value, "strftime"):
            return value.strftime("%Y-%m-%d")  # type: ignore[union-attr]
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)

    def rows() -> Iterator[tuple[int, list[str]]]:
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, [text(c) for c in cells]
        book.close()

    return "xlsx", rows()


def _normal(header: str) -> str:
    return "".join(header.split()).replace("\ufeff", "")


def read_registry(path: Path, fmt: RegistryFormat, display_name: str | None = None) -> ReadResult:
    """Find the header row (the first of the first 20 rows naming most of the format's columns), then map each
    following non-empty row to fields."""
    name = display_name or path.name
    if not path.is_file():
        raise GeodataError(f"{name}: no such registry file")
    encoding, rows = _xlsx_rows(path) if path.suffix.lower() in (".xlsx", ".xlsm") else _csv_rows(path)
    known = {_normal(h): f for h, f in fmt.columns.items()}
    header_row, positions = 0, {}
    for number, cells in rows:
        found = {i: known[_normal(c)] for i, c in enumerate(cells) if _normal(c) in known}
        if len(found) >= max(2, len(fmt.required)):
            header_row, positions = number, found
            break
        if number >= HEADER_SEARCH_ROWS:
            break
    if not header_row:
        raise GeodataError(
            f"{name}: no header row naming the columns of format {fmt.name!r} "
            f"(expected e.g. {', '.join(list(fmt.columns)[:4])}) in the first {HEADER_SEARCH_ROWS} rows"
        )
    present = set(positions.values())
    missing = tuple(fmt.header_for(f) for f in fmt.required if f not in present and f not in fmt.defaults)
    records = []
    for number, cells in rows:
        if not any(c.strip() for c in cells):
            continue
        # NUL bytes are never text: PostgreSQL refuses them, so they are dropped here, the same for both stores.
        cells = [c.replace("\x00", "") for c in cells]
        values = {field: cells[i].strip() if i < len(cells) else "" for i, field in positions.items()}
        records.append(SourceRow(name, number, values, " | ".join(c.strip() for c in cells if c.strip())))
    return ReadResult(name, encoding, header_row, missing, records)
