"""Where the printed map's numbers go: records at one place share one number, numbers run in reading order (top to
bottom in bands, left to right within a band) so that neighbours have near numbers, and each number's badge is set
beside its place where it hides no other badge or place, farther out with a leader line when the place is crowded.

All in millimetres on the page; greedy placement, most crowded places first (the usual cartographic heuristic).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from semap.maps.print_sheet import Box

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry

MIXED = ""  # a place whose records are of several categories (types) has no single colour key
DOT_MM = 0.7  # a place's dot radius
GAP_MM = 0.35  # the least room between two badges
RADII_MM = (0.5, 1.6, 3.0, 4.5, 6.5, 9.0, 12.0, 16.0)  # a badge's distance from its place, nearest first


@dataclass(frozen=True)
class Entry:
    name: str
    category: str  # as people read it
    category_key: str  # as stored: the colour's key
    holder: str
    address: str
    lon: float
    lat: float


@dataclass(frozen=True)
class Place:
    number: int
    lon: float
    lat: float
    entries: tuple[Entry, ...]

    @property
    def key(self) -> str:
        """The colour key: the records' category, or MIXED."""
        keys = {e.category_key for e in self.entries}
        return keys.pop() if len(keys) == 1 else MIXED

    @property
    def address(self) -> str:
        return self.entries[0].address


