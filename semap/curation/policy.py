"""Who may do what, decided in one place on the server: public, organization owner, district coordinator, admin."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from semap.curation.fields import OWNER_FIELDS, OWNER_STATUSES
from semap.errors import Forbidden
from semap.geodata.districts import by_adm_code

ROLES = ("public", "owner", "coordinator", "admin", "system")


@dataclass(frozen=True)
class Actor:
    role: str
    id: str  # an account's e-mail, an edit link's grant id, "cli"
    districts: frozenset[str] = field(default_factory=frozenset)  # adm_codes a coordinator manages
    org_id: str | None = None  # the organization an owner's link is for

    @property
    def label(self) -> str:
        return f"{self.role}:{self.id}"


PUBLIC = Actor("public", "anonymous")
SYSTEM = Actor("system", "cli")


def _district_name(adm_code: str | None) -> str:
    try:
        return by_adm_code(adm_code or "").name_ko
    except Exception:
        return adm_code or "no district"


def manages(actor: Actor, district_adm_code: str | None) -> bool:
    if actor.role in ("admin", "system"):
        return True
    return actor.role == "coordinator" and district_adm_code is not None and district_adm_code in actor.districts


def require_district(actor: Actor, district_adm_code: str | None) -> None:
    if not manages(actor, district_adm_code):
        raise Forbidden(f"{actor.label} does not manage {_district_name(district_adm_code)}")


def owns(actor: Actor, layer: str, record: dict[str, Any]) -> bool:
    if actor.role != "owner" or not actor.org_id:
        return False
    if layer == "organizations":
        return record["id"] == actor.org_id
    return record.get("owner_org_id") == actor.org_id


def require_edit(actor: Actor, layer: str, record: dict[str, Any], fields: Iterable[str]) -> None:
    """Raise Forbidden unless ``actor`` may change these fields of this record."""
    if manages(actor, record.get("district_adm_code")):
        return
    if not owns(actor, layer, record):
        raise Forbidden(f"{actor.label} may not change {layer} {record['id']}")
    refused = sorted(set(fields) - OWNER_FIELDS[layer] - {"verified_at"})
    if refused:
        raise Forbidden(f"an owner may not change {', '.join(refused)}; ask the district coordinator")


def require_owner_status(layer: str, status: str | None) -> None:
    if status is not None and status not in OWNER_STATUSES[layer]:
        raise Forbidden(f"status {status!r} is set by the district coordinator")


def require_admin(actor: Actor) -> None:
    if actor.role not in ("admin", "system"):
        raise Forbidden(f"{actor.label} is not an admin")
