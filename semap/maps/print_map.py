"""Print-ready district maps: a vector PDF a coordinator hands out (A4 or A3).

Page one: the title, a QR code to the district's page, the district with its dongs (named) and its neighbours'
outlines, a numbered badge per place (records at the same coordinates share one), a legend, and the numbered list
(semap.maps.print_list), which goes on over further pages when it must. Nothing is smaller than 6 pt and nothing
leaves the 10 mm margin. Drawn with matplotlib; Korean text in NanumGothic (semap.maps.print_text), embedded as
TrueType so the PDF reads the same on any machine. The QR code comes from segno.
"""

from __future__ import annotations

import io
import logging
import unicodedata
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote

import orjson
import segno
from shapely.geometry import shape

from semap.errors import InvalidParameter, PrintFailed, SemapError
from semap.features.filters import FeatureFilter
from semap.features.layers import LAYERS, LayerName
from semap.features.queries import all_features
from semap.geodata.districts import District
from semap.i18n import translations
from semap.maps import print_basemap as basemap
from semap.maps import print_list
from semap.maps.labels import district_label, value_label
from semap.maps.palette import ORG_TYPE_COLORS, RESOURCE_COLORS
from semap.maps.print_places import MIXED, Entry, Place, places
from semap.maps.print_sheet import Box, Sheet
from semap.maps.print_text import ASCENT, DESCENT, PT_MM, font_path, width_mm, wrap
from semap.store.base import Store

if TYPE_CHECKING:  # matplotlib is imported when a map is printed, not when SeMap starts
    from matplotlib.figure import Figure

MM = 1 / 25.4  # inches per millimetre
MIXED_COLOR = "#37474f"


@dataclass(frozen=True)
class Paper:
    width: float
    height: float
    title: float  # font sizes in points
    body: float  # subtitle, legend
    small: float  # list, badges, dong names, footer, QR caption: never under 6
    badge: float
    qr: float  # mm
    list_columns: int
    map_height: tuple[float, float]  # the map's least and most height, mm


PAPERS = {
    "A4": Paper(210.0, 297.0, 16, 8, 6.5, 6.5, 22.0, 3, (105.0, 150.0)),
    "A3": Paper(297.0, 420.0, 22, 10, 7.5, 7.5, 30.0, 4, (150.0, 215.0)),
}


def _title(layer: LayerName, district: District, lang: str) -> str:
    t, name = translations(lang), district_label(district, lang)
    if layer is LayerName.resources:
        return t.gettext("Shared resources of {district}").format(district=name)
    return t.gettext("Social economy organizations of {district}").format(district=name)


def _one_line(text: str | None) -> str:
    """A registry's or an editor's text on one line: line breaks, tabs and other control characters are spaces."""
    return " ".join("".join(" " if unicodedata.category(c) == "Cc" else c for c in text or "").split())


def _entries(store: Store, district: District, layer: LayerName, lang: str) -> list[Entry]:
    flt = FeatureFilter.of(district=f"adm:{district.adm_code}")
    features = orjson.loads(all_features(store, LAYERS[layer], flt))["features"]
    prefix = f"서울특별시 {district.name_ko} "  # the page names the district: the list's addresses start at the road
    entries = []
    for f in features:
        if not f["geometry"]:
            continue
        p = f["properties"]
        # a resource's holder is the organization that shares it; an organization is its own: its type instead
        holder = p.get("owner_name") if layer is LayerName.resources else value_label(p.get("type"), lang)
        lon, lat = f["geometry"]["coordinates"][:2]
        entries.append(
            Entry(
                name=_one_line(p["name"]),
                category=_one_line(value_label(p.get("category"), lang)),
                # the map's colours: a resource's category, an organization's type (semap.maps.palette)
                category_key=(p.get("category") if layer is LayerName.resources else p.get("type")) or "",
                holder=_one_line(holder),
                address=_one_line((p.get("address_normalized") or "").removeprefix(prefix)),
                lon=round(float(lon), 7),  # identical coordinates, whatever the float noise: one place
                lat=round(float(lat), 7),
            )
        )
    return entries


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
    from matplotlib.backends.backend_pdf import PdfPages

    if size not in PAPERS:
        raise InvalidParameter("size", f"A4 or A3, not {size!r}")
    for bold in (False, True):
        font_manager.fontManager.addfont(str(font_path(bold)))
    family = font_manager.FontProperties(fname=str(font_path())).get_name()
    paper = PAPERS[size]
    entries = _entries(store, district, layer, lang)
    # Type 42: the TrueType font itself is embedded, so Korean reads the same wherever the PDF is opened.
    # No mathtext and no LaTeX whatever a matplotlibrc says (each text says so too: Sheet.text).
    figures: list[Figure] = []
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
        buffer = io.BytesIO()
        try:
            new_sheet = _sheet_maker(plt, paper, figures)
            _draw(new_sheet, store, district, entries, layer, lang, public_url, paper)
            with PdfPages(buffer, metadata={"Title": _title(layer, district, lang)}) as pdf:
                for figure in figures:
                    pdf.savefig(figure)
        except SemapError:
            raise
        except Exception as exc:  # whatever matplotlib or a font raises: one message, the one error shape
            reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]
            raise PrintFailed(f"the {layer.value} map of {district.name_ko} could not be drawn: {reason}") from exc
        finally:
            for figure in figures:
                plt.close(figure)
    return buffer.getvalue()


