"""Interface strings from gettext catalogues, one per language: ``semap/locale/<lang>/LC_MESSAGES/semap.mo``.

Messages are written in English in the code and templates (``gettext("Search")``, ``{{ _("Search") }}``) and
translated in the catalogues made with Babel (``babel.cfg``, README "Translations"). The compiled ``.mo`` files ship
inside the package, so an installed wheel needs neither Babel nor the ``.po`` sources: Python's own gettext reads
them.
"""

from __future__ import annotations

import gettext
from functools import lru_cache
from importlib import resources

from semap.errors import InvalidParameter

LANGUAGES = ("ko", "en")
DEFAULT_LANGUAGE = "ko"
# Each language named in itself, as language switches show them: the same in every catalogue, so not translated.
AUTONYMS = {"ko": "한국어", "en": "English"}
DOMAIN = "semap"
LOCALE_DIR = resources.files("semap") / "locale"


@lru_cache(maxsize=len(LANGUAGES))
def translations(lang: str) -> gettext.GNUTranslations:
    """The catalogue of ``lang`` (ko or en); an unknown language is an InvalidParameter, a missing file an error."""
    if lang not in LANGUAGES:
        raise InvalidParameter("lang", f"ko or en, not {lang!r}")
    with (LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.mo").open("rb") as catalogue:
        return gettext.GNUTranslations(catalogue)


def language(value: str | None) -> str:
    """A page's language from a query value: ko or en, anything else the default (Korean)."""
    return value if value in LANGUAGES else DEFAULT_LANGUAGE
