"""The store contract, run against both backends (DuckDB-spatial and PostGIS)."""

from __future__ import annotations

import orjson
import pytest
from shapely.geometry import Polygon

from semap.errors import StoreNotBuilt
from semap.features.layers import ORGANIZATIONS, RESOURCES
from semap.geodata.boundaries import Boundaries
from semap.pipeline.build import build
from semap.store import Store

CITY_HALL = (126.9779, 37.5663)  # 서울특별시청, 중구 태평로1가
LOTTE_WORLD_TOWER = (127.1025, 37.5126)  # 송파구 신천동
INCHEON_AIRPORT = (126.4407, 37.4602)  # outside Seoul


def test_districts_round_trip(built_store: Store) -> None:
    collection = orjson.loads(built_store.districts_geojson())
    assert collection["type"] == "FeatureCollection"
    features = collection["features"]
    assert len(features) == 25
    jongno = next(f for f in features if f["properties"]["adm_code"] == "11110")
    assert jongno["properties"] == {
        "adm_code": "11110",
        "kostat_code": "11010",
        "name_ko": "종로구",
        "name_en": "Jongno-gu",
    }
    assert jongno["geometry"]["type"] == "MultiPolygon"
    lon, lat = jongno["geometry"]["coordinates"][0][0][0]
    assert 126.9 < lon < 127.1 and 37.5 < lat < 37.7


def test_locate_points(built_store: Store) -> None:
    city_hall = built_store.locate(*CITY_HALL)
    assert city_hall is not None and city_hall[0] == "11140"  # 중구 in 행정표준코드
    tower = built_store.locate(*LOTTE_WORLD_TOWER)
    assert tower is not None and tower[0] == "11710"
    assert built_store.locate(*INCHEON_AIRPORT) is None


def test_dongs_filtered_by_district(built_store: Store) -> None:
    dongs = orjson.loads(built_store.dongs_geojson("11110"))["features"]
    assert {f["properties"]["district_adm_code"] for f in dongs} == {"11110"}
    assert "사직동" in {f["properties"]["name_ko"] for f in dongs}
    assert built_store.count("dongs") == 423


def test_spatial_indexes_exist(built_store: Store) -> None:
    if built_store.backend == "postgis":
        rows = built_store.fetch("SELECT tablename FROM pg_indexes WHERE indexdef ILIKE '%USING gist%'")
    else:
        rows = built_store.fetch("SELECT table_name FROM duckdb_indexes() WHERE sql ILIKE '%USING RTREE%'")
    assert {r[0] for r in rows} == {"districts", "dongs", "organizations", "resources", "address_points"}


def test_empty_store_says_build_first(empty_store: Store) -> None:
    with pytest.raises(StoreNotBuilt, match="semap build"):
        empty_store.districts_geojson()


def test_build_is_repeatable(empty_store: Store, geodata_settings) -> None:
    build(empty_store, geodata_settings)
    first = empty_store.districts_geojson()
    build(empty_store, geodata_settings)
    assert empty_store.districts_geojson() == first
    assert empty_store.count("districts") == 25


def test_failed_load_leaves_previous_data(empty_store: Store, geodata_settings, mirror) -> None:
    build(empty_store, geodata_settings)
    before = empty_store.districts_geojson()
    from semap.geodata.boundaries import read_boundaries
    from semap.pipeline.sources import BOUNDARIES_SOURCE, manifest

    source = manifest(geodata_settings)[BOUNDARIES_SOURCE]
    good = read_boundaries(mirror / source.dir, source)
    # A duplicate district code fails the insert halfway through the swap.
    broken_districts = good.districts.copy()
    broken_districts.loc[3, "adm_code"] = broken_districts.loc[2, "adm_code"]
    broken_districts.loc[0, "geometry"] = Polygon([(0, 0), (1, 0), (1, 1)])
    broken = Boundaries(districts=broken_districts, dongs=good.dongs, vintage="broken")
    with pytest.raises(Exception), empty_store.staging() as target:  # noqa: B017 - each backend its own error
        target.replace_boundaries(broken)
    assert empty_store.districts_geojson() == before
    assert empty_store.count("dongs") == 423
    assert empty_store.meta()["boundaries_vintage"] == "2013"


def test_both_backends_have_the_declared_record_columns(empty_store: Store, geodata_settings) -> None:
    """The PostGIS migrations, the DuckDB schema and the embedded overlay all match semap.store.schema."""
    from semap.store.schema import LIVING_TABLES, OVERLAY_TABLES, RELEASE_TABLES, TABLES

    with empty_store.staging() as target:  # a data file's schema exists once a build has begun
        for table, (columns, _key, has_point) in TABLES.items():
            if table in OVERLAY_TABLES + LIVING_TABLES + RELEASE_TABLES and empty_store.backend == "duckdb":
                rows = empty_store.overlay.fetch("SELECT name FROM pragma_table_info(:table)", {"table": table})
            else:
                rows = target.fetch(
                    "SELECT column_name FROM information_schema.columns WHERE table_name = :table", {"table": table}
                )
            expected = {name for name, _ in columns} | ({"geom"} if has_point else set())
            assert {r[0] for r in rows} == expected, table


def test_the_head_revision_a_server_checks_is_alembics_head() -> None:
    """A server on an up-to-date PostGIS skips Alembic by comparing one value; it must be the newest migration."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from semap.store.postgis_store import HEAD_REVISION, MIGRATIONS

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert ScriptDirectory.from_config(config).get_current_head() == HEAD_REVISION


@pytest.mark.postgis
def test_an_older_postgis_schema_is_still_migrated(postgis_database_factory) -> None:
    """The shortcut only skips a database already at the head: one a release behind is upgraded."""
    from alembic import command
    from alembic.config import Config

    from semap.store.postgis_store import HEAD_REVISION, MIGRATIONS, PostGISStore

    store = PostGISStore(postgis_database_factory())
    try:
        store.migrate()
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        with store.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0003")
        assert store.fetch("SELECT to_regclass('record_edits') IS NULL")[0][0]
        store.migrate()
        assert store.fetch("SELECT version_num FROM alembic_version")[0][0] == HEAD_REVISION
        assert store.fetch("SELECT count(*) FROM record_edits")[0][0] == 0  # the newest release's table is back
    finally:
        store.close()


@pytest.mark.postgis
@pytest.mark.parametrize("layer", [ORGANIZATIONS, RESOURCES])
def test_a_district_list_and_its_count_read_the_public_records_index(built_pair: dict[str, Store], layer) -> None:
    """The planner uses the partial index only while the filter's public-record condition implies its predicate:
    with sequential scans priced out, the count and the page of a district are answered from that index."""
    from sqlalchemy import text

    from semap.features.filters import FeatureFilter, where_clause
    from semap.features.queries import PAGE_TAIL, count_sql, features_sql

    store = built_pair["postgis"]
    where, params = where_clause(FeatureFilter.of(district="서초구"), layer, store.dialect.envelope)
    with store.engine.connect() as connection:  # type: ignore[attr-defined]
        # On the demo's few rows the plain district index is as cheap: set aside in this (rolled back) transaction.
        connection.execute(text(f"DROP INDEX {layer.table}_district"))
        connection.execute(text("SET LOCAL enable_seqscan = off"))
        for sql, values in (
            (count_sql(layer, where), params),
            (features_sql(layer, where, PAGE_TAIL), {**params, "limit": 100, "offset": 0}),
        ):
            plan = "\n".join(r[0] for r in connection.execute(text(f"EXPLAIN {sql}"), values))
            assert f"{layer.table}_live_district" in plan, plan
        connection.rollback()