def _sheet_maker(plt: Any, paper: Paper, figures: list[Figure]) -> Any:
    def new_sheet() -> Sheet:
        figure = plt.figure(figsize=(paper.width * MM, paper.height * MM))
        figures.append(figure)
        return Sheet(figure, paper.width, paper.height)

    return new_sheet


def _ascent(size: float) -> float:
    return ASCENT * size * PT_MM


def _line(size: float) -> float:
    return (ASCENT + DESCENT) * size * PT_MM


def _draw(
    new_sheet: Any,
    store: Store,
    district: District,
    entries: list[Entry],
    layer: LayerName,
    lang: str,
    public_url: str,
    paper: Paper,
) -> None:
    t = translations(lang)
    sheet: Sheet = new_sheet()
    inner = sheet.inner
    # The page's address in the page's language: the district page resolves English names too.
    page_url = f"{public_url.rstrip('/')}/districts/{quote(district_label(district, lang))}?lang={lang}"
    qr = _qr(sheet, page_url, paper)
    title = _title(layer, district, lang)
    y = inner.y1
    for text in wrap(title, qr.x0 - inner.x0 - 4, paper.title):
        y -= _ascent(paper.title)
        sheet.text(inner.x0, y, text, paper.title, color="#1d3557")
        y -= DESCENT * paper.title * PT_MM + 1.0
    count = len({(e.lon, e.lat) for e in entries})
    message = (
        t.gettext("Shared resources: {n} · places on the map: {places} · each number leads to the list")
        if layer is LayerName.resources
        else t.gettext("Organizations: {n} · places on the map: {places} · each number leads to the list")
    )
    for text in wrap(message.format(n=len(entries), places=count), qr.x0 - inner.x0 - 4, paper.body):
        y -= _ascent(paper.body) + 0.6
        sheet.text(inner.x0, y, text, paper.body, color="#444444")
    districts = [(shape(f["geometry"]), f["properties"]) for f in orjson.loads(store.districts_geojson())["features"]]
    own = next(g for g, p in districts if p["adm_code"] == district.adm_code)
    footer = t.gettext("Data: SeMap (as of {date}) · Boundaries: Statistics Korea 2013 census · Font: NanumGothic")
    footer_lines = wrap(
        footer.format(date=store.meta().get("registries_as_of", "")), inner.x1 - inner.x0 - 30, paper.small
    )
    footer_top = inner.y0 + len(footer_lines) * _line(paper.small) + 2.5
    top = min(y - DESCENT * paper.body * PT_MM, qr.y0) - 3
    # A short list leaves the map more of the page: as much as the list and the legend do not need.
    column_width = print_list.columns(inner, paper.list_columns)[0].box
    unnumbered = places(entries, {(e.lon, e.lat): (e.lon, e.lat) for e in entries}, 1.0)
    blocks = [print_list.block(p, column_width.x1 - column_width.x0, paper.small, len(unnumbered)) for p in unnumbered]
    room = print_list.room_needed(blocks, paper.list_columns, paper.small) + 4 * _line(paper.body) + 12
    low, high = paper.map_height
    heights = (low, max(high, top - footer_top - room))
    projection, frame = basemap.frame(own.bounds, inner, top, footer_top, heights)
    numbered = places(entries, {(e.lon, e.lat): projection(e.lon, e.lat) for e in entries}, paper.map_height[0] / 9)
    colors = {**(RESOURCE_COLORS if layer is LayerName.resources else ORG_TYPE_COLORS), MIXED: MIXED_COLOR}
    colors.update({p.key: colors.get(p.key, "#757575") for p in numbered})
    basemap.draw_map(
        sheet, store, district, districts, numbered, projection, frame, (paper.badge, paper.small), colors, lang
    )
    legend_bottom = _legend(sheet, numbered, colors, frame.y0 - 2.5, paper, lang, layer)
    key = (
        t.gettext("The list: each place's number and address, then what is there: name · category · holder")
        if layer is LayerName.resources
        else t.gettext("The list: each place's number and address, then who is there: name · category · type")
    )
    for text in wrap(key, inner.x1 - inner.x0, paper.small):
        legend_bottom -= _line(paper.small) + 1.5
        sheet.text(inner.x0, legend_bottom + DESCENT * paper.small * PT_MM, text, paper.small, color="#444444")
    first = print_list.columns(Box(inner.x0, footer_top, inner.x1, legend_bottom - 3), paper.list_columns)
    continued_top = inner.y1 - _line(paper.body) - 3
    rest = print_list.columns(Box(inner.x0, footer_top, inner.x1, continued_top), paper.list_columns)
    width = first[0].box.x1 - first[0].box.x0
    largest = max((p.number for p in numbered), default=1)
    blocks = [print_list.block(p, width, paper.small, largest) for p in numbered]
    pages = print_list.flow(blocks, first, rest, paper.small)
    for number, sets in enumerate(pages, start=1):
        if number > 1:
            sheet = new_sheet()
            heading = t.gettext("{title} (continued)").format(title=title)
            sheet.text(inner.x0, inner.y1 - _ascent(paper.body), heading, paper.body, color="#1d3557")
        print_list.draw(sheet, sets, first if number == 1 else rest, paper.small, colors)
        page = t.gettext("page {page} of {pages}").format(page=number, pages=len(pages))
        baseline = inner.y0 + DESCENT * paper.small * PT_MM
        sheet.text(inner.x1, baseline, page, paper.small, color="#444444", ha="right")
        for text in reversed(footer_lines):
            sheet.text(inner.x0, baseline, text, paper.small, color="#444444")
            baseline += _line(paper.small)


