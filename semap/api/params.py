"""The filter grammar as query parameters, documented once and shared by every endpoint that filters.

Each layer documents exactly the filters it accepts: resources take the common ones, organizations those and
their own (type, subtype, designation, industry, status). Lengths match what the grammar enforces.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Query, Request

from semap.errors import InvalidParameter
from semap.features.filters import MAX_TEXT, STATUSES, FeatureFilter
from semap.features.layers import ORGANIZATIONS, RESOURCES, LayerName
from semap.registry.model import INDUSTRIES, ORG_TYPES


def _text(description: str, **extra: object) -> object:
    return Query(max_length=MAX_TEXT, description=description, **extra)  # type: ignore[arg-type]


def common_filter(
    district: Annotated[
        str | None,
        _text(
            "name (강남구, 강남, Gangnam-gu) or code: adm:11680 (행정표준코드), kostat:11230, or a bare "
            "code valid in one scheme only",
            examples=["송파구"],
        ),
    ] = None,
    dong: Annotated[str | None, _text("dong name or KOSTAT code")] = None,
    category: Annotated[
        str | None, _text("SeMap legend category (organizations) or resource category (resources)")
    ] = None,
    q: Annotated[str | None, _text("text in name, description or address")] = None,
    bbox: Annotated[str | None, _text("minx,miny,maxx,maxy in EPSG:4326", examples=["126.9,37.5,127.1,37.6"])] = None,
    verified_since: Annotated[str | None, _text("YYYY-MM-DD")] = None,
) -> FeatureFilter:
    return FeatureFilter.of(
        district=district, dong=dong, category=category, q=q, bbox=bbox, verified_since=verified_since
    )


def resource_filter(request: Request, common: Annotated[FeatureFilter, Depends(common_filter)]) -> FeatureFilter:
    # An organization filter sent to resources would otherwise be ignored, and the answer silently unfiltered.
    for name in sorted(ORGANIZATIONS.filters - RESOURCES.filters):
        if name in request.query_params:
            allowed = ", ".join(sorted(RESOURCES.filters))
            raise InvalidParameter(name, f"is not a filter of resources; filters: {allowed}")
    return common


def organization_filter(
    common: Annotated[FeatureFilter, Depends(common_filter)],
    type: Annotated[str | None, _text(f"organization type: {', '.join(ORG_TYPES)}")] = None,
    subtype: Annotated[str | None, _text("e.g. 사회적협동조합, 인증")] = None,
    designation: Annotated[str | None, _text("a designation held: 사회적기업 or 사회적기업/서울형(예비)")] = None,
    industry: Annotated[str | None, _text(f"research industry: {', '.join(INDUSTRIES)}")] = None,
    status: Annotated[str | None, _text(f"{' or '.join(STATUSES)}")] = None,
) -> FeatureFilter:
    return FeatureFilter.of(
        **common.as_params(), type=type, subtype=subtype, designation=designation, industry=industry, status=status
    )


FILTERS: dict[LayerName, Callable[..., FeatureFilter]] = {
    LayerName.organizations: organization_filter,
    LayerName.resources: resource_filter,
}
