"""Change events: append-only (the tables refuse UPDATE and DELETE), read as histories and review queues."""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from semap.store.base import Tables, Transaction
from semap.store.schema import CHANGE_EVENT_COLUMNS

COLUMNS = tuple(name for name, _ in CHANGE_EVENT_COLUMNS)
# Waiting for a coordinator until an event refers to them: owner proposals and public problem reports.
OPEN_KINDS = ("propose", "report")
ANSWER_KINDS = ("approve", "reject", "resolve")
_ANSWERS = "kind IN (" + ", ".join(f"'{k}'" for k in ANSWER_KINDS) + ")"  # constants, not input


@dataclass(frozen=True)
class Event:
    id: str
    at: str
    actor_role: str
    actor_id: str
    kind: str
    layer: str | None
    record_id: str | None
    district_adm_code: str | None
    field: str | None
    before: str | None
    after: str | None
    reason: str | None
    refers_to: str | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def new_event(**values: Any) -> Event:
    defaults: dict[str, Any] = dict.fromkeys(COLUMNS)
    defaults.update(id=uuid.uuid4().hex, at=now())
    defaults.update(values)
    return Event(**defaults)


def append(tx: Transaction, events: list[Event]) -> None:
    tx.executemany(
        f"INSERT INTO change_events ({', '.join(COLUMNS)}) VALUES ({', '.join(':' + c for c in COLUMNS)})",
        [e.as_dict() for e in events],
    )


def _events(overlay: Tables, where: str, params: dict[str, Any], tail: str = "") -> list[Event]:
    rows = overlay.fetch(f"SELECT {', '.join(COLUMNS)} FROM change_events WHERE {where} ORDER BY at, id {tail}", params)
    return [Event(*row) for row in rows]


def history(overlay: Tables, layer: str, record_id: str) -> list[Event]:
    return _events(overlay, "layer = :layer AND record_id = :id", {"layer": layer, "id": record_id})


def one(overlay: Tables, event_id: str) -> Event | None:
    found = _events(overlay, "id = :id", {"id": event_id})
    return found[0] if found else None


def answered(overlay: Tables, event_id: str) -> bool:
    rows = overlay.fetch(
        f"SELECT count(*) FROM change_events WHERE refers_to = :id AND {_ANSWERS}",
        {"id": event_id},
    )
    return bool(rows[0][0])


def _in_districts(districts: list[str] | None) -> tuple[str, dict[str, Any]]:
    """' AND district_adm_code IN (…)' with its parameters; None: every district."""
    if districts is None:
        return "", {}
    params = {f"d{i}": d for i, d in enumerate(districts)}
    return f" AND district_adm_code IN ({', '.join(':' + k for k in params) or 'NULL'})", params


def open_items(overlay: Tables, districts: list[str] | None) -> list[Event]:
    """Proposals and problem reports nobody has answered, in the given districts (None: all)."""
    where = (
        "kind IN (" + ", ".join(f"'{k}'" for k in OPEN_KINDS) + ") AND id NOT IN (SELECT refers_to FROM "
        f"change_events WHERE refers_to IS NOT NULL AND {_ANSWERS})"
    )
    in_districts, params = _in_districts(districts)
    return _events(overlay, where + in_districts, params)


def recent(overlay: Tables, districts: list[str] | None, role: str, since: str, limit: int = 200) -> list[Event]:
    """Changes by ``role`` since ``since`` (owners' changes applied at once are listed for review)."""
    where = "actor_role = :role AND at >= :since AND kind IN ('edit', 'verify')"
    in_districts, params = _in_districts(districts)
    where += in_districts
    params.update({"role": role, "since": since})
    return _events(overlay, where, params, f"LIMIT {int(limit)}")
