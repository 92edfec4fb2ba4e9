"""Who can do what, enforced on the server: every mutating route, tried by every role against a foreign record,
is refused with 403 and changes nothing (both stores)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from semap.api.app import create_app
from semap.curation import edits
from semap.curation.access import grants, owner, site_secret
from semap.curation.policy import Actor
from semap.store import Store
from tests.conftest import BACKENDS
from tests.living import add_coordinator, owner_link, record_in, signed_in, writable_store


def _state(store: Store, ids: list[str]) -> tuple:
    """Everything a refused request could have changed."""
    params = {f"i{n}": v for n, v in enumerate(ids)}
    where = f"id IN ({', '.join(':' + k for k in params)})"
    return (
        store.fetch(f"SELECT * EXCLUDE (geom) FROM organizations WHERE {where} ORDER BY id", params)
        if store.backend == "duckdb"
        else store.fetch(f"SELECT to_jsonb(o) - 'geom' FROM organizations o WHERE {where} ORDER BY id", params),
        store.fetch(f"SELECT id, name, fee, status, description FROM resources WHERE {where} ORDER BY id", params),
        store.overlay.fetch("SELECT count(*) FROM change_events"),
        store.overlay.fetch("SELECT layer, record_id, field, value FROM record_edits ORDER BY 1, 2, 3"),
        store.overlay.fetch("SELECT id, revoked_at FROM access_grants ORDER BY id"),
        store.overlay.fetch("SELECT email, role, districts, active FROM accounts ORDER BY email"),
        store.data_version(),
    )


@pytest.mark.parametrize("backend", BACKENDS)
def test_every_mutating_route_refuses_every_role_on_a_foreign_record(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    with writable_store(backend, request, tmp_path) as (store, _):
        add_coordinator(store, "songpa@example.org", "송파구")
        own_org = record_in(store, "organizations", "송파구")
        other_org_same_district = record_in(store, "organizations", "송파구", offset=1)
        foreign_org = record_in(store, "organizations", "은평구")
        foreign_resource = record_in(store, "resources", "은평구")
        # Open items on the foreign records, made by the people allowed to make them.
        eunpyeong = Actor("coordinator", "ep@example.org", frozenset({"11380"}))
        foreign_link = owner_link(store, foreign_org)
        foreign_owner = owner(store.overlay, foreign_link, site_secret(store.overlay, None))
        proposal = edits.change(store, foreign_owner, "organizations", foreign_org, {"name": "바뀐 이름"}).proposed[0]
        report = edits.report_problem(store, "organizations", foreign_org, "전화번호가 틀립니다", "client:test")
        change = edits.change(store, eunpyeong, "organizations", foreign_org, {"description": "설명"}).applied[0]
        grant = next(g for g in grants(store.overlay) if g.org_id == foreign_org)

        routes = [
            (f"/coordinator/records/organizations/{foreign_org}", {"description": "x", "name": "x"}),
            (f"/coordinator/records/resources/{foreign_resource}", {"fee": "x"}),
            (f"/coordinator/records/organizations/{foreign_org}/archive", {}),
            ("/coordinator/districts/은평구/resources", {"name": "x", "address_raw": "서울특별시 은평구 통일로 684"}),
            ("/coordinator/invite", {"org_id": foreign_org}),
            (f"/coordinator/grants/{grant.id}/revoke", {}),
            (f"/coordinator/events/{proposal.id}/approve", {}),
            (f"/coordinator/events/{proposal.id}/reject", {}),
            (f"/coordinator/events/{report.id}/resolve", {}),
            (f"/coordinator/events/{change.id}/revert", {}),
            (f"/coordinator/conflicts/organizations/{foreign_org}/description", {"keep": "registry"}),
            ("/admin/accounts", {"email": "x@example.org", "role": "admin", "password": "x" * 16}),
            ("/admin/accounts/deactivate", {"email": "songpa@example.org"}),
        ]
        own_token = owner_link(store, own_org)
        owner_routes = [
            (f"/edit/{own_token}/resources/{foreign_resource}", {"fee": "x"}),
            (f"/edit/{foreign_link}x", {"description": "x"}),  # a tampered link
        ]
        coordinator, csrf = signed_in(store, "songpa@example.org")
        anonymous = TestClient(create_app(store))
        before = _state(store, [foreign_org, foreign_resource, other_org_same_district])
        refused = []
        for who, client, extra in (("public", anonymous, {}), ("coordinator", coordinator, {"csrf": csrf})):
            for path, form in routes:
                answer = client.post(path, data={**form, **extra}, follow_redirects=False)
                refused.append((who, path, answer.status_code))
        for path, form in owner_routes + [(p, f) for p, f in routes]:
            answer = anonymous.post(path, data=form, follow_redirects=False)  # an owner has a link, no session
            refused.append(("owner", path, answer.status_code))
        history = anonymous.get(f"/api/v1/organizations/{foreign_org}/history")
        refused.append(("public", "history", history.status_code))
        refused.append(
            ("coordinator", "history", coordinator.get(f"/api/v1/organizations/{foreign_org}/history").status_code)
        )
        assert [r for r in refused if r[2] != 403] == []
        assert _state(store, [foreign_org, foreign_resource, other_org_same_district]) == before
        # An owner cannot touch another organization of the same district either.
        with pytest.raises(Exception, match="may not change"):
            own = owner(store.overlay, own_token, site_secret(store.overlay, None))
            edits.change(store, own, "organizations", other_org_same_district, {"description": "x"})
        # And the same routes work for those allowed (the refusals above are about who, not broken routes).
        assert coordinator.get("/coordinator/districts/송파구").status_code == 200
        assert coordinator.get("/coordinator/districts/은평구").status_code == 403
        assert anonymous.get(f"/edit/{foreign_link}").status_code == 200
