"""Entries nobody confirmed for a year: listed for their coordinator, their owners reminded with a fresh link."""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage

from semap.curation.access import invite
from semap.curation.edits import today
from semap.curation.fields import email_address
from semap.curation.mail import message
from semap.curation.policy import Actor
from semap.curation.review import ARCHIVE_AFTER, STALE_AFTER
from semap.errors import InvalidParameter
from semap.settings import AccessSettings
from semap.store.base import Store


@dataclass(frozen=True)
class StaleEntry:
    layer: str
    id: str
    name: str
    district_adm_code: str | None
    verified_at: str | None
    email: str | None  # organizations' own address (contact fields are the coordinator's)
    archivable: bool


def stale(store: Store, districts: list[str] | None) -> list[StaleEntry]:
    cutoff = (today() - STALE_AFTER).isoformat()
    archive_cutoff = (today() - ARCHIVE_AFTER).isoformat()
    found: list[StaleEntry] = []
    for layer, email in (("organizations", "email"), ("resources", "NULL")):
        rows = store.fetch(
            f"SELECT id, name, district_adm_code, verified_at, {email} FROM {layer} "
            "WHERE (verified_at IS NULL OR verified_at < :cutoff) "
            "AND COALESCE(status, '') NOT IN ('archived', 'retired') "
            "ORDER BY verified_at, id",
            {"cutoff": cutoff},
        )
        for r in rows:
            if districts is None or r[2] in districts:
                archivable = r[3] is None or str(r[3])[:10] < archive_cutoff
                found.append(StaleEntry(layer, r[0], r[1], r[2], r[3], r[4], archivable))
    return found


@dataclass(frozen=True)
class Reminder:
    org_id: str
    name: str
    to: str | None  # None: no address, or the registry's is not one (the link is given by hand)
    link: str
    mail: EmailMessage | None
    grant_id: str


def _address(registry_email: str | None) -> str | None:
    """A registry's e-mail column as an address to send to, or None when it holds none (or something else)."""
    try:
        return email_address(registry_email) if registry_email and registry_email.strip() else None
    except InvalidParameter:
        return None


def reminders(
    store: Store,
    by: Actor,
    settings: AccessSettings,
    secret: str,
    public_url: str,
    districts: list[str] | None = None,
    only: set[str] | None = None,
) -> list[Reminder]:
    """One reminder per stale organization (``only``: of these ids), each with a new edit link (valid 30 days)."""
    out = []
    for entry in stale(store, districts):
        if entry.layer != "organizations" or (only is not None and entry.id not in only):
            continue
        to = _address(entry.email)
        grant, token = invite(store, by, entry.id, to, secret)
        link = f"{public_url.rstrip('/')}/edit/{token}"
        body = (
            f"{entry.name} 담당자님께,\n\n"
            f"SeMap에 등록된 정보가 {entry.verified_at or '아직'} 이후 확인되지 않았습니다. "
            f"아래 링크에서 정보를 확인하거나 고쳐 주세요(30일간 유효):\n{link}\n\n"
            f"Your entry on SeMap was last confirmed on {entry.verified_at or 'never'}. "
            f"Please check it, or correct it, at the link above (valid for 30 days).\n"
        )
        mail = message(settings, to, f"[SeMap] {entry.name}: 정보 확인 요청", body) if to else None
        out.append(Reminder(entry.id, entry.name, to, link, mail, grant.id))
    return out
