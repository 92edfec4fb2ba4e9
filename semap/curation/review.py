"""A coordinator's answers: approve or reject a proposal, resolve a report, revert a change, archive an entry,
settle a conflict a rebuild found. Each is an event referring to what it answers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from semap.curation import events
from semap.curation.apply import Edit, apply_one
from semap.curation.edits import CHANGING_KINDS, ChangeResult, change, commit, load_record, today
from semap.curation.events import Event, new_event
from semap.curation.fields import CREATED, LOCATION, location_value
from semap.curation.policy import Actor, require_district
from semap.errors import Conflict, InvalidParameter, NotFound
from semap.store.base import Store

STALE_AFTER = timedelta(days=365)  # not confirmed for 12 months: listed, drawn faded, owners reminded
ARCHIVE_AFTER = timedelta(days=730)  # a further 12 months: the coordinator may archive it


def _event(store: Store, event_id: str) -> Event:
    found = events.one(store.overlay, event_id[:64])
    if found is None:
        raise NotFound(f"no change has the id {event_id[:64]!r}")
    return found


def _open(store: Store, actor: Actor, event_id: str, kinds: tuple[str, ...]) -> Event:
    event = _event(store, event_id)
    require_district(actor, event.district_adm_code)
    if event.kind not in kinds:
        raise InvalidParameter("event", f"{event.id} is a {event.kind}, not one of {', '.join(kinds)}")
    if events.answered(store.overlay, event.id):
        raise Conflict(f"{event.id} has been answered already")
    return event


def _answer(actor: Actor, event: Event, kind: str, reason: str) -> Event:
    return new_event(
        kind=kind,
        actor_role=actor.role,
        actor_id=actor.id,
        layer=event.layer,
        record_id=event.record_id,
        district_adm_code=event.district_adm_code,
        field=event.field,
        reason=reason[:500] or None,
        refers_to=event.id,
    )


def approve(store: Store, actor: Actor, event_id: str, reason: str = "") -> ChangeResult:
    proposal = _open(store, actor, event_id, ("propose",))
    assert proposal.layer and proposal.record_id and proposal.field
    commit(store, proposal.layer, proposal.record_id, [_answer(actor, proposal, "approve", reason)], {})
    return change(
        store,
        actor,
        proposal.layer,
        proposal.record_id,
        {proposal.field: proposal.after},
        reason or f"approved {proposal.actor_role}'s proposal",
        refers_to=proposal.id,
    )


def reject(store: Store, actor: Actor, event_id: str, reason: str = "") -> Event:
    proposal = _open(store, actor, event_id, ("propose",))
    answer = _answer(actor, proposal, "reject", reason)
    commit(store, proposal.layer or "", proposal.record_id or "", [answer], {})
    return answer


def resolve(store: Store, actor: Actor, event_id: str, reason: str = "") -> Event:
    report = _open(store, actor, event_id, ("report",))
    answer = _answer(actor, report, "resolve", reason)
    commit(store, report.layer or "", report.record_id or "", [answer], {})
    return answer


def revert(store: Store, actor: Actor, event_id: str, reason: str = "") -> ChangeResult:
    """Set the field back to what it was before that change (itself a change, in the history)."""
    event = _event(store, event_id)
    if event.kind not in CHANGING_KINDS or not event.field or event.field == CREATED:
        raise InvalidParameter("event", f"{event.id} ({event.kind}) is not a change of a field")
    assert event.layer and event.record_id
    record = load_record(store, event.layer, event.record_id)
    require_district(actor, record.get("district_adm_code"))
    return change(
        store,
        actor,
        event.layer,
        event.record_id,
        {event.field: event.before},
        reason or f"reverted {event.id}",
        kind="revert",
        refers_to=event.id,
    )


def archive(store: Store, actor: Actor, layer: str, record_id: str, reason: str = "") -> ChangeResult:
    """Off the public map, kept in history: for entries nobody confirmed for ARCHIVE_AFTER."""
    record = load_record(store, layer, record_id)
    require_district(actor, record.get("district_adm_code"))
    verified = (record.get("verified_at") or "")[:10]
    if verified and verified > (today() - ARCHIVE_AFTER).isoformat():
        raise InvalidParameter(
            "verified_at", f"confirmed on {verified}; entries are archived after {ARCHIVE_AFTER.days} days unconfirmed"
        )
    return change(
        store, actor, layer, record_id, {"status": "archived"}, reason or "archived: not confirmed", "archive"
    )


@dataclass(frozen=True)
class ConflictRow:
    layer: str
    record_id: str
    field: str
    kind: str
    edited_value: str | None
    registry_value: str | None
    found_at: str


def conflicts(store: Store, districts: list[str] | None) -> list[ConflictRow]:
    rows = [
        ConflictRow(*r)
        for r in store.overlay.fetch(
            "SELECT layer, record_id, field, kind, edited_value, registry_value, found_at FROM edit_conflicts "
            "ORDER BY layer, record_id, field"
        )
    ]
    if districts is None:
        return rows
    kept = []
    for row in rows:
        district = _record_district(store, row.layer, row.record_id)
        if district in districts:
            kept.append(row)
    return kept


def _record_district(store: Store, layer: str, record_id: str) -> str | None:
    found = store.fetch(f"SELECT district_adm_code FROM {layer} WHERE id = :id", {"id": record_id})
    if found:
        return found[0][0]
    # A record gone from the registry: the district its last change was made in.
    last = store.overlay.fetch(
        "SELECT district_adm_code FROM change_events WHERE layer = :layer AND record_id = :id "
        "AND district_adm_code IS NOT NULL ORDER BY at DESC LIMIT 1",
        {"layer": layer, "id": record_id},
    )
    return last[0][0] if last else None


def settle(store: Store, actor: Actor, layer: str, record_id: str, fieldname: str, keep_edit: bool) -> None:
    """A conflict: keep the edit (the registry's new value becomes its base) or take the registry's value."""
    district = _record_district(store, layer, record_id)
    require_district(actor, district)  # before saying whether one exists
    found = [c for c in conflicts(store, None) if (c.layer, c.record_id, c.field) == (layer, record_id, fieldname)]
    if not found:
        raise NotFound(f"no open conflict on {layer} {record_id} {fieldname}")
    row = found[0]
    event = new_event(
        kind="settle",
        actor_role=actor.role,
        actor_id=actor.id,
        layer=layer,
        record_id=record_id,
        district_adm_code=district,
        field=fieldname,
        before=row.edited_value,
        after=row.edited_value if keep_edit else row.registry_value,
        reason="kept the edit over the registry" if keep_edit else "took the registry's value",
    )
    key = {"layer": layer, "id": record_id, "field": fieldname}
    with store.patching() as target:
        with target.overlay.transaction() as tx:
            events.append(tx, [event])
            tx.execute("DELETE FROM edit_conflicts WHERE layer = :layer AND record_id = :id AND field = :field", key)
            if keep_edit:
                tx.execute(
                    "UPDATE record_edits SET base = :base WHERE layer = :layer AND record_id = :id AND field = :field",
                    {**key, "base": row.registry_value},
                )
            else:
                tx.execute("DELETE FROM record_edits WHERE layer = :layer AND record_id = :id AND field = :field", key)
        if not keep_edit and row.kind == "conflict":
            with target.transaction() as tx:
                value = row.registry_value
                if fieldname == LOCATION and value:
                    value = location_value(value)
                apply_one(tx, target, Edit(layer, record_id, fieldname, value, None, event.at))
