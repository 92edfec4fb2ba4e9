"""Whether a data version's first-asked statistics were prepared (semap.stats.prepare), asked without pandas: a
server whose build prepared them loads pandas when a statistics page is first asked for, not when it starts."""

from __future__ import annotations

import logging

from semap.errors import SemapError
from semap.store.base import Store

MARK = "prepared/first-asked"  # kept beside the tables, under the same data version
log = logging.getLogger(__name__)


def were_prepared(store: Store) -> bool:
    try:
        return store.derived(MARK, store.data_version()) is not None
    except SemapError:
        return False


def mark_prepared(store: Store, version: str, tables: list[str]) -> None:
    try:
        store.keep_derived(MARK, version, ", ".join(tables))
    except SemapError as exc:  # best effort, as keeping the tables: a server then reads them at start
        log.warning("the statistics of %s were prepared but could not be marked so: %s", version, exc)
