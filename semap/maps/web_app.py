"""The citizen map as an installable app: its web app manifest and its service worker, named by the build.

The service worker (semap/web/static/semap-sw.js) is served from the site root, so its scope is the whole site,
with a first line naming the build and the files it keeps: a new build is a new script, which the browser installs
beside the old one and leaves waiting until the person chooses "reload to update" (semap-offline.js).
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from importlib import resources
from importlib.abc import Traversable
from typing import Any
from urllib.parse import urlsplit

import semap
from semap.i18n import translations
from semap.maps.shell import STATIC, VENDOR_CSS, VENDOR_JS
from semap.settings import MapSettings

THEME_COLOR = "#1d3557"  # the header's blue (semap.css)
BACKGROUND_COLOR = "#ffffff"
ICONS = (
    ("semap-icon-192.png", "192x192", "any"),
    ("semap-icon-512.png", "512x512", "any"),
    ("semap-icon-maskable-512.png", "512x512", "maskable"),
)
TILE_CACHE_ENTRIES = 200  # base-map tiles already viewed, kept for offline use; never fetched ahead
DATA_TIMEOUT_MS = 4000  # how long the network may take before the kept copy of a view's data is shown
DATA_CACHE_ENTRIES = 60  # answers of the last views (both layers, their pages, boundaries)
STATIC_DIR: Traversable = resources.files("semap") / "web" / "static"
# Leaflet's images its stylesheet names (the layer control's icon among them): kept with the page
LEAFLET_IMAGES = ("layers.png", "layers-2x.png", "marker-icon.png", "marker-icon-2x.png", "marker-shadow.png")


def manifest(lang: str) -> dict[str, Any]:
    """The web app manifest of the map in ``lang`` (https://www.w3.org/TR/appmanifest/)."""
    t = translations(lang)
    return {
        "id": "/",
        "name": t.gettext("SeMap — Seoul social economy map"),
        "short_name": "SeMap",
        "description": t.gettext("Social-economy organizations and shared resources in Seoul, on a map."),
        "lang": lang,
        "dir": "ltr",
        "start_url": f"/?lang={lang}",
        "scope": "/",
        "display": "standalone",
        "orientation": "any",
        "theme_color": THEME_COLOR,
        "background_color": BACKGROUND_COLOR,
        "categories": ["maps", "navigation", "social"],
        "icons": [
            {"src": f"{STATIC}/{name}", "sizes": sizes, "type": "image/png", "purpose": purpose}
            for name, sizes, purpose in ICONS
        ],
    }


def _own_files() -> list[str]:
    """SeMap's own page files (scripts, stylesheet, icons): every file at the top of the static folder, so a
    script added later is kept too."""
    names = (f.name for f in STATIC_DIR.iterdir() if f.is_file() and f.name.endswith((".js", ".css", ".png")))
    return sorted(name for name in names if name != "semap-sw.js")  # the worker itself is /sw.js


def shell_files() -> list[str]:
    """The URLs the service worker keeps on install: the map page's scripts, styles and images."""
    vendor = [url for _, url in VENDOR_JS + VENDOR_CSS if url.startswith(f"{STATIC}/vendor/")]
    leaflet = next(url for name, url in VENDOR_CSS if name == "leaflet_css").rsplit("/", 1)[0]
    images = [f"{leaflet}/images/{name}" for name in LEAFLET_IMAGES]
    return ["/favicon.ico", *(f"{STATIC}/{name}" for name in _own_files()), *vendor, *images]


def _read(url: str) -> bytes:
    if url == "/favicon.ico":
        return (STATIC_DIR / "favicon.ico").read_bytes()
    node = STATIC_DIR
    for part in url.removeprefix(f"{STATIC}/").split("/"):
        node = node / part
    return node.read_bytes()


@lru_cache(maxsize=1)
def build_id() -> str:
    """Names this build of the page: SeMap's version and the bytes of every kept file. The same code gives the
    same name on every server; a changed script or stylesheet gives a new one (and so a new service worker)."""
    digest = hashlib.blake2b(semap.__version__.encode(), digest_size=8)
    for url in [*shell_files(), f"{STATIC}/semap-sw.js"]:
        digest.update(url.encode() + b"\0" + _read(url))
    return f"{semap.__version__}-{digest.hexdigest()}"


def tile_origin(settings: MapSettings) -> str:
    """The base map's origin (scheme://host), whose tile answers the service worker keeps; "" without one."""
    parts = urlsplit(settings.basemap_url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def service_worker(settings: MapSettings, build: str | None = None) -> bytes:
    """The service worker's script: its settings as a first line, then semap-sw.js."""
    config = {
        "build": build or build_id(),
        "shell": shell_files(),
        "tileOrigin": tile_origin(settings),
        "tileEntries": TILE_CACHE_ENTRIES,
        "dataEntries": DATA_CACHE_ENTRIES,
        "dataTimeoutMs": DATA_TIMEOUT_MS,
    }
    head = f"self.SEMAP_SW = {json.dumps(config, ensure_ascii=True, sort_keys=True)};\n"
    return head.encode() + (STATIC_DIR / "semap-sw.js").read_bytes()


def service_worker_csp(settings: MapSettings) -> str:
    """A worker runs under its own script's policy: it may fetch SeMap itself and the base map's tiles, no more."""
    tiles = tile_origin(settings)
    return "; ".join(("default-src 'none'", "script-src 'self'", "connect-src 'self'" + (f" {tiles}" if tiles else "")))
