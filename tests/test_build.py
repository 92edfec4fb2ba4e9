"""`semap build` end to end on the demo registry, on both stores."""

from __future__ import annotations

import json

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from semap.geocode.address import normalize
from semap.geodata.districts import by_name
from semap.pipeline import records
from semap.pipeline.areas import assign_areas
from semap.pipeline.build import build
from semap.stats.counts import published_type_table
from semap.stats.queries import organizations_by_area
from semap.store import Store
from semap.store.base import DONG_OF
from tests.conftest import SHARED

FACTS = SHARED / "facts"


def test_counts_reproduce_the_published_table(built_store: Store) -> None:
    ours = published_type_table(organizations_by_area(built_store)).reset_index()
    published = pd.read_csv(FACTS / "district_type_counts_2013.csv")
    pd.testing.assert_frame_equal(ours, published, check_dtype=False)


def test_every_organization_at_its_building_in_the_district_its_address_names(built_store: Store) -> None:
    rows = built_store.fetch(
        "SELECT o.match_type, o.address_normalized, o.district_adm_code, o.in_seoul FROM organizations o"
    )
    assert len(rows) == 1871
    assert {r[0] for r in rows} == {"building"}
    for _, address, district, in_seoul in rows:
        parsed = normalize(address)
        if in_seoul:
            assert district == by_name(parsed.district).adm_code, address
        else:
            assert district is None and parsed.sido == "경기도"


def test_every_resource_with_an_address_lies_in_the_district_it_names(built_store: Store) -> None:
    rows = built_store.fetch(
        "SELECT address_normalized, district_adm_code, match_type, manual_override FROM resources "
        "WHERE address_normalized IS NOT NULL"
    )
    assert len(rows) == 554  # one facility has no address
    for address, district, match_type, manual in rows:
        assert district == by_name(normalize(address).district).adm_code, address
        assert match_type in ("building", "lot") and manual is False


def test_build_assigns_the_areas_the_stores_own_sql_assigns_to_an_edit(built_store: Store) -> None:
    """Two computations: the build's STRtree in Python, and the store's point-in-polygon SQL an edit runs."""
    for table in ("organizations", "resources"):
        rows = built_store.fetch(
            f"SELECT id, district_adm_code, dong_code, ({DONG_OF.format(column='district_adm_code', table=table)}), "
            f"({DONG_OF.format(column='kostat_code', table=table)}) FROM {table} WHERE geom IS NOT NULL"
        )
        assert sum(r[2] is not None for r in rows) > 100, table  # not vacuous: placed rows in dongs
        assert [r for r in rows if (r[1], r[2]) != (r[3], r[4])] == [], table


def test_area_of_a_point_on_a_shared_edge_is_the_lower_code_and_outside_is_none() -> None:
    dongs = gpd.GeoDataFrame(
        {"kostat_code": ["1101072", "1101071"], "district_adm_code": ["11110", "11140"]},
        geometry=[box(127.0, 37.5, 127.01, 37.51), box(127.01, 37.5, 127.02, 37.51)],
        crs="EPSG:4326",
    )
    frame = pd.DataFrame(
        {
            "id": ["inside", "edge", "outside", "unplaced"],
            "lon": [127.005, 127.01, 126.0, None],
            "lat": [37.505, 37.505, 37.505, None],
            "district_adm_code": [None] * 4,
            "dong_code": [None] * 4,
        }
    )
    placed = assign_areas(frame, dongs)
    assert placed["dong_code"].tolist()[:2] == ["1101072", "1101071"]  # the edge: the lower code
    assert placed["district_adm_code"].tolist()[:2] == ["11110", "11140"]
    assert placed[["dong_code", "district_adm_code"]].isna().all(axis=1).tolist() == [False, False, True, True]
    assert placed["id"].tolist() == frame["id"].tolist() and frame["dong_code"].isna().all()  # a new frame


