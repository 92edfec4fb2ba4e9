"""The living-data loop in a real browser (Chromium): an owner edits through their link, the district coordinator
signs in and approves, the public map shows the change; a coordinator cannot open another district's queue."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from semap.api.app import create_app
from tests.browser import chrome, console_errors, live_server, screenshot, wait_for
from tests.living import PASSWORD, add_coordinator, owner_link, record_in, writable_store


def test_owner_edits_coordinator_approves_public_map_shows_it(request: pytest.FixtureRequest, tmp_path: Path) -> None:
    with writable_store("duckdb", request, tmp_path) as (store, _), pytest.MonkeyPatch.context() as patch:
        patch.setenv("SEMAP_BASEMAP_URL", "")
        add_coordinator(store, "songpa@example.org", "송파구")
        org = record_in(store, "organizations", "송파구")
        token = owner_link(store, org)
        new_name = "푸른마을 공유협동조합 (새 이름)"
        browser = chrome(390, 844, phone=True)  # owners and coordinators use phones too
        try:
            with live_server(create_app(store)) as base:
                # The owner: one change applied at once, one waiting for review.
                browser.get(f"{base}/edit/{token}")
                description = browser.find_element(By.ID, "f-description")
                description.clear()
                description.send_keys("주민과 함께하는 공유 부엌을 운영합니다")
                name = browser.find_element(By.ID, "f-name")
                name.clear()
                name.send_keys(new_name)
                browser.find_element(By.CSS_SELECTOR, "form.edit-form button[type=submit]").click()
                notice = wait_for(browser, "var n = document.querySelector('.notice'); return n && n.textContent;")
                assert "저장했습니다" in notice and "검토 요청" in notice
                screenshot(browser, "living-owner")

                # The coordinator: sign in, find it in the queue, approve.
                browser.get(f"{base}/coordinator")
                browser.find_element(By.ID, "email").send_keys("songpa@example.org")
                browser.find_element(By.ID, "password").send_keys(PASSWORD, Keys.ENTER)
                wait_for(browser, "return document.querySelector('#queue');")
                queue = browser.find_element(By.ID, "queue").text
                assert new_name in queue
                browser.find_element(By.CSS_SELECTOR, "#queue form[action$='/approve'] button").click()
                wait_for(browser, "return document.querySelector('#queue h2').textContent.includes('(0)');")
                screenshot(browser, "living-coordinator")
                browser.get(f"{base}/coordinator/districts/은평구")
                assert "does not manage" in browser.find_element(By.TAG_NAME, "body").text

                # The public: the map's search finds the new name, the popup and page show the new text.
                # The public, at a desktop: the map's search (kept in the URL, as a shared link) finds the new name.
                public = chrome()
                try:
                    public.get(f"{base}/?q={quote(new_name)}")
                    wait_for(public, "var s = window.semapState; return s.mode === 'markers' && s.listed === 1;")
                    listed = [b.text for b in public.find_elements(By.CSS_SELECTOR, "#semap-results button")]
                    assert listed == [new_name]
                    assert console_errors(public, ignore="favicon") == []
                finally:
                    public.quit()
                browser.get(f"{base}/organizations/{org}")
                page = browser.find_element(By.TAG_NAME, "body").text
                assert new_name in page and "주민과 함께하는 공유 부엌" in page
                assert console_errors(browser, ignore="403 (Forbidden)") == []  # the refused district page
        finally:
            browser.quit()
