"""Which header cell is which field: the one matcher the reader, `semap registry inspect` and the build share.

A cell matches a field when it equals one of the field's spellings (its columns and aliases) after normalizing:
Unicode compatibility forms folded (full-width brackets), every space and line break removed, a BOM dropped.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import TYPE_CHECKING

from semap.errors import GeodataError

if TYPE_CHECKING:
    from semap.registry.formats import RegistryFormat

HEADER_SEARCH_ROWS = 20
CLOSE_ENOUGH = 0.5  # difflib's ratio above which a header cell is named as the likely spelling of a column


def normal(header: str) -> str:
    return "".join(unicodedata.normalize("NFKC", header).split()).replace("\ufeff", "")


def column_letter(index: int) -> str:
    """A 0-based column index as a spreadsheet names it: A, B, …, Z, AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass(frozen=True)
class HeaderMatch:
    row: int  # 1-based, as a person counts rows
    cells: tuple[str, ...]
    positions: dict[int, str]  # column index -> field
    missing: tuple[str, ...]  # required fields with no column (and no default)

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(self.positions.values()))

    def written(self) -> dict[str, str]:
        """field -> its header cell as the file writes it (what the rejects report names)."""
        return {field: " ".join(self.cells[i].split()) for i, field in self.positions.items()}


def _lookup(fmt: RegistryFormat) -> dict[str, str]:
    return {normal(spelling): name for name in fmt.fields for spelling in fmt.spellings(name)}


def match_cells(cells: list[str], fmt: RegistryFormat) -> dict[int, str]:
    """Column index -> field for every cell that spells one of the format's fields."""
    known = _lookup(fmt)
    return {i: known[normal(c)] for i, c in enumerate(cells) if normal(c) in known}


def find_header(rows: Iterable[tuple[int, list[str]]], fmt: RegistryFormat, file: str) -> HeaderMatch:
    """The first of the first 20 rows naming at least two of the format's fields (and as many as it requires).
    A field named by two cells is an error: which of them holds it cannot be guessed."""
    for number, cells in rows:
        found = match_cells(cells, fmt)
        if len(set(found.values())) >= max(2, len(fmt.required)):
            _refuse_repeats(found, cells, number, file)
            present = set(found.values())
            missing = tuple(f for f in fmt.required if f not in present and f not in fmt.defaults)
            return HeaderMatch(number, tuple(cells), found, missing)
        if number >= HEADER_SEARCH_ROWS:
            break
    raise GeodataError(
        f"{file}: no header row naming the columns of format {fmt.name!r} "
        f"(expected e.g. {', '.join(list(fmt.columns)[:4])}) in the first {HEADER_SEARCH_ROWS} rows"
    )


def _refuse_repeats(found: dict[int, str], cells: list[str], row: int, file: str) -> None:
    by_field: dict[str, list[int]] = {}
    for index, name in found.items():
        by_field.setdefault(name, []).append(index)
    for indexes in by_field.values():
        if len(indexes) > 1:
            named = " and ".join(f"{' '.join(cells[i].split())!r} (column {column_letter(i)})" for i in indexes)
            raise GeodataError(
                f"{file}: header row {row} names one column twice: {named}; SeMap cannot tell which to read, "
                "rename or delete one"
            )


def closest_cell(fmt: RegistryFormat, field: str, header: HeaderMatch) -> tuple[int, str] | None:
    """The header cell, not matched to any field, that most resembles one of ``field``'s spellings."""
    spellings = [normal(s) for s in fmt.spellings(field)]
    best: tuple[float, int, str] | None = None
    for index, cell in enumerate(header.cells):
        text = normal(cell)
        if not text or index in header.positions:
            continue
        score = max(SequenceMatcher(None, s, text).ratio() for s in spellings)
        if len(text) > 1 and any(s in text or text in s for s in spellings):
            score = max(score, 0.9)
        if score >= CLOSE_ENOUGH and (best is None or score > best[0]):
            best = (score, index, " ".join(cell.split()))
    return (best[1], best[2]) if best else None
