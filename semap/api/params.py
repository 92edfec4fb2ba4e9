"""The filter grammar as query parameters, documented once and shared by every endpoint that filters.

Each layer documents exactly the filters it accepts: resources take the common ones, organizations those and
their own (type, subtype, designation, industry, status). Lengths match what the grammar enforces.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Annotated, Any

from fastapi import Depends, Query, Request

from semap.errors import InvalidParameter
from semap.features.filters import BBOX_PATTERN, DATETIME_PATTERN, MAX_TEXT, STATUSES, TEXT_PATTERN, FeatureFilter
from semap.features.layers import ORGANIZATIONS, RESOURCES, LayerName
from semap.geodata.districts import spellings
from semap.registry.model import INDUSTRIES, ORG_TYPES, RESOURCE_CATEGORIES, SEMAP_CATEGORIES


def _text(description: str, pattern: str = TEXT_PATTERN, **extra: Any) -> Any:
    # The pattern documents what the grammar accepts; the grammar checks it, with a message that says why.
    return Query(max_length=MAX_TEXT, description=description, json_schema_extra={"pattern": pattern}, **extra)


def _one_of(description: str, values: Sequence[str], **extra: Any) -> Any:
    """A closed vocabulary: listed in the schema, checked by the grammar (whose 422 names the allowed values)."""
    return Query(description=description, json_schema_extra={"enum": list(values)}, **extra)


async def common_filter(
    district: Annotated[
        str | None,
        _one_of(
            "name (강남구, 강남, Gangnam-gu) or code: adm:11680 (행정표준코드), kostat:11230, or a bare "
            "code valid in one scheme only",
            spellings(),
            examples=["송파구"],
        ),
    ] = None,
    dong: Annotated[str | None, _text("dong name or KOSTAT code")] = None,
    q: Annotated[str | None, _text("text in name, description or address")] = None,
    bbox: Annotated[
        str | None,
        Query(
            json_schema_extra={"pattern": BBOX_PATTERN},
            description="minx,miny,maxx,maxy in EPSG:4326 (lon/lat; corners in either order)",
            examples=["126.9,37.5,127.1,37.6"],
        ),
    ] = None,
    verified_since: Annotated[
        str | None, Query(description="YYYY-MM-DD", json_schema_extra={"format": "date"}, max_length=10)
    ] = None,
    datetime: Annotated[
        str | None,
        _text(
            "verified (verified_at) on a day or within an interval, as OGC API's datetime: 2013-12-31, "
            "2013-01-01/2013-12-31, 2013-06-01/.. (a time with a zone counts in Seoul's calendar)",
            pattern=DATETIME_PATTERN,
            examples=["2013-01-01/2013-12-31"],
        ),
    ] = None,
) -> FeatureFilter:
    return FeatureFilter.of(
        district=district, dong=dong, q=q, bbox=bbox, verified_since=verified_since, datetime=datetime
    )


async def resource_filter(
    request: Request,
    common: Annotated[FeatureFilter, Depends(common_filter)],
    category: Annotated[str | None, _one_of("resource category", RESOURCE_CATEGORIES)] = None,
) -> FeatureFilter:
    # An organization filter sent to resources would otherwise be ignored, and the answer silently unfiltered.
    for name in sorted(ORGANIZATIONS.filters - RESOURCES.filters):
        if name in request.query_params:
            allowed = ", ".join(sorted(RESOURCES.filters))
            raise InvalidParameter(name, f"is not a filter of resources; filters: {allowed}")
    return FeatureFilter.of(**common.as_params(), category=category)


async def organization_filter(
    common: Annotated[FeatureFilter, Depends(common_filter)],
    category: Annotated[str | None, _one_of("SeMap legend category", SEMAP_CATEGORIES)] = None,
    type: Annotated[str | None, _one_of("organization type", ORG_TYPES)] = None,
    subtype: Annotated[str | None, _text("e.g. 사회적협동조합, 인증")] = None,
    designation: Annotated[
        str | None,
        _text(
            "a designation held: a type (사회적기업), or type/subtype (사회적기업/서울형(예비))",
            pattern=f"^({'|'.join(ORG_TYPES)})(/[^\\x00-\\x1f\\x7f]*)?$",
        ),
    ] = None,
    industry: Annotated[str | None, _one_of("research industry", INDUSTRIES)] = None,
    status: Annotated[str | None, _one_of("operating or closed", STATUSES)] = None,
) -> FeatureFilter:
    return FeatureFilter.of(
        **common.as_params(),
        category=category,
        type=type,
        subtype=subtype,
        designation=designation,
        industry=industry,
        status=status,
    )


FILTERS: dict[LayerName, Callable[..., Awaitable[FeatureFilter]]] = {
    LayerName.organizations: organization_filter,
    LayerName.resources: resource_filter,
}
