"""Every form page's labels point at their own field: no element id twice on a page, and every ``for=`` names
exactly one element — the owner's page with its organization form and one form per shared resource, the
coordinator's pages, the admin's, sign-in and problem reports, in both languages."""

from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest

from semap.geodata.districts import by_adm_code
from tests.living import add_admin, add_coordinator, owner_link, signed_in, writable_store


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: Counter[str] = Counter()
        self.fors: list[str] = []
        self.labelled: set[str] = set()  # ids of form fields

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids[found["id"] or ""] += 1
            if tag in ("input", "select", "textarea") and found.get("type") != "hidden":
                self.labelled.add(found["id"] or "")
        if tag == "label" and found.get("for"):
            self.fors.append(found["for"] or "")


def _problems(html: str) -> list[str]:
    parsed = _Ids()
    parsed.feed(html)
    problems = [f"id {i!r} appears {n} times" for i, n in parsed.ids.items() if n > 1]
    problems += [f"label for={f!r} names no field" for f in parsed.fors if f not in parsed.labelled]
    problems += [f"{f!r} has {n} labels" for f, n in Counter(parsed.fors).items() if n > 1]
    return problems


def test_every_label_on_every_form_page_points_at_its_own_field(request: pytest.FixtureRequest, tmp_path: Path) -> None:
    with writable_store("duckdb", request, tmp_path) as (store, _):
        add_coordinator(store, "songpa@example.org", "송파구")
        add_admin(store, "admin@example.org")
        owner, district = store.fetch(
            "SELECT r.owner_org_id, o.district_adm_code FROM resources r JOIN organizations o ON o.id = r.owner_org_id "
            "GROUP BY r.owner_org_id, o.district_adm_code HAVING count(*) >= 2 ORDER BY r.owner_org_id LIMIT 1"
        )[0]
        resource = store.fetch("SELECT id FROM resources WHERE owner_org_id = :o LIMIT 1", {"o": owner})[0][0]
        district_name = by_adm_code(district).name_ko
        add_coordinator(store, "owner-district@example.org", district_name)
        token = owner_link(store, owner)
        coordinator, _ = signed_in(store, "owner-district@example.org")
        admin, _ = signed_in(store, "admin@example.org")
        pages = {
            f"/edit/{token}": coordinator,  # no session needed: the link is the key
            f"/report/organizations/{owner}": coordinator,
            "/login": coordinator,
            f"/coordinator/districts/{district_name}": coordinator,
            f"/coordinator/records/organizations/{owner}": coordinator,
            f"/coordinator/records/resources/{resource}": coordinator,
            "/admin": admin,
        }
        checked = 0
        for path, client in pages.items():
            for lang in ("ko", "en"):
                answer = client.get(path, params={"lang": lang})
                assert answer.status_code == 200, (path, answer.text[:200])
                assert _problems(answer.text) == [], (path, lang)
                checked += answer.text.count("<label")
        owner_page = coordinator.get(f"/edit/{token}").text
        assert owner_page.count("<form") >= 4  # the organization, two resources, "still correct": all checked
        assert checked > 50


def test_the_check_finds_a_repeated_id() -> None:
    page = '<label for="f-name">a</label><input id="f-name"><label for="f-name">b</label><input id="f-name">'
    assert _problems(page) == ["id 'f-name' appears 2 times", "'f-name' has 2 labels"]
