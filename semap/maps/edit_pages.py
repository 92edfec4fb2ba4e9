"""The editing pages' contents: forms built from the field rules, rendered through autoescaping templates."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from semap.curation import events, review
from semap.curation.access import accounts, grants
from semap.curation.edits import load_record, today
from semap.curation.fields import (
    COORDINATOR_FORM,
    FIELDS,
    LOCATION,
    MODERATED,
    OWNER_FIELDS,
    OWNER_FORM,
    OWNER_STATUSES,
)
from semap.curation.freshness import StaleEntry, stale
from semap.curation.policy import Actor
from semap.curation.survey import upload_history
from semap.geodata.districts import District, by_adm_code, load_crosswalk
from semap.i18n import translations
from semap.maps.form_labels import code_labels, field_labels
from semap.maps.labels import district_label, district_names, value_label
from semap.maps.local_time import local_time
from semap.maps.render import Page, render_plain
from semap.maps.review_queue import queue_items
from semap.settings import MapSettings, load
from semap.store.base import Store


def form_fields(layer: str, record: dict[str, Any], names: tuple[str, ...], lang: str, owner: bool) -> list[dict]:
    rules, labels = FIELDS[layer], field_labels(lang)
    rows = []
    for name in names:
        if owner and name not in OWNER_FIELDS[layer]:
            continue
        rule = rules[name]
        choices = OWNER_STATUSES[layer] if owner and name == "status" else rule.choices
        value = record.get(name)
        if name == LOCATION and value:
            place = json.loads(value)
            value = f"{place['lon']},{place['lat']}"
        rows.append(
            {
                "name": name,
                "label": labels.get(name, name),
                "value": value,
                "choices": [(c, value_label(c, lang)) for c in choices],
                "multiline": rule.multiline,
                "kind": rule.kind,
                "max_length": rule.max_length or 300,
                "moderated": owner and name in MODERATED,
            }
        )
    return rows


def shown_value(field: str | None, value: str | None, lang: str) -> str:
    """A field's value as people read it: a chosen value (type, category, status) by its label, text as written."""
    return value_label(value, lang) if field in ("type", "category", "status") else value or ""


def _common(lang: str) -> dict[str, Any]:
    return {
        "lang": lang,
        "labels": field_labels(lang),
        "codes": code_labels(lang),
        "district_names": dict(district_names(lang)),
        "shown": lambda field, value: shown_value(field, value, lang),
        "when": lambda value: local_time(value, lang),
    }


def _nav(actor: Actor, page_path: str) -> dict[str, Any]:
    """The coordinator's and admin's header: their districts, the admin page, the map, the other language."""
    managed = sorted(actor.districts) if actor.role == "coordinator" else [d.adm_code for d in load_crosswalk()]
    return {
        "districts": [by_adm_code(c) for c in managed],
        "is_admin": actor.role == "admin",
        "page_path": page_path,
    }


def owner_page(store: Store, actor: Actor, token: str, lang: str, notice: str = "", error: str = "") -> Page:
    assert actor.org_id
    record = load_record(store, "organizations", actor.org_id)
    pending = [e for e in events.open_items(store.overlay, None) if e.record_id == actor.org_id and e.kind == "propose"]
    own = store.fetch("SELECT id FROM resources WHERE owner_org_id = :id ORDER BY id", {"id": actor.org_id})
    resources = []
    for (rid,) in own:
        r = load_record(store, "resources", rid)
        resources.append({"record": r, "fields": form_fields("resources", r, OWNER_FORM["resources"], lang, True)})
    return render_plain(
        "owner_edit.html",
        **_common(lang),
        title=f"SeMap — {record['name']}",
        record=record,
        fields=form_fields("organizations", record, OWNER_FORM["organizations"], lang, True),
        base_url=f"/edit/{token}",
        pending=pending,
        resources=resources,
        notice=notice,
        error=error,
    )


def login_page(lang: str, next_url: str, error: str = "") -> Page:
    return render_plain("login.html", **_common(lang), title="SeMap", next=next_url, error=error)


def report_page(record: dict[str, Any], layer: str, lang: str, notice: str = "", error: str = "") -> Page:
    return render_plain(
        "report.html",
        **_common(lang),
        title="SeMap",
        record=record,
        action=f"/report/{layer}/{record['id']}",
        notice=notice,
        error=error,
    )


