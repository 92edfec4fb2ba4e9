"""`semap build`: load everything SeMap knows into the store, each dataset swapped in atomically.

Order: boundaries -> offline address database -> registries (read, validate, deduplicate) -> geocoding ->
organizations and resources (districts by point-in-polygon) -> reports -> people's edits (semap.curation) ->
the release's snapshot (semap.pipeline.releases).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from semap.curation.apply import apply_edits
from semap.errors import BuildRefused, SemapError
from semap.geocode.addressdb import read_entrances, read_lots
from semap.geocode.chain import GeocoderChain
from semap.geocode.providers import build_geocoders
from semap.geodata.boundaries import read_boundaries
from semap.pipeline.areas import assign_areas
from semap.pipeline.ingest import FileReport, IngestResult, ingest, read_manifest
from semap.pipeline.locate import Placements, place_all
from semap.pipeline.precision import REACH_BUILDING_PRECISION, mostly_approximate, placed_by, precision_line
from semap.pipeline.records import organization_rows, replace_address_db, replace_records, resource_rows
from semap.pipeline.releases import record_release
from semap.pipeline.reports import write_reports
from semap.pipeline.sources import BOUNDARIES_SOURCE, juso_release, source_folder
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
    written_district_differs: int
    reports: dict[str, Path] = field(default_factory=dict)
    shrink_allowed: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        lines = [
            f"store: {self.store}",
            f"boundaries: {self.districts} districts, {self.dongs} dongs",
            f"address database: {self.address_points} building entrances",
        ]
        for f in self.files:
            lines.append(
                f"  {f.file}: {f.encoding or 'unread'}, header row {f.header_row}, {f.rows} rows = "
                f"{f.accepted} accepted + {f.rejected} rejected + {f.outside_area} outside the study area"
                f" ({f.merged} of the accepted merged into other records)"
                + (f"; REJECTED WHOLE: {f.failed}" if f.failed else "")
            )
        lines.append("registries: " + ", ".join(f"{k} {v}" for k, v in self.ingest.items()))
        for kind, counts in (("organizations", self.organizations_by_match), ("resources", self.resources_by_match)):
            lines.append(f"geocoding {kind}: " + ", ".join(f"{k} {v}" for k, v in counts.most_common()))
            lines.append(precision_line(kind, counts))
        if mostly_approximate(self.organizations_by_match, self.resources_by_match):
            lines.append(f"hint: {REACH_BUILDING_PRECISION}")
        lines.append(f"district the address names differs from the point's: {self.district_mismatches}")
        lines.append(
            f"registry's own 시군구 column differs from the point's: {self.written_district_differs} "
            "(expected in 자활기업 lists, which name the supervising center's district)"
        )
        lines.extend(f"report {name}: {path}" for name, path in self.reports.items())
        lines.extend(f"--allow-shrink: {what}" for what in self.shrink_allowed)
        return lines


def build(
    store: Store,
    geodata: GeodataSettings,
    geocode: GeocodeSettings | None = None,
    progress: bool = False,
    stage: Callable[[str], None] = lambda _: None,
    allow_shrink: bool = False,
    prepare: Callable[[Store], object] | None = None,
) -> BuildSummary:
    """Everything into ``store.staging()``: readers keep the previous data until it is swapped in whole.
    A build that would lose served data stops (BuildRefused) unless ``allow_shrink``. ``prepare(target)`` runs
    last before the swap, on the data as they will be served (the statistics first asked for after it)."""
    guard = ShrinkGuard(served_counts(store), geodata.shrink_threshold, allow_shrink)

    def apply_people_edits(target: Store) -> None:
        # Edits are the overlay over the registry: applied last, holding the edits lock, so none is lost.
        stage("edits")
        apply_edits(target, target.overlay)
        meta = target.meta()  # the release is remembered as served: edits applied, on these boundaries
        record_release(target, meta["registries_as_of"], meta["registries"])
        if prepare is not None:
            stage("statistics")
            prepare(target)

    with store.staging(before_swap=apply_people_edits) as target:
        summary = _build_into(target, geodata, geocode, progress, stage, guard)
        stage("swap")
    stage("done")
    return replace(summary, store=store.describe(), shrink_allowed=guard.allowed)


def served_counts(store: Store) -> dict[str, int]:
    """What the store serves now (nothing, before its first build)."""
    try:
        return {t: int(store.fetch(f"SELECT count(*) FROM {t}")[0][0]) for t in ("organizations", "resources")}
    except SemapError:
        return {}


@dataclass
class ShrinkGuard:
    served: dict[str, int]
    threshold: float
    allow: bool
    allowed: list[str] = field(default_factory=list)

    def check(self, result: IngestResult) -> list[str]:
        """Why this build would lose data, one reason a line (empty: it may go on)."""
        reasons = [f"{f.file} was rejected whole: {f.failed}" for f in result.failed_files]
        for table, new in (("organizations", len(result.organizations)), ("resources", len(result.resources))):
            old = self.served.get(table, 0)
            if old and new < old * (1 - self.threshold):
                reasons.append(
                    f"{table} would shrink from {old} to {new} (more than {self.threshold:.0%}; see the rejects report)"
                )
        if reasons and self.allow:
            self.allowed.extend(reasons)
            return []
        return reasons


def _build_into(
    store: Store,
    geodata: GeodataSettings,
    geocode: GeocodeSettings | None,
    progress: bool,
    stage: Callable[[str], None],
    guard: ShrinkGuard,
) -> BuildSummary:
    stage("boundaries")
    source, folder = source_folder(geodata, BOUNDARIES_SOURCE)
    boundaries = read_boundaries(folder, source)
    store.replace_boundaries(boundaries)

    stage("address database")
    manifest = read_manifest(geodata.registries)
    points, release = (
        manifest.addressdb.points,
        "registry manifest: " + ", ".join(p.name for p in manifest.addressdb.points),
    )
    if geodata.juso_month:  # the real juso.go.kr release replaces the manifest's entrances
        points, release = (
            [juso_release(geodata, geodata.juso_month).path],
            f"juso.go.kr 위치정보요약DB {geodata.juso_month}",
        )
    replace_address_db(store, read_entrances(points), read_lots(manifest.addressdb.lots))
    with store.transaction() as tx:
        store.set_meta(tx, {"address_release": release})

    stage("registries")
    result = ingest(manifest.registries, progress=progress, study_area=geodata.study_area)
    refused = guard.check(result)
    if refused:
        reports = write_reports(geodata.reports_dir, result.problems, result.merges, result.near_misses, Placements())
        raise BuildRefused(
            "build stopped, the served data are unchanged: "
            + "; ".join(refused)
            + f". Reports: {reports['rejects']}. Fix the files, or rerun with --allow-shrink."
        )
    stage("geocoding")
    chain = GeocoderChain(build_geocoders(geocode or GeocodeSettings(), store), store)
    placements = place_all(result.organizations, result.resources, chain, store, progress)
    stage("records")
    meta = {"registries_as_of": manifest.as_of, "registries": str(geodata.registries.name)}
    meta["placed_by"] = placed_by(placements)
    if not points:  # no building entrances given: say what placed the records instead
        meta["address_release"] = (
            f"none given (no juso.go.kr 위치정보요약DB, no entrances); placed by {meta['placed_by']}"
        )
    replace_records(
        store,
        assign_areas(organization_rows(result.organizations, placements, manifest.as_of), boundaries.dongs),
        assign_areas(resource_rows(result.resources, placements, manifest.as_of), boundaries.dongs),
        meta,
    )
    reports = write_reports(geodata.reports_dir, result.problems, result.merges, result.near_misses, placements)
    mismatches, written_differs = store.fetch(
        "SELECT (SELECT count(*) FROM organizations WHERE district_mismatch) "
        "+ (SELECT count(*) FROM resources WHERE district_mismatch), "
        "(SELECT count(*) FROM organizations WHERE written_district_differs) "
        "+ (SELECT count(*) FROM resources WHERE written_district_differs)"
    )[0]
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
        written_district_differs=int(written_differs),
        reports=reports,
    )
