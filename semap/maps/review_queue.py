"""What a coordinator needs to answer a queue item: who asked, the value before and after, and for a move the two
places (the record's point now, and where the new address or point puts it) for a small map."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from semap.curation.access import grants
from semap.curation.edits import load_record, place_address
from semap.curation.events import Event
from semap.curation.fields import LOCATION
from semap.errors import NotFound, SemapError
from semap.maps.form_labels import code_labels
from semap.store.base import Store

if TYPE_CHECKING:
    from pyproj import Geod

MOVES = ("address_raw", LOCATION)  # changes that move a record on the map


@lru_cache(maxsize=1)
def wgs84() -> Geod:
    from pyproj import Geod  # PROJ (11 MB a process) for a coordinator's page only, not a map server's every process

    return Geod(ellps="WGS84")


def _point(location: str | None) -> list[float] | None:
    if not location:
        return None
    place = json.loads(location)
    return [place["lon"], place["lat"]]


def asker(event: Event, emails: dict[str, str | None], lang: str) -> str:
    """Who asked, as the coordinator knows them: the organization (with the address its link was sent to), a
    member of the public (never more), or an account."""
    role = code_labels(lang).get(event.actor_role, event.actor_role)
    if event.actor_role == "owner":
        email = emails.get(event.actor_id)
        return f"{role} ({email})" if email else role
    if event.actor_role in ("public", "system"):
        return role
    return f"{role} ({event.actor_id})"


def queue_items(store: Store, queue: list[Event], lang: str) -> list[dict[str, Any]]:
    emails = {g.id: g.email for g in grants(store.overlay, sorted({e.record_id or "" for e in queue}))}
    items = []
    for event in queue:
        item: dict[str, Any] = {"event": event, "asker": asker(event, emails, lang), "move": None}
        if event.kind == "propose" and event.field in MOVES and event.layer and event.record_id:
            item["move"] = _move(store, event)
        items.append(item)
    return items


def _move(store: Store, event: Event) -> dict[str, Any]:
    try:
        before = _point(load_record(store, event.layer or "", event.record_id or "").get(LOCATION))
    except NotFound:
        before = None
    try:
        after = _point(event.after if event.field == LOCATION else place_address(store, event.after or "")[0])
    except (SemapError, ValueError, KeyError):  # an address the geocoders cannot place: the map says so
        after = None
    return {"before": before, "after": after, "distance": _distance(before, after)}


def _distance(before: list[float] | None, after: list[float] | None) -> str:
    """How far the change moves the record, as a coordinator reads it ("850 m", "2.4 km"); empty if unknown."""
    if before is None or after is None:
        return ""
    metres = wgs84().inv(before[0], before[1], after[0], after[1])[2]
    return f"{metres:,.0f} m" if metres < 1000 else f"{metres / 1000:.1f} km"
