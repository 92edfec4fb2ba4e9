"""Ingest: read every registry a manifest lists, validate, deduplicate, link resources to their owners."""

from __future__ import annotations

import tomllib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from semap.errors import GeodataError
from semap.registry.dedup import Merge, NearMiss, deduplicate, normalized_name
from semap.registry.formats import load_format
from semap.registry.model import Organization, OrgRecord, Problem, Resource
from semap.registry.outcome import take_row
from semap.registry.read import read_registry
from semap.registry.validate import UNMAPPED_INDUSTRY


@dataclass(frozen=True)
class RegistryEntry:
    path: Path
    format: str
    manifest_dir: Path | None = None  # a user's format file is named relative to its manifest


@dataclass(frozen=True)
class AddressDbFiles:
    points: list[Path]
    lots: list[Path]


@dataclass(frozen=True)
class RegistryManifest:
    registries: list[RegistryEntry]
    addressdb: AddressDbFiles
    as_of: str


@dataclass
class FileReport:
    """Every row of a file is accounted for: rows = accepted + rejected + outside_area (merging happens after,
    across files: ``merged`` counts this file's accepted rows folded into another record)."""

    file: str
    format: str
    encoding: str = ""
    header_row: int = 0
    rows: int = 0
    accepted: int = 0
    rejected: int = 0
    outside_area: int = 0
    merged: int = 0
    failed: str = ""  # why the whole file was rejected, if it was


@dataclass
class IngestResult:
    organizations: list[Organization]
    resources: list[Resource]
    problems: list[Problem]
    merges: list[Merge]
    near_misses: list[NearMiss]
    files: list[FileReport] = field(default_factory=list)

    @property
    def failed_files(self) -> list[FileReport]:
        return [f for f in self.files if f.failed]

    def summary(self) -> dict[str, int]:
        actions = Counter(p.action for p in self.problems)
        return {
            "rows read": sum(f.rows for f in self.files),
            "accepted": sum(f.accepted for f in self.files),
            "rejected": sum(f.rejected for f in self.files),
            "outside the study area": sum(f.outside_area for f in self.files),
            "organizations": len(self.organizations),
            "merged": len(self.merges),
            "near-misses to review": len(self.near_misses),
            "resources": len(self.resources),
            "fields dropped": actions["dropped"],
            "flagged": actions["flagged"],
        }


def read_manifest(path: Path) -> RegistryManifest:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise GeodataError(f"{path}: cannot read the registry manifest: {exc}") from None
    entries = []
    for number, item in enumerate(raw.get("registry", []), start=1):
        missing = [k for k in ("file", "format") if not item.get(k)]
        if missing:
            raise GeodataError(f"{path}: [[registry]] entry {number} has no {' or '.join(missing)}")
        entries.append(RegistryEntry(path.parent / item["file"], item["format"], path.parent))
    db = raw.get("addressdb", {})
    files = AddressDbFiles(
        [path.parent / f for f in db.get("files", [])], [path.parent / f for f in db.get("lots", [])]
    )
    for listed in (*files.points, *files.lots):
        if not listed.is_file():
            raise GeodataError(f"{path}: [addressdb] names {listed}, which does not exist")
    return RegistryManifest(entries, files, str(raw.get("as_of", "")))


def _read_one(entry: RegistryEntry, result: IngestResult, records: list[OrgRecord], study_area: str) -> None:
    report = FileReport(entry.path.name, entry.format)
    result.files.append(report)
    try:
        fmt = load_format(entry.format, entry.manifest_dir)
        report.format = fmt.name
        read = read_registry(entry.path, fmt)
    except GeodataError as exc:
        report.failed = str(exc)
        result.problems.append(Problem(entry.path.name, 0, "(file)", "", str(exc), "rejected"))
        return
    report.encoding, report.header_row, report.rows = read.encoding, read.header_row, len(read.rows)
    for row in read.rows:
        outcome = take_row(row, read, fmt, study_area)
        if outcome.problem is not None:
            result.problems.append(outcome.problem)
            if outcome.action == "outside_area":
                report.outside_area += 1
            else:
                report.rejected += 1
            continue
        if isinstance(outcome.record, Resource):
            result.resources.append(outcome.record)
        elif outcome.record is not None:
            records.append(outcome.record)
        result.problems.extend(outcome.problems)
        report.accepted += 1
    if read.missing_fields and read.rows:
        missing = ", ".join(fmt.known_as(f) for f in read.missing_fields)
        report.failed = f"required column {missing} missing from the header row {read.header_row}"


def _once_per_value(problems: list[Problem]) -> list[Problem]:
    """An unmapped vocabulary value is one thing to fix, however many rows carry it: report it once per file."""
    unmapped: dict[tuple[str, str, str], list[Problem]] = defaultdict(list)
    kept = []
    for problem in problems:
        if problem.action == "flagged" and problem.reason.startswith(UNMAPPED_INDUSTRY):
            unmapped[(problem.file, problem.field, problem.value)].append(problem)
        else:
            kept.append(problem)
    for (file, column, value), group in unmapped.items():
        rows = ", ".join(str(p.row) for p in group[:5]) + ("…" if len(group) > 5 else "")
        reason = f"{group[0].reason} ({len(group)} rows: {rows})"
        kept.append(Problem(file, group[0].row, column, value, reason, "flagged"))
    return kept


def link_owners(resources: list[Resource], organizations: list[Organization]) -> None:
    """A resource's owner is the organization with its business number, else with its name in its district."""
    by_number = {o.business_number: o.id for o in organizations if o.business_number}
    by_name: dict[tuple[str, str | None], str] = {}
    for o in organizations:
        for name in o.names:
            by_name[(normalized_name(name), o.address.district)] = o.id
    from semap.geodata.districts import by_adm_code

    for r in resources:
        if r.owner_business_number and r.owner_business_number in by_number:
            r.owner_org_id = by_number[r.owner_business_number]
        elif r.owner_name:
            district = by_adm_code(r.district_written).name_ko
            r.owner_org_id = by_name.get((normalized_name(r.owner_name), district))


def ingest(entries: list[RegistryEntry], progress: bool = False, study_area: str = "서울특별시") -> IngestResult:
    result = IngestResult([], [], [], [], [])
    records: list[OrgRecord] = []
    seen: set[Path] = set()
    for entry in tqdm(entries, desc="registries", unit="file", disable=not progress):
        if entry.path.resolve() in seen:
            reason = "listed twice in the manifest; read once"
            result.problems.append(Problem(entry.path.name, 0, "(file)", "", reason, "flagged"))
            continue
        seen.add(entry.path.resolve())
        _read_one(entry, result, records, study_area)
    result.problems = _once_per_value(result.problems)
    result.organizations, result.merges, result.near_misses = deduplicate(records)
    merged_by_file = Counter(m.merged_source.split("#row=")[0] for m in result.merges)
    for report in result.files:
        report.merged = merged_by_file[report.file]
    link_owners(result.resources, result.organizations)
    return result
