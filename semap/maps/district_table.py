"""The district page's resources table, served a page at a time (50 rows): searched, sorted and paged on the server
through query parameters, so it works without scripts and a link names exactly what it shows. Each row says who
holds the resource and where (dong, address), and links to the record on the map — rows that read alike ("음향장비")
are told apart by those.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import ceil
from typing import Any
from urllib.parse import urlencode

from semap.features.filters import FeatureFilter
from semap.features.layers import RESOURCES
from semap.features.queries import table_rows
from semap.geodata.districts import District
from semap.i18n import translations
from semap.maps.labels import value_label
from semap.store.base import Store

PAGE_SIZE = 50
SORTABLE = ("name", "category", "owner_name", "dong", "address")
MAP_ZOOM = 18  # a record shown on the map: close enough to tell it from its neighbours


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    href: str | None  # sorting by it (None: not sortable)
    sorted: str | None  # "ascending" / "descending" when the table is sorted by it


@dataclass(frozen=True)
class Row:
    cells: dict[str, str]
    map_url: str | None  # the record on the map (None: the record has no point)


@dataclass(frozen=True)
class Pager:
    page: int
    pages: int
    first: int  # 1-based number of the first row shown (0 when none)
    last: int
    matched: int
    total: int
    links: list[tuple[str, str | None]]  # (label, href or None for the current page)
    previous: str | None
    next: str | None


@dataclass(frozen=True)
class ResourceTable:
    columns: list[Column]
    rows: list[Row]
    pager: Pager
    q: str
    sort: str


def _labels(lang: str) -> dict[str, str]:
    t = translations(lang)
    return {
        "name": t.gettext("Name"),
        "category": t.gettext("Category"),
        "owner_name": t.gettext("Held by"),
        "dong": t.gettext("Dong"),
        "address": t.gettext("Address"),
        "fee": t.gettext("Fee"),
        "availability": t.gettext("Available"),
    }


def _cells(record: dict[str, Any], dongs: dict[str, str], lang: str) -> dict[str, str]:
    def text(key: str) -> str:
        value = record.get(key)
        return "" if value is None else str(value)

    return {
        "name": text("name"),
        "category": value_label(record.get("category"), lang),
        "owner_name": text("owner_name"),
        "dong": dongs.get(text("dong_code"), ""),
        "address": text("address_normalized") or text("address_raw"),
        "fee": text("fee"),
        "availability": text("availability"),
    }


def _map_url(record: dict[str, Any], district: District, lang: str) -> str | None:
    if record.get("lon") is None or record.get("lat") is None:
        return None
    at = f"{float(record['lat']):.6f},{float(record['lon']):.6f},{MAP_ZOOM}"
    return "/?" + urlencode({"lang": lang, "district": district.name_ko, "at": at, "show": record["id"]})


def dong_names(store: Store, district: District, lang: str) -> dict[str, str]:
    rows = store.fetch(
        "SELECT kostat_code, name_ko, name_en FROM dongs WHERE district_adm_code = :c", {"c": district.adm_code}
    )
    return {code: (en if lang == "en" and en else ko) for code, ko, en in rows}


def resource_table(store: Store, district: District, lang: str, page: int, q: str, sort: str) -> ResourceTable:
    """``page`` from 1 (past the last: the last), ``q`` words every shown cell must contain somewhere in the row,
    ``sort`` a column key (SORTABLE), ``-key`` for the other way; an unknown one sorts by name."""
    dongs = dong_names(store, district, lang)
    records = table_rows(store, RESOURCES, FeatureFilter.of(district=f"adm:{district.adm_code}"))
    rows = [Row(_cells(r, dongs, lang), _map_url(r, district, lang)) for r in records]
    total = len(rows)
    q = q.strip()
    needles = q.casefold().split()
    if needles:
        rows = [r for r in rows if all(n in " ".join(r.cells.values()).casefold() for n in needles)]
    key = sort.removeprefix("-")
    if key not in SORTABLE:
        sort, key = "name", "name"
    descending = sort.startswith("-")
    # Ties keep a stable, meaningful order: then by name, holder and address.
    rows.sort(key=lambda r: (r.cells["name"], r.cells["owner_name"], r.cells["address"]))
    rows.sort(key=lambda r: r.cells[key], reverse=descending)
    pages = max(1, ceil(len(rows) / PAGE_SIZE))
    page = min(max(page, 1), pages)
    shown = rows[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]

    def href(**changed: str | int) -> str:
        params = {"lang": lang, "q": q, "sort": sort, "page": page, **changed}
        kept = {k: v for k, v in params.items() if v not in ("", None) and not (k == "page" and v == 1)}
        return "?" + urlencode(kept) + "#resources"

    labels = _labels(lang)
    columns = [
        Column(
            c,
            labels[c],
            href(sort=f"-{c}" if (key == c and not descending) else c, page=1) if c in SORTABLE else None,
            ("descending" if descending else "ascending") if key == c else None,
        )
        for c in labels
    ]
    first = (page - 1) * PAGE_SIZE + 1 if shown else 0
    pager = Pager(
        page=page,
        pages=pages,
        first=first,
        last=first + len(shown) - 1 if shown else 0,
        matched=len(rows),
        total=total,
        links=[(str(n), None if n == page else href(page=n)) for n in range(1, pages + 1)],
        previous=href(page=page - 1) if page > 1 else None,
        next=href(page=page + 1) if page < pages else None,
    )
    return ResourceTable(columns, shown, pager, q, sort)
