"""The fading rule: records not confirmed in the N months before the data date, and only when that tells some
records from others (synthetic demo store, both backends; the browser side is tests/test_browser_colours.py)."""

from __future__ import annotations

from datetime import date

import pytest

from semap.maps.fading import Fading, fading, fading_words, months_before
from semap.store import Store


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2013, 12, 31), 24, date(2011, 12, 31)),
        (date(2013, 12, 31), 3, date(2013, 9, 30)),  # September has 30 days
        (date(2024, 5, 31), 3, date(2024, 2, 29)),  # a leap February
        (date(2013, 1, 15), 1, date(2012, 12, 15)),
    ],
)
def test_months_before(day: date, months: int, expected: date) -> None:
    assert months_before(day, months) == expected


def test_on_the_demo_two_years_fade_nothing_and_three_months_fade_the_summer_survey(built_store: Store) -> None:
    """On both stores (the same SQL on DuckDB and PostGIS)."""
    store = built_store
    assert fading(store, 24) == Fading("2013-12-31", None, 0, 2426)  # all as recent as the data: no fading
    # The resources surveyed from June to early September 2013 were not confirmed since 2013-09-30.
    assert fading(store, 3) == Fading("2013-12-31", "2013-09-30", 550, 2426)


def test_fading_is_said_only_when_it_is_drawn() -> None:
    assert fading_words(Fading("2013-12-31", None, 0, 2426), 24, "en") == {"before": None, "legend": None, "note": None}
    words = fading_words(Fading("2013-12-31", "2013-09-30", 550, 2426), 3, "ko")
    assert words["before"] == "2013-09-30"
    assert words["legend"] == "흐린 표시: 2013-09-30 이후 확인되지 않음 (자료 기준일 2013-12-31의 3개월 전)"
    assert words["note"] == "2013-09-30 이후 확인되지 않음"
