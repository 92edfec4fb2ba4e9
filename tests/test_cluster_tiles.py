"""The aggregated low-zoom layer, as a map at Seoul's overview meets it (both stores, the demo build: synthetic data):
each cluster tile counts exactly the points the raw tile carries, fewer features, honouring the filters."""

from __future__ import annotations

import mapbox_vector_tile
import morecantile
import pytest
from fastapi.testclient import TestClient

from semap.api.app import create_app
from semap.features.tiles import SEOUL_BOUNDS
from semap.store import Store

TMS = morecantile.tms.get("WebMercatorQuad")


def _features(client: TestClient, path: str, layer: str) -> list[dict]:
    answer = client.get(path)
    assert answer.status_code == 200, answer.text
    return mapbox_vector_tile.decode(answer.content)[layer]["features"] if answer.content else []


@pytest.mark.parametrize(("zoom", "query"), [(11, ""), (12, ""), (12, "?type=협동조합")])
def test_a_cluster_tile_counts_every_point_of_the_raw_tile_once(built_store: Store, zoom: int, query: str) -> None:
    client = TestClient(create_app(built_store))
    counted = drawn = clusters = 0
    for tile in TMS.tiles(*SEOUL_BOUNDS, zooms=[zoom]):
        at = f"{tile.z}/{tile.x}/{tile.y}.mvt{query}"
        raw = _features(client, f"/tiles/organizations/{at}", "organizations")
        clustered = _features(client, f"/tiles/organizations/clusters/{at}", "organizations_clusters")
        assert sum(f["properties"]["count"] for f in clustered) == len(raw), at
        singles = {f["properties"]["id"] for f in clustered if f["properties"]["count"] == 1}
        assert singles <= {f["properties"]["id"] for f in raw}, at  # a one-point cluster names its point
        assert all("id" not in f["properties"] for f in clustered if f["properties"]["count"] > 1), at
        counted, drawn, clusters = counted + len(raw), drawn + len(raw), clusters + len(clustered)
    assert counted > 100 and clusters < drawn / 3  # not vacuous, and far fewer features to draw


def test_cluster_tiles_refuse_what_the_tiles_refuse(built_store: Store) -> None:
    client = TestClient(create_app(built_store))
    assert client.get("/tiles/organizations/clusters/3/99/0.mvt").status_code == 404
    assert client.get("/tiles/organizations/clusters/23/0/0.mvt").status_code == 422
    assert client.get("/tiles/resources/clusters/12/3493/1586.mvt?type=협동조합").status_code == 422
