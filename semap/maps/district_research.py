"""What the district page says about research beyond the 2013 table: its significant dongs in plain words (with
the rule, the correction and the boundaries stated), and a chart of change when two releases exist.

Counts of 1–2 are withheld as "S" here as everywhere on the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import quote

from semap.errors import NotFound
from semap.geodata.districts import District
from semap.i18n import translations
from semap.stats.change_tables import change_table, chosen_releases
from semap.stats.hotspot_tables import hotspots_summary, hotspots_table
from semap.stats.hotspots import PERMUTATIONS
from semap.stats.kinds import ChangeBy, HotspotBy, Measure
from semap.stats.lq import suppression
from semap.store.base import Store

if TYPE_CHECKING:
    import pandas as pd

CONFIDENCE = {3: 99, 2: 95, 1: 90}
FLOWS = ("entered", "exited", "moved_in", "moved_out")
LOSSES = ("exited", "moved_out")


@dataclass(frozen=True)
class Hotspots:
    sentences: list[str]  # the hot dongs, the cold dongs, or that there are none
    rule: str
    map_link: str


@dataclass(frozen=True)
class ChangeBar:
    label: str
    shown: str  # the number as printed ("S" when withheld; flows signed)
    width: float  # 0..100 % of the largest flow
    loss: bool


@dataclass(frozen=True)
class Change:
    title: str
    counts: str  # the two releases' counts and the difference, in a sentence
    bars: list[ChangeBar]  # entered, exited, moved in, moved out
    explained: str


def _named(rows: pd.DataFrame, lang: str) -> str:
    t = translations(lang)
    names = []
    for row in rows.to_dict(orient="records"):
        unstable = ", " + t.gettext("unstable") if row["unstable"] else ""
        names.append(
            t.gettext("{name} (confidence {confidence}%{unstable})").format(
                name=row["dong_en"] if lang == "en" else row["dong_ko"],
                confidence=CONFIDENCE[abs(int(row["class"]))],
                unstable=unstable,
            )
        )
    return ", ".join(names)


def district_hotspots(store: Store, district: District, lang: str) -> Hotspots | None:
    """The district's significant dongs of organizations per km² (all organizations), or None without any."""
    t = translations(lang)
    try:
        table = hotspots_table(store, Measure.density, HotspotBy.all, "")
        summary = hotspots_summary(store, Measure.density, HotspotBy.all, "").iloc[0]
    except NotFound:
        return None
    mine = table[table["district_ko"] == district.name_ko]
    hot = mine[mine["class"] > 0].sort_values(["class", "z"], ascending=False)
    cold = mine[mine["class"] < 0].sort_values(["class", "z"])
    sentences = []
    if len(hot):
        sentences.append(
            t.gettext("Dongs where organizations cluster for their area (hot spots): {dongs}.").format(
                dongs=_named(hot, lang)
            )
        )
    if len(cold):
        sentences.append(
            t.gettext("Dongs where they are notably sparse (cold spots): {dongs}.").format(dongs=_named(cold, lang))
        )
    rule = t.gettext(
        "Exploratory: this says where to look, not why. The organizations per km² of each dong together with the "
        "dongs whose boundaries touch it at least at one point are compared with all of Seoul (Getis–Ord Gi*, "
        "{permutations:,} permutations); testing Seoul's {dongs} dongs together is corrected with the "
        "Benjamini–Hochberg method. Boundaries: Statistics Korea's {boundaries} census. Dongs with fewer than 5 "
        "organizations are marked “unstable”."
    ).format(permutations=PERMUTATIONS, dongs=int(summary["tested"]), boundaries=summary["boundaries_vintage"])
    link = f"/?lang={lang}&choropleth=hotspots&district={quote(district.name_ko)}"
    none = t.gettext("No dong of this district is a clear hot or cold spot compared with all of Seoul.")
    return Hotspots(sentences or [none], rule, link)


def district_change(store: Store, district: District, lang: str) -> Change | None:
    """The district's flows between the two newest releases, or None while the store remembers fewer than two."""
    t = translations(lang)
    try:
        as_of_from, as_of_to, vintage = chosen_releases(store, None, None)
    except NotFound:
        return None
    table = change_table(store, as_of_from, as_of_to, ChangeBy.all).set_index("district_ko")
    if district.name_ko not in table.index:
        return None
    row = table.loc[district.name_ko]
    labels = {
        "entered": t.gettext("newly registered"),
        "exited": t.gettext("no longer registered"),
        "moved_in": t.gettext("moved in from another district"),
        "moved_out": t.gettext("moved to another district"),
    }
    top = max(max(int(row[c]) for c in FLOWS), 1)  # the flows on their own scale: beside the counts they vanish
    bars = []
    for column in FLOWS:
        value = int(row[column])
        hidden = suppression(value) == "S"
        sign = "" if value == 0 else ("−" if column in LOSSES else "+")
        width = 0.0 if hidden else round(value / top * 100, 2)
        bars.append(ChangeBar(labels[column], "S" if hidden else f"{sign}{value:,}", width, column in LOSSES))
    counts = t.gettext("Registered organizations: {n_from} on {from_} → {n_to} on {to} (difference {change})").format(
        from_=as_of_from,
        to=as_of_to,
        n_from=_shown(int(row["count_from"])),
        n_to=_shown(int(row["count_to"])),
        change=f"{int(row['change']):+,}" if int(row["change"]) else "0",
    )
    title = t.gettext("Change between registry releases: {from_} → {to}").format(from_=as_of_from, to=as_of_to)
    explained = t.gettext(
        "A registry that covers more organizations looks like growth, so the newly registered, the no longer "
        "registered and those that moved are shown apart. Both releases are placed in Statistics Korea's "
        "{boundaries} census boundaries."
    ).format(boundaries=vintage)
    return Change(title, counts, bars, explained)


def _shown(count: int) -> str:
    return "S" if suppression(count) == "S" else f"{count:,}"
