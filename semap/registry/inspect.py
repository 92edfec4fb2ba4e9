"""`semap registry inspect FILE`: what SeMap sees in a file a user downloaded, before any manifest exists."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from semap.errors import GeodataError
from semap.registry.areas import STUDY_AREA, outside_area
from semap.registry.formats import RegistryFormat, load_format, shipped_formats
from semap.registry.read import ReadResult, read_registry
from semap.registry.validate import RowRejected, validate_organization, validate_resource


@dataclass
class FormatMatch:
    format: str
    matched_columns: int = 0
    declared_columns: int = 0
    missing_required: tuple[str, ...] = ()
    error: str = ""
    read: ReadResult | None = None

    @property
    def score(self) -> float:
        return self.matched_columns / self.declared_columns if self.declared_columns else 0.0


@dataclass
class Inspection:
    file: str
    matches: list[FormatMatch] = field(default_factory=list)

    @property
    def best(self) -> FormatMatch | None:
        usable = [m for m in self.matches if m.read is not None]
        return max(usable, key=lambda m: (not m.missing_required, m.score), default=None)


def _try(path: Path, name: str, fmt: RegistryFormat) -> FormatMatch:
    match = FormatMatch(name, declared_columns=len(fmt.columns))
    try:
        read = read_registry(path, fmt)
    except GeodataError as exc:
        match.error = str(exc)
        return match
    match.read, match.missing_required = read, read.missing_columns
    match.matched_columns = len(read.columns)
    return match


def inspect_file(path: Path, formats: list[str] | None = None) -> Inspection:
    inspection = Inspection(path.name)
    for name in formats or shipped_formats():
        inspection.matches.append(_try(path, name, load_format(name, Path.cwd())))
    return inspection


def describe(inspection: Inspection, rows: int = 5) -> list[str]:
    lines = [f"file: {inspection.file}"]
    best = inspection.best
    if best is None:
        reasons = sorted({m.error for m in inspection.matches})
        lines.append("no declared format reads this file:")
        lines.extend(f"  {reason}" for reason in reasons[:5])
        lines.append("write a format for it (see README: 'Your own registry layout')")
        return lines
    read = best.read
    assert read is not None
    lines.append(f"encoding: {read.encoding}; header row: {read.header_row}; data rows: {len(read.rows)}")
    lines.append("formats, best first:")
    ranked = sorted(inspection.matches, key=lambda m: (m.read is None, bool(m.missing_required), -m.score))
    for m in ranked:
        if m.read is None:
            continue
        missing = f"; missing required: {', '.join(m.missing_required)}" if m.missing_required else ""
        lines.append(f"  {m.format}: {m.matched_columns}/{m.declared_columns} columns{missing}")
    fmt = load_format(best.format, Path.cwd())
    lines.append(f"first rows as read with {best.format}:")
    for row in read.rows[:rows]:
        if sido := outside_area(row, fmt):
            lines.append(f"  row {row.row}: in {sido}, outside the study area {STUDY_AREA}: not loaded")
            continue
        try:
            if fmt.record == "organization":
                record, _ = validate_organization(row, fmt)
                shown = f"{record.name} | {record.designation.type}/{record.designation.subtype} | {record.address_raw}"
            else:
                resource, _ = validate_resource(row, fmt)
                shown = f"{resource.name} | {resource.category} | {resource.address_raw or ''}"
            lines.append(f"  row {row.row}: {shown}")
        except RowRejected as rejected:
            p = rejected.problem
            lines.append(f"  row {row.row}: rejected: {p.field}: {p.reason}")
    return lines
