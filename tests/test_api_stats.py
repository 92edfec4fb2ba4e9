"""Statistics over HTTP: the same tables as the CLI, as JSON, CSV downloads and district GeoJSON."""

from __future__ import annotations

import io
from urllib.parse import unquote

import orjson
import pandas as pd
import pytest
from fastapi.testclient import TestClient

from semap.api.app import create_app
from semap.stats.tables import CountBy, Level, counts_table
from semap.store import Store


@pytest.fixture(scope="module")
def client(built_store: Store):
    with TestClient(create_app(built_store)) as c:
        yield c


def test_counts_json_equals_the_table(client: TestClient, built_store: Store) -> None:
    rows = client.get("/api/v1/stats/counts").json()
    expected = counts_table(built_store, CountBy.type, Level.district).reset_index().to_dict(orient="records")
    assert rows == expected
    assert rows[-1] == {
        "district_ko": "경기도",
        "se_certified": 0,
        "se_preliminary_seoul": 1,
        "se_preliminary_regional": 0,
        "se_total": 1,
        "village_enterprise": 0,
        "cooperative": 0,
        "self_sufficiency": 0,
        "total": 1,
    }


def test_lq_csv_download(client: TestClient) -> None:
    response = client.get("/api/v1/stats/lq", params={"format": "csv"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    disposition = unquote(response.headers["content-disposition"])
    assert "semap-lq-industry-district-" in disposition and disposition.endswith(".csv")
    assert response.content.startswith("\ufeff".encode())
    table = pd.read_csv(io.BytesIO(response.content), encoding="utf-8-sig")
    assert len(table) == 250 and {"lq", "ci_low", "ci_high", "p_value", "q_value", "z", "suppression"} <= set(table)


def test_lq_geojson_for_one_industry(client: TestClient) -> None:
    body = orjson.loads(client.get("/api/v1/stats/lq.geojson", params={"value": "교육"}).content)
    assert len(body["features"]) == 25
    properties = body["features"][0]["properties"]
    assert {"adm_code", "name_ko", "lq", "ci_low", "q_value", "n_ij"} <= set(properties)


def test_counts_geojson(client: TestClient) -> None:
    body = orjson.loads(client.get("/api/v1/stats/counts.geojson").content)
    gangnam = next(f for f in body["features"] if f["properties"]["name_ko"] == "강남구")
    assert gangnam["properties"]["total"] == 141
    # The classes the choropleth draws (synthetic demo): round limits, every district counted once.
    classes = body["classes"]
    assert classes["property"] == "total"
    limits = [(c["lower"], c["upper"]) for c in classes["limits"]]
    assert limits == [(25, 50), (51, 75), (76, 100), (101, 125), (126, 145)]
    assert sum(c["count"] for c in classes["limits"]) == len(body["features"]) == 25


def test_lq_geojson_classes_keep_the_meaningful_limits(client: TestClient) -> None:
    body = orjson.loads(client.get("/api/v1/stats/lq.geojson", params={"value": "교육"}).content)
    limits = body["classes"]["limits"]
    assert [c["upper"] for c in limits] == [0.5, 0.8, 1.25, 2, None]
    assert sum(c["count"] for c in limits) == sum(f["properties"]["lq"] is not None for f in body["features"])


@pytest.mark.parametrize(
    ("path", "params", "status", "fragment"),
    [
        ("/api/v1/stats/lq.geojson", {"value": "우주산업"}, 404, "the table has: 교육"),
        ("/api/v1/stats/lq.geojson", {"value": "교육", "by": "type"}, 404, "no LQ row for '교육' by type"),
        ("/api/v1/stats/lq.geojson", {}, 422, "value"),
        ("/api/v1/stats/counts", {"by": "colour"}, 422, "by"),
        ("/api/v1/stats/counts", {"level": "city"}, 422, "level"),
        ("/api/v1/stats/lq", {"format": "pdf"}, 422, "format"),
    ],
)
def test_bad_parameters_say_what_is_allowed(client: TestClient, path, params, status, fragment) -> None:
    response = client.get(path, params=params)
    assert response.status_code == status
    assert fragment in response.text
