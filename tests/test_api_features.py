"""The feature API as map clients and coordinators use it, on both stores, with identical answers."""

from __future__ import annotations

import csv
import io
from urllib.parse import unquote

import mapbox_vector_tile
import morecantile
import orjson
import pytest
from fastapi.testclient import TestClient

from semap.api.app import create_app
from semap.store import Store

SONGPA_TILE = morecantile.tms.get("WebMercatorQuad").tile(127.105, 37.505, 13)


@pytest.fixture(scope="module")
def client(built_store: Store):
    with TestClient(create_app(built_store)) as c:
        yield c


def test_organizations_page_with_total_and_links(client: TestClient) -> None:
    page = orjson.loads(client.get("/api/v1/organizations", params={"limit": 50}).content)
    assert page["numberMatched"] == 1871 and page["numberReturned"] == 50
    assert {link["rel"] for link in page["links"]} == {"self", "next"}
    feature = page["features"][0]
    assert feature["geometry"]["type"] == "Point"
    assert not {"phone", "email", "contact", "business_number"} & set(feature["properties"])
    assert isinstance(feature["properties"]["designations"], list)


def test_paging_walks_every_feature_once(client: TestClient) -> None:
    seen, url = [], "/api/v1/resources?district=도봉구&limit=20"
    while url:
        page = orjson.loads(client.get(url).content)
        seen += [f["id"] for f in page["features"]]
        url = next((link["href"] for link in page["links"] if link["rel"] == "next"), None)
    assert len(seen) == len(set(seen)) == page["numberMatched"] == 58


@pytest.mark.parametrize(
    ("params", "check"),
    [
        ({"district": "송파구"}, lambda p: p["district_ko"] == "송파구"),
        ({"district": "adm:11710"}, lambda p: p["district_ko"] == "송파구"),
        ({"district": "kostat:11240"}, lambda p: p["district_ko"] == "송파구"),
        ({"district": "Songpa-gu", "type": "협동조합"}, lambda p: p["type"] == "협동조합"),
        ({"designation": "사회적기업/인증"}, lambda p: any(d["subtype"] == "인증" for d in p["designations"])),
        ({"industry": "교육", "category": "교육·학원"}, lambda p: p["industry"] == "교육"),
        ({"status": "operating", "subtype": "사회적협동조합"}, lambda p: p["subtype"] == "사회적협동조합"),
        ({"q": "협동조합"}, lambda p: "협동조합" in (p["name"] + (p["description"] or "") + p["address_raw"])),
        ({"verified_since": "2013-01-01"}, lambda p: p["verified_at"] >= "2013-01-01"),
    ],
)
def test_filters_select_what_they_say(client: TestClient, params: dict, check) -> None:
    page = orjson.loads(client.get("/api/v1/organizations", params={**params, "limit": 1000}).content)
    assert page["numberReturned"] > 0
    assert all(check(f["properties"]) for f in page["features"])


def test_bbox_and_dong_filters(client: TestClient) -> None:
    bbox = "127.08,37.49,127.13,37.52"
    page = orjson.loads(client.get("/api/v1/organizations", params={"bbox": bbox, "limit": 1000}).content)
    assert page["numberMatched"] > 0
    for f in page["features"]:
        lon, lat = f["geometry"]["coordinates"]
        assert 127.08 <= lon <= 127.13 and 37.49 <= lat <= 37.52
    dong = page["features"][0]["properties"]["dong_code"]
    same_dong = orjson.loads(client.get("/api/v1/organizations", params={"dong": dong}).content)
    assert {f["properties"]["dong_code"] for f in same_dong["features"]} == {dong}


def test_one_feature_and_unknown_id(client: TestClient) -> None:
    first = orjson.loads(client.get("/api/v1/resources", params={"limit": 1}).content)["features"][0]
    again = client.get(f"/api/v1/resources/{first['id']}")
    assert again.status_code == 200 and orjson.loads(again.content) == first
    missing = client.get("/api/v1/resources/res-000000000000")
    assert missing.status_code == 404 and "no resource has the id" in missing.json()["detail"]


def test_tiles_decode_to_the_features_of_the_filter(client: TestClient) -> None:
    z, x, y = SONGPA_TILE.z, SONGPA_TILE.x, SONGPA_TILE.y
    params = {"type": "협동조합"}
    mvt = client.get(f"/tiles/organizations/{z}/{x}/{y}.mvt", params=params)
    assert mvt.headers["content-type"] == "application/vnd.mapbox-vector-tile"
    decoded = mapbox_vector_tile.decode(mvt.content)["organizations"]["features"]
    geojson = orjson.loads(client.get(f"/tiles/organizations/{z}/{x}/{y}.geojson", params=params).content)
    assert decoded and sorted(f["properties"]["id"] for f in decoded) == sorted(f["id"] for f in geojson["features"])
    assert {f["properties"]["type"] for f in decoded} == {"협동조합"}
    empty = client.get("/tiles/organizations/13/0/0.mvt")
    assert empty.status_code == 200 and empty.content == b""


def test_tilejson_carries_the_filter(client: TestClient) -> None:
    document = client.get("/tiles/resources.json", params={"category": "공간"}).json()
    assert document["tilejson"] == "3.0.0"
    assert document["tiles"][0].endswith("/tiles/resources/{z}/{x}/{y}.mvt?category=%EA%B3%B5%EA%B0%84")
    assert document["vector_layers"][0]["id"] == "resources"


def test_etag_gives_304(client: TestClient) -> None:
    first = client.get("/api/v1/export/resources.geojson", params={"district": "송파구"})
    assert first.headers["cache-control"] == "no-cache"  # revalidated: an edit is seen at once
    again = client.get(
        "/api/v1/export/resources.geojson",
        params={"district": "송파구"},
        headers={"If-None-Match": first.headers["etag"]},
    )
    assert again.status_code == 304 and again.content == b""