def places(entries: Iterable[Entry], at: dict[tuple[float, float], tuple[float, float]], band_mm: float) -> list[Place]:
    """The records grouped by identical coordinates and numbered in reading order; ``at`` gives each coordinate's
    position on the page (mm)."""
    groups: dict[tuple[float, float], list[Entry]] = defaultdict(list)
    for e in entries:
        groups[(e.lon, e.lat)].append(e)
    top = max((y for _, y in at.values()), default=0.0)

    def reading_order(coordinate: tuple[float, float]) -> tuple[int, float, float]:
        x, y = at[coordinate]
        return int((top - y) // band_mm), x, -y

    ordered = sorted(groups, key=reading_order)
    return [
        Place(n, lon, lat, tuple(sorted(groups[(lon, lat)], key=lambda e: (e.category, e.name))))
        for n, (lon, lat) in enumerate(ordered, start=1)
    ]


class Grid:
    """Boxes indexed by the grid cells they touch, to find the few near a candidate quickly."""

    def __init__(self, cell: float = 8.0) -> None:
        self.cell = cell
        self.cells: defaultdict[tuple[int, int], list[Box]] = defaultdict(list)

    def _cells(self, box: Box) -> Iterable[tuple[int, int]]:
        c = self.cell
        for i in range(math.floor(box.x0 / c), math.floor(box.x1 / c) + 1):
            for j in range(math.floor(box.y0 / c), math.floor(box.y1 / c) + 1):
                yield i, j

    def add(self, box: Box) -> None:
        for cell in self._cells(box):
            self.cells[cell].append(box)

    def near(self, box: Box) -> set[Box]:
        return {b for cell in self._cells(box) for b in self.cells.get(cell, ())}


@dataclass(frozen=True)
class Label:
    box: Box
    anchor: tuple[float, float]  # the place
    leader: bool  # far enough from its place to need a line to it


def _candidates(x: float, y: float, w: float, h: float) -> Iterable[tuple[Box, float]]:
    for distance in RADII_MM:
        steps = 8 if distance < 3 else 16
        for k in range(steps):
            angle = 2 * math.pi * k / steps
            cx = x + math.cos(angle) * (w / 2 + distance)
            cy = y + math.sin(angle) * (h / 2 + distance)
            yield Box(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2), distance


def place_labels(points: list[tuple[float, float]], sizes: list[tuple[float, float]], frame: Box) -> list[Label]:
    """A badge box for each point (same order), inside ``frame``, clear of the other badges and points where it can
    be; where it cannot, the spot that overlaps least."""
    dots = Grid()
    for x, y in points:
        dots.add(Box(x - DOT_MM, y - DOT_MM, x + DOT_MM, y + DOT_MM))
    badges = Grid()
    crowd = Grid(6.0)
    for x, y in points:
        crowd.add(Box(x, y, x, y))
    crowding = [len(crowd.near(Box(x - 6, y - 6, x + 6, y + 6))) for x, y in points]
    labels: dict[int, Label] = {}
    for i in sorted(range(len(points)), key=lambda i: (-crowding[i], i)):
        (x, y), (w, h) = points[i], sizes[i]
        best: tuple[float, Box, float] | None = None
        for box, distance in _candidates(x, y, w, h):
            if not box.within(frame):
                continue
            grown = Box(box.x0 - GAP_MM, box.y0 - GAP_MM, box.x1 + GAP_MM, box.y1 + GAP_MM)
            overlap = sum(grown.overlap_area(b) for b in badges.near(grown))
            overlap += sum(box.overlap_area(b) for b in dots.near(box))
            if overlap == 0:
                best = (0.0, box, distance)
                break
            if best is None or overlap < best[0]:
                best = (overlap, box, distance)
        if best is None:  # the frame is smaller than a badge: at the place itself
            box, distance = Box(x - w / 2, y - h / 2, x + w / 2, y + h / 2), 0.0
        else:
            _, box, distance = best
        badges.add(box)
        labels[i] = Label(box, (x, y), leader=distance > 1.0)
    return [labels[i] for i in range(len(points))]


def leader_end(label: Label) -> tuple[float, float]:
    """Where a leader line from the place meets its badge: the nearest point of the badge's outline."""
    x, y = label.anchor
    b = label.box
    return min(max(x, b.x0), b.x1), min(max(y, b.y0), b.y1)


def obstacles(points: list[tuple[float, float]], labels: list[Label]) -> Grid:
    """The places and their badges, which a district's dong names must leave clear."""
    grid = Grid()
    for x, y in points:
        grid.add(Box(x - DOT_MM, y - DOT_MM, x + DOT_MM, y + DOT_MM))
    for label in labels:
        grid.add(label.box)
    return grid


def place_name(area: BaseGeometry, w: float, h: float, taken: Grid) -> Box:
    """Where a dong's name goes: inside its dong and clear of places, badges and names already set if it can be,
    nearest the dong's visual centre (pole of inaccessibility); else with its middle in the dong where it hides
    least. The box is added to ``taken``."""
    import numpy as np
    import shapely
    from shapely.ops import polylabel

    polygon = max(getattr(area, "geoms", [area]), key=lambda p: p.area)
    shapely.prepare(polygon)
    centre = polylabel(polygon, tolerance=0.5)
    minx, miny, maxx, maxy = polygon.bounds
    grid_x, grid_y = np.meshgrid(np.arange(minx, maxx, 1.2), np.arange(miny, maxy, 1.2))
    xs, ys = np.append(centre.x, grid_x.ravel()), np.append(centre.y, grid_y.ravel())
    order = np.argsort(np.hypot(xs - centre.x, ys - centre.y), kind="stable")
    xs, ys = xs[order], ys[order]
    inside = shapely.contains_xy(polygon, xs, ys)
    # the whole name inside the dong: its four corners are
    whole = inside.copy()
    for dx, dy in ((-w / 2, -h / 2), (w / 2, -h / 2), (-w / 2, h / 2), (w / 2, h / 2)):
        whole &= shapely.contains_xy(polygon, xs + dx, ys + dy)
    best: tuple[float, Box] | None = None
    for cx, cy, strict in zip(xs[inside], ys[inside], whole[inside], strict=True):
        box = Box(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
        near = [b for b in taken.near(box) if box.overlaps(b, GAP_MM)]
        hidden = sum(box.overlap_area(b) for b in near) + 0.01 * len(near) + (0 if strict else 0.005)
        if hidden == 0:
            best = (0.0, box)
            break
        if best is None or hidden < best[0]:
            best = (hidden, box)
    if best is None:  # a sliver of a dong: its centre
        best = (0.0, Box(centre.x - w / 2, centre.y - h / 2, centre.x + w / 2, centre.y + h / 2))
    taken.add(best[1])
    return best[1]