def _legend(
    sheet: Sheet, numbered: list[Place], colors: dict[str, str], top: float, paper: Paper, lang: str, layer: LayerName
) -> float:
    """One swatch per colour on the map, in rows that wrap inside the margin; the legend's bottom (mm)."""
    keys = list(dict.fromkeys(sorted((p.key for p in numbered), key=lambda k: (k == MIXED, k))))
    t = translations(lang)
    size, inner = paper.body, sheet.inner
    h = _line(size)
    x, baseline = inner.x0, top - _ascent(size)
    for key in keys:
        if key != MIXED:
            label = value_label(key, lang)
        elif layer is LayerName.resources:
            label = t.gettext("several categories at one place")
        else:
            label = t.gettext("several types at one place")
        w = h * 1.4 + 1.2 + width_mm(label, size) + 4
        if x + w > inner.x1 and x > inner.x0:
            x, baseline = inner.x0, baseline - h * 1.3
        sheet.box(Box(x, baseline - DESCENT * size * PT_MM, x + h * 1.4, baseline + ASCENT * size * PT_MM), colors[key])
        sheet.text(x + h * 1.4 + 1.2, baseline, label, size, color="#222222")
        x += w
    return baseline - DESCENT * size * PT_MM


def _qr(sheet: Sheet, url: str, paper: Paper) -> Box:
    """The QR code in the page's upper right corner, its address printed under it; the box they take."""
    matrix = [list(row) for row in segno.make(url, error="m").matrix]
    inner = sheet.inner
    box = Box(inner.x1 - paper.qr, inner.y1 - paper.qr, inner.x1, inner.y1)
    sheet.ax.imshow(
        [[0 if cell else 1 for cell in row] for row in matrix],
        cmap="gray",
        interpolation="none",  # the modules as they are: a vector PDF embeds the matrix unresampled
        extent=(box.x0, box.x1, box.y0, box.y1),
        zorder=2,
    )
    sheet.ax.set_xlim(0, sheet.width)  # imshow resets the page's axes to the image
    sheet.ax.set_ylim(0, sheet.height)
    sheet.ax.set_aspect("auto")
    caption = unquote(url.split("?")[0].split("://", 1)[-1])
    lines = wrap(caption, 80, paper.small)
    baseline = box.y0 - 1 - _ascent(paper.small)
    for text in lines:
        sheet.text(inner.x1, baseline, text, paper.small, color="#444444", ha="right")
        baseline -= _line(paper.small)
    left = min([box.x0, *(inner.x1 - width_mm(text, paper.small) for text in lines)])
    return Box(left, baseline + _ascent(paper.small), inner.x1, inner.y1)
