"""Apply the edits overlay to records: after every build (finding conflicts with the registry) and per edit."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from semap.curation.fields import CREATED, FIELDS, LOCATION
from semap.store.base import ASSIGN_AREAS, Store, Tables, Transaction


@dataclass(frozen=True)
class Edit:
    layer: str
    record_id: str
    field: str
    value: str | None
    base: str | None
    set_at: str


@dataclass(frozen=True)
class Finding:
    """A rebuild brought something an edit disagrees with: listed for the coordinator, the edit kept."""

    layer: str
    record_id: str
    field: str
    kind: str  # conflict / disappeared
    edited_value: str | None
    registry_value: str | None


def read_edits(overlay: Tables, layer: str | None = None, record_id: str | None = None) -> list[Edit]:
    sql = "SELECT layer, record_id, field, value, base, set_at FROM record_edits"
    if record_id is not None:
        sql += " WHERE layer = :layer AND record_id = :id"
    rows = overlay.fetch(sql + " ORDER BY layer, record_id, field", {"layer": layer, "id": record_id})
    return [Edit(*row) for row in rows]


def _plain(value: Any) -> str | None:
    return None if value is None else str(value)


def _current(store: Store, layer: str, record_id: str, fields: list[str]) -> dict[str, str | None] | None:
    columns = [f for f in fields if f not in (LOCATION, CREATED)]
    select = ", ".join([*columns, "ST_X(geom)", "ST_Y(geom)"])
    rows = store.fetch(f"SELECT {select} FROM {layer} WHERE id = :id", {"id": record_id})
    if not rows:
        return None
    values = {c: _plain(v) for c, v in zip(columns, rows[0], strict=False)}
    lon, lat = rows[0][-2], rows[0][-1]
    values[LOCATION] = None if lon is None else json.dumps({"lon": round(lon, 7), "lat": round(lat, 7)})
    return values


def _same_place(a: str | None, b: str | None) -> bool:
    if a is None or b is None:
        return a == b
    pa, pb = json.loads(a), json.loads(b)
    return abs(pa["lon"] - pb["lon"]) < 1e-6 and abs(pa["lat"] - pb["lat"]) < 1e-6


def apply_one(tx: Transaction, store: Store, edit: Edit) -> None:
    table = edit.layer
    if edit.field == LOCATION:
        if edit.value is None:
            return
        place = json.loads(edit.value)
        tx.execute(
            f"UPDATE {table} SET geom = {store.dialect.point}, geocoder = :geocoder, match_type = :match_type, "
            "precision_m = :precision_m, confidence = :confidence, manual_override = :manual WHERE id = :id",
            {**place, "manual": place.get("match_type") == "manual", "id": edit.record_id},
        )
        tx.execute(ASSIGN_AREAS.format(table=table, where="id = :id"), {"id": edit.record_id})  # as a build does
    elif edit.field == "verified_at":  # a confirmation never moves the date back (a newer registry vintage)
        tx.execute(
            f"UPDATE {table} SET verified_at = :value WHERE id = :id AND (verified_at IS NULL OR verified_at < :value)",
            {"value": edit.value, "id": edit.record_id},
        )
    elif edit.field in FIELDS[table]:  # only declared fields are ever column names
        tx.execute(
            f"UPDATE {table} SET {edit.field} = :value WHERE id = :id", {"value": edit.value, "id": edit.record_id}
        )


def _create(tx: Transaction, edit: Edit) -> None:
    tx.execute(
        f"INSERT INTO {edit.layer} (id, source, updated_at, verified_at, status, match_type) "
        "VALUES (:id, :source, :at, :at, :status, 'none')",
        {
            "id": edit.record_id,
            "source": edit.value or "created in SeMap",
            "at": edit.set_at[:10],
            "status": "available" if edit.layer == "resources" else "operating",
        },
    )


def apply_edits(target: Store, overlay: Tables, record: tuple[str, str] | None = None) -> list[Finding]:
    """Write the overlay's edits over ``target``'s records (one record, or all after a build).
    After a build the target holds the registry's values: where one differs from both the edit's base and the
    edit, or the record is gone, it is a Finding (the edit stays; a record is never silently deleted)."""
    edits = read_edits(overlay, *record) if record else read_edits(overlay)
    by_record: dict[tuple[str, str], list[Edit]] = defaultdict(list)
    for edit in edits:
        by_record[(edit.layer, edit.record_id)].append(edit)
    findings: list[Finding] = []
    with target.transaction() as tx:
        for (layer, record_id), record_edits in by_record.items():
            fields = [e.field for e in record_edits]
            current = _current(target, layer, record_id, fields)
            created = next((e for e in record_edits if e.field == CREATED), None)
            if current is None and created is None:
                findings.append(Finding(layer, record_id, "*", "disappeared", None, None))
                continue
            if current is None and created is not None:
                _create(tx, created)
            elif record is None:  # a build: compare the registry's values with what the edits were made over
                for e in record_edits:
                    registry = current.get(e.field) if current else None
                    if e.field == CREATED or e.field == "verified_at":
                        continue
                    same = _same_place if e.field == LOCATION else (lambda a, b: a == b)
                    if not same(registry, e.base) and not same(registry, e.value):
                        findings.append(Finding(layer, record_id, e.field, "conflict", e.value, registry))
            for e in record_edits:
                if e.field != CREATED:
                    apply_one(tx, target, e)
            latest = max(e.set_at for e in record_edits)[:10]
            tx.execute(f"UPDATE {layer} SET updated_at = :at WHERE id = :id", {"at": latest, "id": record_id})
        target.set_meta(tx, {"edits_applied_at": datetime.now(UTC).isoformat(timespec="seconds")})
    if record is None:
        _keep_findings(overlay, findings)
    return findings


def _keep_findings(overlay: Tables, findings: list[Finding]) -> None:
    found_at = datetime.now(UTC).isoformat(timespec="seconds")
    with overlay.transaction() as tx:
        tx.execute("DELETE FROM edit_conflicts")
        tx.executemany(
            "INSERT INTO edit_conflicts (layer, record_id, field, kind, edited_value, registry_value, found_at) "
            "VALUES (:layer, :record_id, :field, :kind, :edited_value, :registry_value, :found_at)",
            [{**f.__dict__, "found_at": found_at} for f in findings],
        )
