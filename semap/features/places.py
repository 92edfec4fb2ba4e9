"""Places a search box finds besides records: districts, dongs and road names, from what the store already holds
(the boundaries, and the address points the geocoder reads), each with the box a map fits to."""

from __future__ import annotations

from typing import Any

from semap.errors import InvalidParameter
from semap.features.filters import MAX_TEXT
from semap.store.base import Store

MAX_PLACES = 20
# The same text searched three ways, best first: the whole name, its beginning, anywhere in it.
_RANK = "CASE WHEN lower({c}) = :q THEN 0 WHEN strpos(lower({c}), :q) = 1 THEN 1 ELSE 2 END"


def _rank(*columns: str) -> str:
    ranks = [_RANK.format(c=c) for c in columns]
    return "least(" + ", ".join(ranks) + ")" if len(ranks) > 1 else ranks[0]


def _matches(*columns: str) -> str:
    return "(" + " OR ".join(f"strpos(lower({c}), :q) > 0" for c in columns) + ")"


def _box(row: tuple[Any, ...]) -> list[float]:
    return [round(float(v), 6) for v in row]


def find_places(store: Store, text: str, limit: int = 8) -> list[dict[str, Any]]:
    """Districts, then dongs, then roads whose Korean or English name holds ``text`` (case-insensitive), at most
    ``limit`` in all; each: kind, name_ko, name_en (roads have none), district_ko, bbox [minx, miny, maxx, maxy]."""
    q = text.strip().lower()
    if not q:
        raise InvalidParameter("q", "a search needs some text")
    if len(q) > MAX_TEXT or any(ord(c) < 32 for c in q):
        raise InvalidParameter("q", f"at most {MAX_TEXT} characters, no control characters")
    if not 1 <= limit <= MAX_PLACES:
        raise InvalidParameter("limit", f"between 1 and {MAX_PLACES}")
    box = "ST_XMin({g}), ST_YMin({g}), ST_XMax({g}), ST_YMax({g})"
    found: list[dict[str, Any]] = []
    districts = store.fetch(
        f"SELECT name_ko, name_en, {box.format(g='geom')} FROM districts WHERE {_matches('name_ko', 'name_en')} "
        f"ORDER BY {_rank('name_ko', 'name_en')}, name_ko LIMIT :limit",
        {"q": q, "limit": limit},
    )
    found += [
        {"kind": "district", "name_ko": r[0], "name_en": r[1], "district_ko": r[0], "bbox": _box(r[2:])}
        for r in districts
    ]
    dongs = store.fetch(
        f"SELECT g.name_ko, g.name_en, d.name_ko, {box.format(g='g.geom')} FROM dongs g "
        f"JOIN districts d ON d.adm_code = g.district_adm_code WHERE {_matches('g.name_ko', 'g.name_en')} "
        f"ORDER BY {_rank('g.name_ko', 'g.name_en')}, g.name_ko, d.name_ko LIMIT :limit",
        {"q": q, "limit": limit},
    )
    found += [
        {"kind": "dong", "name_ko": r[0], "name_en": r[1], "district_ko": r[2], "bbox": _box(r[3:])} for r in dongs
    ]
    # A road is the entrances the address database holds on it, one per district it runs through.
    roads = store.fetch(
        "SELECT road, sigungu, min(ST_X(geom)), min(ST_Y(geom)), max(ST_X(geom)), max(ST_Y(geom)) "
        f"FROM address_points WHERE sido LIKE '서울%' AND geom IS NOT NULL AND {_matches('road')} "
        f"GROUP BY road, sigungu ORDER BY min({_rank('road')}), length(road), road, sigungu LIMIT :limit",
        {"q": q, "limit": limit},
    )
    found += [
        {"kind": "road", "name_ko": r[0], "name_en": None, "district_ko": r[1], "bbox": _box(r[2:])} for r in roads
    ]
    return found[:limit]
