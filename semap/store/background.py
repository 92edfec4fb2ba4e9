"""Threads that work beside the requests (opening new data, making answers ahead) and that a closer waits for.

Not daemons, and joined by ``join`` before a store closes: a thread still inside DuckDB as the interpreter shuts
down aborts the process (``terminate called without an active exception``; duckdb/duckdb#13904). Every thread
started is waited for, not only the latest: new data can start another while the one before still works.
"""

from __future__ import annotations

import threading
from collections.abc import Callable


class Background:
    def __init__(self, name: str) -> None:
        self._name = name
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []

    def start(self, target: Callable[..., None], *args: object) -> None:
        thread = threading.Thread(target=target, args=args, name=self._name)
        with self._lock:
            self._threads = [t for t in self._threads if t.is_alive()]
            self._threads.append(thread)
        thread.start()

    def join(self) -> None:
        """Wait for every thread started (a thread does not wait for itself: a closer may run in one)."""
        with self._lock:
            threads = list(self._threads)
        for thread in threads:
            if thread is not threading.current_thread():
                thread.join()
