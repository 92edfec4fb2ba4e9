"""The embedded store's overlay (SQLite, WAL) opens through the moment another process's last connection deletes the
-wal and -shm files: SQLite then says "disk I/O error" once (seen in the suite when a test's server stopped)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from semap.errors import StoreUnavailable
from semap.store import overlay as overlay_module
from semap.store.overlay import SQLiteOverlay


def _failing_connect(failures: int, message: str):
    real = sqlite3.connect
    calls = {"n": 0}

    def connect(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] <= failures:
            raise sqlite3.OperationalError(message)
        return real(*args, **kwargs)

    return connect, calls


def test_a_passing_disk_io_error_at_open_is_retried(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    connect, calls = _failing_connect(2, "disk I/O error")
    monkeypatch.setattr(overlay_module.sqlite3, "connect", connect)
    overlay = SQLiteOverlay(tmp_path / "x.overlay.sqlite")
    assert overlay.fetch("SELECT 1") == [(1,)]
    assert calls["n"] == 3
    overlay.close()


def test_a_lasting_or_other_error_is_the_store_unavailable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for failures, message in ((99, "disk I/O error"), (1, "unable to open database file")):
        connect, calls = _failing_connect(failures, message)
        monkeypatch.setattr(overlay_module.sqlite3, "connect", connect)
        with pytest.raises(StoreUnavailable, match=message):
            SQLiteOverlay(tmp_path / f"{failures}.overlay.sqlite").fetch("SELECT 1")
        assert calls["n"] == (overlay_module.OPEN_ATTEMPTS if failures == 99 else 1)