def test_designations_overlap_and_types_follow_precedence(built_store: Store) -> None:
    rows = built_store.fetch("SELECT type, designations FROM organizations")
    multi = [(t, json.loads(d)) for t, d in rows if len(json.loads(d)) > 1]
    assert len(multi) > 100
    assert all(t == d[0]["type"] for t, d in multi)
    assert any({x["type"] for x in d} == {"사회적기업", "협동조합"} for _, d in multi)


def test_shared_resources_follow_the_survey(built_store: Store) -> None:
    survey = pd.read_csv(FACTS / "shared_resources_survey_2013.csv").set_index("district_ko")
    rows = built_store.fetch(
        "SELECT d.name_ko, r.category, r.owner_name, r.match_type FROM resources r "
        "JOIN districts d ON d.adm_code = r.district_written WHERE r.source NOT LIKE 'facilities%'"
    )
    frame = pd.DataFrame(rows, columns=["district", "category", "owner", "match_type"])
    assert len(frame) == 550
    counts = frame.pivot_table(index="district", columns="category", aggfunc="size", fill_value=0)
    for district, row in survey.iterrows():
        assert counts.loc[district, "공간"] == row["space"]
        assert counts.loc[district, "집기"] == row["equipment"]
        assert counts.loc[district].get("재능기부", 0) == row["talent_donation"]
        assert counts.loc[district].get("문제해결", 0) == row["problem_solving"]
        assert frame[frame["district"] == district]["owner"].nunique() == row["participating_orgs"]
    assert set(frame["match_type"]) == {"building"}


def test_rebuild_gives_the_same_store_and_keeps_pins(empty_store: Store, geodata_settings) -> None:
    build(empty_store, geodata_settings)
    snapshot = empty_store.fetch("SELECT *, ST_AsText(geom) FROM organizations ORDER BY id")
    org_id = snapshot[0][0]
    build(empty_store, geodata_settings)
    columns = "SELECT *, ST_AsText(geom) FROM organizations ORDER BY id"
    assert [r[:-2] + r[-1:] for r in empty_store.fetch(columns)] == [r[:-2] + r[-1:] for r in snapshot]

    with empty_store.overlay.transaction() as tx:
        tx.execute(
            "INSERT INTO manual_overrides (record_id, lon, lat, note, set_at) VALUES (:id, 126.98, 37.57, 'pin', 'x')",
            {"id": org_id},
        )
    build(empty_store, geodata_settings)
    pinned = empty_store.fetch(
        "SELECT match_type, geocoder, ST_X(geom), ST_Y(geom) FROM organizations WHERE id = :id", {"id": org_id}
    )[0]
    assert pinned == ("manual", "manual", pytest.approx(126.98), pytest.approx(37.57))


def test_a_failed_load_leaves_the_previous_data(
    empty_store: Store, geodata_settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(empty_store, geodata_settings)
    before = empty_store.fetch("SELECT id, district_adm_code FROM organizations ORDER BY id")
    # Break the last statement of the swap: the deletes and inserts before it must roll back.
    monkeypatch.setattr(records, "FLAG_MISMATCH", "UPDATE {table} SET no_such_column = 1")
    with pytest.raises(Exception):  # noqa: B017 - each backend raises its own SQL error
        build(empty_store, geodata_settings)
    assert empty_store.fetch("SELECT id, district_adm_code FROM organizations ORDER BY id") == before
    assert empty_store.fetch("SELECT count(*) FROM resources")[0][0] == 555


def test_build_writes_reports(built_settings, geodata_settings) -> None:
    rejects = pd.read_csv(geodata_settings.reports_dir / "rejects.csv", encoding="utf-8-sig")
    assert set(rejects["reason"]) >= {"not a data row: a total or note line"}
    assert (rejects["file"] == "social_enterprises_2013.xlsx").sum() == 2
    geocoding = pd.read_csv(geodata_settings.reports_dir / "geocoding.csv", encoding="utf-8-sig")
    assert set(geocoding["match_type"]) == {"lot", "district"}  # the facilities; every other record: building
    near = pd.read_csv(geodata_settings.reports_dir / "near_misses.csv", encoding="utf-8-sig")
    assert len(near) == 4 and (near["name_a"] == near["name_b"]).all()
