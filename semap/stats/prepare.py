"""The statistics a new data version's first readers ask for, computed before they ask.

A build computes them on its staging store after the edits, before the swap (`semap build` passes this to
semap.pipeline.build), and keeps them in the store under the version the data will be served as; a server reads
them at start. Without this the first requests after a swap or a start computed them (hot spots: 9,999
permutations) while every other request queued behind them (issue 23: p99 above a second during a rebuild).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from semap.errors import SemapError
from semap.stats.change_tables import change_table, chosen_releases
from semap.stats.hotspot_tables import hotspots_summary, hotspots_table
from semap.stats.kinds import ChangeBy, CountBy, HotspotBy, Level, LqBy, Measure, ResourcesBy
from semap.stats.prepared import mark_prepared
from semap.stats.tables import counts_table, lq_table, resources_table
from semap.store.base import Store

log = logging.getLogger(__name__)


def _change(store: Store) -> None:
    as_of_from, as_of_to, _ = chosen_releases(store, None, None)
    change_table(store, as_of_from, as_of_to, ChangeBy.all)


# The API's defaults and what the district page shows (semap.maps.district_page, semap.maps.district_research).
FIRST_ASKED: dict[str, Callable[[Store], object]] = {
    "counts by type": lambda store: counts_table(store, CountBy.type, Level.district),
    "LQ by industry": lambda store: lq_table(store, LqBy.industry, Level.district),
    "resources by district": lambda store: resources_table(store, ResourcesBy.district),
    "hot spots": lambda store: hotspots_table(store, Measure.density, HotspotBy.all, ""),
    "hot spots summary": lambda store: hotspots_summary(store, Measure.density, HotspotBy.all, ""),
    "change": _change,
}


def prepare_statistics(store: Store) -> None:
    """Compute (or read, when kept) each first-asked table of ``store``'s data version. A table the data cannot
    give (no organization placed, one release only) is skipped: its page says why. Then marked as prepared
    (semap.stats.prepared), for servers that start on these data."""
    version, prepared = store.data_version(), []
    for name, compute in FIRST_ASKED.items():
        try:
            compute(store)
            prepared.append(name)
        except SemapError as exc:
            log.info("statistics %s not prepared: %s", name, exc)
    mark_prepared(store, version, prepared)
