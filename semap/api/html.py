"""HTML answers: a rendered page with its Content-Security-Policy, and the page that says what went wrong."""

from __future__ import annotations

from fastapi.responses import HTMLResponse

from semap.api.responses import Body
from semap.maps.labels import TEXT
from semap.maps.render import Page, content_security_policy, render_plain
from semap.settings import ApiSettings, MapSettings, load


def page_body(page: Page) -> Body:
    """A page's HTML and the Content-Security-Policy naming its inline scripts' hashes (cacheable as it is)."""
    csp = content_security_policy(page, load(MapSettings), load(ApiSettings).frame_ancestors)
    return Body(page.html.encode(), {"Content-Security-Policy": csp})


def html_response(page: Page, status: int = 200) -> HTMLResponse:
    body = page_body(page)
    return HTMLResponse(body.content, status_code=status, headers=body.headers)


def problem_page(lang: str, status: int, heading: str, message: str) -> HTMLResponse:
    lang = lang if lang in TEXT else "ko"
    page = render_plain(
        "not_found.html",
        lang=lang,
        title=f"SeMap — {heading}",
        heading=heading,
        message=message,
        back=TEXT[lang]["back"],
    )
    return html_response(page, status)
