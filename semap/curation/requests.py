"""'Is this your organization?': someone asks for an edit link; the request waits in the district coordinator's
review queue (as a report on the organization, field EDIT_LINK_REQUEST), who may issue the link (semap.curation
.access.invite) after checking who asks. Nothing is sent to the address the requester gives."""

from __future__ import annotations

from semap.curation.edits import commit, load_record
from semap.curation.events import Event, new_event
from semap.curation.fields import email_address
from semap.errors import InvalidParameter
from semap.store.base import Store

EDIT_LINK_REQUEST = "edit_link_request"
MAX_NOTE = 500


def request_edit_link(store: Store, org_id: str, email: str, note: str, requester: str) -> Event:
    """Record the request in the organization's district queue; a bad address or note raises InvalidParameter."""
    record = load_record(store, "organizations", org_id)
    address = email_address(email or "", "email")
    text = (note or "").strip()
    if len(text) > MAX_NOTE:
        raise InvalidParameter("note", f"at most {MAX_NOTE} characters")
    if any(ord(c) < 32 and c not in "\n\t" for c in text):
        raise InvalidParameter("note", "may not contain control characters")
    event = new_event(
        kind="report",
        actor_role="public",
        actor_id=requester,
        layer="organizations",
        record_id=record["id"],
        district_adm_code=record.get("district_adm_code"),
        field=EDIT_LINK_REQUEST,
        after=f"{address}" + (f" — {text}" if text else ""),
    )
    commit(store, "organizations", record["id"], [event], {})
    return event
