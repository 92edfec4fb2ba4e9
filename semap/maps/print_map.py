"""Print-ready district maps: a vector PDF a coordinator hands out (A4 or A3).

The district's boundary and its dongs as base layers, numbered markers, a numbered list (name, category, address)
sized to fit the page, a legend, the title, the data date and attribution, and a QR code to the district's page.
Drawn with matplotlib; Korean text in NanumGothic (shipped by the koreanize-matplotlib wheel), embedded as
TrueType so the PDF reads the same on any machine. The QR code comes from segno.

Every string is drawn as plain text (``_text``): matplotlib would otherwise read ``$…$`` in a name as mathtext
(a ``$\\undefined{x}$`` from a registry stopped the print) or hand it to LaTeX where ``text.usetex`` is set.
"""

from __future__ import annotations

import importlib.util
import io
import logging
import unicodedata
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote

import orjson
import segno
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from semap.errors import InvalidParameter, PrintFailed, SemapError
from semap.features.filters import FeatureFilter
from semap.features.layers import LAYERS, LayerName
from semap.features.queries import all_features
from semap.geodata.districts import District
from semap.i18n import translations
from semap.maps.labels import CATEGORY_COLORS, district_label, value_label
from semap.maps.palette import RESOURCE_COLORS
from semap.store.base import Store

if TYPE_CHECKING:  # matplotlib is imported when a map is printed, not when SeMap starts
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.text import Text

PAGE_MM = {"A4": (210.0, 297.0), "A3": (297.0, 420.0)}
MM = 1 / 25.4  # inches per millimetre


def _title(layer: LayerName, district: District, lang: str) -> str:
    t, name = translations(lang), district_label(district, lang)
    if layer is LayerName.resources:
        return t.gettext("Shared resources of {district}").format(district=name)
    return t.gettext("Social economy organizations of {district}").format(district=name)


def korean_font() -> Path:
    """NanumGothic from the koreanize-matplotlib wheel, found without importing that package (its import
    changes matplotlib's global settings)."""
    spec = importlib.util.find_spec("koreanize_matplotlib")
    if spec is None or not spec.submodule_search_locations:
        raise InvalidParameter("print", "the koreanize-matplotlib package (NanumGothic) is not installed")
    return Path(spec.submodule_search_locations[0]) / "fonts" / "NanumGothic.ttf"


@dataclass(frozen=True)
class Entry:
    number: int
    name: str
    category: str
    address: str
    lon: float
    lat: float
    color: str


def _entries(store: Store, district: District, layer: LayerName, lang: str) -> list[Entry]:
    flt = FeatureFilter.of(district=f"adm:{district.adm_code}")
    features = orjson.loads(all_features(store, LAYERS[layer], flt))["features"]
    colors = RESOURCE_COLORS if layer is LayerName.resources else CATEGORY_COLORS
    placed = [f for f in features if f["geometry"]]
    placed.sort(key=lambda f: (f["properties"].get("category") or "", f["properties"]["name"]))
    prefix = f"서울특별시 {district.name_ko} "  # the page names the district: the list's addresses start at the road
    return [
        Entry(
            i,
            _one_line(f["properties"]["name"]),
            _one_line(value_label(f["properties"].get("category"), lang)),
            _one_line((f["properties"].get("address_normalized") or "").removeprefix(prefix)),
            f["geometry"]["coordinates"][0],
            f["geometry"]["coordinates"][1],
            colors.get(f["properties"].get("category") or "", "#555555"),
        )
        for i, f in enumerate(placed, start=1)
    ]


def district_print(
    store: Store,
    district: District,
    layer: LayerName = LayerName.resources,
    size: str = "A4",
    lang: str = "ko",
    public_url: str = "http://localhost:8000",
) -> bytes:
    """The PDF's bytes."""
    import matplotlib

    matplotlib.use("Agg")
    # fontTools reports every font table it does not subset; a print job has no use for that.
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    from matplotlib import font_manager
    from matplotlib import pyplot as plt

    if size not in PAGE_MM:
        raise InvalidParameter("size", f"A4 or A3, not {size!r}")
    font_path = korean_font()
    font_manager.fontManager.addfont(str(font_path))
    family = font_manager.FontProperties(fname=str(font_path)).get_name()
    entries = _entries(store, district, layer, lang)
    width, height = PAGE_MM[size]
    # Type 42: the TrueType font itself is embedded, so Korean reads the same wherever the PDF is opened.
    # No mathtext and no LaTeX whatever a matplotlibrc says (each text says so too: _text).
    with (
        plt.rc_context(
            {
                "pdf.fonttype": 42,
                "font.family": family,
                "axes.unicode_minus": False,
                "text.usetex": False,
                "text.parse_math": False,
            }
        ),
        warnings.catch_warnings(),
    ):
        # A character NanumGothic lacks (an emoji in a name) prints as a box; no warning per character.
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        figure = plt.figure(figsize=(width * MM, height * MM))
        try:
            _draw(figure, store, district, entries, layer, lang, public_url)
            buffer = io.BytesIO()
            figure.savefig(buffer, format="pdf", metadata={"Title": _title(layer, district, lang)})
        except SemapError:
            raise
        except Exception as exc:  # whatever matplotlib or a font raises: one message, the one error shape
            reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]
            raise PrintFailed(f"the {layer.value} map of {district.name_ko} could not be drawn: {reason}") from exc
        finally:
            plt.close(figure)
    return buffer.getvalue()


