"""Read registry files as Korean public data publishes them: CSV (UTF-8, UTF-8 with BOM, or CP949) or XLSX,
with the header row not always first. The encoding is detected and reported, never silently assumed."""

from __future__ import annotations

import csv
import io
import json
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
    columns: tuple[str, ...] = ()  # the format's fields found in the header row


def detect_encoding(data: bytes, path: Path) -> str:
    """UTF-8 (with or without BOM) or CP949, whichever decodes the whole file; a file that changes encoding part
    way (a CP949 block pasted into a UTF-8 file) is named with the row where it stops being UTF-8."""
    candidates = ("utf-8-sig",) if data.startswith(b"\xef\xbb\xbf") else ("utf-8", "cp949")
    first_failure: UnicodeDecodeError | None = None
    for encoding in candidates:
        try:
            data.decode(encoding)
        except UnicodeDecodeError as exc:
            first_failure = first_failure or exc
            continue
        return encoding
    assert first_failure is not None
    row = data[: first_failure.start].count(b"\n") + 1
    raise GeodataError(
        f"{path.name}: neither UTF-8 nor CP949 throughout (row {row} is not {candidates[0].upper()}); "
        "re-save it in one encoding"
    )


# Real cells hold long descriptions; the csv module's default 128 KiB limit is no limit SeMap wants to impose.
csv.field_size_limit(64 * 1024 * 1024)


def _csv_rows(path: Path) -> tuple[str, Iterator[tuple[int, list[str]]]]:
    data = path.read_bytes()
    encoding = detect_encoding(data, path)
    reader = csv.reader(io.StringIO(data.decode(encoding), newline=""))

    def rows() -> Iterator[tuple[int, list[str]]]:
        line = 1
        try:
            for cells in reader:
                yield line, cells
                line = reader.line_num + 1
        except csv.Error as exc:
            raise GeodataError(f"{path.name}: row {line}: not readable as CSV ({exc})") from None

    return encoding, rows()


def _xlsx_rows(path: Path, fmt: RegistryFormat) -> tuple[str, Iterator[tuple[int, list[str]]]]:
    try:
        # From the bytes, not the name: a workbook renamed .csv is still a workbook.
        book = load_workbook(io.BytesIO(path.read_bytes()), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for broken files
        raise GeodataError(f"{path.name}: cannot open as an XLSX workbook ({type(exc).__name__}: {exc})") from None
    if fmt.sheet:
        if fmt.sheet not in book.sheetnames:
            raise GeodataError(f"{path.name}: no sheet {fmt.sheet!r}; the workbook has {', '.join(book.sheetnames)}")
        sheet = book[fmt.sheet]
    else:  # the first sheet that holds anything: exports often lead with an empty or cover sheet
        sheet = next((ws for ws in book.worksheets if ws.max_row and ws.max_row > 1), book.worksheets[0])

    def text(value: object) -> str:
        if value is None:
            return ""
        if hasattr(value, "strftime"):
            return value.strftime("%Y-%m-%d")
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)

    def rows() -> Iterator[tuple[int, list[str]]]:
        try:
            for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield number, [text(c) for c in cells]
        except Exception as exc:  # a workbook cut short fails while its rows are read
            raise GeodataError(f"{path.name}: the workbook is damaged ({type(exc).__name__}: {exc})") from None
        finally:
            book.close()

    return f"xlsx:{sheet.title}", rows()


def _json_rows(path: Path, fmt: RegistryFormat) -> tuple[str, Iterator[tuple[int, list[str]]]]:
    """A saved API response: the first list of objects that carries the format's keys, wherever it is nested
    (data.go.kr wraps items in response/body/items/item)."""
    try:
        document = json.loads(path.read_bytes().decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise GeodataError(f"{path.name}: not a JSON document ({exc})") from None
    keys = list(fmt.columns)

    def find(node: object) -> list[dict] | None:
        if (
            isinstance(node, list)
            and node
            and all(isinstance(i, dict) for i in node)
            and any(k in node[0] for k in keys)
        ):
            return node
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else []
        for child in children:
            found = find(child)
            if found is not None:
                return found
        return None

    items = find(document)
    if items is None:
        expected = ", ".join(keys[:4])
        raise GeodataError(f"{path.name}: no list of items with the keys of format {fmt.name!r} ({expected}…)")

    def rows() -> Iterator[tuple[int, list[str]]]:
        yield 1, keys  # the keys stand as the header row; item n is row n + 1
        for number, item in enumerate(items, start=2):
            yield number, ["" if item.get(k) is None else str(item.get(k)) for k in keys]

    return "json", rows()


def sniff(data: bytes) -> str:
    """What a file is by its bytes, not its name: users rename files."""
    if data.startswith(b"PK\x03\x04"):
        return "xlsx"
    if data.startswith((b"\x89PNG", b"%PDF", b"\xff\xd8\xff", b"GIF8", b"\xd0\xcf\x11\xe0")):
        return "binary"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "csv"  # UTF-16 text (Excel's "Unicode text"): the encoding check names it
    stripped = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped[:1] in (b"{", b"["):
        return "json"
    if b"\x00" in data[:4096] and data[:4096].count(b"\x00") > 64:
        return "binary"
    return "csv"


def _normal(header: str) -> str:
    return "".join(header.split()).replace("\ufeff", "")


def read_registry(path: Path, fmt: RegistryFormat, display_name: str | None = None) -> ReadResult:
    """Find the header row (the first of the first 20 rows naming most of the format's columns), then map each
    following non-empty row to fields."""
    name = display_name or path.name
    if not path.is_file():
        raise GeodataError(f"{name}: no such registry file ({path})")
    with path.open("rb") as handle:
        head = handle.read(8192)
    if not head.strip():
        raise GeodataError(f"{name}: the file is empty")
    kind = sniff(head)
    if kind == "binary":
        raise GeodataError(f"{name}: not a CSV, XLSX or JSON file (its bytes look like an image or other binary)")
    readers = {"xlsx": _xlsx_rows, "json": _json_rows, "csv": lambda p, _: _csv_rows(p)}
    encoding, rows = readers[kind](path, fmt)
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
    return ReadResult(name, encoding, header_row, missing, records, tuple(positions.values()))
