"""One filter grammar for the map, the lists, the exports and the stats: parse, validate, turn into SQL.

Every value reaches SQL as a bound parameter; validation is for helpful 4xx messages, not for safety.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from zoneinfo import ZoneInfo

from semap.errors import InvalidParameter, NotFound
from semap.features.layers import Layer
from semap.geodata.districts import District, by_adm_code, by_kostat_code, by_name, load_crosswalk
from semap.registry.model import INDUSTRIES, ORG_TYPES, RESOURCE_CATEGORIES, SEMAP_CATEGORIES

CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
# For the OpenAPI document: what the grammar accepts, so the schema and the server agree.
TEXT_PATTERN = r"^[^\x00-\x1f\x7f]*$"
_LON = r"-?(180(\.0+)?|(1[0-7][0-9]|[0-9]{1,2})(\.[0-9]+)?)"
_LAT = r"-?(90(\.0+)?|[0-8]?[0-9](\.[0-9]+)?)"
BBOX_PATTERN = rf"^{_LON},{_LAT},{_LON},{_LAT}$"
_DAY = r"[1-9][0-9]{3}-((0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])|(0[13-9]|1[0-2])-(29|30)|(0[13578]|1[02])-31)"
_TIME = r"T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,6})?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])?"
_INSTANT = f"{_DAY}({_TIME})?"
DATETIME_PATTERN = rf"^({_INSTANT}|{_INSTANT}/({_INSTANT}|\.\.)?|(\.\.)?/{_INSTANT})$"
MAX_TEXT = 100
STATUSES = ("operating", "closed")
SEOUL = ZoneInfo("Asia/Seoul")  # verified_at is a day in Seoul: an instant with a zone is read there
OPEN_END = ("", "..")


@dataclass(frozen=True)
class FeatureFilter:
    district: str | None = None
    dong: str | None = None
    type: str | None = None
    subtype: str | None = None
    designation: str | None = None
    industry: str | None = None
    category: str | None = None
    status: str | None = None
    q: str | None = None
    bbox: str | None = None
    verified_since: str | None = None
    datetime: str | None = None
    given: frozenset[str] = field(default=frozenset(), compare=False)

    @classmethod
    def of(cls, **values: str | None) -> FeatureFilter:
        present = {k: v for k, v in values.items() if v not in (None, "")}
        return cls(**present, given=frozenset(present))

    def as_params(self) -> dict[str, str]:
        """The filter as query parameters (for links: 'download what I see')."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "given" and getattr(self, f.name)}


def _text(name: str, value: str) -> str:
    value = value.strip()
    if len(value) > MAX_TEXT:
        raise InvalidParameter(name, f"at most {MAX_TEXT} characters")
    # Values are bound parameters, so ';' or '--' are ordinary text; control characters are never a search.
    if CONTROL_CHARACTERS.search(value):
        raise InvalidParameter(name, "may not contain control characters")
    return value


def resolve_district(value: str) -> District:
    """A district by name (강남구, 강남, Gangnam-gu) or code: adm:11680, kostat:11230, or a bare code valid in
    only one scheme. Five bare codes are valid in both and name different districts: those must say which."""
    value = _text("district", value)
    if ":" in value:
        scheme, code = value.split(":", 1)
        lookups = {"adm": by_adm_code, "kostat": by_kostat_code}
        if scheme not in lookups:
            raise InvalidParameter(
                "district", "code scheme must be adm: (행정표준코드) or kostat: (KOSTAT census code)"
            )
        try:
            return lookups[scheme](code)
        except NotFound as exc:
            raise InvalidParameter("district", str(exc)) from None
    if value.isdigit():
        matches = [d for d in load_crosswalk() if value in (d.adm_code, d.kostat_code)]
        if len(matches) == 2:
            a, k = matches if matches[0].adm_code == value else matches[::-1]
            raise InvalidParameter(
                "district",
                f"{value} is 행정표준코드 of {a.name_ko} and KOSTAT code of {k.name_ko}; "
                f"write adm:{value} or kostat:{value}",
            )
        if matches:
            return matches[0]
        raise InvalidParameter("district", f"no district has the code {value}")
    try:
        return by_name(value)
    except NotFound:
        names = ", ".join(d.name_ko for d in load_crosswalk()[:3])
        raise InvalidParameter("district", f"no Seoul district is called {value!r} (e.g. {names}, or a code)") from None


def parse_bbox(value: str) -> tuple[float, float, float, float]:
    parts = value.split(",")
    try:
        minx, miny, maxx, maxy = (float(p) for p in parts)
    except ValueError:
        raise InvalidParameter("bbox", "four numbers: minx,miny,maxx,maxy in EPSG:4326 (lon/lat)") from None
    if not all(abs(v) != float("inf") and v == v for v in (minx, miny, maxx, maxy)):
        raise InvalidParameter("bbox", "coordinates must be finite numbers")
    if not (-180 <= minx <= 180 and -180 <= maxx <= 180 and -90 <= miny <= 90 and -90 <= maxy <= 90):
        raise InvalidParameter("bbox", "longitudes must lie in [-180, 180] and latitudes in [-90, 90]")
    # Corners in either order name the same box; a box of zero width is a line or a point, still a valid query.
    return min(minx, maxx), min(miny, maxy), max(minx, maxx), max(miny, maxy)