def _draw(
    figure: Figure,
    store: Store,
    district: District,
    entries: list[Entry],
    layer: LayerName,
    lang: str,
    public_url: str,
) -> None:
    meta, t = store.meta(), translations(lang)
    _text(figure, 0.05, 0.975, _title(layer, district, lang), fontsize=16, va="top")
    count = t.gettext("{n} places; the numbers on the map are the list's").format(n=len(entries))
    _text(figure, 0.05, 0.945, count, fontsize=9, va="top", color="#444444")
    # The map: 45 % of the page, the district's dongs and its neighbours' outlines as the base.
    ax = figure.add_axes((0.05, 0.49, 0.9, 0.44))
    districts = orjson.loads(store.districts_geojson())["features"]
    own = next(shape(f["geometry"]) for f in districts if f["properties"]["adm_code"] == district.adm_code)
    for f in districts:
        if f["properties"]["adm_code"] != district.adm_code:
            _outline(ax, shape(f["geometry"]), color="#cccccc", width=0.5)
    for f in orjson.loads(store.dongs_geojson(district.adm_code))["features"]:
        _outline(ax, shape(f["geometry"]), color="#9aa5b1", width=0.3)
    _outline(ax, own, color="#1d3557", width=1.2)
    minx, miny, maxx, maxy = own.bounds
    pad = 0.05 * max(maxx - minx, maxy - miny)
    ax.set_xlim(minx - pad, maxx + pad)
    ax.set_ylim(miny - pad, maxy + pad)
    ax.set_aspect(1 / 0.7923)  # cos(37.55°): metres east and north drawn alike
    ax.axis("off")
    for e in entries:
        ax.scatter([e.lon], [e.lat], s=38, color=e.color, edgecolors="white", linewidths=0.4, zorder=3)
        _text(ax, e.lon, e.lat, str(e.number), fontsize=3.2, ha="center", va="center", color="white", zorder=4)
    _legend(figure, entries)
    _list(figure, entries)
    date = meta.get("registries_as_of", "")
    footer = t.gettext("Data: SeMap (as of {date}) · Boundaries: Statistics Korea 2013 census · Font: NanumGothic")
    _text(figure, 0.05, 0.02, footer.format(date=date), fontsize=6, color="#444444")
    # The page's address in the page's language: the district page resolves English names too.
    page_url = f"{public_url.rstrip('/')}/districts/{quote(district_label(district, lang))}?lang={lang}"
    _qr(figure, page_url)


def _text(target: Figure | Axes, x: float, y: float, text: str, **style: Any) -> Text:
    """Text drawn as the characters it holds: never mathtext (``$…$``), never LaTeX."""
    return target.text(x, y, text, parse_math=False, usetex=False, **style)


def _one_line(text: str) -> str:
    """A registry's or an editor's text on one line: line breaks, tabs and other control characters are spaces."""
    return " ".join("".join(" " if unicodedata.category(c) == "Cc" else c for c in text).split())


def _outline(ax: Axes, geometry: BaseGeometry, color: str, width: float) -> None:
    polygons = getattr(geometry, "geoms", [geometry])
    for polygon in polygons:
        x, y = polygon.exterior.xy
        ax.plot(x, y, color=color, linewidth=width, zorder=1)


def _legend(figure: Figure, entries: list[Entry]) -> None:
    seen: dict[str, str] = {}
    for e in entries:
        seen.setdefault(e.category, e.color)
    x = 0.05
    for category, color in seen.items():
        _text(figure, x, 0.478, "●", color=color, fontsize=8, va="center")
        _text(figure, x + 0.018, 0.478, category, fontsize=6.5, va="center")
        x += 0.03 + 0.014 * len(category)


def _list(figure: Figure, entries: list[Entry]) -> None:
    """The numbered list, in as many columns and as large a font as fit between the legend and the footer."""
    top, bottom, left, right = 0.46, 0.05, 0.05, 0.80
    height_in = (top - bottom) * figure.get_figheight()
    for columns in (2, 3, 4):
        per_column = -(-len(entries) // columns) or 1
        size = min(7.5, height_in * 72 / per_column / 1.25)
        if size >= 5.5 or columns == 4:
            break
    width = (right - left) / columns
    room_em = width * figure.get_figwidth() * 72 / size * 0.95  # a column's width in ems of this font size
    line = (top - bottom) / per_column
    for e in entries:
        column, row = divmod(e.number - 1, per_column)
        text = _fit(f"{e.number}. {e.name} · {e.category} · {e.address}", room_em)
        _text(figure, left + column * width, top - row * line, text, fontsize=size, va="top")


def _em(character: str) -> float:
    """About how wide a glyph is in NanumGothic: Hangul a full em, Latin letters and digits about half."""
    return 1.0 if ord(character) >= 0x1100 else 0.55


def _fit(text: str, room_em: float) -> str:
    if sum(_em(c) for c in text) <= room_em:
        return text
    kept, used = [], _em("…")
    for character in text:
        if used + _em(character) > room_em:
            break
        kept.append(character)
        used += _em(character)
    return "".join(kept) + "…"


def _qr(figure: Figure, url: str) -> None:
    matrix = [list(row) for row in segno.make(url, error="m").matrix]
    ax = figure.add_axes((0.83, 0.05, 0.12, 0.12 * figure.get_figwidth() / figure.get_figheight()))
    ax.imshow([[0 if cell else 1 for cell in row] for row in matrix], cmap="gray", interpolation="nearest")
    ax.axis("off")
    _text(figure, 0.83, 0.045, unquote(url.split("?")[0].split("://", 1)[-1]), fontsize=5, va="top")
