"""Who is who: coordinators' and admins' accounts (Argon2 passwords, server-side sessions, lock-out) and owners'
edit links (signed, expiring, single-purpose itsdangerous tokens, each backed by a revocable grant)."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from semap.curation.events import append, new_event
from semap.curation.fields import email_address
from semap.curation.policy import Actor, require_admin, require_district
from semap.errors import Forbidden, InvalidParameter, LinkInvalid, NotFound, NotSignedIn, RateLimited
from semap.geodata.districts import District
from semap.store.base import Store, Tables

SESSION_TTL = timedelta(hours=12)
LINK_TTL = timedelta(days=30)
# Failed logins slow an account down, they never lock it (OWASP, Authentication Cheat Sheet: a lock-out any stranger
# can trigger is a denial of service). After FREE_FAILURES wrong passwords in a row, each further one makes the next
# attempt wait twice as long as the one before (1 s, 2 s, 4 s … at most MAX_DELAY), except from a browser this
# account signed in with before (its device cookie); the right password, once the delay has passed, always works.
FREE_FAILURES = 3
MAX_DELAY = timedelta(minutes=5)
DEVICE_TTL = timedelta(days=180)
LINK_SALT = "semap.owner-edit-link.v1"  # single purpose: a token signed for anything else does not verify here
DEVICE_SALT = "semap.login-device.v1"
_hasher = PasswordHasher()  # Argon2id with the library's current parameters
_DUMMY_HASH = _hasher.hash("semap: constant-time answer for unknown accounts")


def _now() -> datetime:
    return datetime.now(UTC)


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def site_secret(overlay: Tables, configured: str | None) -> str:
    """SEMAP_SECRET_KEY, or one generated once and kept with the data (a laptop needs no setup)."""
    if configured:
        return configured
    found = overlay.fetch("SELECT value FROM site_secrets WHERE name = 'signing'")
    if found:
        return str(found[0][0])
    # Kept only if no other process kept one first (several workers start at once): all sign with the one kept.
    with overlay.transaction() as tx:
        tx.execute(
            "INSERT INTO site_secrets (name, value) VALUES ('signing', :value) ON CONFLICT (name) DO NOTHING",
            {"value": secrets.token_urlsafe(48)},
        )
    return str(overlay.fetch("SELECT value FROM site_secrets WHERE name = 'signing'")[0][0])


# --- accounts ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Account:
    email: str
    role: str
    districts: frozenset[str]
    active: bool

    def actor(self) -> Actor:
        return Actor(self.role, self.email, self.districts)


def _check_password(password: str) -> None:
    if len(password) < 12:
        raise InvalidParameter("password", "at least 12 characters")


def add_account(store: Store, by: Actor, email: str, role: str, districts: list[District], password: str) -> Account:
    require_admin(by)
    email = email_address(email).lower()
    if len(email) > 200:
        raise InvalidParameter("email", "at most 200 characters")
    if role not in ("coordinator", "admin"):
        raise InvalidParameter("role", "coordinator or admin")
    if role == "coordinator" and not districts:
        raise InvalidParameter("district", "a coordinator manages at least one district")
    _check_password(password)
    codes = ",".join(sorted({d.adm_code for d in districts}))
    row = {"email": email, "role": role, "districts": codes, "hash": _hasher.hash(password), "at": _iso(_now())}
    event = new_event(kind="account", actor_role=by.role, actor_id=by.id, after=f"{role} {email} {codes}")
    with store.overlay.transaction() as tx:
        tx.execute("DELETE FROM accounts WHERE email = :email", row)
        tx.execute(
            "INSERT INTO accounts (email, role, districts, password_hash, failed_logins, locked_until, active, "
            "created_at) VALUES (:email, :role, :districts, :hash, 0, NULL, TRUE, :at)",
            row,
        )
        append(tx, [event])
    return Account(email, role, frozenset(codes.split(",")) - {""}, True)


def accounts(overlay: Tables) -> list[Account]:
    rows = overlay.fetch("SELECT email, role, districts, active FROM accounts ORDER BY role, email")
    return [Account(r[0], r[1], frozenset((r[2] or "").split(",")) - {""}, bool(r[3])) for r in rows]


def deactivate(store: Store, by: Actor, email: str) -> None:
    require_admin(by)
    event = new_event(kind="deactivate", actor_role=by.role, actor_id=by.id, after=email)
    with store.overlay.transaction() as tx:
        tx.execute("UPDATE accounts SET active = FALSE WHERE email = :email", {"email": email})
        tx.execute("DELETE FROM sessions WHERE email = :email", {"email": email})
        append(tx, [event])


def login_delay(failures: int) -> timedelta:
    """How long the next attempt waits after ``failures`` wrong passwords in a row."""
    if failures <= FREE_FAILURES:
        return timedelta(0)
    return min(timedelta(seconds=2 ** min(failures - FREE_FAILURES - 1, 20)), MAX_DELAY)


def login(overlay: Tables, email: str, password: str, known_device: bool = False) -> tuple[str, str]:
    """A new session for good credentials: (cookie value, CSRF token). Failures slow the account down
    (``login_delay``) except for a ``known_device``; an attempt within the delay is refused unchecked (429)."""
    email = email.strip().lower()[:200]
    found = overlay.fetch(
        "SELECT password_hash, failed_logins, locked_until, active FROM accounts WHERE email = :email",
        {"email": email},
    )
    if not found or not found[0][3]:
        _verify(_DUMMY_HASH, password)  # the same work whether or not the account exists
        raise NotSignedIn("wrong e-mail address or password")
    stored, failures, not_before, _ = found[0]
    now = _now()
    if not_before and not known_device and not_before > _iso(now):
        wait = max(1, int((datetime.fromisoformat(not_before) - now).total_seconds() + 0.999))
        raise RateLimited(f"too many failed logins for this account: try again in {wait} s", wait)
    if not _verify(stored, password):
        failures = int(failures or 0) + 1
        delay = login_delay(failures)
        with overlay.transaction() as tx:
            tx.execute(
                "UPDATE accounts SET failed_logins = :n, locked_until = :until WHERE email = :email",
                {"n": failures, "until": _iso(now + delay) if delay else None, "email": email},
            )
        raise NotSignedIn("wrong e-mail address or password")
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    with overlay.transaction() as tx:
        tx.execute("UPDATE accounts SET failed_logins = 0, locked_until = NULL WHERE email = :email", {"email": email})
        if _hasher.check_needs_rehash(stored):
            tx.execute(
                "UPDATE accounts SET password_hash = :h WHERE email = :email",
                {"h": _hasher.hash(password), "email": email},
            )
        tx.execute("DELETE FROM sessions WHERE expires_at < :now", {"now": _iso(_now())})
        tx.execute(
            "INSERT INTO sessions (token_hash, email, csrf, created_at, expires_at) "
            "VALUES (:token, :email, :csrf, :at, :until)",
            {
                "token": _digest(token),
                "email": email,
                "csrf": csrf,
                "at": _iso(_now()),
                "until": _iso(_now() + SESSION_TTL),
            },
        )
    return token, csrf


def _verify(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Session:
    account: Account
    csrf: str


def session(overlay: Tables, token: str | None) -> Session | None:
    if not token or len(token) > 100:
        return None
    rows = overlay.fetch(
        "SELECT a.email, a.role, a.districts, a.active, s.csrf FROM sessions s JOIN accounts a ON a.email = s.email "
        "WHERE s.token_hash = :token AND s.expires_at > :now",
        {"token": _digest(token), "now": _iso(_now())},
    )
    if not rows or not rows[0][3]:
        return None
    email, role, districts, active, csrf = rows[0]
    return Session(Account(email, role, frozenset((districts or "").split(",")) - {""}, bool(active)), csrf)


def logout(overlay: Tables, token: str | None) -> None:
    if token:
        with overlay.transaction() as tx:
            tx.execute("DELETE FROM sessions WHERE token_hash = :token", {"token": _digest(token)})


def device_token(email: str, secret: str) -> str:
    """The device cookie of a browser that signed in as ``email``: it skips the account's login delay."""
    return URLSafeTimedSerializer(secret, salt=DEVICE_SALT).dumps(email.strip().lower())


