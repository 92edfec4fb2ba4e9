"""What every command needs: settings and the store, opened once per command.

Imported inside the functions: pydantic-settings takes most of a cold start, and `semap --help` needs none of it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from semap.settings import GeodataSettings, StoreSettings
    from semap.store import Store


def store_settings() -> StoreSettings:
    from semap.settings import StoreSettings, load

    return load(StoreSettings)


def geodata_settings() -> GeodataSettings:
    from semap.settings import GeodataSettings, load

    return load(GeodataSettings)


def opened_store() -> Store:
    from semap.store import open_store

    return open_store(store_settings())