def test_exports_equal_the_filtered_features(client: TestClient) -> None:
    params = {"district": "송파구", "category": "공간"}
    listed = orjson.loads(client.get("/api/v1/resources", params={**params, "limit": 1000}).content)
    exported = client.get("/api/v1/export/resources.geojson", params=params)
    disposition = unquote(exported.headers["content-disposition"])
    assert "semap-resources-송파구-" in disposition and disposition.endswith(".geojson")
    body = orjson.loads(exported.content)
    assert set(body) == {"type", "features"}  # RFC 7946: no crs member, nothing else at the top
    assert body["features"] == listed["features"]
    for feature in body["features"]:
        lon, lat = feature["geometry"]["coordinates"]
        assert -180 <= lon <= 180 and -90 <= lat <= 90 and lon > lat  # longitude first

    table = client.get("/api/v1/export/resources.csv", params=params)
    assert table.content.startswith("\ufeff".encode())  # Korean Excel reads the BOM as UTF-8
    rows = list(csv.DictReader(io.StringIO(table.content.decode("utf-8-sig"))))
    assert [r["id"] for r in rows] == [f["id"] for f in listed["features"]]
    assert "contact" not in rows[0] and rows[0]["district_ko"] == "송파구"


@pytest.mark.parametrize(
    ("path", "params", "status", "says"),
    [
        ("/api/v1/organizations", {"district": "부산진구"}, 422, "no Seoul district"),
        ("/api/v1/organizations", {"district": "11110"}, 422, "adm:11110 or kostat:11110"),
        ("/api/v1/organizations", {"district": "fips:11110"}, 422, "code scheme"),
        ("/api/v1/organizations", {"dong": "x" * 300}, 422, "dong"),
        ("/api/v1/organizations", {"type": "주식회사"}, 422, "is not one of"),
        ("/api/v1/organizations", {"subtype": "a\tb"}, 422, "control characters"),
        ("/api/v1/organizations", {"designation": "우주/인증"}, 422, "is not one of"),
        ("/api/v1/organizations", {"industry": "IT"}, 422, "교육"),
        ("/api/v1/organizations", {"category": "공간"}, 422, "생활편의"),
        ("/api/v1/resources", {"category": "음식·카페"}, 422, "공간"),
        ("/api/v1/organizations", {"status": "dead"}, 422, "operating"),
        ("/api/v1/organizations", {"q": "\x01"}, 422, "control characters"),
        ("/api/v1/organizations", {"bbox": "127,37"}, 422, "four numbers"),
        ("/api/v1/organizations", {"bbox": "127.2,37.4,nan,37.7"}, 422, "finite"),
        ("/tiles/organizations/3/9/0.mvt", {}, 404, "no tile 3/9/0"),
        ("/api/v1/organizations", {"bbox": "200,37,201,38"}, 422, "longitudes"),
        ("/api/v1/organizations", {"bbox": "nan,37,127,38"}, 422, "finite"),
        ("/api/v1/organizations", {"verified_since": "yesterday"}, 422, "YYYY-MM-DD"),
        ("/api/v1/organizations", {"limit": 0}, 422, "limit"),
        ("/api/v1/organizations", {"limit": 1001}, 422, "1000"),
        ("/api/v1/organizations", {"offset": -1}, 422, "offset"),
        ("/api/v1/resources", {"industry": "교육"}, 422, "is not a filter of resources"),
        ("/tiles/organizations/23/0/0.mvt", {}, 422, "22"),
        ("/tiles/organizations/3/8/0.mvt", {}, 404, "run from 0 to 7"),
        ("/tiles/organizations/3/0/-1.mvt", {}, 422, "y"),
        ("/tiles/parks/3/0/0.mvt", {}, 404, "no such route"),
        ("/api/v1/export/resources.pdf", {}, 422, "geojson"),
        ("/api/v1/dongs", {"district": "없는구"}, 422, "no Seoul district"),
    ],
)
def test_bad_input_gets_a_4xx_that_says_what_is_allowed(client: TestClient, path, params, status, says) -> None:
    response = client.get(path, params=params)
    assert response.status_code == status, response.text
    assert says in response.text


@pytest.mark.postgis
def test_both_stores_give_identical_bodies(built_pair: dict[str, Store]) -> None:
    paths = [
        "/api/v1/districts",
        "/api/v1/dongs?district=종로구",
        "/api/v1/organizations?limit=200&offset=100",
        "/api/v1/organizations?district=마포구&industry=문화&limit=1000",
        "/api/v1/resources?q=공유&limit=1000",
        f"/tiles/resources/{SONGPA_TILE.z}/{SONGPA_TILE.x}/{SONGPA_TILE.y}.geojson",
        "/api/v1/export/organizations.csv?district=강남구",
        "/api/v1/export/resources.geojson?district=은평구",
        "/api/v1/stats/counts?by=designation",
        "/api/v1/stats/lq?format=csv",
    ]
    bodies = {}
    for backend, store in built_pair.items():
        with TestClient(create_app(store)) as c:
            bodies[backend] = {p: c.get(p).content for p in paths}
            tile = c.get(f"/tiles/organizations/{SONGPA_TILE.z}/{SONGPA_TILE.x}/{SONGPA_TILE.y}.mvt").content
            decoded = mapbox_vector_tile.decode(tile)["organizations"]["features"]
            bodies[backend]["mvt"] = sorted(
                (f["properties"]["id"], tuple(f["geometry"]["coordinates"])) for f in decoded
            )
    for path in [*paths, "mvt"]:
        assert bodies["duckdb"][path] == bodies["postgis"][path], path
