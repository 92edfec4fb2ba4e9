"""The data-free Folium map every page embeds (head tags, map element, script), rendered by a child process.

Folium brings pandas and numpy with it: 74 MB in a process that imports them, which a server keeps for as long as it
runs. The map holds no data, so its pieces are rendered once by ``python -m semap.maps.fragment`` for the zooms the
pages open at and read back as JSON: a server answering maps never imports Folium. Where no child process can run,
they are rendered in this one (``render_fragment``), as before.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import subprocess
import sys
from dataclasses import asdict, dataclass

from markupsafe import Markup

from semap.errors import SemapError

ZOOMS = (11, 13, 16)  # the main and embedded map's, a district page's, an organization page's
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


def render_fragment(basemap_url: str, basemap_attribution: str, zoom: int) -> MapFragment:
    """Rendered by Folium in this process."""
    from branca.element import Figure

    from semap.maps.shell import base_map
    from semap.settings import MapSettings

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


def rendered_apart(
    basemap_url: str, basemap_attribution: str, zooms: tuple[int, ...] = ZOOMS
) -> dict[int, MapFragment]:
    """Each zoom's fragment, rendered by a child process; SemapError when it could not."""
    asked = json.dumps({"basemap_url": basemap_url, "basemap_attribution": basemap_attribution, "zooms": zooms})
    try:
        child = subprocess.run(
            [sys.executable, "-m", "semap.maps.fragment", asked], capture_output=True, text=True, timeout=120
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SemapError(f"the map could not be rendered by a child process: {exc}") from None
    if child.returncode != 0:
        raise SemapError(f"the map's child process failed ({child.returncode}): {child.stderr[-500:]}")
    try:
        told = json.loads(child.stdout)
        return {
            int(zoom): MapFragment(
                name=piece["name"],
                head=Markup(piece["head"]),
                body=Markup(piece["body"]),
                script=Markup(piece["script"]),
                script_hashes=tuple(piece["script_hashes"]),
            )
            for zoom, piece in told.items()
        }
    except (ValueError, KeyError, TypeError) as exc:
        raise SemapError(f"the map's child process answered what is not a map ({exc})") from None


def main(argv: list[str]) -> None:
    asked = json.loads(argv[0])
    url, attribution = asked["basemap_url"], asked["basemap_attribution"]
    fragments = {zoom: asdict(render_fragment(url, attribution, zoom)) for zoom in asked["zooms"]}
    sys.stdout.write(json.dumps(fragments))


if __name__ == "__main__":
    main(sys.argv[1:])
