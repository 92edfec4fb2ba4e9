"""What the first page of a fresh server needs, prepared while it starts: no request pays for an import.

The map fragment holds no data: it is rendered once here, by a child process (semap.maps.fragment: Folium with
pandas and numpy is 74 MB that a server would keep), with the templates and catalogues of both languages. The
store's first spatial query (DuckDB loads its spatial functions then) is made here too, by the read the map page
itself makes. The statistics the district pages and the API's defaults show are computed here when the build did
not prepare them (semap.stats.prepared): a request after a start never waits behind their computation. Prepared
ones are read, with pandas, by the first statistics request of the process.
"""

from __future__ import annotations

import logging

from semap.errors import SemapError
from semap.i18n import LANGUAGES
from semap.maps.main_page import main_page
from semap.settings import MapSettings
from semap.stats.prepared import were_prepared
from semap.store import Store

log = logging.getLogger(__name__)


def warm_pages(store: Store, settings: MapSettings) -> None:
    for lang in LANGUAGES:
        main_page(lang, settings)  # the map fragment (semap.maps.fragment), the templates, catalogue, district names
    try:
        store.district_rows()
        if not were_prepared(store):  # else the build kept them: read (with pandas) when first asked for
            from semap.stats.prepare import prepare_statistics  # pandas and scipy

            prepare_statistics(store)
    except SemapError as exc:  # not built yet, database not there: the pages say so when asked
        log.info("the store is not ready to warm up (%s)", exc)