def known_device(token: str | None, email: str, secret: str) -> bool:
    if not token or len(token) > 500:
        return False
    try:
        signed = URLSafeTimedSerializer(secret, salt=DEVICE_SALT).loads(token, max_age=int(DEVICE_TTL.total_seconds()))
    except BadSignature:  # SignatureExpired included
        return False
    return isinstance(signed, str) and signed == email.strip().lower()


def check_csrf(expected: str, given: str | None) -> None:
    if not given or not secrets.compare_digest(expected, given):
        raise Forbidden("the form's CSRF token is missing or stale: reload the page and send it again")


# --- owners' edit links ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Grant:
    id: str
    org_id: str
    email: str | None
    issued_by: str
    issued_at: str
    expires_at: str
    revoked_at: str | None


def _serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=LINK_SALT)


def invite(store: Store, by: Actor, org_id: str, email: str | None, secret: str, days: int = 30) -> tuple[Grant, str]:
    """A grant for the organization's owner and the signed token of its edit link."""
    found = store.fetch("SELECT district_adm_code FROM organizations WHERE id = :id", {"id": org_id[:64]})
    if not found:
        raise NotFound(f"no organization has the id {org_id[:64]!r}")
    require_district(by, found[0][0])
    if not 1 <= days <= 365:
        raise InvalidParameter("days", "between 1 and 365")
    address = email_address(email) if email and email.strip() else None
    now = _now()
    grant = Grant(
        uuid.uuid4().hex,
        org_id,
        address,
        by.label,
        _iso(now),
        _iso(now + timedelta(days=days)),
        None,
    )
    event = new_event(
        kind="invite",
        actor_role=by.role,
        actor_id=by.id,
        layer="organizations",
        record_id=org_id,
        district_adm_code=found[0][0],
        after=grant.id,
        reason=f"edit link for {grant.email or 'owner'}",
    )
    with store.overlay.transaction() as tx:
        tx.execute(
            "INSERT INTO access_grants (id, org_id, email, issued_by, issued_at, expires_at, revoked_at) "
            "VALUES (:id, :org_id, :email, :issued_by, :issued_at, :expires_at, NULL)",
            grant.__dict__,
        )
        append(tx, [event])
    return grant, _serializer(secret).dumps({"g": grant.id, "o": org_id})


