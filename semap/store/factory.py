"""Open the store the settings name: PostGIS for a postgresql URL, else the embedded DuckDB file."""

from __future__ import annotations

from semap.settings import StoreSettings
from semap.store.base import Store


def open_store(settings: StoreSettings, migrate: bool = True) -> Store:
    store: Store
    if settings.is_postgis:
        from semap.store.postgis_store import PostGISStore

        assert settings.database_url is not None
        store = PostGISStore(
            settings.database_url,
            pool_size=settings.engine_connections,
            data_version_ttl_s=settings.data_version_ttl_s,
            tile_pool_size=settings.reader_connections,
            pool_timeout_s=settings.queue_timeout_s,
        )
    else:
        from semap.store.embedded import EmbeddedStore

        store = EmbeddedStore(settings.embedded_path)
    if migrate:
        store.migrate()
    return store
