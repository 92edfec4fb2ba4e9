"""OGC API documents as HTML pages for browsers: the same document a client reads as JSON, shown as headings,
lists and tables (the HTML conformance classes), with its JSON-LD description where it has one."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

import orjson

from semap.i18n import translations
from semap.maps.render import Page, render_plain

# The columns of an items table besides the id, where a collection has them: a page stays readable on a phone.
SHOWN_PROPERTIES = ("name", "name_ko", "name_en", "category", "district_ko")
HAS_PAGE = ("application/json", "application/geo+json", "application/schema+json")  # SeMap's documents


def as_html(href: str, lang: str) -> str:
    """The HTML page of a linked document in the page's language (the JSON documents link to JSON, as clients
    need), its query kept."""
    parts = urlsplit(href)
    kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in ("f", "lang")]
    return urlunsplit(parts._replace(query=urlencode([*kept, ("f", "html"), ("lang", lang)])))


def _own(document: dict[str, Any]) -> str:
    return next((x["href"] for x in document.get("links", []) if x["rel"] == "self"), "")


def _items(doc: dict[str, Any], lang: str) -> tuple[list[str], list[tuple[str, str, list[str]]]]:
    """The columns and rows of an items table: (id, the feature's page, values)."""
    features = doc.get("features", [])
    present = features[0]["properties"] if features else {}
    columns = [k for k in SHOWN_PROPERTIES if k in present]
    collection = _collection(doc).get("href", "")
    rows = []
    for feature in features:
        feature_id = str(feature.get("id", ""))
        values = [_text(feature["properties"].get(c)) for c in columns]
        rows.append((feature_id, as_html(f"{collection}/items/{quote(feature_id, safe='')}", lang), values))
    return columns, rows


def _collection(doc: dict[str, Any]) -> dict[str, Any]:
    return next((x for x in doc.get("links", []) if x["rel"] == "collection"), {})


def _heading(kind: str, doc: dict[str, Any], fallback: str) -> str:
    properties = doc.get("properties") if kind == "item" else None
    if properties:
        return str(properties.get("name") or properties.get("name_ko") or doc.get("id", fallback))
    if kind == "items":
        return str(_collection(doc).get("title") or fallback)
    return str(doc.get("title") or doc.get("id") or fallback)


def _has_page(link: dict[str, Any]) -> bool:
    return link.get("type") in HAS_PAGE and not link.get("templated")


def _text(value: Any) -> str:
    if isinstance(value, dict | list | bool):
        return orjson.dumps(value).decode()  # as a client reads it, not Python's repr
    return "" if value is None else str(value)


def ogc_page(kind: str, doc: dict[str, Any], lang: str, jsonld: dict[str, Any] | None = None) -> Page:
    """``kind``: landing, conformance, collections, collection, items, item, queryables, tilesets, tileset."""
    t = translations(lang)
    heading = _heading(kind, doc, t.gettext("GIS connection (OGC API)"))
    links = [x for x in doc.get("links", []) if x.get("rel") != "self"]
    context: dict[str, Any] = {
        "lang": lang,
        "title": heading if heading.startswith("SeMap") else f"SeMap — {heading}",
        "heading": heading,
        "description": doc.get("description", ""),
        "links": [(x, as_html(x["href"], lang) if _has_page(x) else x["href"]) for x in links],
        "jsonld": jsonld,
        "conforms": doc.get("conformsTo", []),
        "collections": [
            (c.get("title", c["id"]), c.get("description", ""), as_html(_own(c), lang))
            for c in doc.get("collections", [])
        ],
        "properties": [],
        "columns": [],
        "rows": [],
        "paging": [],
        "counts": "",
    }
    if kind == "items":
        context["columns"], context["rows"] = _items(doc, lang)
        counts = t.gettext("{returned} of {matched}")
        context["counts"] = counts.format(matched=doc.get("numberMatched"), returned=doc.get("numberReturned"))
        label = {"prev": t.gettext("Previous"), "next": t.gettext("Next")}
        context["paging"] = [(label[x["rel"]], as_html(x["href"], lang)) for x in links if x["rel"] in label]
    elif kind == "item":
        context["properties"] = [(k, _text(v)) for k, v in (doc.get("properties") or {}).items()]
    elif kind == "queryables":
        context["properties"] = [
            (k, _text(v.get("enum") or v.get("type"))) for k, v in doc.get("properties", {}).items()
        ]
    return render_plain("ogc.html", **context)
