"""Times as people in Seoul read them: the change history keeps UTC ISO 8601, the pages show local time."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_skeleton

SEOUL = ZoneInfo("Asia/Seoul")  # every district SeMap serves is in Seoul


def local_time(value: str | None, lang: str) -> str:
    """``2026-12-05T10:52:12+00:00`` → "2026년 12월 5일 19:52" / "Dec 5, 2026 19:52"; a bare date stays a date
    ("2026년 12월 5일"); empty stays empty, and anything unreadable is shown as it is."""
    if not value:
        return ""
    try:
        if len(value) == 10:
            return format_skeleton("yMMMd", date.fromisoformat(value), locale=lang)
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    day = format_skeleton("yMMMd", moment, tzinfo=SEOUL, locale=lang)
    return f"{day} {format_skeleton('Hm', moment, tzinfo=SEOUL, locale=lang)}"
