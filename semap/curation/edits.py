"""Changing records: every change checked by the policy, written as events, applied through the overlay."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from semap.curation.apply import Edit, apply_edits, apply_one
from semap.curation.events import Event, append, new_event
from semap.curation.fields import CREATED, FIELDS, LOCATION, MODERATED, check_layer, clean_value
from semap.curation.policy import Actor, require_district, require_edit, require_owner_status
from semap.errors import InvalidParameter, NotFound, SemapError
from semap.geocode.address import normalize
from semap.geocode.chain import GeocoderChain, written_district
from semap.geocode.providers import build_geocoders
from semap.settings import GeocodeSettings, load
from semap.store.base import Store, Transaction


@dataclass(frozen=True)
class ChangeResult:
    applied: list[Event] = field(default_factory=list)
    proposed: list[Event] = field(default_factory=list)


def load_record(store: Store, layer: str, record_id: str) -> dict[str, Any]:
    """The served record's editable fields, its district and (resources) owner, as text."""
    columns = [f for f in FIELDS[check_layer(layer)] if f not in (LOCATION, CREATED)]
    extra = ["district_adm_code", *(["owner_org_id"] if layer == "resources" else [])]
    select = ", ".join(dict.fromkeys(["id", *columns, *extra]))
    rows = store.fetch(f"SELECT {select}, ST_X(geom), ST_Y(geom) FROM {layer} WHERE id = :id", {"id": record_id[:64]})
    if not rows:
        raise NotFound(f"no {layer[:-1]} has the id {record_id[:64]!r}")
    names = list(dict.fromkeys(["id", *columns, *extra]))
    record = {n: (None if v is None else str(v)) for n, v in zip(names, rows[0], strict=False)}
    lon, lat = rows[0][-2], rows[0][-1]
    record[LOCATION] = None if lon is None else json.dumps({"lon": round(lon, 7), "lat": round(lat, 7)})
    return record


def _differs(layer: str, fieldname: str, old: str | None, new: str | None) -> bool:
    if fieldname == LOCATION and old and new:
        a, b = json.loads(old), json.loads(new)
        return abs(a["lon"] - b["lon"]) > 1e-7 or abs(a["lat"] - b["lat"]) > 1e-7
    if old is not None and not FIELDS[layer][fieldname].multiline:
        # A one-line form field gives back registry text without its line breaks (HTML strips them): unchanged.
        old = old.replace("\r", "").replace("\n", "").strip() or None
    elif old is not None:
        old = old.replace("\r\n", "\n").strip() or None
    return old != new


def place_address(store: Store, raw: str) -> tuple[str, str]:
    """(location JSON, normalized address) through the normal geocoder chain; refused if it cannot be placed."""
    try:
        parsed = normalize(raw)
    except SemapError as exc:
        raise InvalidParameter("address_raw", str(exc)) from None
    chain = GeocoderChain(build_geocoders(load(GeocodeSettings), store), store)
    found = chain.geocode(parsed, written_district(parsed, None)).location
    if found is None:
        raise InvalidParameter("address_raw", f"{raw!r} could not be placed in Seoul; check it or set the location")
    place = {
        "lon": found.lon,
        "lat": found.lat,
        "geocoder": found.geocoder,
        "match_type": found.match_type,
        "precision_m": found.precision,
        "confidence": found.confidence,
    }
    return clean_value("organizations", LOCATION, json.dumps(place)) or "", parsed.canonical


def _upsert_edit(tx: Transaction, store: Store, event: Event, base: str | None) -> bool:
    """Keep the event's value as the field's edit; False when it is the registry's value again (no edit kept)."""
    params = {"layer": event.layer, "id": event.record_id, "field": event.field}
    existing = store.overlay.fetch(
        "SELECT base FROM record_edits WHERE layer = :layer AND record_id = :id AND field = :field", params
    )
    base = existing[0][0] if existing else base
    tx.execute("DELETE FROM record_edits WHERE layer = :layer AND record_id = :id AND field = :field", params)
    if event.after == base and event.field not in (CREATED, "verified_at"):
        return False  # back at the registry's value: the registry speaks for this field again
    tx.execute(
        "INSERT INTO record_edits (layer, record_id, field, value, base, event_id, set_at) "
        "VALUES (:layer, :id, :field, :value, :base, :event, :at)",
        {**params, "value": event.after, "base": base, "event": event.id, "at": event.at},
    )
    return True


CHANGING_KINDS = ("edit", "verify", "revert", "archive", "create")


def commit(store: Store, layer: str, record_id: str, events: list[Event], bases: dict[str, str | None]) -> None:
    """Append the events; those that change the record (CHANGING_KINDS) go through the overlay and a patch."""
    if not any(e.kind in CHANGING_KINDS for e in events):
        with store.overlay.transaction() as tx:  # a proposal or a report: nothing served changes
            append(tx, events)
        return
    with store.patching() as target:
        back_to_registry = []
        with target.overlay.transaction() as tx:
            append(tx, events)
            for event in events:
                if (
                    event.kind in CHANGING_KINDS
                    and event.field
                    and not _upsert_edit(tx, target, event, bases.get(event.field))
                ):
                    back_to_registry.append(Edit(layer, record_id, event.field, event.after, None, event.at))
        apply_edits(target, target.overlay, (layer, record_id))
        if back_to_registry:
            with target.transaction() as tx:
                for edit in back_to_registry:
                    apply_one(tx, target, edit)


