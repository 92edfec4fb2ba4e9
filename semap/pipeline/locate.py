"""Place every organization and resource: a person's pin first, then the geocoder chain and its fallbacks."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from tqdm import tqdm

from semap.geocode.address import ParsedAddress
from semap.geocode.chain import GeocoderChain, written_district
from semap.geocode.types import Location
from semap.registry.model import Organization, Resource
from semap.store.base import Store

CHUNK = 10_000  # records geocoded together (a statement per kind of key), progress shown per chunk


@dataclass(frozen=True)
class Placement:
    record_id: str
    kind: str  # "organization" or "resource"
    name: str
    address_raw: str | None
    address: ParsedAddress | None
    district_written: str | None  # adm_code of the registry's own district column (시군구), if any
    location: Location | None
    errors: tuple[str, ...] = ()

    @property
    def match_type(self) -> str:
        return self.location.match_type if self.location else "none"

    @property
    def district_named(self) -> str | None:
        """adm_code of the Seoul district the address names."""
        return written_district(self.address, None)


@dataclass
class Placements:
    by_id: dict[str, Placement] = field(default_factory=dict)

    def breakdown(self, kind: str) -> Counter:
        return Counter(p.match_type for p in self.by_id.values() if p.kind == kind)


def manual_pins(store: Store) -> dict[str, Location]:
    rows = store.overlay.fetch("SELECT record_id, lon, lat, note, set_at FROM manual_overrides")
    return {
        r[0]: Location(float(r[1]), float(r[2]), "manual", 1.0, "manual", r[3], release=f"pinned by hand {r[4]}")
        for r in rows
    }


def place_all(
    organizations: list[Organization], resources: list[Resource], chain: GeocoderChain, store: Store, progress: bool
) -> Placements:
    pins = manual_pins(store)
    placements = Placements()
    todo: list[tuple[str, str, str, str | None, ParsedAddress | None, str | None]] = [
        ("organization", o.id, o.name, o.address_raw, o.address, o.district_written) for o in organizations
    ]
    todo += [("resource", r.id, r.name, r.address_raw, r.address, r.district_written) for r in resources]
    # For placing, the address's district is the better witness; the registry's column may name a supervising
    # center's district. Both are kept: the column is what the mismatch flag checks.
    requests = []
    for _kind, _id, _name, _raw, address, written_column in todo:
        written = written_district(address, written_column)
        outside = address is not None and not address.in_seoul and written is None
        requests.append((address, None if outside else written))  # outside Seoul: no Seoul fallback may claim it
    with tqdm(total=len(todo), desc="geocoding", disable=not progress) as bar:
        for start in range(0, len(todo), CHUNK):
            chunk = range(start, min(start + CHUNK, len(todo)))
            unpinned = [i for i in chunk if todo[i][1] not in pins]
            results = dict(zip(unpinned, chain.geocode_many([requests[i] for i in unpinned]), strict=True))
            for i in chunk:
                kind, record_id, name, raw, address, written_column = todo[i]
                location: Location | None
                errors: tuple[str, ...]
                if record_id in pins:
                    location, errors = pins[record_id], ()
                else:
                    location, errors = results[i].location, tuple(results[i].errors)
                placements.by_id[record_id] = Placement(
                    record_id, kind, name, raw, address, written_column, location, errors
                )
            bar.update(len(chunk))
    return placements
