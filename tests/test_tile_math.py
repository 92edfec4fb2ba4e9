"""A tile's bounds by the Web Mercator formula agree with morecantile's WebMercatorQuad (through PROJ), which
stays the definition of the tile matrix set: every zoom 0-22, the matrix's edges and corners, and tiles over
Seoul and at random."""

from __future__ import annotations

import random

import morecantile
import pytest

from semap.errors import InvalidParameter, NotFound
from semap.features.tiles import MAX_ZOOM, lon_lat_box, tile_params, web_mercator_quad

TMS = web_mercator_quad()  # the OGC tile matrix set, for a point's tile


def tiles() -> list[tuple[int, int, int]]:
    chosen = random.Random(27)
    found = []
    for z in range(MAX_ZOOM + 1):
        last = (1 << z) - 1
        found += [(z, 0, 0), (z, last, last), (z, 0, last), (z, last, 0), (z, last // 2, (last + 1) // 2)]
        found += [(z, chosen.randint(0, last), chosen.randint(0, last)) for _ in range(40)]
        seoul = TMS.tile(126.978, 37.566, z)
        around = [(seoul.x + dx, seoul.y + dy) for dx in (-1, 0, 1) for dy in (-1, 0, 1)]
        found += [(z, x, y) for x, y in around if 0 <= x <= last]
    return [(z, x, y) for z, x, y in found if 0 <= y <= (1 << z) - 1]


def test_the_formula_agrees_with_morecantile_on_every_zoom_and_edge() -> None:
    checked = 0
    for z, x, y in tiles():
        expected = TMS.bounds(morecantile.Tile(x, y, z))
        got = lon_lat_box(z, x, y)
        worst = max(abs(a - b) for a, b in zip(got, expected, strict=True))
        assert worst < 1e-9, (z, x, y, got, tuple(expected))
        checked += 1
    assert checked > 1000


def test_tile_params_name_the_tile_and_its_box() -> None:
    params = tile_params(14, 13972, 6344)
    assert (params["z"], params["x"], params["y"]) == (14, 13972, 6344)
    bounds = TMS.bounds(morecantile.Tile(13972, 6344, 14))
    assert params["tminx"] == pytest.approx(bounds.left, abs=1e-12)
    assert params["tmaxy"] == pytest.approx(bounds.top, abs=1e-12)


@pytest.mark.parametrize(
    ("z", "x", "y", "error"),
    [
        (23, 0, 0, InvalidParameter),
        (-1, 0, 0, InvalidParameter),
        (0, 1, 0, NotFound),
        (3, 8, 0, NotFound),
        (3, 0, 8, NotFound),
        (3, -1, 0, NotFound),
    ],
)
def test_a_tile_outside_the_matrix_is_refused_as_morecantile_would(z: int, x: int, y: int, error: type) -> None:
    if 0 <= z <= MAX_ZOOM:
        assert not TMS.is_valid(morecantile.Tile(x, y, z))  # morecantile agrees there is no such tile
    with pytest.raises(error):
        lon_lat_box(z, x, y)
