"""Pages cut from records read ahead (semap.features.records_ahead), on the demo (a round trip: synthetic registry):
the same bytes as the store's two statements for every district, boxes around and between records (edges
included), paging and chosen properties; served for the data version they were read from only."""

from __future__ import annotations

import random
from pathlib import Path
from urllib.parse import quote

import orjson
import pytest
from fastapi.testclient import TestClient

from semap.api.app import create_app
from semap.curation import edits
from semap.curation.policy import SYSTEM
from semap.features.filters import FeatureFilter
from semap.features.layers import LAYERS
from semap.features.queries import page_body, page_query
from semap.features.records_ahead import RecordsAhead, read_records
from semap.settings import ApiSettings
from semap.store import Store
from tests.living import writable_store
from tests.made_ahead import made_ahead

BY_NAME = {name.value: layer for name, layer in LAYERS.items()}


@pytest.fixture(scope="module")
def records(built_pair: dict[str, Store]) -> RecordsAhead:
    return read_records(built_pair["duckdb"], 1_000_000)


def _filters(store: Store) -> list[dict[str, str]]:
    districts = [row[0] for row in store.fetch("SELECT name_ko FROM districts ORDER BY adm_code")]
    points = store.fetch("SELECT ST_X(geom), ST_Y(geom) FROM organizations WHERE geom IS NOT NULL ORDER BY id")
    chosen = random.Random(27).sample(points, 30)
    boxes = [f"{x - 0.01},{y - 0.01},{x + 0.01},{y + 0.01}" for x, y in chosen[:20]]
    boxes += [f"{x},{y},{x + 0.02},{y + 0.02}" for x, y in chosen[20:]]  # a record on the box's corner
    both = [{"district": d, "bbox": b} for d, b in zip(districts, boxes, strict=False)]
    return [{"district": d} for d in districts] + [{"bbox": b} for b in boxes] + both + [{}]


@pytest.mark.parametrize("layer", ["organizations", "resources"])
def test_demo_pages_cut_from_records_are_the_stores_pages(
    built_pair: dict[str, Store], records: RecordsAhead, layer: str
) -> None:
    store = built_pair["duckdb"]
    assert len(records.layers[layer].rows) > 100
    for number, given in enumerate(_filters(store)):
        flt = FeatureFilter.of(district=given.get("district"), bbox=given.get("bbox"))
        limit, offset = (100, 0) if number % 3 else (7, 5)
        properties = "name,category,district_ko" if number % 4 == 1 else None
        query = page_query(store.dialect, BY_NAME[layer], flt, limit, offset, properties)
        stored = orjson.dumps(
            page_body(
                query,
                store.fetch(query.rows_sql, query.rows_params),
                int(store.fetch(query.count_sql, query.count_params)[0][0]),
            )
        )
        rows, matched = records.page(query, flt, limit, offset)
        assert orjson.dumps(page_body(query, rows, matched)) == stored, given


def test_the_records_are_read_only_within_the_limit(built_pair: dict[str, Store], records: RecordsAhead) -> None:
    held = sum(len(r.rows) for r in records.layers.values())
    assert read_records(built_pair["duckdb"], held).layers.keys() == records.layers.keys()
    assert read_records(built_pair["duckdb"], held - 1).layers == {}


def test_a_server_cuts_plain_pages_from_the_records_once_it_was_asked_for_one(built_pair: dict[str, Store]) -> None:
    store = built_pair["duckdb"]
    pages = [
        "/api/v1/organizations?district=서초구&limit=100",
        "/api/v1/organizations?district=adm:11650&limit=20&offset=40",
        "/api/v1/organizations?bbox=126.95,37.55,127.0,37.58&limit=50&properties=name,category,type",
        "/api/v1/resources?district=송파구",
    ]
    with TestClient(create_app(store, ApiSettings(response_cache_mb=0, records_ahead=0))) as routed:
        expected = [routed.get(quote(path, safe="/?=&,:")) for path in pages]
    with TestClient(create_app(store, ApiSettings(response_cache_mb=0))) as client:
        reader = client.app.state.async_reader
        assert client.get("/api/v1/organizations?limit=1").status_code == 200 and reader.statements == 2
        assert made_ahead(client, "records_ahead")["records"]["organizations"] > 1000
        for path, answer in zip(pages, expected, strict=True):
            cut = client.get(quote(path, safe="/?=&,:"))
            assert cut.status_code == 200 and cut.content == answer.content, path
        assert reader.statements == 2  # all four cut from the records
        assert client.get("/api/v1/organizations?district=서초구&type=협동조합").status_code == 200  # the route's


def test_its_own_edit_is_never_answered_from_the_previous_datas_records(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    with writable_store("duckdb", request, tmp_path) as (store, _):
        org, code = store.fetch("SELECT id, district_adm_code FROM organizations ORDER BY id LIMIT 1")[0]
        path = f"/api/v1/organizations?district=adm:{code}&limit=1000&properties=name"
        with TestClient(create_app(store, ApiSettings(response_cache_mb=0))) as client:
            client.get(path)
            made_ahead(client, "records_ahead")
            edits.change(store, SYSTEM, "organizations", org, {"name": "이 서버의 새 이름"}, reason="renamed")
            names = {f["properties"]["name"] for f in client.get(path).json()["features"]}
            assert "이 서버의 새 이름" in names
            made_ahead(client, "records_ahead", store.data_version())
            names = {f["properties"]["name"] for f in client.get(path).json()["features"]}
            assert "이 서버의 새 이름" in names
