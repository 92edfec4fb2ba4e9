"""Vector tiles rendered ahead for a data version (semap.features.tiles_ahead, semap.api.ahead), on the demo
(a round trip: synthetic registry): the same features as each tile made on demand, zooms kept within the budget,
and a server answering from them only for the data they were made from."""

from __future__ import annotations

from pathlib import Path

import mapbox_vector_tile
import pytest
from fastapi.testclient import TestClient

from semap.api.app import create_app
from semap.curation import edits
from semap.curation.policy import SYSTEM
from semap.features.filters import FeatureFilter
from semap.features.layers import LAYERS
from semap.features.tiles import lon_lat_box, mvt_tile, web_mercator_quad
from semap.features.tiles_ahead import RenderedTiles, _candidate_tiles, render_tiles
from semap.settings import ApiSettings
from semap.store import Store
from tests.living import writable_store
from tests.made_ahead import made_ahead
from tests.test_embedded_swap import NEW_NAME, _renamed_by_another_process, _until_served

TMS = web_mercator_quad()  # the OGC tile matrix set, for a point's tile

BY_NAME = {name.value: layer for name, layer in LAYERS.items()}
ZOOMS = range(12, 17)
BUSY = TMS.tile(126.978, 37.566, 14)  # 중구


def _features(body: bytes | None, layer: str) -> list[tuple[str, str]]:
    decoded = mapbox_vector_tile.decode(body) if body else {}
    features = decoded.get(layer, {"features": []})["features"]
    return sorted((str(sorted(f["properties"].items())), str(f["geometry"])) for f in features)


def _on_demand(store: Store, layer: str, z: int, x: int, y: int) -> list[tuple[str, str]]:
    return _features(mvt_tile(store, BY_NAME[layer], FeatureFilter(), z, x, y), layer)


@pytest.fixture(scope="module")
def rendered(built_pair: dict[str, Store]) -> RenderedTiles:
    return render_tiles(built_pair["duckdb"], ZOOMS, 64 * 2**20)


def test_demo_tiles_rendered_ahead_hold_the_features_each_tile_made_on_demand_holds(
    built_pair: dict[str, Store], rendered: RenderedTiles
) -> None:
    store = built_pair["duckdb"]
    assert rendered.zooms == {name: frozenset(ZOOMS) for name in ("organizations", "resources")}
    assert len(rendered.tiles) > 1000 and rendered.size == sum(len(b) for b in rendered.tiles.values())
    keys = sorted(rendered.tiles)
    for name, z, x, y in keys[::5]:
        assert _features(rendered.tiles[(name, z, x, y)], name) == _on_demand(store, name, z, x, y), (name, z, x, y)
    for name, z, x, y in keys[::37]:  # their neighbours: rendered too, or empty on demand as well
        for nx, ny in ((x + 1, y), (x, y - 1), (x - 1, y + 1)):
            assert _features(rendered.tile(name, z, nx, ny), name) == _on_demand(store, name, z, nx, ny)
    assert rendered.tile("organizations", 11, BUSY.x >> 3, BUSY.y >> 3) is None  # a zoom not rendered


def test_a_point_on_the_edge_of_two_tiles_is_tried_in_both() -> None:
    # The one-tile statement keeps a point on an edge in both tiles (ST_Intersects includes the boundary).
    west, south, east, north = lon_lat_box(14, BUSY.x, BUSY.y)
    middle = (south + north) / 2
    assert set(_candidate_tiles(14, [(east, middle)])) == {(BUSY.x, BUSY.y), (BUSY.x + 1, BUSY.y)}
    assert set(_candidate_tiles(14, [((west + east) / 2, north)])) == {(BUSY.x, BUSY.y), (BUSY.x, BUSY.y - 1)}
    assert set(_candidate_tiles(14, [((west + east) / 2, middle)])) == {(BUSY.x, BUSY.y)}


def test_zooms_are_rendered_from_the_highest_down_while_they_fit(
    built_pair: dict[str, Store], rendered: RenderedTiles
) -> None:
    store = built_pair["duckdb"]
    top_two = sum(len(body) for (_, z, _, _), body in rendered.tiles.items() if z >= 15)
    partial = render_tiles(store, ZOOMS, top_two + 1)
    assert partial.zooms["organizations"] == {15, 16} and partial.size == top_two
    assert partial.tile("organizations", 14, BUSY.x, BUSY.y) is None
    assert render_tiles(store, ZOOMS, 0).tiles == {}


