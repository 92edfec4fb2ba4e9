"""Which fields people edit, which wait for review, and what a valid value is (pure functions)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from semap.errors import InvalidParameter
from semap.registry.model import ORG_TYPES, RESOURCE_CATEGORIES, SEMAP_CATEGORIES

LAYERS = ("organizations", "resources")
ORG_STATUSES = ("operating", "closed", "archived")
RESOURCE_STATUSES = ("available", "retired", "archived")
HIDDEN_STATUSES = ("archived", "retired")  # off the public map and lists, kept in history
LOCATION = "location"  # pseudo-field: the point and how it was placed, as JSON
CREATED = "__created__"  # pseudo-field: the record was created in SeMap, not read from a registry
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # newlines and tabs are text; the rest is never


@dataclass(frozen=True)
class FieldRule:
    max_length: int = 300
    multiline: bool = False
    choices: tuple[str, ...] = ()
    kind: str = "text"  # text / url / email / location


# The organization's public fields an owner keeps; contacts (phone, e-mail) are shown to coordinators only.
ORGANIZATION_FIELDS: dict[str, FieldRule] = {
    "name": FieldRule(200),
    "type": FieldRule(choices=ORG_TYPES),
    "address_raw": FieldRule(300),
    "address_normalized": FieldRule(300),  # set with address_raw, from the normalizer
    LOCATION: FieldRule(kind="location"),
    "description": FieldRule(2000, multiline=True),
    "phone": FieldRule(40),
    "email": FieldRule(200, kind="email"),
    "website": FieldRule(500, kind="url"),
    "opening_hours": FieldRule(300, multiline=True),
    "status": FieldRule(choices=ORG_STATUSES),
    "category": FieldRule(choices=SEMAP_CATEGORIES),
    "verified_at": FieldRule(40),
}
RESOURCE_FIELDS: dict[str, FieldRule] = {
    "name": FieldRule(200),
    "category": FieldRule(choices=RESOURCE_CATEGORIES),
    "description": FieldRule(2000, multiline=True),
    "owner_org_id": FieldRule(64),
    "owner_name": FieldRule(200),
    "fee": FieldRule(300),
    "eligibility": FieldRule(300, multiline=True),
    "availability": FieldRule(300, multiline=True),
    "contact": FieldRule(200),
    "booking_url": FieldRule(500, kind="url"),
    "address_raw": FieldRule(300),
    "address_normalized": FieldRule(300),
    LOCATION: FieldRule(kind="location"),
    "status": FieldRule(choices=RESOURCE_STATUSES),
    "verified_at": FieldRule(40),
}
FIELDS = {"organizations": ORGANIZATION_FIELDS, "resources": RESOURCE_FIELDS}
# An owner's change to these waits in the district's review queue; other owner changes apply at once.
MODERATED = frozenset({"name", "type", "address_raw", "address_normalized", LOCATION})
# What an owner may change, in the order their form shows it (the rest is the coordinator's: archiving, the
# resource's owner, the point itself); an address change places the record again.
OWNER_FORM = {
    "organizations": (
        "name",
        "type",
        "category",
        "description",
        "opening_hours",
        "website",
        "phone",
        "email",
        "address_raw",
        "status",
    ),
    "resources": (
        "name",
        "category",
        "description",
        "fee",
        "eligibility",
        "availability",
        "contact",
        "booking_url",
        "address_raw",
        "status",
    ),
}
COORDINATOR_FORM = {
    "organizations": (*OWNER_FORM["organizations"], LOCATION),
    "resources": (*OWNER_FORM["resources"], "owner_name", "owner_org_id", LOCATION),
}
OWNER_FIELDS = {layer: frozenset((*names, LOCATION)) for layer, names in OWNER_FORM.items()}
OWNER_STATUSES = {"organizations": ("operating", "closed"), "resources": ("available", "retired")}


def check_layer(layer: str) -> str:
    if layer not in LAYERS:
        raise InvalidParameter("layer", f"one of {', '.join(LAYERS)}")
    return layer


def clean_value(layer: str, field: str, value: str | None) -> str | None:
    """The value as stored (stripped; empty is None), or InvalidParameter naming the field and why."""
    rules = FIELDS[check_layer(layer)]
    if field not in rules:
        raise InvalidParameter(field, f"is not an editable field of {layer}")
    rule = rules[field]
    if value is None:
        return None
    value = value.replace("\r\n", "\n").strip()
    if not value:
        if rule.choices or rule.kind == "location" or field == "name":
            raise InvalidParameter(field, "may not be empty")
        return None
    if len(value) > rule.max_length:
        raise InvalidParameter(field, f"at most {rule.max_length} characters")
    if _CONTROL.search(value) or (not rule.multiline and "\n" in value):
        raise InvalidParameter(field, "may not contain control characters" + ("" if rule.multiline else " or lines"))
    if rule.choices and value not in rule.choices:
        raise InvalidParameter(field, f"{value!r} is not one of: {', '.join(rule.choices)}")
    if rule.kind == "url":
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise InvalidParameter(field, "a web address starting with http:// or https://")
    if rule.kind == "email":
        return email_address(value, field)
    if rule.kind == "location":
        return location_value(value)
    return value


def email_address(value: str, field: str = "email") -> str:
    """One e-mail address, checked by email-validator (the syntax of RFC 5322 and 6531: one address, nothing after
    it, no line breaks to inject headers with), its domain normalized; else InvalidParameter naming the field."""
    from email_validator import EmailNotValidError, validate_email  # 50 ms of imports: not at server start

    try:
        return str(validate_email(value.strip(), check_deliverability=False).normalized)
    except EmailNotValidError as exc:
        raise InvalidParameter(field, f"{value[:100]!r} is not an e-mail address: {exc}") from None


def location_value(value: str) -> str:
    """'lon,lat' or the JSON SeMap writes, as that JSON; a point outside Seoul's area is refused."""
    try:
        data = json.loads(value) if value.startswith("{") else dict(zip(("lon", "lat"), value.split(","), strict=True))
        lon, lat = float(data["lon"]), float(data["lat"])
    except (ValueError, KeyError, TypeError):
        raise InvalidParameter(LOCATION, "lon,lat in degrees, e.g. 127.1059,37.5145") from None
    if not (126.7 <= lon <= 127.3 and 37.4 <= lat <= 37.75):
        raise InvalidParameter(LOCATION, f"{lon}, {lat} is outside Seoul's area; is it lat, lon?")
    placed = {"geocoder": "manual", "match_type": "manual", "precision_m": 1.0, "confidence": 1.0}
    if isinstance(data, dict):
        placed.update({k: data[k] for k in placed if k in data})
    return json.dumps({"lon": round(lon, 7), "lat": round(lat, 7), **placed}, ensure_ascii=False, sort_keys=True)