def _names(store: Store, ids: set[str]) -> dict[str, str]:
    names: dict[str, str] = {}
    for layer in ("organizations", "resources"):
        for chunk_start in range(0, len(ids), 500):
            chunk = sorted(ids)[chunk_start : chunk_start + 500]
            params = {f"i{n}": v for n, v in enumerate(chunk)}
            if params:
                found = store.fetch(
                    f"SELECT id, name FROM {layer} WHERE id IN ({', '.join(':' + k for k in params)})", params
                )
                names.update({r[0]: r[1] for r in found})
    return names


def coordinator_page(
    store: Store,
    actor: Actor,
    district: District,
    csrf: str,
    lang: str,
    notice: str = "",
    error: str = "",
    new_link: str = "",
    reminded: list[Any] | None = None,
) -> Page:
    codes = [district.adm_code]
    queue = events.open_items(store.overlay, codes)
    since = (today() - timedelta(days=30)).isoformat()
    recent = events.recent(store.overlay, codes, "owner", since)
    conflicts = review.conflicts(store, codes)
    orgs = store.fetch(
        "SELECT id, name FROM organizations WHERE district_adm_code = :d ORDER BY name", {"d": district.adm_code}
    )
    resources = store.fetch(
        "SELECT id, name, category, status FROM resources WHERE district_adm_code = :d ORDER BY name",
        {"d": district.adm_code},
    )
    survey_history = upload_history(store, district.adm_code)
    ids = {e.record_id or "" for e in queue + recent} | {c.record_id for c in conflicts}
    ids |= {e.record_id or "" for e, _ in survey_history}
    org_ids = [o[0] for o in orgs]
    links = grants(store.overlay, org_ids)
    map_settings = load(MapSettings)
    return render_plain(
        "coordinator.html",
        **_common(lang),
        title=f"SeMap — {district_label(district, lang)}",
        district=district,
        nav=_nav(actor, f"/coordinator/districts/{district.name_ko}"),
        csrf=csrf,
        queue=queue_items(store, queue, lang),
        basemap={"url": map_settings.basemap_url, "attribution": map_settings.basemap_attribution},
        recent=recent,
        conflicts=conflicts,
        stale=stale(store, codes),
        resources=resources,
        organizations=orgs,
        grants=links,
        names=_names(store, ids | {g.org_id for g in links}),
        notice=notice,
        error=error,
        new_link=new_link,
        reminded=reminded,
        localhost_links=map_settings.public_url == MapSettings.model_fields["public_url"].default,
        survey_history=survey_history,
        new_fields=form_fields("resources", {}, COORDINATOR_FORM["resources"], lang, False),
    )


def record_admin_page(
    store: Store,
    actor: Actor,
    layer: str,
    record_id: str,
    csrf: str,
    lang: str,
    notice: str = "",
    error: str = "",
) -> Page:
    record = load_record(store, layer, record_id)
    district = record.get("district_adm_code")
    return render_plain(
        "record_admin.html",
        **_common(lang),
        title=f"SeMap — {record['name']}",
        record=record,
        csrf=csrf,
        nav=_nav(actor, f"/coordinator/records/{layer}/{record['id']}"),
        action=f"/coordinator/records/{layer}/{record['id']}",
        history=events.history(store.overlay, layer, record["id"]),
        fields=form_fields(layer, record, COORDINATOR_FORM[layer], lang, False),
        district_name=by_adm_code(district).name_ko if district else "",
        notice=notice,
        error=error,
    )


def admin_page(store: Store, actor: Actor, csrf: str, lang: str, notice: str = "", error: str = "") -> Page:
    rows = [
        {
            "email": a.email,
            "role": a.role,
            "active": a.active,
            "district_names": ", ".join(district_label(by_adm_code(c), lang) for c in sorted(a.districts)),
        }
        for a in accounts(store.overlay)
    ]
    return render_plain(
        "admin.html",
        **_common(lang),
        title="SeMap — " + translations(lang).gettext("Admin"),
        csrf=csrf,
        nav=_nav(actor, "/admin"),
        accounts=rows,
        all_districts=load_crosswalk(),
        notice=notice,
        error=error,
    )


def stale_confirm_page(
    actor: Actor, district: District, csrf: str, lang: str, action: str, picked: list[StaleEntry]
) -> Page:
    """What a bulk remind or archive will do, entry by entry, before it is done."""
    return render_plain(
        "stale_confirm.html",
        **_common(lang),
        title="SeMap — " + district_label(district, lang),
        nav=_nav(actor, f"/coordinator/districts/{district.name_ko}"),
        district=district,
        csrf=csrf,
        action=action,
        picked=picked,
        reminded=[s for s in picked if s.layer == "organizations"],
        archived=[s for s in picked if s.archivable],
    )
