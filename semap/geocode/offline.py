"""The offline geocoder: juso.go.kr's address database, loaded into the store, matched by SQL.

Road-name addresses match on (시도, 시군구, 도로명, 지하여부, 본번, 부번); lot-number addresses go through the
관련지번 table to the building they belong to. Without a district the match must be unique in the 시도.
"""

from __future__ import annotations

from typing import Any

from semap.errors import SemapError
from semap.geocode.address import SEOUL, ParsedAddress
from semap.geocode.types import Location
from semap.store.base import Store

BUILDING = (
    "SELECT ST_X(p.geom), ST_Y(p.geom), p.sido, p.sigungu, p.road, p.main, p.sub FROM address_points p "
    "WHERE p.sido = :sido AND p.road = :road AND p.main = :main AND p.sub = :sub AND p.underground = :underground"
)
LOT = (
    "SELECT ST_X(p.geom), ST_Y(p.geom), p.sido, p.sigungu, p.road, p.main, p.sub FROM address_lots l "
    "JOIN address_points p ON p.road_code = l.road_code AND p.main = l.main AND p.sub = l.sub "
    "AND p.underground = l.underground "
    "WHERE l.sido = :sido AND l.emd = :emd AND l.san = :san AND l.lot_main = :main AND l.lot_sub = :sub"
)
NEAREST_ON_ROAD = (
    "SELECT ST_X(p.geom), ST_Y(p.geom), p.sido, p.sigungu, p.road, p.main, p.sub FROM address_points p "
    "WHERE p.sido = :sido AND p.road = :road"
)


class OfflineAddressDatabase:
    """Geocoder over the store's address_points / address_lots tables (no network): a building or a lot.
    ``road_level``: instead, the nearest real entrance on the named road (a later tier of the chain)."""

    def __init__(self, store: Store, road_level: bool = False) -> None:
        self._store = store
        self.road_level = road_level
        self.name = "offline_road" if road_level else "offline"
        try:
            rows = store.fetch("SELECT value FROM dataset_meta WHERE key = 'address_release'")
        except SemapError:  # nothing loaded yet: there is nothing to match either
            rows = []
        self.release = rows[0][0] if rows else None

    def _rows(
        self, sql: str, params: dict[str, Any], address: ParsedAddress, alias: str = "p", order: str = ""
    ) -> list:
        if address.district:
            sql += f" AND {alias}.sigungu = :sigungu"
            params = {**params, "sigungu": address.district}
        return self._store.fetch(f"{sql} {order} LIMIT 2", params)

    def _location(self, row: tuple, match_type: str, confidence: float) -> Location:
        lon, lat, sido, sigungu, road, main, sub = row
        matched = f"{sido} {sigungu} {road} {main}{f'-{sub}' if sub else ''}"
        return Location(float(lon), float(lat), match_type, confidence, "offline", matched, release=self.release)

    def geocode(self, address: ParsedAddress) -> Location | None:
        sido = address.sido or SEOUL
        sub = address.sub or 0
        if address.road:
            if not self.road_level:
                if address.main is None:
                    return None
                params = {"sido": sido, "road": address.road, "main": address.main, "sub": sub}
                rows = self._rows(BUILDING, {**params, "underground": address.underground}, address)
                return self._location(rows[0], "building", 1.0) if len(rows) == 1 else None
            rows = self._rows(
                NEAREST_ON_ROAD,
                {"sido": sido, "road": address.road},
                address,
                order=f"ORDER BY abs(p.main - {int(address.main or 0)}), p.sub",
            )
            if rows and (address.district or len({r[3] for r in rows}) == 1):
                return self._location(rows[0], "road", 0.6)
            return None
        if self.road_level:
            return None
        params = {"sido": sido, "emd": address.lot_dong, "san": address.san, "main": address.main, "sub": sub}
        rows = self._rows(LOT, params, address, alias="l")
        return self._location(rows[0], "lot", 0.9) if len(rows) == 1 else None
