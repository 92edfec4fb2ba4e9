"""Every build remembers its release: each organization where it was placed, and when each record was first and
last seen (by its stable id), so two releases can be compared later (semap.stats.change).

A release is the registry manifest's ``as_of``: a rebuild of the same release replaces its snapshot, a build of
another adds one. The snapshot is taken last, over the records as they are served (people's edits applied), and
kept where nothing is rebuilt (the overlay file on the embedded store, tables of the database on PostGIS).
"""

from __future__ import annotations

from datetime import UTC, datetime

from semap.registry.dedup import normalized_name
from semap.store.base import Store
from semap.store.schema import RELEASE_RECORD_COLUMNS

RELEASE_RECORDS = """
SELECT o.id, o.name, o.type, o.industry, o.category, o.business_number, o.district_adm_code,
       COALESCE(d.name_ko, o.sido, '미상'), o.dong_code
FROM organizations o LEFT JOIN districts d ON d.adm_code = o.district_adm_code
ORDER BY o.id
"""
# The SELECT's columns, in the schema's order; as_of and name_key are added here.
COLUMNS = tuple(name for name, _ in RELEASE_RECORD_COLUMNS if name not in ("as_of", "name_key"))
# The earliest and latest release that held each record; as_of values are ISO dates, so text order is time order.
SIGHTING = (
    "INSERT INTO record_sightings (layer, record_id, first_seen, last_seen) "
    "VALUES (:layer, :record_id, :as_of, :as_of) "
    "ON CONFLICT (layer, record_id) DO UPDATE SET "
    "first_seen = CASE WHEN excluded.first_seen < record_sightings.first_seen "
    "THEN excluded.first_seen ELSE record_sightings.first_seen END, "
    "last_seen = CASE WHEN excluded.last_seen > record_sightings.last_seen "
    "THEN excluded.last_seen ELSE record_sightings.last_seen END"
)


def record_release(store: Store, as_of: str, registries: str) -> int:
    """Keep the snapshot of release ``as_of`` from the records ``store`` holds; returns its organizations."""
    organizations = [dict(zip(COLUMNS, row, strict=True)) for row in store.fetch(RELEASE_RECORDS)]
    for row in organizations:
        row["as_of"] = as_of
        row["name_key"] = normalized_name(row["name"] or "")
    resources = [r[0] for r in store.fetch("SELECT id FROM resources ORDER BY id")]
    release = {
        "as_of": as_of,
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "boundaries_vintage": store.meta().get("boundaries_vintage", ""),
        "registries": registries,
        "organizations": len(organizations),
        "resources": len(resources),
    }
    names = [*COLUMNS, "as_of", "name_key"]
    with store.overlay.transaction() as tx:
        tx.execute("DELETE FROM release_records WHERE as_of = :as_of", {"as_of": as_of})
        tx.execute("DELETE FROM releases WHERE as_of = :as_of", {"as_of": as_of})
        tx.execute(
            f"INSERT INTO releases ({', '.join(release)}) VALUES ({', '.join(':' + k for k in release)})", release
        )
        tx.executemany(
            f"INSERT INTO release_records ({', '.join(names)}) VALUES ({', '.join(':' + c for c in names)})",
            organizations,
        )
        tx.executemany(
            SIGHTING,
            [{"layer": "organizations", "record_id": r["record_id"], "as_of": as_of} for r in organizations]
            + [{"layer": "resources", "record_id": r, "as_of": as_of} for r in resources],
        )
    return len(organizations)
