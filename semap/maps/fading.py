"""When the map fades a marker: the record was not confirmed in the last N months before the data date (the
registries' date, or a later confirmation). Only when that tells records apart: if every record or none would be
faded, nothing is (on the demo every entry was confirmed in 2013, the data's own year, so nothing is faded)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from semap.i18n import translations
from semap.store import Store

_CONFIRMED = (
    "(SELECT substr(verified_at, 1, 10) AS d FROM organizations "
    "UNION ALL SELECT substr(verified_at, 1, 10) AS d FROM resources) AS confirmed"
)
_NEWEST = f"SELECT max(d) FROM {_CONFIRMED}"
_STALE = f"SELECT count(*), count(*) FILTER (WHERE d IS NULL OR d < :before) FROM {_CONFIRMED}"


@dataclass(frozen=True)
class Fading:
    """``before``: records confirmed before this day (or never) are faded; None: nothing is."""

    data_date: str
    before: str | None
    stale: int
    total: int


def months_before(day: date, months: int) -> date:
    """The same day ``months`` earlier (the month's last day where it has fewer days: 31 May − 3 → 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has 28 days")


def fading(store: Store, months: int) -> Fading:
    """The rule on this store's data (organizations and resources together)."""
    newest = store.fetch(_NEWEST)[0][0]
    data_date = max(filter(None, (store.meta().get("registries_as_of", "")[:10], newest)), default="")
    if not data_date:
        return Fading("", None, 0, 0)
    before = months_before(date.fromisoformat(data_date), months).isoformat()
    total, stale = store.fetch(_STALE, {"before": before})[0]
    informative = 0 < stale < total
    return Fading(data_date, before if informative else None, int(stale), int(total))


def fading_words(rule: Fading, months: int, lang: str) -> dict[str, str | None]:
    """What the page's script needs: the day, the legend's line and the popup's note (None when nothing fades)."""
    if rule.before is None:
        return {"before": None, "legend": None, "note": None}
    t = translations(lang)
    legend = t.gettext("Faded: not confirmed since {date}, {months} months before the data date ({data_date})")
    legend = legend.format(date=rule.before, months=months, data_date=rule.data_date)
    note = t.gettext("not confirmed since {date}").format(date=rule.before)
    return {"before": rule.before, "legend": legend, "note": note}