_GRANT_COLUMNS = "id, org_id, email, issued_by, issued_at, expires_at, revoked_at"


def grants(overlay: Tables, org_ids: list[str] | None = None) -> list[Grant]:
    rows = [Grant(*r) for r in overlay.fetch(f"SELECT {_GRANT_COLUMNS} FROM access_grants ORDER BY issued_at")]
    return rows if org_ids is None else [g for g in rows if g.org_id in org_ids]


def _grant(overlay: Tables, grant_id: str) -> Grant | None:
    """One grant by id: every owner request looks its link up, so not a scan of all grants."""
    found = overlay.fetch(f"SELECT {_GRANT_COLUMNS} FROM access_grants WHERE id = :id", {"id": grant_id[:64]})
    return Grant(*found[0]) if found else None


def revoke(store: Store, by: Actor, grant_id: str, reason: str | None = None) -> None:
    grant = _grant(store.overlay, grant_id)
    if grant is None:
        raise NotFound(f"no edit link has the id {grant_id[:64]!r}")
    found = store.fetch("SELECT district_adm_code FROM organizations WHERE id = :id", {"id": grant.org_id})
    district = found[0][0] if found else None
    require_district(by, district)
    event = new_event(
        kind="revoke",
        actor_role=by.role,
        actor_id=by.id,
        layer="organizations",
        record_id=grant.org_id,
        district_adm_code=district,
        after=grant.id,
        reason=reason,
    )
    with store.overlay.transaction() as tx:
        tx.execute("UPDATE access_grants SET revoked_at = :at WHERE id = :id", {"at": _iso(_now()), "id": grant.id})
        append(tx, [event])


def owner(overlay: Tables, token: str, secret: str) -> Actor:
    """The owner an edit link speaks for, or LinkInvalid (expired, revoked, tampered with, other purpose)."""
    try:
        data = _serializer(secret).loads(token, max_age=int(timedelta(days=365).total_seconds()))
    except SignatureExpired:
        raise LinkInvalid("this edit link has expired: ask your district coordinator for a new one") from None
    except BadSignature:
        raise LinkInvalid("this edit link is not valid") from None
    if not isinstance(data, dict) or not isinstance(data.get("g"), str):
        raise LinkInvalid("this edit link is not valid")
    grant = _grant(overlay, data["g"])
    if grant is None or grant.org_id != data.get("o"):
        raise LinkInvalid("this edit link is not valid")
    if grant.revoked_at:
        raise LinkInvalid("this edit link was revoked: ask your district coordinator for a new one")
    if grant.expires_at < _iso(_now()):
        raise LinkInvalid("this edit link has expired: ask your district coordinator for a new one")
    return Actor("owner", grant.id, org_id=grant.org_id)
