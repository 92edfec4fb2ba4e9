"""What a page says about its data: how current, whose, under which licence (PublicationSettings)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from semap.i18n import translations
from semap.settings import PublicationSettings

SEOUL = ZoneInfo("Asia/Seoul")


@dataclass(frozen=True)
class DataNote:
    # (words before, the day, words after) per date: "registries as of ", "2013-12-31", "" — a page keeps a day whole
    dated: list[tuple[str, str, str]]
    publisher: str
    publisher_url: str | None
    licence: str
    licence_url: str


def _day(instant: str | None) -> str | None:
    """The day in Seoul of an ISO instant the store recorded (UTC), or None."""
    if not instant:
        return None
    try:
        moment = datetime.fromisoformat(instant)
    except ValueError:
        return instant
    return (moment.astimezone(SEOUL) if moment.tzinfo else moment).date().isoformat()


def _around(message: str, day: str) -> tuple[str, str, str]:
    before, _, after = message.partition("{date}")
    return before, day, after


def data_note(meta: dict[str, str], publication: PublicationSettings, lang: str) -> DataNote:
    t = translations(lang)
    parts = []
    if meta.get("registries_as_of"):
        parts.append(_around(t.gettext("registries as of {date}"), meta["registries_as_of"]))
    updated = _day(meta.get("edits_applied_at") or meta.get("loaded_at"))
    if updated:
        parts.append(_around(t.gettext("last updated {date}"), updated))
    web = publication.publisher_url if (publication.publisher_url or "").startswith(("http://", "https://")) else None
    return DataNote(
        dated=parts,
        publisher=publication.publisher,
        publisher_url=web,
        licence=publication.data_licence,
        licence_url=publication.data_licence_url,
    )
