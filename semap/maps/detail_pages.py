"""A district's page (map, counts, LQ row, shared resources with exports) and an organization's page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import orjson
import pandas as pd

from semap.features.filters import FeatureFilter, resolve_district
from semap.features.layers import ORGANIZATIONS, RESOURCES
from semap.features.queries import one, table_rows
from semap.geodata.districts import District
from semap.maps.labels import TEXT, value_label
from semap.maps.main_page import DOWNLOADS
from semap.maps.render import Page, render_page
from semap.settings import MapSettings
from semap.stats.tables import CountBy, Level, LqBy, counts_table, lq_table
from semap.store.base import Store

RESOURCE_COLUMNS = ("name", "category", "owner_name", "fee", "availability")


@dataclass(frozen=True)
class Table:
    columns: list[str]
    rows: list[list[Any]]


def _table(frame: pd.DataFrame, lang: str) -> Table:
    return Table(
        [value_label(str(c), lang) for c in frame.columns],
        [["" if v is None else str(v) for v in row] for row in frame.itertuples(index=False)],
    )


def district_page(store: Store, name: str, lang: str, settings: MapSettings) -> Page:
    district = resolve_district(name)
    return district_page_of(store, district, lang, settings)


def district_page_of(store: Store, district: District, lang: str, settings: MapSettings) -> Page:
    t = TEXT[lang]
    label = district.name_en if lang == "en" else district.name_ko
    by_type = counts_table(store, CountBy.type, Level.district)
    by_industry = counts_table(store, CountBy.industry, Level.district)

    def row(table: pd.DataFrame) -> pd.DataFrame:
        found = table.loc[[district.name_ko]] if district.name_ko in table.index else table.iloc[0:0]
        return found.reset_index(drop=True)

    lq = lq_table(store, LqBy.industry, Level.district)
    lq = lq[lq["district_ko"] == district.name_ko][["industry", "n_ij", "lq", "ci_low", "ci_high", "q_value"]]
    lq = lq.assign(industry=lq["industry"].map(lambda v: value_label(v, lang))).round(3)
    # The resolved district is carried by its named code: five bare codes are valid in both schemes.
    district_filter = f"adm:{district.adm_code}"
    resources = pd.DataFrame(
        table_rows(store, RESOURCES, FeatureFilter.of(district=district_filter)), columns=list(RESOURCE_COLUMNS)
    )
    query = f"district={quote(district_filter)}"
    layers = [
        {"url": "/api/v1/districts?simplify=0.0001", "polygon": True, "fit": False},
        {"url": f"/api/v1/organizations?{query}&limit=1000", "color": "#1d3557", "fit": False},
        {"url": f"/api/v1/resources?{query}&limit=1000", "color": "#00838f", "fit": False},
    ]
    return render_page(
        "district.html",
        settings,
        zoom=13,
        lang=lang,
        title=f"SeMap — {label}",
        t=t,
        label=label,
        district_ko=district.name_ko,
        by_type=_table(row(by_type), lang),
        by_industry=_table(row(by_industry), lang),
        lq=_table(lq, lang),
        resources=_table(resources[list(RESOURCE_COLUMNS)], lang),
        downloads=[(layer, fmt) for layer, fmt in reversed(DOWNLOADS)],
        data={"center": _district_center(store, district.adm_code), "zoom": 13, "layers": layers},
    )


def _district_center(store: Store, adm_code: str) -> list[float]:
    lon, lat = store.fetch(
        "SELECT ST_X(ST_PointOnSurface(geom)), ST_Y(ST_PointOnSurface(geom)) FROM districts WHERE adm_code = :c",
        {"c": adm_code},
    )[0]
    return [float(lat), float(lon)]


def organization_page(store: Store, org_id: str, lang: str, settings: MapSettings) -> Page:
    t = TEXT[lang]
    feature = orjson.loads(one(store, ORGANIZATIONS, org_id))
    p = feature["properties"]
    designations = ", ".join(
        f"{value_label(d['type'], lang)}/{value_label(d['subtype'], lang)}" for d in p["designations"]
    )
    website = p.get("website") or ""
    fields = [
        (t["type"], value_label(p["type"], lang), None),
        (t["designations"], designations, None),
        (t["industry"], value_label(p["industry"], lang), None),
        (t["category"], value_label(p["category"], lang), None),
        (t["address"], p.get("address_raw") or "", None),
        (t["district"], p.get("district_ko") or "", None),
        # Only web links become links: a javascript: URL in a registry stays text.
        (t["website"], website, website if website.startswith(("http://", "https://")) else None),
        (t["status"], value_label(p["status"], lang), None),
        (t["verified"], p.get("verified_at") or "", None),
    ]
    center = None
    if feature["geometry"]:
        lon, lat = feature["geometry"]["coordinates"]
        center = [lat, lon]
    layers = [{"url": f"/api/v1/organizations/{quote(org_id, safe='')}", "color": "#d62828", "fit": False}]
    return render_page(
        "organization.html",
        settings,
        zoom=16,
        lang=lang,
        title=f"SeMap — {p['name']}",
        t=t,
        name=p["name"],
        description=p.get("description") or "",
        fields=[f for f in fields if f[1]],
        data={"center": center, "zoom": 16, "layers": layers},
    )
