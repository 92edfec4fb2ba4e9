"""The embedded store as a single-machine product: serve, read from the CLI and rebuild, all at once.

- ``semap.duckdb`` is a symbolic link to the served data file, one generation of
  ``semap.duckdb.d/<generation>.duckdb``. Nothing ever writes a served file: any number of processes (the server,
  `semap stats`, `semap export`) open it read-only at the same time.
- `semap build` writes a new generation under an exclusive lock (a second build is refused), and when it is
  complete renames a new link over ``semap.duckdb``. A rename is atomic: readers see the old data or the new,
  never a mix. A killed build leaves only an unlinked generation, which the next build deletes.
- Readers notice the link naming another generation on their next query and open it in the background: the
  server picks up a rebuild without a restart, and keeps serving the previous data (and naming its data version)
  until the new generation is attached (semap.store.duckdb_instance) and its ``before_serving`` hook has run with
  it (a server makes its most-asked answers then); its own edits it serves at once. (Each generation
  has its own path because DuckDB shares one database instance per path within a process.)
- What people and builds write that no registry holds (pins, the geocoding cache, edits, accounts) lives in the
  overlay, a SQLite file of its own (semap.store.overlay), migrated in place and never rebuilt.
- A person's edit is a *patch*: the served file is copied to a new generation, changed, and swapped in like a
  build, under a lock of its own (``.edits.lock``) that a build takes only for its last step, applying the edits
  overlay before its swap: an edit never waits for a whole build, and a build never drops an edit.
- A served file of an older schema is migrated the same way (a patch running the data migrations), not rebuilt.
"""

from __future__ import annotations

import fcntl
import logging
import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from semap.errors import BuildInProgress, SemapError, StoreNotBuilt, StoreUnavailable
from semap.store.background import Background
from semap.store.base import BeforeSwap, Store, Tables, Transaction
from semap.store.duckdb_instance import SpatialInstance
from semap.store.duckdb_store import DATA_MIGRATIONS, DuckDBStore
from semap.store.overlay import SQLiteOverlay
from semap.store.schema import OVERLAY_TABLES, TABLES

log = logging.getLogger(__name__)
# A new generation served to one context only: the ``before_serving`` hook's, before everyone else's.
_PREVIEWED: ContextVar[tuple[str, DuckDBStore] | None] = ContextVar("semap_previewed_generation", default=None)


