"""The base layers' vector tiles, every one of a zoom rendered at once for a data version.

Tiles change only with the data, and the embedded DuckDB store spends 2-3 ms of CPU on one tile, most of it on
the statement rather than the points (issue 27: 0.16x PostGIS on tiles nobody had asked for yet). One statement
per zoom and layer renders all of a zoom's non-empty tiles in a few microseconds each (the demo's z10-z16: 1,711
tiles, 1.6 MB, 0.46 s of CPU), with the points, boxes and SQL of the one-tile statement, so that each tile holds
the same features as ``semap.features.tiles.mvt_tile`` makes on demand. A tile of a rendered zoom that is not
among them has no feature: its answer is the empty body, as on demand.

Rendered from the highest zoom down (the many small tiles a map pans over, which a response cache helps least)
until ``budget_bytes`` would be passed: a larger registry gets fewer zooms, never more memory.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from semap.features.filters import plain_conditions
from semap.features.layers import LAYERS, Layer
from semap.features.tiles import lon_lat_box
from semap.store.base import Store

EDGE = 1e-6  # of a tile's width: a point this close to a tile's edge is tried in the neighbouring tile too


@dataclass
class RenderedTiles:
    """The non-empty tiles of each layer's rendered zooms, as ``mvt_tile`` would answer them."""

    zooms: dict[str, frozenset[int]] = field(default_factory=dict)
    tiles: dict[tuple[str, int, int, int], bytes] = field(default_factory=dict)
    size: int = 0
    seconds: float = 0.0

    def tile(self, layer: str, z: int, x: int, y: int) -> bytes | None:
        """The tile's body (empty when it has no feature); None when its zoom was not rendered."""
        if z not in self.zooms.get(layer, ()):
            return None
        return self.tiles.get((layer, z, x, y), b"")

    def summary(self) -> dict[str, object]:
        zooms = {name: sorted(z) for name, z in self.zooms.items()}
        return {"zooms": zooms, "tiles": len(self.tiles), "bytes": self.size, "seconds": round(self.seconds, 3)}


def render_tiles(store: Store, zooms: Iterable[int], budget_bytes: int) -> RenderedTiles:
    """The plain (unfiltered) tiles of both layers at ``zooms``, highest first, within ``budget_bytes``; none for a
    store whose dialect has no statement for a whole zoom (PostGIS makes each tile fast enough on demand)."""
    started = time.process_time()
    rendered = RenderedTiles()
    template = store.dialect.mvt_by_tile
    if template is None or budget_bytes <= 0:
        return rendered
    points = {name.value: _points(store, layer) for name, layer in LAYERS.items()}
    for z in sorted(set(zooms), reverse=True):
        zoom: dict[tuple[str, int, int, int], bytes] = {}
        for name, layer in LAYERS.items():
            zoom.update(_zoom(store, template, layer, z, points[name.value]))
        size = sum(len(body) for body in zoom.values())
        if rendered.size + size > budget_bytes:
            break
        rendered.tiles.update(zoom)
        rendered.size += size
        for name in LAYERS:
            rendered.zooms[name.value] = rendered.zooms.get(name.value, frozenset()) | {z}
    rendered.seconds = time.process_time() - started
    return rendered


def _points(store: Store, layer: Layer) -> list[tuple[float, float]]:
    where = plain_conditions(layer)
    rows = store.fetch(f"SELECT ST_X(t.geom), ST_Y(t.geom) FROM {layer.table} t WHERE t.geom IS NOT NULL AND {where}")
    return [(float(lon), float(lat)) for lon, lat in rows]


def _zoom(
    store: Store, template: str, layer: Layer, z: int, points: list[tuple[float, float]]
) -> dict[tuple[str, int, int, int], bytes]:
    boxes = sorted(set(_candidate_tiles(z, points)))
    if not boxes:
        return {}
    values = ", ".join(
        f"({x}, {y}, {w!r}, {s!r}, {e!r}, {n!r})" for x, y in boxes for w, s, e, n in [lon_lat_box(z, x, y)]
    )
    sql = template.format(
        boxes=values,
        z=z,
        columns=", ".join(f"t.{c}" for c in layer.tile_properties),
        row=", ".join(f"'{c}': {c}" for c in ("geom", *layer.tile_properties)),
        source=f"{layer.table} t",
        where=plain_conditions(layer),
        layer=layer.name,
    )
    return {(layer.name, z, int(x), int(y)): bytes(body) for x, y, body in store.fetch(sql)}


def _candidate_tiles(z: int, points: list[tuple[float, float]]) -> Iterator[tuple[int, int]]:
    """Each point's tile by the Web Mercator formula, and its neighbour when the point lies on their edge (the
    statement keeps a point only in the boxes it intersects, as the one-tile statement does)."""
    side = 1 << z
    for lon, lat in points:
        if not -85.0511287798 <= lat <= 85.0511287798:
            continue
        fx = (lon + 180.0) / 360.0 * side
        fy = (1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * side
        for x in _near(fx, side):
            for y in _near(fy, side):
                yield x, y


def _near(position: float, side: int) -> list[int]:
    index = min(max(int(position), 0), side - 1)
    near = [index]
    if position - index < EDGE and index > 0:
        near.append(index - 1)
    if index + 1 - position < EDGE and index + 1 < side:
        near.append(index + 1)
    return near
