"""OGC API Features paging links of a page of features: self, and next / prev where there are more."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import URL


def page_links(url: URL, page: dict[str, Any], limit: int, offset: int) -> list[dict[str, str]]:
    geojson = "application/geo+json"  # clients follow only a next link of their type (GDAL, QGIS)
    links = [{"rel": "self", "href": str(url), "type": geojson}]
    if offset + page["numberReturned"] < page["numberMatched"]:
        links.append({"rel": "next", "href": str(url.include_query_params(offset=offset + limit)), "type": geojson})
    if offset > 0:
        links.append(
            {"rel": "prev", "href": str(url.include_query_params(offset=max(0, offset - limit))), "type": geojson}
        )
    return links
