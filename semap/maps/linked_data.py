"""schema.org descriptions (JSON-LD) that search engines and other directories read: an organization on its page,
and the dataset — licence, vintage, publisher, distributions — on the map's home page and the OGC API's landing
page. Templates write them with Jinja2's ``tojson``, which escapes ``<``, ``>``, ``&`` and ``'``: registry text
cannot close the script element it sits in."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from semap.features.tiles import SEOUL_BOUNDS
from semap.settings import PublicationSettings

CONTEXT = "https://schema.org"
DOWNLOADS = (("geojson", "application/geo+json"), ("csv", "text/csv"), ("gpkg", "application/geopackage+sqlite3"))
LAYER_NAMES = {"organizations": "사회적경제 조직 (organizations)", "resources": "공유자원 (shared resources)"}


def _web(url: str | None) -> str | None:
    return url if url and url.startswith(("http://", "https://")) else None


def organization_jsonld(properties: dict[str, Any], geometry: dict[str, Any] | None, page_url: str) -> dict[str, Any]:
    """An organization (and the place it is at: schema.org's ``geo`` belongs to Place) with its address and point."""
    described: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": ["Organization", "Place"],
        "@id": page_url,
        "name": properties["name"],
        "url": _web(properties.get("website")) or page_url,
        "mainEntityOfPage": page_url,
        "identifier": properties["id"],
        "address": {
            "@type": "PostalAddress",
            "streetAddress": properties.get("address_normalized") or properties.get("address_raw") or "",
            "addressLocality": properties.get("district_ko") or "",
            "addressRegion": "서울특별시",
            "addressCountry": "KR",
        },
    }
    if properties.get("description"):
        described["description"] = properties["description"]
    if geometry and geometry.get("type") == "Point":
        lon, lat = geometry["coordinates"][:2]
        described["geo"] = {"@type": "GeoCoordinates", "latitude": lat, "longitude": lon}
    return described


def dataset_jsonld(meta: dict[str, str], site_url: str, publication: PublicationSettings) -> dict[str, Any]:
    """The dataset SeMap serves: what, whose, under which licence, how current, and where to get it."""
    site_url = site_url.rstrip("/")
    publisher: dict[str, Any] = {"@type": "Organization", "name": publication.publisher}
    if publication.publisher_url:
        publisher["url"] = publication.publisher_url
    west, south, east, north = SEOUL_BOUNDS
    distributions = [
        {
            "@type": "DataDownload",
            "name": f"{LAYER_NAMES[layer]} — {fmt.upper()}",
            "encodingFormat": media,
            "contentUrl": f"{site_url}/api/v1/export/{layer}.{fmt}",
        }
        for layer in LAYER_NAMES
        for fmt, media in DOWNLOADS
    ]
    distributions.append(
        {
            "@type": "DataDownload",
            "name": "OGC API – Features and Tiles (QGIS, GDAL)",
            "encodingFormat": "application/geo+json",
            "contentUrl": f"{site_url}/ogc/collections",
        }
    )
    described: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "Dataset",
        "@id": f"{site_url}/ogc",
        "name": "SeMap — 서울 사회적경제 조직과 공유자원 (Seoul's social economy organizations and shared resources)",
        "description": "Seoul's social enterprises, cooperatives, village and self-sufficiency enterprises, "
        "intermediary bodies and councils from the official registries, and the shared resources districts survey, "
        "geocoded to their buildings, with the districts and dongs they lie in.",
        "url": f"{site_url}/",
        "license": publication.data_licence_url,
        "publisher": publisher,
        "creator": publisher,
        "isAccessibleForFree": True,
        "inLanguage": "ko",
        "keywords": ["사회적경제", "사회적기업", "협동조합", "마을기업", "자활기업", "social economy", "Seoul"],
        "spatialCoverage": {
            "@type": "Place",
            "name": "서울특별시 (Seoul)",
            "geo": {"@type": "GeoShape", "box": f"{south} {west} {north} {east}"},
        },
        "distribution": distributions,
    }
    if meta.get("registries_as_of"):
        described["temporalCoverage"] = meta["registries_as_of"]
    modified = meta.get("edits_applied_at") or meta.get("loaded_at")
    if modified:
        described["dateModified"] = modified
    return described


def organization_url(site_url: str, org_id: str) -> str:
    return f"{site_url.rstrip('/')}/organizations/{quote(org_id, safe='')}"
