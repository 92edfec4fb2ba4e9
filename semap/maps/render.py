"""Pages are Jinja2 templates with autoescaping; Folium contributes only the map, built without any data.

Registry text never reaches a template as template source: it goes into templates as variables (escaped) and
into the browser as JSON (``<script type="application/json">``), read by the static page scripts. Folium's map
script is the only inline script; its SHA-256 goes into the Content-Security-Policy instead of 'unsafe-inline'.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from jinja2 import Environment, PackageLoader, select_autoescape

from semap.errors import SemapError
from semap.i18n import AUTONYMS, LANGUAGES, translations
from semap.maps.fragment import ZOOMS, MapFragment, render_fragment, rendered_apart
from semap.maps.shell import STATIC
from semap.settings import MapSettings

log = logging.getLogger(__name__)


def map_fragment(settings: MapSettings, zoom: int = 11) -> MapFragment:
    """Rendered once per base map: the map holds no data, so every page can reuse it (semap.maps.fragment)."""
    fragments = _fragments(settings.basemap_url, settings.basemap_attribution)
    if zoom in fragments:
        return fragments[zoom]
    return _fragment_here(settings.basemap_url, settings.basemap_attribution, zoom)


@lru_cache(maxsize=4)
def _fragments(basemap_url: str, basemap_attribution: str) -> dict[int, MapFragment]:
    try:
        return rendered_apart(basemap_url, basemap_attribution)
    except SemapError as exc:
        log.warning("%s; rendering it in this process (Folium and pandas stay loaded)", exc)
        return {zoom: render_fragment(basemap_url, basemap_attribution, zoom) for zoom in ZOOMS}


@lru_cache(maxsize=8)
def _fragment_here(basemap_url: str, basemap_attribution: str, zoom: int) -> MapFragment:
    return render_fragment(basemap_url, basemap_attribution, zoom)


@lru_cache(maxsize=len(LANGUAGES))
def environment(lang: str) -> Environment:
    """The templates of one language: ``_()``, ``gettext`` and ``pgettext`` read its catalogue (newstyle gettext,
    so a value put into a translated message is escaped like any other)."""
    env = Environment(
        loader=PackageLoader("semap", "web/templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    env.globals["static"] = STATIC
    env.globals["autonyms"] = AUTONYMS
    return env


@dataclass(frozen=True)
class Page:
    html: str
    script_hashes: tuple[str, ...] = ()


def render_page(template: str, settings: MapSettings, zoom: int = 11, **context: Any) -> Page:
    """A page with a map: ``context`` are template variables; ``context['data']`` goes to the scripts as JSON."""
    fragment = map_fragment(settings, zoom)
    data = {**context.pop("data", {}), "map": fragment.name}
    html = environment(context["lang"]).get_template(template).render(fragment=fragment, data=data, **context)
    return Page(html, fragment.script_hashes)


def render_plain(template: str, **context: Any) -> Page:
    return Page(environment(context["lang"]).get_template(template).render(**context))


def content_security_policy(page: Page, settings: MapSettings, frame_ancestors: str) -> str:
    basemap = urlsplit(settings.basemap_url)
    tiles = f" {basemap.scheme}://{basemap.netloc}" if basemap.netloc else ""
    return "; ".join(
        (
            "default-src 'self'",
            "script-src 'self' " + " ".join(page.script_hashes),
            "style-src 'self' 'unsafe-inline'",
            f"img-src 'self' data:{tiles}",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            f"frame-ancestors {frame_ancestors}",
        )
    )