def _day(text: str) -> str:
    """The day (YYYY-MM-DD) of an RFC 3339 date or date-time; one with a zone counts in Seoul's calendar."""
    try:
        moment = datetime.fromisoformat(text)
        return (moment.astimezone(SEOUL) if moment.tzinfo else moment).date().isoformat()
    except (ValueError, OverflowError):  # not a date, or a zone that moves it past year 9999
        raise InvalidParameter(
            "datetime", f"{text!r} is not an RFC 3339 date or date-time (2013-12-31, 2013-12-31T09:00:00Z)"
        ) from None


def parse_datetime(value: str) -> tuple[str | None, str | None]:
    """OGC API's ``datetime``: an instant, or an interval ``start/end`` where either end may be open (``..``);
    as the first and last day (inclusive) a record's verified_at may fall on, None for an open end."""
    value = _text("datetime", value)
    parts = value.split("/")
    if len(parts) > 2 or parts == ["", ""] or parts == ["..", ".."]:
        raise InvalidParameter("datetime", "an instant or one interval start/end, at most one end open (..)")
    if len(parts) == 1:
        day = _day(parts[0])
        return day, day
    start, end = (None if p in OPEN_END else _day(p) for p in parts)
    return start, end  # an interval ending before it starts holds no day: it selects nothing


def _choice(name: str, value: str, allowed: tuple[str, ...]) -> str:
    value = _text(name, value)
    if value not in allowed:
        raise InvalidParameter(name, f"{value!r} is not one of: {', '.join(allowed)}")
    return value


def where_clause(flt: FeatureFilter, layer: Layer, envelope_sql: str, alias: str = "t") -> tuple[str, dict]:
    """SQL conditions (joined by AND, or 'TRUE') and their parameters, for ``layer``."""
    unknown = sorted(flt.given - layer.filters)
    if unknown:
        raise InvalidParameter(
            unknown[0], f"is not a filter of {layer.name}; filters: {', '.join(sorted(layer.filters))}"
        )
    # Archived and retired entries are off the public map, lists and exports; they stay in history.
    conditions: list[str] = [f"COALESCE({alias}.status, '') NOT IN ('archived', 'retired')"]
    params: dict[str, object] = {}
    if flt.district:
        conditions.append(f"{alias}.district_adm_code = :district")
        params["district"] = resolve_district(flt.district).adm_code
    if flt.dong:
        dong = _text("dong", flt.dong)
        conditions.append(
            f"{alias}.dong_code IN (SELECT kostat_code FROM dongs WHERE kostat_code = :dong OR name_ko = :dong)"
        )
        params["dong"] = dong
    if flt.type:
        conditions.append(f"{alias}.type = :type")
        params["type"] = _choice("type", flt.type, ORG_TYPES)
    if flt.subtype:
        conditions.append(f"{alias}.subtype = :subtype")
        params["subtype"] = _text("subtype", flt.subtype)
    if flt.designation:
        # designations is JSON text written by SeMap: [{"type": "…", "subtype": "…", …}]
        kind, _, sub = _text("designation", flt.designation).partition("/")
        _choice("designation", kind, ORG_TYPES)
        needle = f'"type": "{kind}", "subtype": "{sub}"' if sub else f'"type": "{kind}"'
        conditions.append(f"strpos({alias}.designations, :designation) > 0")
        params["designation"] = needle
    if flt.industry:
        conditions.append(f"{alias}.industry = :industry")
        params["industry"] = _choice("industry", flt.industry, INDUSTRIES)
    if flt.category:
        allowed = SEMAP_CATEGORIES if layer.name == "organizations" else RESOURCE_CATEGORIES
        conditions.append(f"{alias}.category = :category")
        params["category"] = _choice("category", flt.category, allowed)
    if flt.status:
        conditions.append(f"{alias}.status = :status")
        params["status"] = _choice("status", flt.status, STATUSES)
    if flt.q:
        text = _text("q", flt.q).lower()
        searched = ("name", "description", "address_raw")
        conditions.append("(" + " OR ".join(f"strpos(lower({alias}.{c}), :q) > 0" for c in searched) + ")")
        params["q"] = text
    if flt.bbox:
        minx, miny, maxx, maxy = parse_bbox(flt.bbox)
        conditions.append(f"ST_Intersects({alias}.geom, {envelope_sql})")
        params.update(minx=minx, miny=miny, maxx=maxx, maxy=maxy)
    if flt.verified_since:
        try:
            params["verified_since"] = date.fromisoformat(_text("verified_since", flt.verified_since)).isoformat()
        except ValueError:
            raise InvalidParameter("verified_since", "a date as YYYY-MM-DD") from None
        conditions.append(f"{alias}.verified_at >= :verified_since")
    if flt.datetime:
        first, last = parse_datetime(flt.datetime)
        # verified_at is YYYY-MM-DD text: compared as text, day by day; never verified is outside any interval
        conditions.append(f"{alias}.verified_at IS NOT NULL")
        if first:
            conditions.append(f"substr({alias}.verified_at, 1, 10) >= :datetime_first")
            params["datetime_first"] = first
        if last:
            conditions.append(f"substr({alias}.verified_at, 1, 10) <= :datetime_last")
            params["datetime_last"] = last
    return (" AND ".join(conditions) or "TRUE"), params


def plain_conditions(layer: Layer) -> str:
    """The conditions of ``layer``'s answers without a filter (archived and retired entries left out), as literal
    SQL over ``t``: what the answers made ahead for a data version read (semap.features.tiles_ahead, records_ahead)."""
    where, params = where_clause(FeatureFilter(), layer, "")
    if params:  # literal, or a DuckDB read would bind a parameter (and import pandas)
        raise ValueError(f"the plain {layer.name} layer's conditions take parameters: {sorted(params)}")
    return where
