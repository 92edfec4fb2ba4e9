"""Edits are an overlay over the registry: they survive rebuilds; a registry change to an edited field is a
conflict listed for the coordinator; a record gone from the registry is flagged, never silently dropped; every
change is in the history (both stores, with `semap build`'s own code on a changed registry)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from semap.curation import edits, events, review
from semap.curation.access import owner, site_secret
from semap.curation.policy import Actor
from semap.pipeline.build import build
from semap.settings import PACKAGE_DATA_DIR, GeodataSettings
from tests.conftest import BACKENDS
from tests.living import owner_link, writable_store

SONGPA = Actor("coordinator", "songpa@example.org", frozenset({"11710"}))


def _registry_copy(folder: Path) -> tuple[Path, pd.DataFrame]:
    shutil.copytree(PACKAGE_DATA_DIR / "demo", folder)
    coops = pd.read_csv(folder / "registries" / "cooperatives_2013.csv", encoding="cp949", dtype=str)
    return folder / "registries.toml", coops


def _value(store, layer: str, record_id: str, column: str):
    rows = store.fetch(f"SELECT {column} FROM {layer} WHERE id = :id", {"id": record_id})
    return rows[0][0] if rows else "<gone>"


@pytest.mark.parametrize("backend", BACKENDS)
def test_edits_survive_rebuilds_and_conflicts_and_disappearances_are_listed(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path, mirror: Path
) -> None:
    manifest, coops = _registry_copy(tmp_path / "registry")
    with writable_store(backend, request, tmp_path) as (store, _):
        songpa = store.fetch(
            "SELECT id, name, description FROM organizations WHERE district_adm_code = '11710' "
            "AND source LIKE '%cooperatives_2013%' ORDER BY id"
        )
        kept, conflicted, vanishing = songpa[0], songpa[1], songpa[2]
        resource = store.fetch("SELECT id, fee FROM resources WHERE district_adm_code = '11710' ORDER BY id")[0]
        owner_actor = owner(store.overlay, owner_link(store, kept[0]), site_secret(store.overlay, None))

        # 1. an owner's edit applied at once; a moderated one waits, is approved
        result = edits.change(
            store,
            owner_actor,
            "organizations",
            kept[0],
            {"website": "https://coop.example.org", "name": kept[1] + " (새 이름)"},
        )
        assert [e.field for e in result.applied] == ["website"] and [e.field for e in result.proposed] == ["name"]
        assert _value(store, "organizations", kept[0], "name") == kept[1]  # not before review
        review.approve(store, SONGPA, result.proposed[0].id)
        # 2. coordinator edits: one the registry will contradict, one on a record the registry will drop
        edits.change(store, SONGPA, "organizations", conflicted[0], {"description": "구청이 고친 설명"})
        edits.change(store, SONGPA, "organizations", vanishing[0], {"opening_hours": "평일 10-17"})
        edits.change(store, SONGPA, "resources", resource[0], {"fee": "무료 (구청 확인)"})
        # 3. a resource made in SeMap, and a change reverted
        created = edits.create_resource(
            store,
            SONGPA,
            "11710",
            {
                "name": "마을 공유부엌",
                "category": "공간",
                "address_raw": "서울특별시 송파구 올림픽로 300",
                "fee": "무료",
            },
        )
        reverted = edits.change(store, SONGPA, "resources", resource[0], {"availability": "주말"}).applied[0]
        review.revert(store, SONGPA, reverted.id)
        operations_before_rebuild = store.overlay.fetch("SELECT count(*) FROM change_events")[0][0]

        # The registry changes: the conflicted record's description, the vanishing record removed.
        names = coops.columns
        name_col, desc_col = names[1], names[6]
        coops.loc[coops[name_col] == conflicted[1], desc_col] = "등록부의 새 설명"
        coops = coops[coops[name_col] != vanishing[1]]
        coops.to_csv(manifest.parent / "registries" / "cooperatives_2013.csv", index=False, encoding="cp949")
        build(store, GeodataSettings(geodata_mirror=mirror, data_dir=tmp_path / "data", registries=manifest))

        assert _value(store, "organizations", kept[0], "website") == "https://coop.example.org"
        assert _value(store, "organizations", kept[0], "name") == kept[1] + " (새 이름)"
        assert _value(store, "organizations", conflicted[0], "description") == "구청이 고친 설명"  # the edit stays
        assert _value(store, "resources", resource[0], "fee") == "무료 (구청 확인)"
        assert _value(store, "resources", created, "name") == "마을 공유부엌"
        assert _value(store, "resources", created, "district_adm_code") == "11710"
        assert _value(store, "resources", resource[0], "availability") != "주말"  # the revert holds too
        assert _value(store, "organizations", vanishing[0], "id") == "<gone>"
        found = {(c.record_id, c.field, c.kind, c.registry_value) for c in review.conflicts(store, ["11710"])}
        assert found == {
            (conflicted[0], "description", "conflict", "등록부의 새 설명"),
            (vanishing[0], "*", "disappeared", None),
        }
        # The rebuild wrote no event of its own and lost none.
        assert store.overlay.fetch("SELECT count(*) FROM change_events")[0][0] == operations_before_rebuild
        history = events.history(store.overlay, "organizations", kept[0])
        assert [(e.kind, e.field) for e in history] == [
            ("invite", None),
            ("edit", "website"),
            ("propose", "name"),
            ("approve", "name"),
            ("edit", "name"),
        ]

        # The coordinator settles the conflict by taking the registry's value: edit gone, value from registry.
        review.settle(store, SONGPA, "organizations", conflicted[0], "description", keep_edit=False)
        assert _value(store, "organizations", conflicted[0], "description") == "등록부의 새 설명"
        build(store, GeodataSettings(geodata_mirror=mirror, data_dir=tmp_path / "data", registries=manifest))
        assert _value(store, "organizations", conflicted[0], "description") == "등록부의 새 설명"
        assert {c.record_id for c in review.conflicts(store, ["11710"])} == {vanishing[0]}


@pytest.mark.parametrize("backend", BACKENDS)
def test_change_events_are_append_only_in_the_store_itself(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    with writable_store(backend, request, tmp_path) as (store, _):
        org = store.fetch("SELECT id FROM organizations WHERE district_adm_code = '11710' ORDER BY id")[0][0]
        edits.change(store, SONGPA, "organizations", org, {"description": "한 번"})
        for statement in ("UPDATE change_events SET after = 'x'", "DELETE FROM change_events"):
            with pytest.raises(Exception, match="append-only"), store.overlay.transaction() as tx:
                tx.execute(statement)
        assert store.overlay.fetch("SELECT after FROM change_events WHERE kind = 'edit'") == [("한 번",)]


@pytest.mark.parametrize("backend", BACKENDS)
def test_an_address_edit_is_placed_again_through_the_geocoder_chain(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    with writable_store(backend, request, tmp_path) as (store, _):
        org = store.fetch("SELECT id FROM organizations WHERE district_adm_code = '11710' ORDER BY id")[0][0]
        applied = edits.change(store, SONGPA, "organizations", org, {"address_raw": "서울특별시 송파구 올림픽로 300"})
        fields = {e.field: e.after for e in applied.applied}
        assert set(fields) == {"address_raw", "location", "address_normalized"}
        lon, lat, geocoder, district = store.fetch(
            "SELECT ST_X(geom), ST_Y(geom), geocoder, district_adm_code FROM organizations WHERE id = :id", {"id": org}
        )[0]
        assert geocoder != "manual" and district == "11710"
        assert store.locate(lon, lat)[0] == "11710"
        # A coordinator cannot move a record into another district.
        with pytest.raises(Exception, match="does not manage"):
            edits.change(store, SONGPA, "organizations", org, {"address_raw": "서울특별시 은평구 통일로 684"})
