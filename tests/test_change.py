"""Change between releases: the flows by hand on small snapshots, then two builds on both stores — the demo
(2013) and a SYNTHETIC changed copy of it (2014: known additions, removals and a move, semap.demo.release) —
through the tables, the API and the command line; and upgrades that keep everything."""

from __future__ import annotations

import io
import os
import sqlite3
from pathlib import Path

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from semap.api.app import create_app
from semap.demo.release import write_changed_demo
from semap.pipeline.build import build
from semap.settings import GeodataSettings
from semap.stats import change
from semap.stats.change_tables import change_records, change_table
from semap.stats.frames import frame_from_text, frame_to_text
from semap.stats.kinds import ChangeBy
from semap.store.overlay import MIGRATIONS, SQLiteOverlay
from tests.conftest import BACKENDS
from tests.living import writable_store
from tests.test_cli import semap


def _snapshot(*rows: tuple[str, str, str, str, str | None, str]) -> pd.DataFrame:
    """(id, name, district, type, business number, industry) per organization, as a release keeps them."""
    frame = pd.DataFrame(rows, columns=["record_id", "name", "district_ko", "type", "business_number", "industry"])
    frame["name_key"] = frame["name"]
    frame["district_adm_code"] = "x"
    return frame


BEFORE = _snapshot(
    ("a", "가람", "강남구", "협동조합", "111", "교육"),  # stays
    ("b", "나래", "강남구", "협동조합", "222", "교육"),  # exits
    ("c", "다솜", "강남구", "협동조합", "333", "복지"),  # moves to 마포구 with a new id, same business number
    ("d", "라온", "마포구", "마을기업", None, "복지"),  # moves to 강남구 with a new id, no number: by its name
    ("e", "마루", "마포구", "협동조합", None, "교육"),  # stays
    ("f", "바다", "마포구", "협동조합", None, "교육"),  # two organizations named 바다 exit and one enters: the name
    ("g", "바다", "강남구", "협동조합", None, "교육"),  # is not unique, so no move is made up
    ("h", "사랑", "마포구", "마을기업", "444", "교육"),  # becomes a social enterprise in the same district
)
AFTER = _snapshot(
    ("a", "가람", "강남구", "협동조합", "111", "교육"),
    ("c2", "다솜", "마포구", "협동조합", "333", "복지"),
    ("d2", "라온", "강남구", "마을기업", None, "복지"),
    ("e", "마루", "마포구", "협동조합", None, "교육"),
    ("f2", "바다", "마포구", "협동조합", None, "교육"),
    ("h", "사랑", "마포구", "사회적기업", "444", "교육"),
    ("i", "새봄", "성동구", "협동조합", "555", "환경"),  # enters
)


def test_flows_by_hand_entries_exits_moves_and_reclassifications_kept_apart() -> None:
    flows = change.record_flows(BEFORE, AFTER, "type")
    plain = flows.astype(object).where(flows.notna(), None)
    found = {(r.flow, r.record_id_from, r.record_id_to, r.matched_by) for r in plain.itertuples()}
    assert found == {
        ("stayed", "a", "a", "id"),
        ("stayed", "e", "e", "id"),
        ("exited", "b", None, ""),
        ("moved", "c", "c2", "business number"),
        ("moved", "d", "d2", "name"),
        ("exited", "f", None, ""),
        ("exited", "g", None, ""),
        ("entered", None, "f2", ""),
        ("reclassified", "h", "h", "id"),
        ("entered", None, "i", ""),
    }
    table = change.district_change(flows, ["강남구", "마포구", "성동구", "종로구"])
    assert table.loc["강남구"].to_dict() == {
        "count_from": 4,
        "entered": 0,
        "exited": 2,
        "moved_in": 1,
        "moved_out": 1,
        "count_to": 2,
        "change": -2,
    }
    assert table.loc["마포구"].to_dict() == {
        "count_from": 4,
        "entered": 1,
        "exited": 1,
        "moved_in": 1,
        "moved_out": 1,
        "count_to": 4,
        "change": 0,
    }
    assert table.loc["종로구"].sum() == 0  # every district is listed, zeros included
    by_type = change.district_change(flows, ["강남구", "마포구", "성동구"], "type")
    assert by_type.loc[
        ("마포구", "마을기업"), ["count_from", "moved_out", "reclassified_out", "count_to"]
    ].tolist() == [
        2,
        1,
        1,
        0,
    ]
    assert by_type.loc[("마포구", "사회적기업"), ["reclassified_in", "count_to"]].tolist() == [1, 1]
    for frame in (table, by_type):
        flows_sum = frame["count_from"] + frame["entered"] - frame["exited"] + frame["moved_in"] - frame["moved_out"]
        if "reclassified_in" in frame:
            flows_sum += frame["reclassified_in"] - frame["reclassified_out"]
        assert (flows_sum == frame["count_to"]).all()


