"""Pages are Jinja2 templates with autoescaping; Folium contributes only the map, built without any data.

Registry text never reaches a template as template source: it goes into templates as variables (escaped) and
into the browser as JSON (``<script type="application/json">``), read by the static page scripts. Folium's map
script is the only inline script; its SHA-256 goes into the Content-Security-Policy instead of 'unsafe-inline'.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from semap.i18n import AUTONYMS, LANGUAGES, translations
from semap.maps.shell import STATIC, base_map
from semap.settings import MapSettings

_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)
# Folium's viewport meta forbids pinch zoom; SeMap's templates write their own.
_FOLIUM_VIEWPORT = re.compile(r'<meta name="viewport"[^>]*>', re.DOTALL)


@dataclass(frozen=True)
class MapFragment:
    """The pieces of a data-free Folium map: head tags, the map element, its script, and that script's hashes."""

    name: str
    head: Markup
    body: Markup
    script: Markup
    script_hashes: tuple[str, ...]


def _sha256(source: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode()).digest()).decode() + "'"


def map_fragment(settings: MapSettings, zoom: int = 11) -> MapFragment:
    """Rendered once per base map and zoom: the map holds no data, so every page can reuse it."""
    return _map_fragment(settings.basemap_url, settings.basemap_attribution, zoom)


@lru_cache(maxsize=16)
def _map_fragment(basemap_url: str, basemap_attribution: str, zoom: int) -> MapFragment:
    from branca.element import Figure

    settings = MapSettings(basemap_url=basemap_url, basemap_attribution=basemap_attribution)
    fmap = base_map(settings, zoom=zoom)
    root = fmap.get_root()
    assert isinstance(root, Figure)
    for child in root._children.values():  # what Figure.render does before assembling the page
        child.render()
    head = _FOLIUM_VIEWPORT.sub("", root.header.render())
    script = root.script.render()
    inline = [*_INLINE_SCRIPT.findall(head), script]
    return MapFragment(
        name=fmap.get_name(),
        head=Markup(head),
        body=Markup(root.html.render()),
        script=Markup(script),
        script_hashes=tuple(dict.fromkeys(_sha256(s) for s in inline)),
    )


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
