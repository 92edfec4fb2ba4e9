"""What becomes of one row read from a registry: the build and `semap registry inspect` decide it here, alike."""

from __future__ import annotations

from dataclasses import dataclass, field

from semap.registry.areas import STUDY_AREA, outside_area
from semap.registry.formats import RegistryFormat
from semap.registry.model import OrgRecord, Problem, Resource
from semap.registry.read import ReadResult, SourceRow
from semap.registry.validate import RowRejected, validate_organization, validate_resource


@dataclass(frozen=True)
class RowOutcome:
    action: str  # "accepted", "rejected" or "outside_area"
    record: OrgRecord | Resource | None = None
    problem: Problem | None = None  # why the row was not accepted
    problems: list[Problem] = field(default_factory=list)  # an accepted row's dropped or flagged fields


def take_row(row: SourceRow, read: ReadResult, fmt: RegistryFormat, study_area: str = STUDY_AREA) -> RowOutcome:
    """A row that could not be read, a file without a required column, a row of another 시도, then the fields."""
    if row.broken:
        return RowOutcome("rejected", problem=Problem(row.file, row.row, "(row)", row.line, row.broken, "rejected"))
    if read.missing_fields:
        missing = ", ".join(fmt.known_as(f) for f in read.missing_fields)
        reason = f"column missing from the header row {read.header_row}: {missing}"
        column = fmt.header_for(read.missing_fields[0])
        return RowOutcome("rejected", problem=Problem(row.file, row.row, column, row.line, reason, "rejected"))
    if sido := outside_area(row, fmt, study_area):
        reason = f"in {sido}, outside the study area {study_area}: not loaded"
        problem = Problem(row.file, row.row, "(area)", row.line, reason, "outside_area")
        return RowOutcome("outside_area", problem=problem)
    try:
        if fmt.record == "organization":
            record: OrgRecord | Resource
            record, problems = validate_organization(row, fmt)
        else:
            record, problems = validate_resource(row, fmt)
    except RowRejected as rejected:
        return RowOutcome("rejected", problem=rejected.problem)
    return RowOutcome("accepted", record=record, problems=problems)