# --- two builds of the demo on both stores ------------------------------------------------------------------
@pytest.fixture(params=BACKENDS)
def two_releases(request: pytest.FixtureRequest, tmp_path: Path, mirror: Path):
    """A store built from the demo (2013-12-31), then from a synthetic changed copy (2014-12-31)."""
    changes = write_changed_demo(tmp_path / "registry-2014", "2014-12-31")
    with writable_store(request.param, request, tmp_path) as (store, settings):
        before = dict(store.fetch("SELECT business_number, id FROM organizations WHERE business_number IS NOT NULL"))
        districts = dict(
            store.fetch(
                "SELECT o.id, d.name_ko FROM organizations o JOIN districts d ON d.adm_code = o.district_adm_code"
            )
        )
        geodata = GeodataSettings(
            geodata_mirror=mirror, data_dir=tmp_path / "data", registries=tmp_path / "registry-2014" / "registries.toml"
        )
        build(store, geodata)
        yield store, settings, changes, before, districts


def _district_of(store, business_number: str) -> str:
    return store.fetch(
        "SELECT d.name_ko FROM organizations o JOIN districts d ON d.adm_code = o.district_adm_code "
        "WHERE o.business_number = :n",
        {"n": business_number},
    )[0][0]


def test_change_between_two_builds_of_the_changed_demo(two_releases) -> None:
    store, _, changes, before, districts = two_releases
    table = change_table(store, "2013-12-31", "2014-12-31", ChangeBy.all).set_index("district_ko")
    removed = [c for c in changes if c.kind == "removed"]
    added = [c for c in changes if c.kind == "added"]
    (moved,) = [c for c in changes if c.kind == "moved"]
    assert (len(removed), len(added)) == (2, 3)
    assert table[["entered", "exited", "moved_in", "moved_out"]].sum().tolist() == [3, 2, 1, 1]
    assert table["count_from"].sum() == 1871 and table["count_to"].sum() == 1872
    expected_exits = pd.Series([districts[before[c.business_number]] for c in removed]).value_counts()
    assert table["exited"][table["exited"] > 0].sort_index().to_dict() == expected_exits.sort_index().to_dict()
    expected_entries = pd.Series([_district_of(store, c.business_number) for c in added]).value_counts()
    assert table["entered"][table["entered"] > 0].sort_index().to_dict() == expected_entries.sort_index().to_dict()
    left, arrived = districts[before[moved.business_number]], _district_of(store, moved.business_number)
    assert left != arrived
    assert table.loc[left, "moved_out"] == 1 and table.loc[arrived, "moved_in"] == 1
    assert (table["count_from"] + table["entered"] - table["exited"] + table["moved_in"] - table["moved_out"]).equals(
        table["count_to"]
    )
    assert len(table) == 26 and set(table["boundaries"]) == {"KOSTAT census boundaries 2013"}  # 25 + 경기도

    records = change_records(store, "2013-12-31", "2014-12-31", ChangeBy.all)
    assert records["flow"].value_counts().to_dict() == {"stayed": 1868, "entered": 3, "exited": 2, "moved": 1}
    mover = records[records["flow"] == "moved"].iloc[0]
    assert (mover["matched_by"], mover["district_from"], mover["district_to"]) == ("business number", left, arrived)
    assert (mover["first_seen"], mover["last_seen"]) == ("2013-12-31", "2014-12-31")
    stayed = records[records["flow"] == "stayed"]
    assert set(stayed["first_seen"]) == {"2013-12-31"} and set(stayed["last_seen"]) == {"2014-12-31"}
    assert set(records[records["flow"] == "exited"]["last_seen"]) == {"2013-12-31"}

    by_industry = change_table(store, "2013-12-31", "2014-12-31", ChangeBy.industry)
    assert by_industry[["entered", "exited", "moved_in"]].sum().tolist() == [3, 2, 1]
    for kept in (table.reset_index(), records, by_industry):  # kept in the store as text, read back exactly
        pd.testing.assert_frame_equal(frame_from_text(frame_to_text(kept)), kept, check_exact=True)
    row = by_industry[(by_industry["district_ko"] == "강남구") & (by_industry["industry"] == "교육")].iloc[0]
    assert row["ci_low_from"] <= row["lq_from"] <= row["ci_high_from"] and row["q_value_to"] <= 1