class EmbeddedStore(Store):
    backend = "duckdb"
    dialect = DuckDBStore.dialect

    def __init__(self, path: Path) -> None:
        self.path = path
        self._overlay = SQLiteOverlay(path.with_name(path.name + ".overlay.sqlite"))
        self._lock = threading.Lock()
        self._snapshot: DuckDBStore | None = None
        self._identity: str | None = None  # the generation file being served
        self._opening: str | None = None  # a newer generation being opened in the background
        self._failed: str | None = None  # one that could not be opened there
        self._openers = Background("semap-open")
        self._closed = False
        self._instance = SpatialInstance()  # the served generations, attached to it

    def describe(self) -> str:
        return f"duckdb:{self.path}"

    @property
    def overlay(self) -> Tables:
        return self._overlay

    def migrate(self) -> None:
        """Migrate the overlay; on its first creation, take over the pins and cache an older data file held.
        A served data file of an older schema is migrated into a new generation (its data kept)."""
        if self._overlay.migrate() == 0:
            self._adopt_legacy_overlay()
        if self.path.exists() and self._served_schema() in DATA_MIGRATIONS:
            with self.patching():
                pass  # the copy is upgraded when opened read-write (DuckDBStore.migrate)

    def _served_schema(self) -> str | None:
        try:
            served = DuckDBStore(Path(self._generation()), self._overlay, read_only=True)
        except (StoreUnavailable, StoreNotBuilt):
            return None
        try:
            return served.schema_version()
        finally:
            served.close()

    def _generation(self) -> str:
        """The served generation's file. Asked for every request (the data version names cached answers): one
        system call, reading the link; ``realpath`` and ``exists`` took several and showed in a server's profile."""
        try:
            link = os.readlink(self.path)
        except FileNotFoundError:
            raise StoreNotBuilt(f"the embedded store {self.path} has not been built yet: run `semap build`") from None
        except OSError:  # a plain data file, of the layout before generations
            return os.path.realpath(self.path)
        return os.path.join(self.path.parent, link)

    def _current(self) -> DuckDBStore:
        previewed = _PREVIEWED.get()
        if previewed is not None:
            return previewed[1]
        generation = self._generation()
        snapshot = self._snapshot
        if snapshot is not None and generation == self._identity:
            return snapshot
        if snapshot is not None and self._open_ahead(generation):
            return snapshot
        return self._open(generation)

    def _open(self, generation: str) -> DuckDBStore:
        with self._lock:
            if self._snapshot is None or generation != self._identity:
                fresh = self._attached(generation)
                # The old generation stays open for queries still running on it; it closes when they let go.
                self._snapshot, self._identity = fresh, generation
            return self._snapshot

    def _attached(self, generation: str) -> DuckDBStore:
        fresh = DuckDBStore(Path(generation), self._overlay, read_only=True, attached_to=self._instance)
        fresh.check_built()
        return fresh

    def _open_ahead(self, generation: str) -> bool:
        """Open another process's new ``generation`` in the background, the previous one serving meanwhile:
        every request waited for its opening after a build's swap (issue 23), and its most-asked answers are made
        before it is served (``before_serving``). False when opening it failed (the caller opens it, and says why) or it
        is already served."""
        with self._lock:
            if self._opening == generation:
                return True
            if self._failed == generation or self._identity == generation:  # (served since the caller looked)
                return False
            self._opening = generation
        self._openers.start(self._open_in_background, generation)  # waited for by close()
        return True

    def _open_in_background(self, generation: str) -> None:
        if self._closed:
            return
        try:
            fresh = self._attached(generation)
        except Exception as exc:  # any driver error: marked failed, or every request would start another open
            log.warning("the new data of %s could not be opened: %s", self.path, exc)
            with self._lock:
                self._failed, self._opening = generation, None
            return
        self._preview(generation, fresh)
        with self._lock:
            if generation != self._identity:
                self._snapshot, self._identity = fresh, generation
            self._opening = None

    def _preview(self, generation: str, fresh: DuckDBStore) -> None:
        hook = self.before_serving
        if hook is None:
            return
        token = _PREVIEWED.set((generation, fresh))
        try:
            hook()
        except Exception:  # the data are served all the same, their answers made when first asked
            log.warning("preparing answers for the new data of %s failed", self.path, exc_info=True)
        finally:
            _PREVIEWED.reset(token)

    def fetch(self, sql: str, params: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
        return self._current().fetch(sql, params)

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        raise StoreUnavailable(f"{self.path} is served read-only; data are written by `semap build` (staging())")
        yield  # pragma: no cover - a generator, for the context-manager protocol

    def data_version(self) -> str:
        """The served generation's name: while another process's swap is being opened, the previous one's, whose
        data this store still answers with (a cached answer is never named after data it was not made from)."""
        previewed = _PREVIEWED.get()
        if previewed is not None:
            return Path(previewed[0]).name
        generation = self._generation()
        served = self._identity
        if self._snapshot is not None and served is not None and generation != served and self._open_ahead(generation):
            return Path(served).name
        return Path(generation).name

    @property
    def _generations(self) -> Path:
        return self.path.with_name(self.path.name + ".d")

    def _edits_lock(self) -> AbstractContextManager[None]:
        return _exclusive(self.path.with_name(self.path.name + ".edits.lock"), self.path, wait=True)

    @contextmanager
    def staging(self, before_swap: BeforeSwap | None = None) -> Iterator[Store]:
        generations = self._generations
        generations.mkdir(parents=True, exist_ok=True)
        with _exclusive(self.path.with_name(self.path.name + ".lock"), self.path):
            with self._edits_lock():  # a patch being written is not a leftover
                served = os.path.realpath(self.path) if self.path.exists() else None
                for old in generations.iterdir():
                    # Killed builds' files and generations before the served one: the lock proves no build uses
                    # them, and readers moved to the served generation when it was swapped in.
                    if str(old.resolve()) != served:
                        old.unlink()
            name = f"{datetime.now(UTC):%Y%m%dT%H%M%S%f}-{os.getpid()}.duckdb"
            with self._new_generation(name) as target:
                target.migrate()
                yield target
                with self._edits_lock():
                    if before_swap is not None:
                        before_swap(target)
                    self._swap(target, name)

    @contextmanager
    def patching(self) -> Iterator[Store]:
        with self._edits_lock():
            served = Path(self._generation())
            self._generations.mkdir(parents=True, exist_ok=True)  # a file of an older layout has none yet
            name = f"{datetime.now(UTC):%Y%m%dT%H%M%S%f}-{os.getpid()}-patch.duckdb"
            shutil.copyfile(served, self._generations / name)  # served files are checkpointed: no WAL beside
            with self._new_generation(name) as target:
                target.migrate()  # an older file is upgraded here, its data kept
                yield target
                self._swap(target, name)
            for old in self._generations.iterdir():
                # Earlier patches: the one just replaced stays for readers that resolved it a moment ago.
                if old.name.endswith("-patch.duckdb") and old.name < served.name and old.name != name:
                    old.unlink(missing_ok=True)

    @contextmanager
    def _new_generation(self, name: str) -> Iterator[DuckDBStore]:
        target = DuckDBStore(self._generations / name, self._overlay, version=name)  # served as data_version()
        try:
            yield target
        except BaseException:
            target.close()
            for leftover in (self._generations / name, self._generations / f"{name}.wal"):
                leftover.unlink(missing_ok=True)
            raise

    def _swap(self, target: DuckDBStore, name: str) -> None:
        target.finish()
        link = self.path.with_name(f"{self.path.name}.link-{os.getpid()}")
        link.unlink(missing_ok=True)
        os.symlink(f"{self._generations.name}/{name}", link)
        os.replace(link, self.path)
        _fsync_directory(self.path.parent)
        if self._snapshot is not None:  # this process's own edit or build is served by it at once
            try:
                self._open(self._generation())
            except SemapError as exc:  # swapped all the same: the next read opens it again, and says why
                log.warning("the new data of %s could not be opened: %s", self.path, exc)

    def _adopt_legacy_overlay(self) -> None:
        if not self.path.exists():
            return
        try:
            legacy = DuckDBStore(self.path, self._overlay, read_only=True)
        except StoreUnavailable:
            return
        try:
            present = {r[0] for r in legacy.fetch("SELECT table_name FROM information_schema.tables")}
            with self._overlay.transaction() as tx:
                for table in OVERLAY_TABLES:
                    if table not in present:
                        continue
                    columns = [name for name, _ in TABLES[table][0]]
                    rows = legacy.fetch(f"SELECT {', '.join(columns)} FROM {table}")
                    tx.executemany(
                        f"INSERT OR REPLACE INTO {table} ({', '.join(columns)}) "
                        f"VALUES ({', '.join(':' + c for c in columns)})",
                        [dict(zip(columns, row, strict=True)) for row in rows],
                    )
        finally:
            legacy.close()

    def close(self) -> None:
        self._closed = True
        self._openers.join()
        with self._lock:
            if self._snapshot is not None:
                self._snapshot.close()
            self._snapshot, self._identity = None, None
        self._instance.close()
        self._overlay.close()


@contextmanager
def _exclusive(lock_path: Path, store_path: Path, wait: bool = False) -> Iterator[None]:
    """An advisory lock that dies with its process: a killed build never blocks the next.
    ``wait``: queue for it (edits, which hold it briefly) instead of refusing (builds)."""
    with open(lock_path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            raise BuildInProgress(f"another `semap build` is writing {store_path}; try again when it ends") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _fsync_directory(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
