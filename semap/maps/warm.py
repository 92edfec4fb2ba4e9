"""What the first page of a fresh server needs, prepared while it starts: no request pays for an import.

Folium (and through it pandas and numpy) takes about a second to import; the map fragment it renders holds no data,
so it is rendered once here, with the templates and catalogues of both languages.
"""

from __future__ import annotations

from semap.i18n import LANGUAGES
from semap.maps.main_page import main_page
from semap.settings import MapSettings


def warm_pages(settings: MapSettings) -> None:
    for lang in LANGUAGES:
        main_page(lang, settings)  # the map fragment (Folium), the templates, the catalogue, the district names
