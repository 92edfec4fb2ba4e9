"""Change between the releases a store remembers (API, CLI, pages): the snapshots through the pure functions of
semap.stats.change, computed once per data version and kept like the LQ tables."""

from __future__ import annotations

import pandas as pd

from semap.errors import Conflict, NotFound
from semap.stats import change
from semap.stats.cache import per_data_version
from semap.stats.kinds import ChangeBy
from semap.stats.queries import release_records, releases, sightings
from semap.store.base import Store

UNKNOWN = "미상"  # an organization without the type or industry asked for


def chosen_releases(store: Store, as_of_from: str | None, as_of_to: str | None) -> tuple[str, str, str]:
    """(from, to, boundary vintage): the two newest releases unless named; refused when one is unknown, when they
    are the same, or when their records were placed in different boundaries."""
    known = releases(store)
    listed = ", ".join(known["as_of"]) or "none yet"
    if len(known) < 2 and not (as_of_from and as_of_to):
        raise NotFound(
            f"change needs two releases and this store remembers {listed}: build another registry release "
            "(its manifest's as_of) and compare them"
        )
    as_of_from = as_of_from or known["as_of"].iloc[-2]
    as_of_to = as_of_to or known["as_of"].iloc[-1]
    for parameter, as_of in (("from", as_of_from), ("to", as_of_to)):
        if as_of not in set(known["as_of"]):
            raise NotFound(f"{parameter}: no release of {as_of!r} was built into this store; it remembers {listed}")
    if as_of_from == as_of_to:
        raise NotFound(f"from and to are the same release ({as_of_to}): there is no change to compute; name two")
    vintages = known.set_index("as_of")["boundaries_vintage"]
    if vintages[as_of_from] != vintages[as_of_to]:
        raise Conflict(
            f"{as_of_from} was placed in the {vintages[as_of_from]} boundaries and {as_of_to} in the "
            f"{vintages[as_of_to]} ones: change is computed on one boundary vintage only"
        )
    return as_of_from, as_of_to, str(vintages[as_of_to])


def _snapshot(store: Store, as_of: str) -> pd.DataFrame:
    frame = release_records(store, as_of)
    for column in ("type", "industry"):
        frame[column] = frame[column].fillna(UNKNOWN)
    return frame


def _seoul(store: Store) -> list[str]:
    return sorted(row["name_ko"] for row in store.district_rows())


def _stamped(table: pd.DataFrame, as_of_from: str, as_of_to: str, vintage: str) -> pd.DataFrame:
    table["as_of_from"], table["as_of_to"] = as_of_from, as_of_to
    table["boundaries"] = f"KOSTAT census boundaries {vintage}"
    return table


@per_data_version
def change_table(store: Store, as_of_from: str, as_of_to: str, by: ChangeBy) -> pd.DataFrame:
    """Per district (or district × type or industry): count_from, entered, exited, moved_in, moved_out,
    (reclassified_in, reclassified_out,) count_to, change; by type or industry also each release's LQ with its
    exact interval and q-value. Every district of Seoul is listed, zeros included."""
    as_of_from, as_of_to, vintage = chosen_releases(store, as_of_from, as_of_to)
    before, after = _snapshot(store, as_of_from), _snapshot(store, as_of_to)
    column = None if by is ChangeBy.all else by.value
    flows = change.record_flows(before, after, column or "type")
    table = change.district_change(flows, _seoul(store), column)
    if column:
        table = table.join(change.lq_change(before, after, _seoul(store), column), how="left")
    return _stamped(table.reset_index(), as_of_from, as_of_to, vintage)


@per_data_version
def change_records(store: Store, as_of_from: str, as_of_to: str, by: ChangeBy) -> pd.DataFrame:
    """One row per organization of either release: flow, ids, name, districts, type or industry before and
    after, how an exit and an entry were matched, and when the organization was first and last seen."""
    as_of_from, as_of_to, vintage = chosen_releases(store, as_of_from, as_of_to)
    column = "type" if by is ChangeBy.all else by.value
    flows = change.record_flows(_snapshot(store, as_of_from), _snapshot(store, as_of_to), column)
    seen = sightings(store).set_index("record_id")
    # A moved organization has a new id: it was first seen when its earlier id was, last seen when its later was.
    was, now = (seen.reindex(flows[f"record_id_{side}"]).reset_index(drop=True) for side in ("from", "to"))
    flows["first_seen"] = was["first_seen"].fillna(now["first_seen"])
    flows["last_seen"] = now["last_seen"].fillna(was["last_seen"])
    return _stamped(flows, as_of_from, as_of_to, vintage)
