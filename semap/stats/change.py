"""Change between two registry releases, as pure functions over their snapshots (semap.pipeline.releases).

A registry's coverage changing looks like growth, so the flows are kept apart:
- **entered**: in the later release only; **exited**: in the earlier only;
- **moved**: the same organization in both, placed in another district. An organization keeps its stable id
  while its name and address do; a move changes its address and with it its id, so an exit and an entry are the
  same organization when they share a business number (each unique among the exits and among the entries), or
  failing that the normalized name deduplication uses (unique the same way);
- **reclassified**: the same organization in the same district under another type or industry;
- **stayed**: the rest.
For every district (and type or industry): count_to = count_from + entered − exited + moved_in − moved_out
+ reclassified_in − reclassified_out. Both releases are compared on one boundary vintage, the one their records
were placed in (the caller checks that they share it).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from semap.stats.lq import location_quotients

FLOWS = ("entered", "exited", "moved", "reclassified", "stayed")
FLOW_COLUMNS = ("entered", "exited", "moved_in", "moved_out", "reclassified_in", "reclassified_out")


def _pair_by(exits: pd.DataFrame, entries: pd.DataFrame, key: str) -> list[tuple[str, str]]:
    """(exit id, entry id) pairs sharing ``key``, where the key is present and unique on both sides."""
    usable = [frame[frame[key].notna() & (frame[key] != "")] for frame in (exits, entries)]
    unique = [frame.drop_duplicates(key, keep=False) for frame in usable]
    joined = unique[0][["record_id", key]].merge(unique[1][["record_id", key]], on=key, suffixes=("_from", "_to"))
    return list(zip(joined["record_id_from"], joined["record_id_to"], strict=True))


def record_flows(before: pd.DataFrame, after: pd.DataFrame, by: str = "type") -> pd.DataFrame:
    """One row per organization of either release: its flow, where it was and is, what it was and is (``by``:
    type or industry decides what "reclassified" means) and how the two were matched."""
    before, after = before.set_index("record_id", drop=False), after.set_index("record_id", drop=False)
    pairs = [(i, i, "id") for i in before.index.intersection(after.index)]
    exits, entries = before.drop(index=[p[0] for p in pairs]), after.drop(index=[p[1] for p in pairs])
    for key, label in (("business_number", "business number"), ("name_key", "name")):
        found = _pair_by(exits, entries, key)
        pairs += [(a, b, label) for a, b in found]
        exits, entries = exits.drop(index=[a for a, _ in found]), entries.drop(index=[b for _, b in found])
    rows = []
    for old, new, matched_by in pairs:
        was, now = before.loc[old], after.loc[new]
        if was["district_ko"] != now["district_ko"]:
            flow = "moved"
        elif was[by] != now[by]:
            flow = "reclassified"
        else:
            flow = "stayed"
        rows.append(_flow_row(flow, was, now, matched_by, by))
    rows += [_flow_row("exited", was, None, "", by) for _, was in exits.iterrows()]
    rows += [_flow_row("entered", None, now, "", by) for _, now in entries.iterrows()]
    columns = ["flow", "record_id_from", "record_id_to", "name", "district_from", "district_to"]
    columns += [f"{by}_from", f"{by}_to", "matched_by"]
    frame = pd.DataFrame(rows, columns=columns)
    order = {flow: i for i, flow in enumerate(FLOWS)}
    frame["_order"] = frame["flow"].map(order)
    return frame.sort_values(["_order", "name"], kind="stable").drop(columns="_order").reset_index(drop=True)


def _flow_row(flow: str, was: pd.Series | None, now: pd.Series | None, matched_by: str, by: str) -> dict:
    return {
        "flow": flow,
        "record_id_from": was["record_id"] if was is not None else None,
        "record_id_to": now["record_id"] if now is not None else None,
        "name": (now if now is not None else was)["name"],  # type: ignore[index]
        "district_from": was["district_ko"] if was is not None else None,
        "district_to": now["district_ko"] if now is not None else None,
        f"{by}_from": was[by] if was is not None else None,
        f"{by}_to": now[by] if now is not None else None,
        "matched_by": matched_by,
    }


def district_change(flows: pd.DataFrame, areas: list[str], by: str | None = None) -> pd.DataFrame:
    """Per area (every one of ``areas``, in that order, then any other area met), or per area × ``by`` value:
    count_from, the flows, count_to and change. ``flows`` comes from record_flows (with ``by`` when given)."""
    keys = ["district_ko"] + ([by] if by else [])

    def tally(frame: pd.DataFrame, side: str, name: str) -> pd.Series:
        columns = {f"district_{side}": "district_ko", **({f"{by}_{side}": by} if by else {})}
        return frame.rename(columns=columns).groupby(keys).size().rename(name)

    moved, reclassified = (flows[flows["flow"] == flow] for flow in ("moved", "reclassified"))
    parts = [
        tally(flows[flows["flow"] != "entered"], "from", "count_from"),
        tally(flows[flows["flow"] == "entered"], "to", "entered"),
        tally(flows[flows["flow"] == "exited"], "from", "exited"),
        tally(moved, "to", "moved_in"),
        tally(moved, "from", "moved_out"),
        tally(reclassified, "to", "reclassified_in"),
        tally(reclassified, "from", "reclassified_out"),
        tally(flows[flows["flow"] != "exited"], "to", "count_to"),
    ]
    table = pd.concat(parts, axis=1).fillna(0).astype(int)
    table = _with_every_area(table, areas, by)
    table["change"] = table["count_to"] - table["count_from"]
    if not by:
        table = table.drop(columns=["reclassified_in", "reclassified_out"])
    return table[[c for c in ("count_from", *FLOW_COLUMNS, "count_to", "change") if c in table.columns]]


def _with_every_area(table: pd.DataFrame, areas: list[str], by: str | None) -> pd.DataFrame:
    met = [a for a in dict.fromkeys(table.index.get_level_values(0)) if a not in areas]
    order = areas + sorted(met)
    if by:
        values = sorted(set(table.index.get_level_values(1)))
        index = pd.MultiIndex.from_product([order, values], names=["district_ko", by])
    else:
        index = pd.Index(order, name="district_ko")
    return table.reindex(index, fill_value=0)


def lq_change(before: pd.DataFrame, after: pd.DataFrame, seoul: list[str], by: str) -> pd.DataFrame:
    """Each release's LQ of Seoul's districts × ``by`` values with its exact interval and q-value, side by side."""
    sides = []
    for snapshot, side in ((before, "from"), (after, "to")):
        inside = snapshot[snapshot["district_adm_code"].notna()]
        counts = pd.crosstab(inside["district_ko"], inside[by]).reindex(index=seoul, fill_value=0)
        lq = location_quotients(counts).set_index(["district", "industry"])
        lq.index.names = ["district_ko", by]
        sides.append(lq[["lq", "ci_low", "ci_high", "q_value"]].add_suffix(f"_{side}"))
    joined = sides[0].join(sides[1], how="outer")
    joined["lq_change"] = joined["lq_to"] - joined["lq_from"]
    return joined.replace({np.inf: np.nan})
