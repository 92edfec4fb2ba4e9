"""Turn placed organizations and resources into store rows and swap them in, in one transaction."""

from __future__ import annotations

import json
from dataclasses import asdict

import pandas as pd

from semap.geocode.legal_dong import address_exists
from semap.geodata.boundaries import COORDINATE_DECIMALS
from semap.pipeline.locate import Placement, Placements
from semap.registry.model import Organization, Resource
from semap.store.base import Store
from semap.store.schema import ORGANIZATION_COLUMNS, RESOURCE_COLUMNS

# Two checks: the address's district against the point (a wrong placement or address), and the registry's own
# 시군구 column against the point (in 자활기업 lists, the supervising center's district: expected to differ).
FLAG_MISMATCH = """
UPDATE {table} SET
    district_mismatch = (COALESCE(district_named, district_written) IS NOT NULL AND district_adm_code IS NOT NULL
                         AND COALESCE(district_named, district_written) <> district_adm_code),
    written_district_differs = (district_written IS NOT NULL AND district_adm_code IS NOT NULL
                                AND district_written <> district_adm_code)
"""


def _placement_columns(p: Placement) -> dict[str, object]:
    loc = p.location
    return {
        "address_normalized": p.address.canonical if p.address else None,
        "district_written": p.district_written,
        "geocoded_address": p.address.canonical if p.address else None,
        "geocoder": loc.geocoder if loc else None,
        "match_type": p.match_type,
        "confidence": loc.confidence if loc else 0.0,
        "district_mismatch": False,
        "manual_override": p.match_type == "manual",
        "precision_m": loc.precision if loc else None,
        "data_release": loc.release if loc else None,
        "address_exists": address_exists(p.address) if p.address else "unknown",
        "district_named": p.district_named,
        "written_district_differs": False,
        "lon": round(loc.lon, COORDINATE_DECIMALS) if loc else None,
        "lat": round(loc.lat, COORDINATE_DECIMALS) if loc else None,
    }


def organization_rows(organizations: list[Organization], placements: Placements, as_of: str) -> pd.DataFrame:
    rows = []
    for o in organizations:
        p = placements.by_id[o.id]
        rows.append(
            {
                "id": o.id,
                "name": o.name,
                "type": o.type,
                "subtype": o.subtype,
                "designations": json.dumps([asdict(d) for d in o.designations], ensure_ascii=False),
                "industry": o.industry,
                "category": o.category,
                "business_number": o.business_number,
                "address_raw": o.address_raw,
                "address_detail": o.address.detail,
                "sido": o.address.sido,
                "in_seoul": o.address.in_seoul,
                "district_adm_code": None,
                "dong_code": None,
                "phone": o.phone,
                "website": o.website,
                "email": o.email,
                "description": o.description,
                "status": o.status,
                "designated_on": o.designated_on,
                "source": json.dumps(o.sources, ensure_ascii=False),
                "names": json.dumps(o.names, ensure_ascii=False),
                "updated_at": as_of,
                "verified_at": as_of,
                **_placement_columns(p),
            }
        )
    return pd.DataFrame(rows, columns=[c for c, _ in ORGANIZATION_COLUMNS] + ["lon", "lat"])


def resource_rows(resources: list[Resource], placements: Placements, as_of: str) -> pd.DataFrame:
    rows = []
    for r in resources:
        p = placements.by_id[r.id]
        rows.append(
            {
                "id": r.id,
                "name": r.name,
                "category": r.category,
                "description": r.description,
                "owner_org_id": r.owner_org_id,
                "owner_name": r.owner_name,
                "fee": r.fee,
                "eligibility": r.eligibility,
                "availability": r.availability,
                "contact": r.contact,
                "address_raw": r.address_raw,
                "district_adm_code": None,
                "dong_code": None,
                "source": r.source,
                "updated_at": as_of,
                "verified_at": r.verified_at or as_of,
                **_placement_columns(p),
            }
        )
    return pd.DataFrame(rows, columns=[c for c, _ in RESOURCE_COLUMNS] + ["lon", "lat"])


def replace_records(store: Store, organizations: pd.DataFrame, resources: pd.DataFrame, meta: dict[str, str]) -> None:
    """Swap in the rows (their areas assigned: ``semap.pipeline.areas``) and flag district mismatches."""
    with store.transaction() as tx:
        for table, frame in (("organizations", organizations), ("resources", resources)):
            tx.execute(f"DELETE FROM {table}")
            tx.insert_frame(table, frame)
            tx.execute(FLAG_MISMATCH.format(table=table))
        store.set_meta(tx, meta)


def replace_address_db(store: Store, points: pd.DataFrame, lots: pd.DataFrame) -> None:
    with store.transaction() as tx:
        tx.execute("DELETE FROM address_points")
        tx.execute("DELETE FROM address_lots")
        tx.insert_frame("address_points", points)
        tx.insert_frame("address_lots", lots)
