"""`semap build`: load everything SeMap knows into the store, each dataset swapped in atomically.

Order: boundaries -> offline address database -> registries (read, validate, deduplicate) -> geocoding ->
organizations and resources (districts by point-in-polygon) -> reports.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from semap.geocode.addressdb import read_entrances, read_lots
from semap.geocode.chain import GeocoderChain
from semap.geocode.providers import build_geocoders
from semap.geodata.boundaries import read_boundaries
from semap.pipeline.ingest import FileReport, ingest, read_manifest
from semap.pipeline.locate import place_all
from semap.pipeline.records import organization_rows, replace_address_db, replace_records, resource_rows
from semap.pipeline.reports import write_reports
from semap.pipeline.sources import BOUNDARIES_SOURCE, source_folder
from semap.settings import GeocodeSettings, GeodataSettings
from semap.store.base import Store


@dataclass(frozen=True)
class BuildSummary:
    store: str
    districts: int
    dongs: int
    address_points: int
    ingest: dict[str, int]
    files: list[FileReport]
    organizations_by_match: Counter
    resources_by_match: Counter
    district_mismatches: int
    reports: dict[str, Path] = field(default_factory=dict)

    def lines(self) -> list[str]:
        lines = [
            f"store: {self.store}",
            f"boundaries: {self.districts} districts, {self.dongs} dongs",
            f"address database: {self.address_points} building entrances",
        ]
        for f in self.files:
            lines.append(
                f"  {f.file}: {f.encoding or 'unread'}, header row {f.header_row}, {f.rows} rows, "
                f"{f.accepted} accepted, {f.rejected} rejected"
            )
        lines.append("registries: " + ", ".join(f"{k} {v}" for k, v in self.ingest.items()))
        for kind, counts in (("organizations", self.organizations_by_match), ("resources", self.resources_by_match)):
            lines.append(f"geocoding {kind}: " + ", ".join(f"{k} {v}" for k, v in counts.most_common()))
        lines.append(f"district written differs from point-in-polygon: {self.district_mismatches}")
        lines.extend(f"report {name}: {path}" for name, path in self.reports.items())
        return lines


def build(
    store: Store,
    geodata: GeodataSettings,
    geocode: GeocodeSettings | None = None,
    progress: bool = False,
    stage: Callable[[str], None] = lambda _: None,
) -> BuildSummary:
    """Everything into ``store.staging()``: readers keep the previous data until it is swapped in whole."""
    with store.staging() as target:
        summary = _build_into(target, geodata, geocode, progress, stage)
        stage("swap")
    stage("done")
    return replace(summary, store=store.describe())


def _build_into(
    store: Store,
    geodata: GeodataSettings,
    geocode: GeocodeSettings | None,
    progress: bool,
    stage: Callable[[str], None],
) -> BuildSummary:
    stage("boundaries")
    source, folder = source_folder(geodata, BOUNDARIES_SOURCE)
    store.replace_boundaries(read_boundaries(folder, source))

    stage("address database")
    manifest = read_manifest(geodata.registries)
    replace_address_db(store, read_entrances(manifest.addressdb.points), read_lots(manifest.addressdb.lots))

    stage("registries")
    result = ingest(manifest.registries, progress=progress)
    stage("geocoding")
    chain = GeocoderChain(build_geocoders(geocode or GeocodeSettings(), store), store)
    placements = place_all(result.organizations, result.resources, chain, store, progress)
    stage("records")
    replace_records(
        store,
        organization_rows(result.organizations, placements, manifest.as_of),
        resource_rows(result.resources, placements, manifest.as_of),
        {"registries_as_of": manifest.as_of, "registries": str(geodata.registries.name)},
    )
    reports = write_reports(geodata.reports_dir, result.problems, result.merges, result.near_misses, placements)
    mismatches = store.fetch(
        "SELECT (SELECT count(*) FROM organizations WHERE district_mismatch) "
        "+ (SELECT count(*) FROM resources WHERE district_mismatch)"
    )[0][0]
    return BuildSummary(
        store=store.describe(),
        districts=store.count("districts"),
        dongs=store.count("dongs"),
        address_points=int(store.fetch("SELECT count(*) FROM address_points")[0][0]),
        ingest=result.summary(),
        files=result.files,
        organizations_by_match=placements.breakdown("organization"),
        resources_by_match=placements.breakdown("resource"),
        district_mismatches=int(mismatches),
        reports=reports,
    )
