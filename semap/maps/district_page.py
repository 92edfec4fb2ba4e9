"""A district's page, the one a coordinator shows their mayor: the map first, headline figures, counts by type
against Seoul's average, the LQ row as a dot plot with its intervals, its hot-spot dongs in plain words and the
change between the two newest releases (semap.maps.district_research), then the resources table with exports.

Small counts are withheld, not only flagged: a count of 1 or 2 is shown as "S" in tables and charts (the
statistics' own suppression rule), so a public page never singles out one or two organizations.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

import pandas as pd

from semap.geodata.districts import District, load_crosswalk
from semap.i18n import translations
from semap.maps.data_note import data_note
from semap.maps.district_research import district_change, district_hotspots
from semap.maps.district_table import resource_table
from semap.maps.embed_page import MapView
from semap.maps.labels import value_label
from semap.maps.main_page import DOWNLOADS, PALETTE
from semap.maps.render import Page, render_page
from semap.settings import MapSettings, PublicationSettings, load
from semap.stats.lq import suppression
from semap.stats.tables import CountBy, Level, LqBy, counts_table, lq_table
from semap.store.base import Store

TYPE_COLUMNS = ("se_total", "village_enterprise", "cooperative", "self_sufficiency")
SIGNIFICANT_Q = 0.05
LQ_AXIS_MAX = 4.0  # the dot plot's right edge; a larger value or bound is drawn at the edge with an arrow


@dataclass(frozen=True)
class Bar:
    label: str
    shown: str  # the number as printed, or "S" when withheld
    width: float  # 0..100 (% of the chart), 0 when withheld
    average: str
    average_at: float  # % position of Seoul's average marker


@dataclass(frozen=True)
class Dot:
    label: str
    shown: str  # "1.46 (1.05–1.93)", or "S"
    at: float  # % positions on the 0..LQ_AXIS_MAX axis
    low: float
    high: float
    significant: bool
    withheld: bool


def _pct(value: float) -> float:
    return round(min(max(value, 0.0), LQ_AXIS_MAX) / LQ_AXIS_MAX * 100, 2)


def _type_names(lang: str) -> dict[str, str]:
    t = translations(lang)
    return {
        "se_total": t.gettext("Social enterprises"),
        "village_enterprise": t.gettext("Village enterprises"),
        "cooperative": t.gettext("Cooperatives"),
        "self_sufficiency": t.gettext("Self-sufficiency enterprises"),
    }


def type_bars(by_type: pd.DataFrame, district_ko: str, lang: str) -> list[Bar]:
    names = _type_names(lang)
    seoul = by_type.loc[_seoul_rows(by_type)]
    row = by_type.loc[district_ko]
    top = max(float(row[list(TYPE_COLUMNS)].max()), float(seoul[list(TYPE_COLUMNS)].mean().max()), 1.0)
    bars = []
    for column in TYPE_COLUMNS:
        count, average = int(row[column]), float(seoul[column].mean())
        hidden = suppression(count) == "S"
        bars.append(
            Bar(
                names[column],
                "S" if hidden else f"{count:,}",
                0.0 if hidden else round(count / top * 100, 2),
                f"{average:,.1f}",
                round(average / top * 100, 2),
            )
        )
    return bars


def _seoul_rows(table: pd.DataFrame) -> list[str]:
    """The 25 districts' rows, not an area outside Seoul (the published table has a 경기도 row)."""
    return [d.name_ko for d in load_crosswalk() if d.name_ko in table.index]


def lq_dots(lq: pd.DataFrame, district_ko: str, lang: str) -> list[Dot]:
    dots = []
    for row in lq[lq["district_ko"] == district_ko].itertuples(index=False):
        hidden = row.suppression == "S"
        shown = "S" if hidden else f"{row.lq:.2f} ({row.ci_low:.2f}–{row.ci_high:.2f})"
        dots.append(
            Dot(
                value_label(row.industry, lang),
                shown,
                _pct(row.lq),
                _pct(row.ci_low),
                _pct(row.ci_high),
                bool(row.q_value < SIGNIFICANT_Q),
                hidden,
            )
        )
    return dots


def district_page_of(
    store: Store, district: District, lang: str, settings: MapSettings, page: int = 1, q: str = "", sort: str = "name"
) -> Page:
    """``page``, ``q``, ``sort``: the resources table's (semap.maps.district_table)."""
    label = district.name_en if lang == "en" else district.name_ko
    by_type = counts_table(store, CountBy.type, Level.district)
    lq = lq_table(store, LqBy.industry, Level.district)
    # The resolved district is carried by its named code: five bare codes are valid in both schemes.
    district_filter = f"adm:{district.adm_code}"
    table = resource_table(store, district, lang, page, q, sort)
    organizations = int(by_type.loc[district.name_ko, "total"]) if district.name_ko in by_type.index else 0
    seoul_total = int(by_type.loc[_seoul_rows(by_type), "total"].sum())
    significant = lq[(lq["district_ko"] == district.name_ko) & (lq["q_value"] < SIGNIFICANT_Q) & (lq["lq"] > 1)]
    concentrated = [value_label(v, lang) for v in significant.sort_values("lq", ascending=False)["industry"]]
    headline = {
        "organizations": f"{organizations:,}",
        "share": f"{organizations / seoul_total:.1%}" if seoul_total else "–",
        "resources": f"{table.pager.total:,}",
        "concentrated": ", ".join(concentrated) or translations(lang).gettext("none clearly concentrated"),
    }
    query = f"district={quote(district_filter)}"
    layers = [
        {"url": "/api/v1/districts?simplify=0.0001", "polygon": True, "fit": False},
        # drawn as on the map: circles in their type's colour, diamonds in their category's (semap.maps.palette)
        {"url": f"/api/v1/organizations?{query}&limit=1000", "layer": "organizations", "fit": False},
        {"url": f"/api/v1/resources?{query}&limit=1000", "layer": "resources", "fit": False},
    ]
    center = _district_center(store, district.adm_code)
    embed = MapView({"district": district.name_ko}, at=(center[0], center[1], 13))
    return render_page(
        "district.html",
        settings,
        zoom=13,
        lang=lang,
        title=f"SeMap — {label}",
        label=label,
        district_ko=district.name_ko,
        district_query=quote(district_filter),
        headline=headline,
        bars=type_bars(by_type, district.name_ko, lang) if district.name_ko in by_type.index else [],
        dots=lq_dots(lq, district.name_ko, lang),
        one_at=_pct(1.0),
        hotspots=district_hotspots(store, district, lang),
        change=district_change(store, district, lang),
        table=table,
        lq_ticks=[(_pct(v), f"{v:g}" + ("+" if v == LQ_AXIS_MAX else "")) for v in range(int(LQ_AXIS_MAX) + 1)],
        about=data_note(store.meta(), load(PublicationSettings), lang),
        downloads=[(layer, fmt) for layer, fmt in reversed(DOWNLOADS)],
        print_qr_local=settings.public_url if settings.public_url_is_local else None,
        embed_query=embed.query(lang),
        frame_title=f"SeMap — {label}",
        data={"center": center, "zoom": 13, "layers": layers, "palette": PALETTE},
    )


def _district_center(store: Store, adm_code: str) -> list[float]:
    lon, lat = store.fetch(
        "SELECT ST_X(ST_PointOnSurface(geom)), ST_Y(ST_PointOnSurface(geom)) FROM districts WHERE adm_code = :c",
        {"c": adm_code},
    )[0]
    return [float(lat), float(lon)]
