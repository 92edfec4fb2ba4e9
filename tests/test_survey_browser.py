"""A coordinator uploads the district's survey in a real browser (Chromium; demo data: the synthetic 송파구 survey
the demo generator writes, with exactly three rows changed): the preview lists exactly those three changes,
applying them makes exactly three changes, listed in the district's history, and one of them is reverted there."""

from __future__ import annotations

from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from semap.api.app import create_app
from tests.browser import chrome, console_errors, live_server, screenshot, wait_for
from tests.living import PASSWORD, add_coordinator, writable_store
from tests.test_survey_upload import SURVEY, as_csv, survey_rows

FEES = {1: "1회 1,000원", 39: "1회 2,000원", 149: "1회 3,000원"}  # 연번 (the survey's serial) -> its new 이용료


def _three_rows_changed(folder: Path) -> Path:
    rows = survey_rows()
    fee = rows[0].index("이용료")
    for serial, value in FEES.items():
        row = next(r for r in rows if r[0] == str(serial))
        assert row[fee] != value
        row[fee] = value
    path = folder / SURVEY.name
    path.write_bytes(as_csv(rows))
    return path


def test_the_demo_songpa_survey_with_three_rows_changed_applies_exactly_three_changes(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    upload = _three_rows_changed(tmp_path)
    with writable_store("duckdb", request, tmp_path) as (store, _), pytest.MonkeyPatch.context() as patch:
        patch.setenv("SEMAP_BASEMAP_URL", "")
        add_coordinator(store, "songpa@example.org", "송파구")
        browser = chrome(1366, 768)
        try:
            with live_server(create_app(store)) as base:
                browser.get(f"{base}/coordinator")
                browser.find_element(By.ID, "email").send_keys("songpa@example.org")
                browser.find_element(By.ID, "password").send_keys(PASSWORD, Keys.ENTER)
                wait_for(browser, "return document.querySelector('#survey-file');")
                browser.find_element(By.ID, "survey-file").send_keys(str(upload))
                browser.find_element(By.CSS_SELECTOR, ".survey-form button[type=submit]").click()
                wait_for(browser, "return document.querySelector('#survey-counts');")
                screenshot(browser, "survey-preview")
                listed = browser.find_elements(By.CSS_SELECTOR, "#survey-changed tbody tr")
                assert sorted(r.find_elements(By.TAG_NAME, "td")[-1].text for r in listed) == sorted(FEES.values())
                assert browser.find_elements(By.CSS_SELECTOR, "#survey-new, #survey-gone, .survey-reject") == []

                browser.find_element(By.CSS_SELECTOR, "#survey-apply button[type=submit]").click()
                wait_for(browser, "return document.querySelector('#survey-applied');")
                assert len(browser.find_elements(By.CSS_SELECTOR, "li.applied-change")) == 3
                assert "반영한 변경: 3건" in browser.find_element(By.ID, "survey-applied").text
                fees = {r[0] for r in store.fetch("SELECT fee FROM resources WHERE district_adm_code = '11710'")}
                assert set(FEES.values()) <= fees

                browser.find_element(By.CSS_SELECTOR, "#survey-applied a[href*='#survey']").click()
                wait_for(browser, "return document.querySelector('#survey-history');")
                history = browser.find_elements(By.CSS_SELECTOR, "#survey-history tr.survey-change")
                after = sorted(r.find_element(By.CSS_SELECTOR, "td.after").text for r in history)
                assert after == sorted(FEES.values())
                screenshot(browser, "survey-history")

                history[0].find_element(By.CSS_SELECTOR, "form[action$='/revert'] button").click()
                wait_for(
                    browser,
                    "return [...document.querySelectorAll('#survey-history tr.survey-change')]"
                    ".filter(r => r.textContent.includes('되돌림')).length === 1;",
                )
                fees = {r[0] for r in store.fetch("SELECT fee FROM resources WHERE district_adm_code = '11710'")}
                assert len(set(FEES.values()) & fees) == 2
                assert console_errors(browser, ignore="favicon") == []
        finally:
            browser.quit()
