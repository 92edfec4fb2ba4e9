"""`semap registry inspect FILE`: what SeMap sees in a file a user downloaded, before any manifest exists."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from semap.errors import GeodataError
from semap.registry.formats import RegistryFormat, load_format, shipped_formats
from semap.registry.header import closest_cell, column_letter
from semap.registry.model import OrgRecord, Resource
from semap.registry.outcome import take_row
from semap.registry.read import ReadResult, SourceRow, read_registry


@dataclass
class FormatMatch:
    format: str
    matched_columns: int = 0  # the format's fields a header cell names, through any of their spellings
    declared_columns: int = 0
    missing_required: tuple[str, ...] = ()  # fields
    error: str = ""
    read: ReadResult | None = None
    fmt: RegistryFormat | None = None

    @property
    def score(self) -> float:
        return self.matched_columns / self.declared_columns if self.declared_columns else 0.0

    @property
    def rank(self) -> tuple[bool, bool, float, int]:
        """Best first: read at all, no required column missing, the share of columns matched, then how many."""
        return (self.read is None, bool(self.missing_required), -self.score, -self.matched_columns)


@dataclass
class Inspection:
    file: str
    matches: list[FormatMatch] = field(default_factory=list)

    @property
    def best(self) -> FormatMatch | None:
        usable = [m for m in self.matches if m.read is not None]
        return min(usable, key=lambda m: m.rank, default=None)


def _try(path: Path, name: str) -> FormatMatch:
    match = FormatMatch(name)
    try:
        match.fmt = fmt = load_format(name, Path.cwd())
        match.declared_columns = len(fmt.fields)
        read = read_registry(path, fmt)
    except GeodataError as exc:
        match.error = str(exc)
        return match
    match.read, match.missing_required = read, read.missing_fields
    match.matched_columns = len(read.columns)
    return match


def inspect_file(path: Path, formats: list[str] | None = None) -> Inspection:
    inspection = Inspection(path.name)
    for name in formats or shipped_formats():
        inspection.matches.append(_try(path, name))
    return inspection


def missing_columns(match: FormatMatch) -> list[str]:
    """For each column of the format the header lacks, the header cell most like it, and what to write in a
    format to read that cell as the column."""
    read, fmt = match.read, match.fmt
    assert read is not None and fmt is not None
    absent = [f for f in fmt.fields if f not in read.columns]
    absent.sort(key=lambda f: f not in fmt.required)
    lines, spellings = [], {}
    for name in absent:
        close = closest_cell(fmt, name, read.header)
        required = " (required)" if name in fmt.required else ""
        if close is not None:
            index, cell = close
            where = f"{cell} (column {column_letter(index)})"
            lines.append(f"  no column {fmt.known_as(name)}{required}; the file has {where}")
            spellings[name] = cell
        elif required:
            lines.append(f"  no column {fmt.known_as(name)}{required}, and no header cell resembles it")
    if spellings:
        if match.format.endswith(".toml"):
            lines.append(f"  to read those cells as these columns, add to {match.format}:")
        else:
            lines.append(
                "  to read those cells as these columns, write a format file (e.g. my-format.toml) and name it in "
                'the manifest (format = "my-format.toml"):'
            )
            lines.append(f"      extends = {json.dumps(match.format)}")
        lines.append("      [aliases]")
        lines.extend(f"      {name} = [{json.dumps(cell, ensure_ascii=False)}]" for name, cell in spellings.items())
    return lines


def describe(inspection: Inspection, rows: int = 5) -> list[str]:
    lines = [f"file: {inspection.file}"]
    best = inspection.best
    if best is None:
        reasons = sorted({m.error for m in inspection.matches})
        lines.append("no declared format reads this file:")
        lines.extend(f"  {reason}" for reason in reasons[:5])
        lines.append("write a format for it (see README: 'Your own registry layout')")
        return lines
    read, fmt = best.read, best.fmt
    assert read is not None and fmt is not None
    lines.append(f"encoding: {read.encoding}; header row: {read.header_row}; data rows: {len(read.rows)}")
    lines.append("formats, best first:")
    for m in sorted(inspection.matches, key=lambda m: m.rank):
        if m.read is None or m.fmt is None:
            continue
        missing = ", ".join(m.fmt.known_as(f) for f in m.missing_required)
        lines.append(
            f"  {m.format}: {m.matched_columns}/{m.declared_columns} columns"
            + (f"; missing required: {missing}" if missing else "")
        )
    advice = missing_columns(best)
    if advice:
        lines.append(f"columns of {best.format} not in the header row {read.header_row}:")
        lines.extend(advice)
    lines.append(f"first rows as read with {best.format}:")
    lines.extend(f"  row {row.row}: {_preview(row, read, fmt)}" for row in read.rows[:rows])
    return lines


def _preview(row: SourceRow, read: ReadResult, fmt: RegistryFormat) -> str:
    """One row as the build takes it (semap.registry.outcome)."""
    outcome = take_row(row, read, fmt)
    problem = outcome.problem
    if problem is not None and outcome.action == "outside_area":
        return problem.reason
    if problem is not None and (problem.field == "(row)" or read.missing_fields):
        return f"not loaded: {problem.reason}"  # the row cannot be read, or the file lacks a column
    if problem is not None:
        return f"rejected: {problem.field}: {problem.reason}"
    record = outcome.record
    if isinstance(record, OrgRecord):
        return f"{record.name} | {record.designation.type}/{record.designation.subtype} | {record.address_raw}"
    assert isinstance(record, Resource)
    return f"{record.name} | {record.category} | {record.address_raw or ''}"
