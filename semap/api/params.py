"""The filter grammar as query parameters, documented once and shared by every endpoint that filters."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from semap.features.filters import FeatureFilter

Text = Annotated[str | None, Query(max_length=200)]


def feature_filter(
    district: Annotated[
        str | None,
        Query(
            max_length=200,
            description="name (강남구, 강남, Gangnam-gu) or code: adm:11680 (행정표준코드), kostat:11230, or a bare "
            "code valid in one scheme only",
            examples=["송파구"],
        ),
    ] = None,
    dong: Annotated[str | None, Query(max_length=200, description="dong name or KOSTAT code")] = None,
    type: Annotated[str | None, Query(max_length=200, description="organization type, e.g. 협동조합")] = None,
    subtype: Annotated[str | None, Query(max_length=200, description="e.g. 사회적협동조합, 인증")] = None,
    designation: Annotated[
        str | None, Query(max_length=200, description="a designation held: 사회적기업 or 사회적기업/서울형(예비)")
    ] = None,
    industry: Annotated[str | None, Query(max_length=200, description="research industry, e.g. 교육")] = None,
    category: Annotated[
        str | None, Query(max_length=200, description="SeMap legend category (organizations) or resource category")
    ] = None,
    status: Annotated[str | None, Query(max_length=200, description="operating or closed")] = None,
    q: Annotated[str | None, Query(max_length=200, description="text in name, description or address")] = None,
    bbox: Annotated[
        str | None,
        Query(max_length=200, description="minx,miny,maxx,maxy in EPSG:4326", examples=["126.9,37.5,127.1,37.6"]),
    ] = None,
    verified_since: Annotated[str | None, Query(max_length=200, description="YYYY-MM-DD")] = None,
) -> FeatureFilter:
    return FeatureFilter.of(
        district=district,
        dong=dong,
        type=type,
        subtype=subtype,
        designation=designation,
        industry=industry,
        category=category,
        status=status,
        q=q,
        bbox=bbox,
        verified_since=verified_since,
    )
