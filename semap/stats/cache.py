"""Statistics tables computed once per data version: a build or an edit changes the version, and with it the key.

The exact tests behind an LQ table at dong level take seconds; the table only changes when the data do.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import pandas as pd

from semap.store.base import Store

MAX_TABLES = 64
TableFn = TypeVar("TableFn", bound=Callable[..., pd.DataFrame])
_tables: OrderedDict[tuple[Any, ...], pd.DataFrame] = OrderedDict()
_lock = threading.Lock()


def per_data_version(fn: TableFn) -> TableFn:
    """Memoize ``fn(store, *args)`` on (the store, its data version, args), least recently used out first."""

    @wraps(fn)
    def cached(store: Store, *args: Any) -> pd.DataFrame:
        key = (fn.__qualname__, id(store), store.describe(), store.data_version(), args)
        with _lock:
            if key in _tables:
                _tables.move_to_end(key)
                return _tables[key].copy()
        table = fn(store, *args)
        with _lock:
            _tables[key] = table
            while len(_tables) > MAX_TABLES:
                _tables.popitem(last=False)
        return table.copy()

    return cached  # type: ignore[return-value]


def clear() -> None:
    with _lock:
        _tables.clear()