@pytest.mark.postgis
def test_postgis_renders_none_ahead(built_pair: dict[str, Store]) -> None:
    assert render_tiles(built_pair["postgis"], ZOOMS, 64 * 2**20).tiles == {}


def _names(body: bytes) -> set[str]:
    return {f["properties"]["name"] for f in mapbox_vector_tile.decode(body)["organizations"]["features"]}


def test_a_server_answers_plain_tiles_from_those_rendered_once_it_was_asked_for_one(
    built_pair: dict[str, Store],
) -> None:
    store = built_pair["duckdb"]
    with TestClient(create_app(store, ApiSettings(response_cache_mb=0))) as client:
        reader = client.app.state.async_reader
        assert client.get("/healthz").json()["tiles_ahead"] is None  # nothing asked yet: nothing rendered
        assert client.get("/tiles/organizations/{z}/{x}/{y}.mvt".format(**BUSY._asdict())).status_code == 200
        assert reader.statements == 1  # the first, made on demand, starts the rendering
        summary = made_ahead(client, "tiles_ahead")
        assert summary["data_version"] == store.data_version() and summary["zooms"]["organizations"][-1] == 16
        busy15 = TMS.tile(126.978, 37.566, 15)
        for name, tile in (
            ("organizations", busy15),
            ("resources", BUSY),
            ("organizations", TMS.tile(129.07, 35.18, 14)),
        ):
            answer = client.get(f"/tiles/{name}/{tile.z}/{tile.x}/{tile.y}.mvt")
            assert answer.status_code == 200 and answer.headers["content-type"] == "application/vnd.mapbox-vector-tile"
            assert _features(answer.content, name) == _on_demand(store, name, tile.z, tile.x, tile.y)
        assert reader.statements == 1  # all three from the rendered tiles
        assert client.get("/tiles/organizations/14/99999/0.mvt").status_code == 404  # outside the matrix, as before
        assert client.get("/tiles/organizations/18/223521/101514.mvt").status_code == 200
        assert reader.statements == 2  # a zoom not rendered: on demand


def test_its_own_edit_is_never_answered_from_the_previous_datas_tiles(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    with writable_store("duckdb", request, tmp_path) as (store, _):
        org, lon, lat = store.fetch("SELECT id, ST_X(geom), ST_Y(geom) FROM organizations ORDER BY id LIMIT 1")[0]
        tile = TMS.tile(lon, lat, 16)
        path = f"/tiles/organizations/16/{tile.x}/{tile.y}.mvt"
        with TestClient(create_app(store, ApiSettings(response_cache_mb=0))) as client:
            reader = client.app.state.async_reader
            client.get(path)
            made_ahead(client, "tiles_ahead")
            edits.change(store, SYSTEM, "organizations", org, {"name": "이 서버의 새 이름"}, reason="renamed")
            assert "이 서버의 새 이름" in _names(client.get(path).content)  # made on demand from the new data
            # and the new data's tiles rendered after that first tile
            made_ahead(client, "tiles_ahead", store.data_version())
            statements = reader.statements
            assert "이 서버의 새 이름" in _names(client.get(path).content) and reader.statements == statements


def test_another_process_swap_is_served_with_its_tiles_rendered(request: pytest.FixtureRequest, tmp_path: Path) -> None:
    with writable_store("duckdb", request, tmp_path) as (store, settings):
        org, lon, lat = store.fetch("SELECT id, ST_X(geom), ST_Y(geom) FROM organizations ORDER BY id LIMIT 1")[0]
        tile = TMS.tile(lon, lat, 15)
        path = f"/tiles/organizations/15/{tile.x}/{tile.y}.mvt"
        with TestClient(create_app(store, ApiSettings(response_cache_mb=0, prime_answers=0))) as client:
            client.get(path)
            made_ahead(client, "tiles_ahead")
            before = store.data_version()
            _renamed_by_another_process(settings, org)
            client.get("/healthz")  # a request after the swap: the new data open in the background
            _until_served(store, before)
            assert client.get("/healthz").json()["tiles_ahead"]["data_version"] == store.data_version()
            reader = client.app.state.async_reader
            statements = reader.statements
            assert NEW_NAME in _names(client.get(path).content) and reader.statements == statements
