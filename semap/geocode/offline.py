"""The offline geocoder: juso.go.kr's address database, loaded into the store, matched by SQL.

Road-name addresses match on (시도, 시군구, 도로명, 지하여부, 본번, 부번); lot-number addresses go through the
관련지번 table to the building they belong to. Without a district the match must be unique in the 시도.
"""

from __future__ import annotations

from collections.abc import Sequence
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
# Batches: every candidate entrance for many (road, main) or (읍면동, lot main) keys in one statement; the rest of
# each record's match (시도, 부번, 지하, 시군구, uniqueness) is checked in Python exactly as the one-record SQL does.
# The keys travel as two arrays zipped by unnest (PostgreSQL and DuckDB alike), one statement per call: DuckDB
# answers a join by scanning the address table, so a statement per few hundred keys made the build quadratic.
KEYS = "(SELECT unnest(CAST(:keys AS VARCHAR[])) AS {key}, unnest(CAST(:mains AS INTEGER[])) AS main)"
BUILDINGS_OF = (
    "SELECT ST_X(p.geom), ST_Y(p.geom), p.sido, p.sigungu, p.road, p.main, p.sub, p.underground "
    f"FROM address_points p JOIN {KEYS.format(key='road')} AS q ON p.road = q.road AND p.main = q.main"
)
LOTS_OF = (
    "SELECT ST_X(p.geom), ST_Y(p.geom), p.sido, p.sigungu, p.road, p.main, p.sub, "
    "l.sido, l.sigungu, l.emd, l.san, l.lot_main, l.lot_sub FROM address_lots l "
    "JOIN address_points p ON p.road_code = l.road_code AND p.main = l.main AND p.sub = l.sub "
    "AND p.underground = l.underground "
    f"JOIN {KEYS.format(key='emd')} AS q ON l.emd = q.emd AND l.lot_main = q.main"
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

    def geocode_many(self, addresses: Sequence[ParsedAddress]) -> list[Location | None]:
        """What ``geocode`` answers for each address, in a statement per kind of key instead of one per record: the
        build places every record of a registry, and a round trip per record was most of its time."""
        if self.road_level:
            return [self.geocode(a) for a in addresses]  # the few records no building matched
        road_keys = {(a.road, a.main) for a in addresses if a.road and a.main is not None}
        buildings = self._candidates(BUILDINGS_OF, road_keys, key_columns=(4, 5))  # p.road, p.main
        lot_keys = {(a.lot_dong, a.main) for a in addresses if not a.road and a.lot_dong and a.main is not None}
        lots = self._candidates(LOTS_OF, lot_keys, key_columns=(9, 11))  # l.emd, l.lot_main
        results: list[Location | None] = []
        for a in addresses:
            sido, sub = a.sido or SEOUL, a.sub or 0
            if a.road:
                rows = [
                    r[:7]
                    for r in buildings.get((a.road, a.main), [])
                    if r[2] == sido
                    and r[6] == sub
                    and bool(r[7]) == bool(a.underground)
                    and (not a.district or r[3] == a.district)
                ]
                results.append(
                    self._location(rows[0], "building", 1.0) if a.main is not None and len(rows) == 1 else None
                )
            else:
                rows = [
                    r[:7]
                    for r in lots.get((a.lot_dong, a.main), [])
                    if r[7] == sido
                    and bool(r[10]) == bool(a.san)
                    and r[12] == sub
                    and (not a.district or r[8] == a.district)
                ]
                results.append(self._location(rows[0], "lot", 0.9) if len(rows) == 1 else None)
        return results

    def _candidates(
        self, sql: str, keys: set[tuple[Any, Any]], key_columns: tuple[int, int]
    ) -> dict[tuple[Any, Any], list[tuple[Any, ...]]]:
        found: dict[tuple[Any, Any], list[tuple[Any, ...]]] = {}
        if not keys:
            return found
        params = {"keys": [key for key, _ in keys], "mains": [int(main) for _, main in keys]}
        for row in self._store.fetch(sql, params):
            found.setdefault((row[key_columns[0]], row[key_columns[1]]), []).append(tuple(row))
        return found
