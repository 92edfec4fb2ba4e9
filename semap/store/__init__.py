"""Persistence: one contract (Store), two backends (PostGIS, embedded DuckDB-spatial)."""

from semap.store.base import Store
from semap.store.factory import open_store

__all__ = ["Store", "open_store"]
