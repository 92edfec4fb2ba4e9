"""HTML answers: a rendered page with its Content-Security-Policy, and the page that says what went wrong."""

from __future__ import annotations

from collections.abc import Sequence

from fastapi.responses import HTMLResponse

from semap.api.responses import Body
from semap.i18n import language, translations
from semap.maps.render import Page, content_security_policy, render_plain
from semap.settings import MapSettings, load


def page_body(page: Page, embedders: Sequence[str] = ()) -> Body:
    """A page's HTML and the Content-Security-Policy naming its inline scripts' hashes (cacheable as it is).
    Only SeMap itself may frame a page, and the sites in ``embedders`` (SEMAP_FRAME_ANCESTORS: the embedded map)."""
    csp = content_security_policy(page, load(MapSettings), " ".join(["'self'", *embedders]))
    return Body(page.html.encode(), {"Content-Security-Policy": csp})


def html_response(page: Page, status: int = 200) -> HTMLResponse:
    body = page_body(page)
    return HTMLResponse(body.content, status_code=status, headers=body.headers)


def status_heading(lang: str, status: int) -> str:
    """What a page answering ``status`` says first, in the person's language."""
    t = translations(language(lang))
    headings = {
        403: t.gettext("Not allowed"),
        404: t.gettext("Not found"),
        409: t.gettext("Already done"),
        422: t.gettext("Not accepted"),
        429: t.gettext("Too many attempts"),
        503: t.gettext("Not available yet"),
    }
    return headings.get(status, t.gettext("Something went wrong"))


def problem_page(lang: str, status: int, heading: str, message: str) -> HTMLResponse:
    lang = language(lang)
    page = render_plain(
        "not_found.html",
        lang=lang,
        title=f"SeMap — {heading}",
        heading=heading,
        message=message,
    )
    return html_response(page, status)