def test_change_over_http_and_the_command_line(two_releases) -> None:
    store, settings, _, _, _ = two_releases
    client = TestClient(create_app(store))
    assert [r["as_of"] for r in client.get("/api/v1/stats/releases").json()] == ["2013-12-31", "2014-12-31"]
    rows = client.get("/api/v1/stats/change").json()  # the two newest by default
    assert sum(r["moved_in"] for r in rows) == 1 and rows[0]["as_of_from"] == "2013-12-31"
    csv = client.get("/api/v1/stats/change", params={"from": "2013-12-31", "to": "2014-12-31", "format": "csv"})
    assert pd.read_csv(io.BytesIO(csv.content), encoding="utf-8-sig")["entered"].sum() == 3
    records = client.get("/api/v1/stats/change/records", params={"by": "industry"}).json()
    assert {r["flow"] for r in records} == {"stayed", "entered", "exited", "moved"}
    unknown = client.get("/api/v1/stats/change", params={"from": "2012-01-01"})
    assert unknown.status_code == 404 and "2013-12-31, 2014-12-31" in unknown.json()["detail"]
    same = client.get("/api/v1/stats/change", params={"from": "2014-12-31", "to": "2014-12-31"})
    assert same.status_code == 404 and "no change to compute" in same.json()["detail"]
    assert client.get("/api/v1/stats/change", params={"from": "last year"}).status_code == 422

    env = {k: v for k, v in os.environ.items() if not k.startswith("SEMAP_")} | {
        "SEMAP_DATA_DIR": str(settings.data_dir)
    }
    if settings.database_url:
        env["SEMAP_DATABASE_URL"] = settings.database_url
    done = semap("stats", "change", "--from", "2013-12-31", "--to", "2014-12-31", env=env)
    assert pd.read_csv(io.BytesIO(done.stdout), encoding="utf-8-sig")["exited"].sum() == 2
    assert "on the KOSTAT census boundaries 2013" in done.stderr.decode()


def test_releases_on_other_boundaries_are_not_compared(two_releases) -> None:
    store, _, _, _, _ = two_releases
    with store.overlay.transaction() as tx:
        tx.execute("UPDATE releases SET boundaries_vintage = '2025' WHERE as_of = '2014-12-31'")
    client = TestClient(create_app(store))
    answer = client.get("/api/v1/stats/change", params={"from": "2013-12-31", "to": "2014-12-31"})
    assert answer.status_code == 409 and "one boundary vintage" in answer.json()["detail"]


@pytest.mark.parametrize("backend", BACKENDS)
def test_one_release_is_not_a_change(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    with writable_store(backend, request, tmp_path) as (store, _):
        answer = TestClient(create_app(store)).get("/api/v1/stats/change")
        assert answer.status_code == 404 and "remembers 2013-12-31" in answer.json()["detail"]


def test_an_overlay_of_the_previous_release_gains_the_release_tables_and_keeps_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "semap.duckdb.overlay.sqlite"
    con = sqlite3.connect(path)
    for version in MIGRATIONS[:3]:
        for statement in version:
            con.execute(statement)
    con.execute("INSERT INTO manual_overrides VALUES ('pinned', 127.1, 37.5, 'by hand', '2024-01-01')")
    con.execute("INSERT INTO derived_tables VALUES ('lq_table/industry/dong', 'v1', '{}', '2024-01-01')")
    con.execute("PRAGMA user_version=3")
    con.commit()
    con.close()
    overlay = SQLiteOverlay(path)
    try:
        assert overlay.migrate() == 3
        assert overlay.fetch("SELECT note FROM manual_overrides") == [("by hand",)]
        assert overlay.fetch("SELECT name FROM derived_tables") == [("lq_table/industry/dong",)]
        assert overlay.fetch("SELECT count(*) FROM releases") == [(0,)]
        assert overlay.fetch("PRAGMA user_version") == [(len(MIGRATIONS),)] == [(4,)]
    finally:
        overlay.close()


@pytest.mark.postgis
def test_a_postgis_database_of_the_previous_release_gains_the_release_tables(postgis_database_factory) -> None:
    from alembic import command
    from alembic.config import Config

    from semap.store.postgis_store import MIGRATIONS as SCRIPTS
    from semap.store.postgis_store import PostGISStore

    store = PostGISStore(postgis_database_factory())
    try:
        store.migrate()
        config = Config()
        config.set_main_option("script_location", str(SCRIPTS))
        with store.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0006")
        with store.transaction() as tx:
            tx.execute("INSERT INTO derived_tables VALUES ('counts', 'v1', '{}', '2024-01-01')")
        assert store.fetch("SELECT to_regclass('releases') IS NULL")[0][0]
        store.migrate()
        assert store.fetch("SELECT count(*) FROM releases")[0][0] == 0
        assert store.fetch("SELECT name FROM derived_tables") == [("counts",)]
    finally:
        store.close()