def change(
    store: Store,
    actor: Actor,
    layer: str,
    record_id: str,
    values: dict[str, str | None],
    reason: str = "",
    kind: str = "edit",
    refers_to: str | None = None,
) -> ChangeResult:
    """Change fields of one record. An owner's changes to moderated fields wait for review (``proposed``)."""
    record = load_record(store, layer, record_id)
    require_edit(actor, layer, record, values)
    cleaned = {name: clean_value(layer, name, value) for name, value in values.items()}
    if actor.role == "owner":
        require_owner_status(layer, cleaned.get("status"))
    changed = {n: v for n, v in cleaned.items() if _differs(layer, n, record.get(n), v)}
    held = actor.role == "owner"
    if "address_raw" in changed and LOCATION not in changed and not held and changed["address_raw"]:
        changed[LOCATION], changed["address_normalized"] = place_address(store, changed["address_raw"])
    if not changed:
        return ChangeResult()
    if LOCATION in changed and changed[LOCATION] and not held:
        place = json.loads(changed[LOCATION] or "{}")
        found = store.locate(place["lon"], place["lat"])
        require_district(actor, found[0] if found else None)  # nobody moves a record into another's district
    common = {
        "actor_role": actor.role,
        "actor_id": actor.id,
        "layer": layer,
        "record_id": record["id"],
        "district_adm_code": record.get("district_adm_code"),
        "reason": reason[:500] or None,
        "refers_to": refers_to,
    }
    applied: list[Event] = []
    proposed: list[Event] = []
    for name, value in changed.items():
        moderated = held and name in MODERATED
        event = new_event(
            kind="propose" if moderated else kind, field=name, before=record.get(name), after=value, **common
        )
        (proposed if moderated else applied).append(event)
    commit(store, layer, record["id"], applied + proposed, {n: record.get(n) for n in changed})
    return ChangeResult(applied, proposed)


def confirm(store: Store, actor: Actor, layer: str, record_id: str) -> ChangeResult:
    """ "Still correct": sets verified_at to today."""
    today = datetime.now(UTC).date().isoformat()
    return change(store, actor, layer, record_id, {"verified_at": today}, "confirmed still correct", kind="verify")


def create_resource(
    store: Store,
    actor: Actor,
    district_adm_code: str,
    values: dict[str, str | None],
    source: str = "",
    reason: str = "",
) -> str:
    """A shared resource created by a coordinator in their district; placed by its address or location.
    ``source`` says where it came from (a survey upload's file and row), else "created in SeMap by …"."""
    require_district(actor, district_adm_code)
    cleaned = {n: clean_value("resources", n, v) for n, v in values.items() if v not in (None, "")}
    if not cleaned.get("name"):
        raise InvalidParameter("name", "may not be empty")
    cleaned.setdefault("category", "공간")
    if LOCATION not in cleaned:
        if not cleaned.get("address_raw"):
            raise InvalidParameter("address_raw", "an address or a location is required")
        cleaned[LOCATION], cleaned["address_normalized"] = place_address(store, cleaned["address_raw"] or "")
    place = json.loads(cleaned[LOCATION] or "{}")
    found = store.locate(place["lon"], place["lat"])
    if found is None or found[0] != district_adm_code:
        raise InvalidParameter("address_raw", "the place is not in the district this resource is created for")
    record_id = f"res-{uuid.uuid4().hex[:12]}"
    common = {
        "actor_role": actor.role,
        "actor_id": actor.id,
        "layer": "resources",
        "record_id": record_id,
        "district_adm_code": district_adm_code,
        "reason": reason[:500] or None,
    }
    origin = source[:300] or f"created in SeMap by {actor.label}"
    events = [new_event(kind="create", field=CREATED, after=origin, **common)]
    events += [new_event(kind="create", field=n, after=v, **common) for n, v in cleaned.items()]
    commit(store, "resources", record_id, events, {})
    return record_id


def report_problem(store: Store, layer: str, record_id: str, message: str, reporter: str) -> Event:
    """A member of the public says an entry is wrong: it lands in the district's review queue."""
    record = load_record(store, layer, record_id)
    text = message.strip()
    if not 3 <= len(text) <= 1000:
        raise InvalidParameter("message", "between 3 and 1000 characters")
    if any(ord(c) < 32 and c not in "\n\t" for c in text):
        raise InvalidParameter("message", "may not contain control characters")
    event = new_event(
        kind="report",
        actor_role="public",
        actor_id=reporter,
        layer=layer,
        record_id=record["id"],
        district_adm_code=record.get("district_adm_code"),
        after=text,
    )
    commit(store, layer, record["id"], [event], {})
    return event


def today() -> date:
    return datetime.now(UTC).date()
