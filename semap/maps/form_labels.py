"""Words of the editing pages that code chooses (field names, roles, kinds of change), from the catalogues."""

from __future__ import annotations

from functools import lru_cache

from semap.i18n import LANGUAGES, translations


@lru_cache(maxsize=len(LANGUAGES))
def field_labels(lang: str) -> dict[str, str]:
    """Every editable field's label, by the field's name in the store."""
    t = translations(lang)
    return {
        "name": t.gettext("Name"),
        "type": t.gettext("Type"),
        "category": t.gettext("Category"),
        "description": t.gettext("Description"),
        "phone": t.gettext("Phone"),
        "email": t.gettext("E-mail"),
        "website": t.gettext("Website"),
        "opening_hours": t.gettext("Opening hours"),
        "status": t.gettext("Status"),
        "address_raw": t.gettext("Address"),
        "location": t.gettext("Location (lon,lat)"),
        "fee": t.gettext("Fee"),
        "eligibility": t.gettext("Who may use it"),
        "availability": t.gettext("When it is available"),
        "contact": t.gettext("Contact"),
        "booking_url": t.gettext("Booking link"),
        "owner_org_id": t.gettext("Owner organization id"),
        "owner_name": t.gettext("Owner organization"),
        "verified_at": t.gettext("Verified"),
        "address_normalized": t.gettext("Address as read"),
    }


@lru_cache(maxsize=len(LANGUAGES))
def code_labels(lang: str) -> dict[str, str]:
    """The codes the change history and accounts keep (roles, kinds of change and conflict), as people read them."""
    t = translations(lang)
    return {
        # who
        "public": t.pgettext("role", "public"),
        "owner": t.pgettext("role", "organization"),
        "coordinator": t.pgettext("role", "coordinator"),
        "admin": t.pgettext("role", "admin"),
        "system": t.pgettext("role", "system"),
        # what happened
        "edit": t.pgettext("change", "edit"),
        "create": t.pgettext("change", "created"),
        "propose": t.pgettext("change", "proposed"),
        "approve": t.pgettext("change", "approved"),
        "reject": t.pgettext("change", "rejected"),
        "revert": t.pgettext("change", "reverted"),
        "report": t.pgettext("change", "problem report"),
        "resolve": t.pgettext("change", "resolved"),
        "invite": t.pgettext("change", "edit link issued"),
        "verify": t.pgettext("change", "confirmed"),
        "archive": t.pgettext("change", "archived"),
        "settle": t.pgettext("change", "conflict settled"),
        "revoke": t.pgettext("change", "edit link revoked"),
        "account": t.pgettext("change", "account added"),
        "deactivate": t.pgettext("change", "account deactivated"),
        # what the last rebuild found
        "conflict": t.pgettext("conflict", "the registry changed an edited value"),
        "disappeared": t.pgettext("conflict", "no longer in the registry"),
    }
