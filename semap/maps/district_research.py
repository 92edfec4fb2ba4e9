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
from semap.maps.labels import TEXT
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
    t = TEXT[lang]
    names = []
    for row in rows.to_dict(orient="records"):
        name = row["dong_en"] if lang == "en" else row["dong_ko"]
        confidence = CONFIDENCE[abs(int(row["class"]))]
        unstable = f", {t['unstable']}" if row["unstable"] else ""
        names.append(t["dong_level"].format(name=name, confidence=confidence, unstable=unstable))
    return ", ".join(names)


def district_hotspots(store: Store, district: District, lang: str) -> Hotspots | None:
    """The district's significant dongs of organizations per km² (all organizations), or None without any."""
    t = TEXT[lang]
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
        sentences.append(t["hot_dongs"].format(dongs=_named(hot, lang)))
    if len(cold):
        sentences.append(t["cold_dongs"].format(dongs=_named(cold, lang)))
    rule = t["hot_rule"].format(
        permutations=PERMUTATIONS, dongs=int(summary["tested"]), boundaries=summary["boundaries_vintage"]
    )
    link = f"/?lang={lang}&choropleth=hotspots&district={quote(district.name_ko)}"
    return Hotspots(sentences or [t["no_hot_dongs"]], rule, link)


def district_change(store: Store, district: District, lang: str) -> Change | None:
    """The district's flows between the two newest releases, or None while the store remembers fewer than two."""
    t = TEXT[lang]
    try:
        as_of_from, as_of_to, vintage = chosen_releases(store, None, None)
    except NotFound:
        return None
    table = change_table(store, as_of_from, as_of_to, ChangeBy.all).set_index("district_ko")
    if district.name_ko not in table.index:
        return None
    row = table.loc[district.name_ko]
    top = max(max(int(row[c]) for c in FLOWS), 1)  # the flows on their own scale: beside the counts they vanish
    bars = []
    for column in FLOWS:
        value = int(row[column])
        hidden = suppression(value) == "S"
        sign = "" if value == 0 else ("−" if column in LOSSES else "+")
        width = 0.0 if hidden else round(value / top * 100, 2)
        bars.append(ChangeBar(t[column], "S" if hidden else f"{sign}{value:,}", width, column in LOSSES))
    counts = t["change_counts"].format(
        from_=as_of_from,
        to=as_of_to,
        n_from=_shown(int(row["count_from"])),
        n_to=_shown(int(row["count_to"])),
        change=f"{int(row['change']):+,}" if int(row["change"]) else "0",
    )
    title = t["change_title"].format(from_=as_of_from, to=as_of_to)
    return Change(title, counts, bars, t["change_explained"].format(boundaries=vintage))


def _shown(count: int) -> str:
    return "S" if suppression(count) == "S" else f"{count:,}"
