"""The map on a printed district map's first page: its box and projection, the district among its neighbours, the
dongs outlined and named, and each place's dot and numbered badge (placed by semap.maps.print_places)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

import orjson
from shapely.affinity import affine_transform
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from semap.geodata.districts import District
from semap.maps.print_places import Place, leader_end, obstacles, place_labels, place_name
from semap.maps.print_sheet import Box, Sheet, badge_size
from semap.maps.print_text import ASCENT, DESCENT, PT_MM, width_mm
from semap.store.base import Store


@dataclass(frozen=True)
class Projection:
    """lon/lat to millimetres on the page: an affine map, metres east and north drawn alike (cos of the
    latitude)."""

    a: float  # mm per degree of longitude
    e: float  # mm per degree of latitude
    x: float
    y: float

    def __call__(self, lon: float, lat: float) -> tuple[float, float]:
        return self.x + lon * self.a, self.y + lat * self.e

    def geometry(self, geometry: BaseGeometry) -> BaseGeometry:
        return affine_transform(geometry, [self.a, 0, 0, self.e, self.x, self.y])


def frame(
    bounds: tuple[float, float, float, float], inner: Box, top: float, bottom: float, heights: tuple[float, float]
) -> tuple[Projection, Box]:
    """The map's box on the page (the district fills it, as high as its shape needs within the paper's bounds,
    leaving room for a few lines of the list above ``bottom``) and the projection of lon/lat into it: metres east
    and north drawn alike (cos of the latitude)."""
    minx, miny, maxx, maxy = bounds
    squeeze = math.cos(math.radians((miny + maxy) / 2))
    width = inner.x1 - inner.x0
    ground_w, ground_h = (maxx - minx) * squeeze, maxy - miny
    low, high = heights
    height = min(max(width * ground_h / ground_w * 1.08, low), high, top - bottom - 40)
    box = Box(inner.x0, top - height, inner.x1, top)
    scale = min(width / (ground_w * 1.06), height / (ground_h * 1.06))  # mm per degree of latitude
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    fx, fy = box.center
    return Projection(squeeze * scale, scale, fx - cx * squeeze * scale, fy - cy * scale), box


def draw_map(
    sheet: Sheet,
    store: Store,
    district: District,
    districts: list[tuple[BaseGeometry, dict[str, Any]]],
    numbered: list[Place],
    projection: Projection,
    frame: Box,
    sizes: tuple[float, float],
    colors: dict[str, str],
    lang: str,
) -> None:
    """The district white on its neighbours' ground, its dongs outlined and named, a dot per place and its numbered
    badge; ``sizes``: the badges' and the dong names' font sizes."""
    from matplotlib import patheffects

    badge, small = sizes
    sheet.box(frame, fill="#f6f4ef", zorder=0, round=False)  # the neighbours' ground; the district itself is white

    mm = projection.geometry
    own = [r for g, p in districts if p["adm_code"] == district.adm_code for r in _rings(mm(g))]
    others = [r for g, p in districts if p["adm_code"] != district.adm_code for r in _rings(mm(g))]
    features = orjson.loads(store.dongs_geojson(district.adm_code))["features"]
    dongs = [(mm(shape(f["geometry"])), f["properties"]) for f in features]
    sheet.outlines(others, "#c9c4b8", 0.5, 1, frame)
    sheet.fill(own, "#ffffff", 1, frame)
    sheet.outlines([r for g, _ in dongs for r in _rings(g)], "#a9b4bf", 0.35, 1.5, frame)
    sheet.outlines(own, "#1d3557", 1.2, 1.6, frame)
    points = [projection(p.lon, p.lat) for p in numbered]
    badges = [badge_size(p.number, badge) for p in numbered]
    inset = Box(frame.x0 + 0.5, frame.y0 + 0.5, frame.x1 - 0.5, frame.y1 - 0.5)
    labels = place_labels(points, badges, inset)
    taken = obstacles(points, labels)
    for geometry, properties in dongs:  # after the badges: a dong's name takes the room they leave
        name = _dong_name(properties, lang)
        w, h = width_mm(name, small), (ASCENT + DESCENT) * small * PT_MM
        box = place_name(geometry, w, h, taken)
        halo = [patheffects.withStroke(linewidth=1.6, foreground="white")]  # legible across the dong lines
        baseline = box.y0 + DESCENT * small * PT_MM
        sheet.text(box.x0, baseline, name, small, color="white", zorder=2.9, path_effects=halo)  # outlines
        sheet.text(box.x0, baseline, name, small, color="#5f6b78", zorder=3)
    for place, label, (x, y) in zip(numbered, labels, points, strict=True):
        color = colors[place.key]
        if label.leader:
            sheet.line([(x, y), leader_end(label)], color="#555555", width=0.35)
        sheet.dot(x, y, 0.7, color)
        sheet.badge(place.number, label.box.x0, label.box.y0, badge, color)


def _rings(geometry: BaseGeometry) -> list[list[tuple[float, float]]]:
    return [list(p.exterior.coords) for p in getattr(geometry, "geoms", [geometry])]


def _dong_name(properties: dict[str, Any], lang: str) -> str:
    if lang == "en" and properties.get("name_en"):
        return re.sub(r"\([a-z]+\)", "", properties["name_en"])  # "Pungnap 1(il)-dong": the number reads already
    return str(properties.get("name_ko") or "")
