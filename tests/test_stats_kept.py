"""Statistics tables are kept in the store per data version: a restarted server reads them instead of recomputing,
exactly, and never reads one made from other data. On both stores (the demo build: synthetic data)."""

from __future__ import annotations

import pandas as pd
import pytest

from semap.settings import StoreSettings
from semap.stats import cache
from semap.stats import tables as stats_tables
from semap.stats.frames import frame_from_text, frame_to_text
from semap.stats.tables import CountBy, Level, LqBy, ResourcesBy, counts_table, lq_table, resources_table
from semap.store import Store, open_store

NAME = "lq_table/industry/dong"


def _forget_kept(store: Store) -> None:
    with store.overlay.transaction() as tx:
        tx.execute("DELETE FROM derived_tables")
    cache.clear()


def _no_computing(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("computed, not read from the store")

    monkeypatch.setattr(stats_tables, "location_quotients", refuse)


def test_a_table_kept_by_one_process_is_read_by_the_next_exactly(
    built_settings: StoreSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = open_store(built_settings)
    try:
        _forget_kept(first)
        computed = lq_table(first, LqBy.industry, Level.dong)
        assert first.derived(NAME, first.data_version()) is not None
    finally:
        first.close()
    cache.clear()  # a restart: nothing in memory
    _no_computing(monkeypatch)
    restarted = open_store(built_settings)
    try:
        read = lq_table(restarted, LqBy.industry, Level.dong)
    finally:
        restarted.close()
    pd.testing.assert_frame_equal(read, computed, check_exact=True)
    assert len(read) > 100 and read["lq"].notna().any()


def test_a_table_of_other_data_is_recomputed_not_read(built_store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    lq_table(built_store, LqBy.industry, Level.dong)  # kept at the current version
    cache.clear()
    _no_computing(monkeypatch)
    monkeypatch.setattr(built_store, "data_version", lambda: "an-edit-later")  # what an edit or a build does
    with pytest.raises(AssertionError, match="computed"):
        lq_table(built_store, LqBy.industry, Level.dong)


def test_keeping_a_table_drops_the_tables_of_older_data(built_store: Store) -> None:
    built_store.keep_derived("counts_table/type/district", "older", "{}")
    assert built_store.derived("counts_table/type/district", "older") == "{}"
    assert built_store.derived("counts_table/type/district", "newer") is None
    built_store.keep_derived(NAME, "newer", "{}")
    assert built_store.derived("counts_table/type/district", "older") is None  # gone with its data
    assert built_store.derived(NAME, "newer") == "{}"
    built_store.keep_derived(NAME, "newer", "[]")  # a second process computing the same table: replaced
    assert built_store.derived(NAME, "newer") == "[]"
    _forget_kept(built_store)


def test_every_served_table_survives_the_text_it_is_kept_as(built_store: Store) -> None:
    served = [counts_table(built_store, by, level) for by in CountBy for level in Level]
    served += [lq_table(built_store, by, level) for by in LqBy for level in Level]
    served += [resources_table(built_store, by) for by in ResourcesBy]
    for table in served:
        pd.testing.assert_frame_equal(frame_from_text(frame_to_text(table)), table, check_exact=True)


def test_a_body_of_another_format_is_recomputed() -> None:
    assert frame_from_text('{"format": 0, "rows": []}') is None


def test_callers_asking_at_once_wait_for_one_computation(built_store: Store) -> None:
    """After a build every client of a page asks for its tables at once: one computes, the others wait for it
    (sixteen clients each computing the hot spots timed out under load)."""
    import threading
    import time

    computed: list[int] = []

    @cache.per_data_version
    def slow_table(store: Store, label: str) -> pd.DataFrame:
        computed.append(1)
        time.sleep(0.3)
        return pd.DataFrame({"label": [label]})

    _forget_kept(built_store)
    answers: list[pd.DataFrame] = []
    threads = [threading.Thread(target=lambda: answers.append(slow_table(built_store, "x"))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(computed) == 1 and len(answers) == 8
    assert all(a["label"].tolist() == ["x"] for a in answers)
    _forget_kept(built_store)
