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
        self._centers: dict[tuple[str, ...], Location | None] = {}  # fallbacks: a few hundred places, asked often

    def geocode(self, address: ParsedAddress | None, district_adm_code: str | None) -> ChainResult:
        """``district_adm_code`` is the district the record names (address or registry column), for fallbacks."""
        return self.geocode_many([(address, district_adm_code)])[0]

    def geocode_many(self, requests: Sequence[tuple[ParsedAddress | None, str | None]]) -> list[ChainResult]:
        """``geocode`` for each (address, district) request, with the same answers; a geocoder that can answer
        many at once (``geocode_many``: the offline address database) is asked once for all still unplaced."""
        found: list[Location | None] = [None] * len(requests)
        errors: list[list[str]] = [[] for _ in requests]
        addresses = [address for address, _ in requests]
        pending = [i for i, address in enumerate(addresses) if address is not None]
        for geocoder in self.geocoders:
            if not pending:
                break
            batch = getattr(geocoder, "geocode_many", None)
            if batch is not None:
                try:
                    answers = batch([addresses[i] for i in pending])
                except GeocoderError as exc:
                    for i in pending:
                        errors[i].append(str(exc))
                    continue
            else:
                answers = []
                for i in pending:
                    address = addresses[i]
                    assert address is not None  # pending holds records with an address
                    try:
                        answers.append(geocoder.geocode(address))
                    except GeocoderError as exc:
                        errors[i].append(str(exc))
                        answers.append(None)
            for i, answer in zip(pending, answers, strict=True):
                found[i] = answer
            pending = [i for i in pending if found[i] is None]
        return [
            ChainResult(location if location is not None else self._fallback(*requests[i]), errors[i])
            for i, location in enumerate(found)
        ]

    def _fallback(self, address: ParsedAddress | None, district_adm_code: str | None) -> Location | None:
        dong = address and (address.lot_dong or address.dong_hint)
        if address and address.in_seoul and address.district and dong:
            dong_key: tuple[str, ...] = ("dong", address.district, dong)
            if dong_key not in self._centers:
                self._centers[dong_key] = self._dong_center(address.district, dong)
            if self._centers[dong_key] is not None:
                return self._centers[dong_key]
        if district_adm_code:
            district_key: tuple[str, ...] = ("district", district_adm_code)
            if district_key not in self._centers:
                self._centers[district_key] = self._district_center(district_adm_code)
            return self._centers[district_key]
        return None

    def _dong_center(self, district: str, dong: str) -> Location | None:
        stem = dong.removesuffix("동")
        rows = self._store.fetch(DONG_CENTER, {"district": district, "dong": dong, "prefix": f"{stem}%"})
        if not rows:
            return None
        lon, lat, name, area = rows[0]
        return Location(lon, lat, "dong", 0.2, "fallback", f"{district} {name}", _radius_m(area), BOUNDARIES_RELEASE)

    def _district_center(self, adm_code: str) -> Location | None:
        rows = self._store.fetch(DISTRICT_CENTER, {"adm_code": adm_code})
        if not rows:
            return None
        lon, lat, name, area = rows[0]
        return Location(lon, lat, "district", 0.05, "fallback", name, _radius_m(area), BOUNDARIES_RELEASE)
