"""Where the demo's buildings stand: road segments inside a dong of the right district, and real places."""

from __future__ import annotations

import random
from dataclasses import dataclass

import geopandas as gpd
from shapely.geometry import MultiPolygon, Point

# The center's facilities and the one organization registered in Gyeonggi-do: real addresses with
# approximate coordinates (WGS 84), and for lot-number addresses the road-name address they are linked to.
KNOWN_PLACES = {
    ("송파구", "양재대로", 932, None): (127.1108, 37.4936, "가락몰"),
    ("은평구", "통일로", 684, None): (126.9341, 37.6083, "서울혁신파크"),
    ("마포구", "증산로", 87, None): (126.8946, 37.5716, "문화비축기지"),
    ("구로구", "개봉로", 20, None): (126.8573, 37.4949, ""),
}
LOT_LINKS = {  # (district, legal dong, lot main, lot sub) -> road address key of KNOWN_PLACES
    ("마포구", "성산동", 661, None): ("마포구", "증산로", 87, None),
    ("구로구", "개봉동", 353, 19): ("구로구", "개봉로", 20, None),  # synthetic link: the demo's stand-in
}
GYEONGGI_PLACE = ("경기도", "고양시 덕양구", "통일로", 140, None, 126.9020, 37.6414)


@dataclass(frozen=True)
class Building:
    district: str
    road: str
    main: int
    sub: int | None
    dong: str  # the dong (행정동) it stands in
    lon: float
    lat: float
    name: str = ""


class Placer:
    """Places buildings along a segment per (district, road), each point inside a dong of that district."""

    def __init__(self, dongs: gpd.GeoDataFrame, districts: gpd.GeoDataFrame, rng: random.Random) -> None:
        self._rng = rng
        self._dongs = {name: group for name, group in dongs.groupby("district_name")}
        self._districts = districts.set_index("name_ko").geometry
        self._segments: dict[tuple[str, str], tuple[str, MultiPolygon, Point, Point]] = {}
        self.buildings: dict[tuple[str, str, int, int | None], Building] = {}

    def _random_point(self, polygon: MultiPolygon) -> Point:
        minx, miny, maxx, maxy = polygon.bounds
        while True:
            point = Point(self._rng.uniform(minx, maxx), self._rng.uniform(miny, maxy))
            if polygon.contains(point):
                return point

    def _segment(self, district: str, road: str) -> tuple[str, MultiPolygon, Point, Point]:
        key = (district, road)
        if key not in self._segments:
            row = self._dongs[district].sample(1, random_state=self._rng.randrange(1 << 30)).iloc[0]
            polygon = row.geometry
            self._segments[key] = (row["name_ko"], polygon, self._random_point(polygon), self._random_point(polygon))
        return self._segments[key]

    def place(self, district: str, road: str, main: int, sub: int | None) -> Building:
        key = (district, road, main, sub)
        if key in self.buildings:
            return self.buildings[key]
        if key in KNOWN_PLACES:
            lon, lat, name = KNOWN_PLACES[key]
            point = Point(lon, lat)
            if not self._districts[district].contains(point):
                raise ValueError(f"known place {key} lies outside {district}")
            dongs = self._dongs[district]
            dong = str(dongs[dongs.contains(point)]["name_ko"].iloc[0])
        else:
            dong, polygon, start, end = self._segment(district, road)
            t = min(main / 400.0, 1.0)
            point = Point(start.x + (end.x - start.x) * t, start.y + (end.y - start.y) * t)
            if not polygon.contains(point):
                point = self._random_point(polygon)
            name = ""
        building = Building(district, road, main, sub, dong, point.x, point.y, name)
        self.buildings[key] = building
        return building

    def new_address(self, district: str, roads: tuple[str, ...]) -> Building:
        """A building on a real road of the district not used before (branch roads 로N길 now and then)."""
        while True:
            road = self._rng.choice(roads)
            if self._rng.random() < 0.3 and road.endswith("로"):
                road = f"{road}{self._rng.randint(1, 40)}길"
            main = self._rng.randint(1, 400) if road.endswith("로") else self._rng.randint(1, 60)
            sub = self._rng.randint(1, 30) if self._rng.random() < 0.2 else None
            if (district, road, main, sub) not in self.buildings:
                return self.place(district, road, main, sub)
