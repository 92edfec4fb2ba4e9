"""What every command needs: settings and the store, opened once per command."""

from __future__ import annotations

from semap.settings import GeodataSettings, StoreSettings, load
from semap.store import Store, open_store


def store_settings() -> StoreSettings:
    return load(StoreSettings)


def geodata_settings() -> GeodataSettings:
    return load(GeodataSettings)


def opened_store() -> Store:
    return open_store(store_settings())
