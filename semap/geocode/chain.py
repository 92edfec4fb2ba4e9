"""Try geocoders in order, then fall back to the dong or district, each result labelled with how it was placed."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from semap.errors import GeocoderError, NotFound
from semap.geocode.address import ParsedAddress
from semap.geocode.types import Geocoder, Location
from semap.geodata.districts import by_name
from semap.store.base import Store

DONG_CENTER = (
    "SELECT ST_X(ST_PointOnSurface(d.geom)), ST_Y(ST_PointOnSurface(d.geom)), d.name_ko, ST_Area(d.geom) FROM dongs d "
    "JOIN districts g ON g.adm_code = d.district_adm_code WHERE g.name_ko = :district AND "
    "(d.name_ko = :dong OR d.name_ko LIKE :prefix) ORDER BY d.kostat_code LIMIT 1"
)
DISTRICT_CENTER = (
    "SELECT ST_X(ST_PointOnSurface(geom)), ST_Y(ST_PointOnSurface(geom)), name_ko, ST_Area(geom) FROM districts "
    "WHERE adm_code = :adm_code"
)


BOUNDARIES_RELEASE = "KOSTAT 2013 census boundaries"
# Square metres per square degree at Seoul's latitude (37.55°): for a polygon's precision radius.
M2_PER_DEG2 = 111_320.0 * 111_320.0 * math.cos(math.radians(37.55))


def _radius_m(area_deg2: float) -> float:
    return round(math.sqrt(float(area_deg2) * M2_PER_DEG2 / math.pi))


def written_district(address: ParsedAddress | None, fallback: str | None) -> str | None:
    """adm_code of the Seoul district an address names (the chain's fallbacks need it), else ``fallback``."""
    if address and not address.in_seoul:
        return None  # 부산 중구 names no Seoul district, whatever the registry's column says
    if address and address.district:
        try:
            return by_name(address.district).adm_code
        except NotFound:
            return fallback
    return fallback


@dataclass
class ChainResult:
    location: Location | None
    errors: list[str] = field(default_factory=list)  # provider failures on the way, for the report


class GeocoderChain:
    def __init__(self, geocoders: Sequence[Geocoder], store: Store) -> None:
        self.geocoders = list(geocoders)
        self._store = store

    def geocode(self, address: ParsedAddress | None, district_adm_code: str | None) -> ChainResult:
        """``district_adm_code`` is the district the record names (address or registry column), for fallbacks."""
        errors = []
        if address is not None:
            for geocoder in self.geocoders:
                try:
                    found = geocoder.geocode(address)
                except GeocoderError as exc:
                    errors.append(str(exc))
                    continue
                if found is not None:
                    return ChainResult(found, errors)
        return ChainResult(self._fallback(address, district_adm_code), errors)

    def _fallback(self, address: ParsedAddress | None, district_adm_code: str | None) -> Location | None:
        dong = address and (address.lot_dong or address.dong_hint)
        if address and address.in_seoul and address.district and dong:
            stem = dong.removesuffix("동")
            rows = self._store.fetch(DONG_CENTER, {"district": address.district, "dong": dong, "prefix": f"{stem}%"})
            if rows:
                lon, lat, name, area = rows[0]
                place = f"{address.district} {name}"
                return Location(lon, lat, "dong", 0.2, "fallback", place, _radius_m(area), BOUNDARIES_RELEASE)
        if district_adm_code:
            rows = self._store.fetch(DISTRICT_CENTER, {"adm_code": district_adm_code})
            if rows:
                lon, lat, name, area = rows[0]
                return Location(lon, lat, "district", 0.05, "fallback", name, _radius_m(area), BOUNDARIES_RELEASE)
        return None
