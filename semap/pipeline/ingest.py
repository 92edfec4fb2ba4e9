"""Ingest: read every registry a manifest lists, validate, deduplicate, link resources to their owners."""

from __future__ import annotations

import tomllib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from semap.errors import GeodataError
from semap.registry.dedup import Merge, NearMiss, deduplicate, normalized_name
from semap.registry.formats import load_format
from semap.registry.model import Organization, OrgRecord, Problem, Resource
from semap.registry.read import read_registry
from semap.registry.validate import RowRejected, validate_organization, validate_resource


@dataclass(frozen=True)
class RegistryEntry:
    path: Path
    format: str


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
    file: str
    format: str
    encoding: str = ""
    header_row: int = 0
    rows: int = 0
    accepted: int = 0
    rejected: int = 0


@dataclass
class IngestResult:
    organizations: list[Organization]
    resources: list[Resource]
    problems: list[Problem]
    merges: list[Merge]
    near_misses: list[NearMiss]
    files: list[FileReport] = field(default_factory=list)

    def summary(self) -> dict[str, int]:
        actions = Counter(p.action for p in self.problems)
        return {
            "rows read": sum(f.rows for f in self.files),
            "accepted": sum(f.accepted for f in self.files),
            "rejected": actions["rejected"],
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
    entries = [RegistryEntry(path.parent / r["file"], r["format"]) for r in raw.get("registry", [])]
    db = raw.get("addressdb", {})
    files = AddressDbFiles(
        [path.parent / f for f in db.get("files", [])], [path.parent / f for f in db.get("lots", [])]
    )
    return RegistryManifest(entries, files, str(raw.get("as_of", "")))


def _read_one(entry: RegistryEntry, result: IngestResult, records: list[OrgRecord]) -> None:
    fmt = load_format(entry.format)
    report = FileReport(entry.path.name, fmt.name)
    result.files.append(report)
    try:
        read = read_registry(entry.path, fmt)
    except GeodataError as exc:
        result.problems.append(Problem(entry.path.name, 0, "(file)", "", str(exc), "rejected"))
        return
    report.encoding, report.header_row, report.rows = read.encoding, read.header_row, len(read.rows)
    for row in read.rows:
        if read.missing_columns:
            reason = f"column missing from the header row {read.header_row}"
            result.problems.append(Problem(row.file, row.row, read.missing_columns[0], row.line, reason, "rejected"))
            report.rejected += 1
            continue
        try:
            if fmt.record == "organization":
                record, problems = validate_organization(row, fmt)
                records.append(record)
            else:
                resource, problems = validate_resource(row, fmt)
                result.resources.append(resource)
        except RowRejected as rejected:
            result.problems.append(rejected.problem)
            report.rejected += 1
            continue
        result.problems.extend(problems)
        report.accepted += 1


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


def ingest(entries: list[RegistryEntry], progress: bool = False) -> IngestResult:
    result = IngestResult([], [], [], [], [])
    records: list[OrgRecord] = []
    for entry in tqdm(entries, desc="registries", unit="file", disable=not progress):
        _read_one(entry, result, records)
    result.organizations, result.merges, result.near_misses = deduplicate(records)
    link_owners(result.resources, result.organizations)
    return result
