"""Read registry files as Korean public data publishes them: CSV (UTF-8, UTF-8 with BOM, or CP949) or XLSX,
with the header row not always first. The encoding is detected and reported, never silently assumed."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from semap.errors import GeodataError
from semap.registry.formats import RegistryFormat
from semap.registry.header import HeaderMatch, column_letter, find_header


@dataclass(frozen=True)
class SourceRow:
    file: str
    row: int  # 1-based row (line) number in the file, as a person opening it would count
    values: dict[str, str]  # field -> raw text
    line: str  # every non-empty cell, joined: what a person sees on that row
    headers: Mapping[str, str] = field(default_factory=dict)  # field -> its header as the file writes it
    broken: str = ""  # why the row cannot be read at all (an unbalanced quote): it is rejected with this reason


@dataclass(frozen=True)
class ReadResult:
    file: str
    encoding: str
    header: HeaderMatch
    rows: list[SourceRow]

    @property
    def header_row(self) -> int:
        return self.header.row

    @property
    def missing_fields(self) -> tuple[str, ...]:
        """The required fields no header cell names."""
        return self.header.missing

    @property
    def columns(self) -> tuple[str, ...]:
        """The format's fields found in the header row."""
        return self.header.fields


@dataclass(frozen=True)
class RawRow:
    number: int  # the row (line) it starts on
    cells: list[str]
    lines: tuple[str, ...] = ()  # CSV: the physical lines of a record that spans several


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


def _csv_rows(path: Path) -> tuple[str, Iterator[RawRow]]:
    data = path.read_bytes()
    encoding = detect_encoding(data, path)
    text = data.decode(encoding)
    reader = csv.reader(io.StringIO(text, newline=""))

    def rows() -> Iterator[RawRow]:
        line = 1
        physical: list[str] | None = None  # split only when a record spans lines: most files never need it
        try:
            for cells in reader:
                if reader.line_num > line:
                    physical = physical or re.split(r"\r\n|\r|\n", text)
                    yield RawRow(line, cells, tuple(physical[line - 1 : reader.line_num]))
                else:
                    yield RawRow(line, cells)
                line = reader.line_num + 1
        except csv.Error as exc:
            raise GeodataError(f"{path.name}: row {line}: not readable as CSV ({exc})") from None

    return encoding, rows()


def _xlsx_rows(path: Path, fmt: RegistryFormat) -> tuple[str, Iterator[RawRow]]:
    # Imported here: openpyxl brings numpy and Pillow (19 MB), which a server answering maps never needs.
    from openpyxl import load_workbook

    try:
        # From the bytes, not the name: a workbook renamed .csv is still a workbook. data_only=False: a formula
        # cell is read as its formula text (=HYPERLINK(…) stays text, never evaluated; exports neutralize it).
        book = load_workbook(io.BytesIO(path.read_bytes()), read_only=True, data_only=False)
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
        formula = getattr(value, "text", None)  # an array or data-table formula object: its text
        return formula if isinstance(formula, str) else str(value)

    def rows() -> Iterator[RawRow]:
        try:
            for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield RawRow(number, [text(c) for c in cells])
        except Exception as exc:  # a workbook cut short fails while its rows are read
            raise GeodataError(f"{path.name}: the workbook is damaged ({type(exc).__name__}: {exc})") from None
        finally:
            book.close()

    return f"xlsx:{sheet.title}", rows()


def _json_rows(path: Path, fmt: RegistryFormat) -> tuple[str, Iterator[RawRow]]:
    """A saved API response: the first list of objects that carries the format's keys, wherever it is nested
    (data.go.kr wraps items in response/body/items/item)."""
    try:
        document = json.loads(path.read_bytes().decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise GeodataError(f"{path.name}: not a JSON document ({exc})") from None
    keys = [spelling for name in fmt.fields for spelling in fmt.spellings(name)]

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

    present = list(dict.fromkeys(k for item in items for k in item))  # as the items spell them

    def rows() -> Iterator[RawRow]:
        yield RawRow(1, present)  # the keys stand as the header row; item n is row n + 1
        for number, item in enumerate(items, start=2):
            yield RawRow(number, ["" if item.get(k) is None else str(item.get(k)) for k in present])

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


def read_registry(path: Path, fmt: RegistryFormat, display_name: str | None = None) -> ReadResult:
    """Find the header row (semap.registry.header), then map each following non-empty row to fields."""
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
    encoding, raw_rows = readers[kind](path, fmt)
    header = find_header(((r.number, r.cells) for r in raw_rows), fmt, name)
    headers = header.written()
    records = []
    for raw in raw_rows:
        if not any(c.strip() for c in raw.cells):
            continue
        # NUL bytes are never text: PostgreSQL refuses them, so they are dropped here, the same for both stores.
        cells = [c.replace("\x00", "") for c in raw.cells]
        values = {f: cells[i].strip() if i < len(cells) else "" for i, f in header.positions.items()}
        line = " | ".join(c.strip() for c in cells if c.strip())
        swallowed = _swallowed_rows(raw, len(header.cells))
        if swallowed is None:
            records.append(SourceRow(name, raw.number, values, line, headers))
            continue
        column, count = swallowed
        where = f"column {column_letter(column)}" + (f" ({header.cells[column]})" if column < len(header.cells) else "")
        last = raw.number + len(raw.lines) - 1
        reason = (
            f"an unbalanced quote in {where} runs over the next {count} rows ({raw.number + 1}–{last}), "
            "which were read as part of its cell: close the quote"
        )
        records.append(SourceRow(name, raw.number, values, raw.lines[0], headers, reason))
        for offset, text in enumerate(raw.lines[1:], start=1):
            if text.strip(" ,"):
                lost = f"swallowed by the unbalanced quote in row {raw.number} ({where}): close that quote"
                records.append(SourceRow(name, raw.number + offset, {}, text, headers, lost))
    return ReadResult(name, encoding, header, records)


def _swallowed_rows(raw: RawRow, width: int) -> tuple[int, int] | None:
    """(the column whose cell holds whole rows, how many lines it took) for a CSV record that an unbalanced quote
    ran into the rows after it: one of its cells holds, after a line break, a line with about a row's worth of
    delimiters. A line break inside an address or description (a few commas at most) is not that."""
    if not raw.lines:
        return None
    enough = max(2, width - 2)
    for index, cell in enumerate(raw.cells):
        inner = re.split(r"\r\n|\r|\n", cell)[1:]
        if any(part.count(",") >= enough for part in inner):
            return index, len(raw.lines) - 1
    return None
