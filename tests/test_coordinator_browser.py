"""The coordinator's week in one Chromium, at phone size, in Korean and in English: a visitor has the organization's
page in the browser; the owner changes the address through the edit link; the coordinator signs in (landing on
the pages in the language asked for), sees who asked, the old and new address and a small map, and approves;
the SAME browser opens the organization's page again and shows the new address — it asked the server (the page
is revalidated, never kept), and a repeat view of an unchanged page is a 304."""

from __future__ import annotations

from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from semap.api.app import create_app
from tests.browser import chrome, console_errors, live_server, screenshot, wait_for
from tests.living import PASSWORD, add_coordinator, owner_link, record_in, writable_store

WORDS = {  # what each language's pages say
    "ko": {"saved": "검토 요청을 보냈습니다: 주소", "queue": "검토 대기", "asked": "요청한 사람", "address": "주소"},
    "en": {
        "saved": "Sent for review: Address",
        "queue": "Waiting for review",
        "asked": "Asked by",
        "address": "Address",
    },
}


class Answers:
    """Plain ASGI around the app: the status of every answer, by path and query, as the server sent it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.sent: list[tuple[str, int]] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def record(message: Message) -> None:
            if message["type"] == "http.response.start":
                query = scope.get("query_string", b"").decode()
                self.sent.append((scope["path"] + (f"?{query}" if query else ""), message["status"]))
            await send(message)

        await self.app(scope, receive, record)


def test_owner_edits_on_a_phone_coordinator_approves_same_browser_sees_it(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    with writable_store("duckdb", request, tmp_path) as (store, _), pytest.MonkeyPatch.context() as patch:
        patch.setenv("SEMAP_BASEMAP_URL", "")
        add_coordinator(store, "songpa@example.org", "송파구")
        answers = Answers(create_app(store))
        browser = chrome(390, 844, phone=True)
        try:
            with live_server(answers) as base:
                for offset, lang in enumerate(("ko", "en")):
                    _walk(browser, base, answers, store, lang, record_in(store, "organizations", "송파구", offset))
                assert console_errors(browser, ignore="favicon") == []
        finally:
            browser.quit()


def _walk(browser, base: str, answers: Answers, store, lang: str, org: str) -> None:
    words, new_address = WORDS[lang], f"서울특별시 송파구 올림픽로 {300 + len(lang)}"
    page = f"{base}/organizations/{org}?lang={lang}"
    # A visitor (the owner, later the coordinator: one browser) has the page open: the browser holds it now.
    browser.get(page)
    assert new_address not in browser.find_element(By.TAG_NAME, "main").text

    # The owner, through the edit link: the address waits for review, the message names the field's label.
    browser.get(f"{base}/edit/{owner_link(store, org)}?lang={lang}")
    address = browser.find_element(By.ID, "f-address_raw")
    address.clear()
    address.send_keys(new_address)
    browser.find_element(By.CSS_SELECTOR, "form.edit-form button[type=submit]").click()
    notice = wait_for(browser, "var n = document.querySelector('.notice'); return n && n.textContent;")
    assert words["saved"] in notice and "address_raw" not in notice
    screenshot(browser, f"coordinator-walk-owner-{lang}")

    # The coordinator signs in from /login?lang=…, and lands on the district's page in that language.
    browser.get(f"{base}/login?lang={lang}")
    browser.find_element(By.ID, "email").send_keys("songpa@example.org")
    browser.find_element(By.ID, "password").send_keys(PASSWORD, Keys.ENTER)
    wait_for(browser, "return document.querySelector('#queue');")
    assert ("lang=en" in browser.current_url) == (lang == "en")
    assert browser.find_element(By.CSS_SELECTOR, "html").get_attribute("lang") == lang
    item = browser.find_element(By.CSS_SELECTOR, "#queue .queue-item")
    assert words["queue"] in browser.find_element(By.CSS_SELECTOR, "#queue h2").text
    text = item.text
    assert words["asked"] in text and words["address"] in text and new_address in text
    assert "T0" not in text and "+00:00" not in text  # local time, not the stored UTC ISO string
    wait_for(browser, "return document.querySelector('#queue .review-map[data-ready]');")  # the small map drew
    assert len(browser.find_elements(By.CSS_SELECTOR, "#queue .review-map .leaflet-interactive")) >= 2
    screenshot(browser, f"coordinator-walk-queue-{lang}")
    item.find_element(By.CSS_SELECTOR, "form[action$='/approve'] button").click()
    wait_for(browser, "return document.querySelector('#queue h2').textContent.includes('(0)');")

    # The same browser goes back to the organization's page: it asks the server, and shows the new address.
    seen = len(answers.sent)
    browser.get(page)
    wait_for(browser, f"return document.querySelector('main').textContent.includes({new_address!r});")
    assert (page.removeprefix(base), 200) in answers.sent[seen:]
    # Viewed again unchanged, the page costs a 304: the browser revalidates with the data version's ETag.
    seen = len(answers.sent)
    browser.get(page)
    wait_for(browser, f"return document.querySelector('main').textContent.includes({new_address!r});")
    assert (page.removeprefix(base), 304) in answers.sent[seen:]
    screenshot(browser, f"coordinator-walk-public-{lang}")
