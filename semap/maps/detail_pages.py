"""The detail pages: a district's (semap.maps.district_page) and an organization's."""

from __future__ import annotations

from urllib.parse import quote

import orjson

from semap.features.filters import resolve_district
from semap.features.layers import ORGANIZATIONS
from semap.features.queries import one
from semap.i18n import translations
from semap.maps.district_page import district_page_of
from semap.maps.labels import district_names, value_label
from semap.maps.linked_data import organization_jsonld, organization_url
from semap.maps.precision import APPROXIMATE_MATCHES, directions, precision_note
from semap.maps.render import Page, render_page
from semap.settings import MapSettings
from semap.store.base import Store


def district_page(
    store: Store, name: str, lang: str, settings: MapSettings, page: int = 1, q: str = "", sort: str = "name"
) -> Page:
    return district_page_of(store, resolve_district(name), lang, settings, page, q, sort)


def organization_page(store: Store, org_id: str, lang: str, settings: MapSettings) -> Page:
    t = translations(lang)
    feature = orjson.loads(one(store, ORGANIZATIONS, org_id))
    p = feature["properties"]
    designations = ", ".join(
        "/".join(value_label(v, lang) for v in (d["type"], d["subtype"]) if v) for d in p["designations"]
    )
    district = p.get("district_ko") or ""
    website = p.get("website") or ""
    fields = [
        (t.gettext("Type"), value_label(p["type"], lang), None),
        (t.gettext("Designations"), designations, None),
        (t.gettext("Industry"), value_label(p["industry"], lang), None),
        (t.gettext("Category"), value_label(p["category"], lang), None),
        (t.gettext("Address"), p.get("address_raw") or "", None),
        (t.gettext("Location precision"), precision_note(p.get("match_type"), p.get("precision_m"), lang) or "", None),
        (t.gettext("District"), dict(district_names(lang)).get(district, district), None),
        # Only web links become links: a javascript: URL in a registry stays text.
        (t.gettext("Website"), website, website if website.startswith(("http://", "https://")) else None),
        (t.gettext("Opening hours"), p.get("opening_hours") or "", None),
        (t.gettext("Status"), value_label(p["status"], lang), None),
        (t.gettext("Verified"), p.get("verified_at") or "", None),
    ]
    center, routes = None, []
    approximate = p.get("match_type") in APPROXIMATE_MATCHES
    if feature["geometry"]:
        lon, lat = feature["geometry"]["coordinates"]
        center = [lat, lon]
        address = p.get("address_normalized") or p.get("address_raw") or ""
        routes = directions(p["name"], address, lon, lat, approximate and bool(address), lang)
    layers = [
        {
            "url": f"/api/v1/organizations/{quote(org_id, safe='')}",
            "color": "#d62828",
            "fit": False,
            # drawn as a dashed ring with the area it lies in, as on the main map
            "area": p.get("precision_m") if approximate else None,
        }
    ]
    quoted = quote(org_id, safe="")
    back = f"/?lang={lang}&org={quoted}"
    if center:  # the map opens where the organization is, close up, with its popup
        back += f"&at={center[0]:.5f},{center[1]:.5f},17"
    return render_page(
        "organization.html",
        settings,
        zoom=16,
        lang=lang,
        title=f"SeMap — {p['name']}",
        name=p["name"],
        description=p.get("description") or "",
        report_url=f"/report/organizations/{quote(p['id'], safe='')}?lang={lang}",
        fields=[f for f in fields if f[1]],
        directions=routes,
        back_url=back,
        share_url=f"/organizations/{quoted}?lang={lang}",  # made absolute by the page, where it is read
        request_url=f"/organizations/{quoted}/edit-link-request?lang={lang}",
        data={"center": center, "zoom": 16, "layers": layers},
        jsonld=organization_jsonld(p, feature["geometry"], organization_url(settings.public_url, p["id"])),
    )
