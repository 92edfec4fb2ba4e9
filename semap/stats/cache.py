"""Statistics tables computed once per data version: a build or an edit changes the version, and with it the key.

The exact tests behind an LQ table at dong level take seconds; the table only changes when the data do. Each table
is kept in this process's memory and in the store (``derived_tables``), so a restarted server, another worker or
`semap stats` reads it instead of recomputing. Keeping it is best effort: a store that cannot take it (a
read-only database user, a busy overlay) costs a recomputation later, never the answer.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter, OrderedDict
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import pandas as pd

from semap.errors import SemapError
from semap.stats.frames import frame_from_text, frame_to_text
from semap.store.base import Store

# Hot spots alone are up to 120 small tables (measure × type, industry or category value, and their summaries):
# the LQ tables must not be pushed out by them.
MAX_TABLES = 256
TableFn = TypeVar("TableFn", bound=Callable[..., pd.DataFrame])
_tables: OrderedDict[tuple[Any, ...], pd.DataFrame] = OrderedDict()
_computing: dict[tuple[Any, ...], threading.Lock] = {}  # one computation per table at a time
_lock = threading.Lock()
log = logging.getLogger(__name__)
# How often each table was computed (not read): after the first time per data version it should be read, and a table
# computed twice is a cache that failed (the test suite checks it under generated requests).
computations: Counter[tuple[Any, ...]] = Counter()


def per_data_version(fn: TableFn) -> TableFn:
    """Memoize ``fn(store, *args)`` on (the store, its data version, args), least recently used out first.
    Callers asking for a table being computed wait for it instead of computing it again: after a build, every
    client of a page asks at once."""

    @wraps(fn)
    def cached(store: Store, *args: Any) -> pd.DataFrame:
        version = store.data_version()  # read before computing: a table is kept under the data it was made from
        key = (fn.__qualname__, id(store), store.describe(), version, args)
        with _lock:
            if key in _tables:
                _tables.move_to_end(key)
                return _tables[key].copy()
            flight = _computing.setdefault(key, threading.Lock())
        with flight:
            with _lock:
                if key in _tables:  # made while this caller waited
                    return _tables[key].copy()
            try:
                name = stored_name(fn.__qualname__, args)
                table = _kept(store, name, version)
                if table is None:
                    table = fn(store, *args)
                    with _lock:
                        computations[key] += 1
                    _keep(store, name, version, table)
                with _lock:
                    _tables[key] = table
                    while len(_tables) > MAX_TABLES:
                        _tables.popitem(last=False)
            finally:
                with _lock:
                    _computing.pop(key, None)
        return table.copy()

    return cached  # type: ignore[return-value]


def stored_name(function: str, args: tuple[Any, ...]) -> str:
    """The table's name in the store: the function and its arguments (enum values), e.g. ``lq_table/industry/dong``."""
    return "/".join([function, *(str(getattr(a, "value", a)) for a in args)])


def _kept(store: Store, name: str, version: str) -> pd.DataFrame | None:
    try:
        body = store.derived(name, version)
    except SemapError as exc:
        log.warning("statistics table %s not read from the store: %s", name, exc)
        return None
    return frame_from_text(body) if body is not None else None


def _keep(store: Store, name: str, version: str, table: pd.DataFrame) -> None:
    try:
        store.keep_derived(name, version, frame_to_text(table))
    except SemapError as exc:
        log.warning("statistics table %s not kept in the store: %s", name, exc)


def clear() -> None:
    with _lock:
        _tables.clear()
        computations.clear()
