"""A person's pin: a manual location for one record that wins over every geocoder and survives rebuilds."""

from __future__ import annotations

from datetime import UTC, datetime

from semap.errors import InvalidParameter, NotFound
from semap.store.base import Store

SEOUL_BOUNDS = (126.7, 37.4, 127.3, 37.75)  # generous; pins outside Seoul's area are mistakes more often than not


def set_pin(store: Store, record_id: str, lon: float, lat: float, note: str = "", outside_ok: bool = False) -> None:
    minx, miny, maxx, maxy = SEOUL_BOUNDS
    if not outside_ok and not (minx <= lon <= maxx and miny <= lat <= maxy):
        raise InvalidParameter("lon/lat", f"{lon}, {lat} is outside Seoul's area {SEOUL_BOUNDS}; is it lat, lon?")
    known = store.fetch(
        "SELECT (SELECT count(*) FROM organizations WHERE id = :id) + (SELECT count(*) FROM resources WHERE id = :id)",
        {"id": record_id},
    )[0][0]
    if not known:
        raise NotFound(f"no organization or resource has the id {record_id!r}")
    row = {"id": record_id, "lon": lon, "lat": lat, "note": note, "at": datetime.now(UTC).isoformat(timespec="seconds")}
    with store.overlay.transaction() as tx:
        tx.execute("DELETE FROM manual_overrides WHERE record_id = :id", row)
        tx.execute(
            "INSERT INTO manual_overrides (record_id, lon, lat, note, set_at) VALUES (:id, :lon, :lat, :note, :at)", row
        )


def remove_pin(store: Store, record_id: str) -> None:
    with store.overlay.transaction() as tx:
        tx.execute("DELETE FROM manual_overrides WHERE record_id = :id", {"id": record_id})
