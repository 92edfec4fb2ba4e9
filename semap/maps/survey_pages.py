"""The survey upload page: what SeMap read, the rejects, the difference with what is served, and what was applied."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from semap.curation.survey import Applied, Change, Reject, SurveyDiff
from semap.geodata.districts import District, by_adm_code
from semap.i18n import translations
from semap.maps.edit_pages import _common
from semap.maps.labels import district_label
from semap.maps.render import Page, render_plain

RECORD_FIELD = {"phone": "contact", "address": "address_raw"}  # the survey's fields that the record names otherwise


def survey_field_labels(lang: str) -> dict[str, str]:
    """The survey format's fields as people read them (the record's labels, and the survey's own two)."""
    t = translations(lang)
    labels = _common(lang)["labels"]
    names = ("district_written", "category", "name", "description", "owner_name", "owner_business_number")
    found = {n: labels.get(n, n) for n in names}
    found.update({k: labels[v] for k, v in RECORD_FIELD.items()})
    found.update({n: labels[n] for n in ("fee", "eligibility", "availability", "verified_at")})
    found["district_written"] = t.gettext("District")
    found["owner_business_number"] = t.gettext("Holder's business number")
    return found


@dataclass(frozen=True)
class Carried:
    """The uploaded file and the coordinator's column mapping, carried from the preview to applying it."""

    name: str = ""
    payload: str = ""  # the file's bytes, base64
    mapping: dict[str, str] = field(default_factory=dict)


def survey_page(
    district: District,
    csrf: str,
    lang: str,
    found: SurveyDiff | None = None,
    carried: Carried | None = None,
    applied: Applied | None = None,
    error: str = "",
    max_kb: int = 0,
) -> Page:
    context: dict[str, Any] = _common(lang)
    labels = survey_field_labels(lang)
    return render_plain(
        "survey.html",
        **context,
        title=f"SeMap — {district_label(district, lang)}",
        district=district,
        csrf=csrf,
        found=found,
        carried=carried or Carried(),
        applied=applied,
        error=error,
        max_kb=max_kb,
        survey_labels=labels,
        changes_of=lambda kind: found.of(kind) if found else [],
        shown_changes=lambda c: _rows(c, lang),
        reason=lambda r: reject_reason(r, lang),
    )


def reject_reason(reject: Reject, lang: str) -> str:
    """The upload's own reasons in the reader's language; the registry reader's as it writes them (English)."""
    t = translations(lang)
    names = [district_label(by_adm_code(c), lang) if c else t.gettext("outside Seoul") for c in reject.districts]
    if reject.code == "other_district":
        return t.gettext("a row of %(other)s: this page takes %(district)s's rows only (upload it on that page)") % {
            "other": names[0],
            "district": names[1],
        }
    if reject.code == "placed_elsewhere":
        return t.gettext("the address is placed in %(where)s, not in %(district)s") % {
            "where": names[0],
            "district": names[1],
        }
    if reject.code == "needs_address":
        return t.gettext("a new resource needs an address to be placed on the map")
    return reject.reason


def _rows(change: Change, lang: str) -> list[tuple[str, str, str]]:
    """(field label, before, after) for each value a change sets."""
    shown = _common(lang)["shown"]
    labels = _common(lang)["labels"]
    return [(labels.get(n, n), shown(n, change.before.get(n)), shown(n, v)) for n, v in change.after.items()]
