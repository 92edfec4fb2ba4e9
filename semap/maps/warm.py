"""What the first page of a fresh server needs, prepared while it starts: no request pays for an import.

Folium (and through it pandas and numpy) takes about a second to import; the map fragment it renders holds no data,
so it is rendered once here, with the templates and catalogues of both languages. The store's first spatial query
(DuckDB loads its spatial functions then) is made here too, by the read the map page itself makes, and the
statistics the district pages and the API's defaults show are read (a build keeps them) or computed: a request
after a start never waits behind their computation.
"""

from __future__ import annotations

import logging

from semap.errors import SemapError
from semap.i18n import LANGUAGES
from semap.maps.main_page import main_page
from semap.settings import MapSettings
from semap.store import Store

log = logging.getLogger(__name__)


def warm_pages(store: Store, settings: MapSettings) -> None:
    from semap.stats.prepare import prepare_statistics  # pandas and scipy: a server that does not warm up skips them

    for lang in LANGUAGES:
        main_page(lang, settings)  # the map fragment (Folium), the templates, the catalogue, the district names
    try:
        store.district_rows()
        prepare_statistics(store)
    except SemapError as exc:  # not built yet, database not there: the pages say so when asked
        log.info("the store is not ready to warm up (%s)", exc)
