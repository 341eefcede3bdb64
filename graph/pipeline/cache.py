"""What the first pass gave for each file, kept between runs of `kg load` for one target.

A sync after changing 1% of a corpus spent nearly all its time parsing the other 99%
again (the resolution needs every file's facts). So kg load keeps, per target (store
folder or endpoint), what reading each file gave: its problems, unknown fields, facts
and record, under a key made of everything that reading depends on (the file's
bytes, its path and site, the options, kg's version and mapping revision). A file
whose key is found is not parsed; any change to it, or to kg, is a new key. The cache
is an SQLite file in the user's own cache folder (``$KG_CACHE_DIR``, else
``$XDG_CACHE_HOME/kg``, else ``~/.cache/kg``; made private, as the entries are
pickled), one per target, written anew by each load with exactly the files it read
and swapped in only when the load succeeded: its size follows the corpus, never grows
past it. A cache that cannot be read or written is passed over: kg then parses
every file, as without one.
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sqlite3
import stat
import time
from pathlib import Path
from typing import Any

from ..leftovers import STALE_AFTER
from ..read.files import Source
from ..version import __version__

_SCHEMA = "CREATE TABLE IF NOT EXISTS reads (key BLOB PRIMARY KEY, result BLOB NOT NULL)"
_BATCH = 500  # rows written per statement


def cache_folder() -> Path:
    if os.environ.get("KG_CACHE_DIR"):
        return Path(os.environ["KG_CACHE_DIR"])
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "kg"


class ReadCache:
    """The first pass's results of one target's last successful load (read in the workers),
    and this run's (written by the main process), swapped in by ``keep()``."""

    def __init__(self, target: str, *, base: str, max_file_size: int, revision: int, folder: Path | None = None):
        self.folder = folder or cache_folder()
        name = hashlib.sha256(f"{target}\0{base}".encode()).hexdigest()[:24]
        self.path = self.folder / f"reads-{name}.sqlite"
        self._prefix = f"kg {__version__} mapping {revision}\0{base}\0{max_file_size}\0".encode()
        self._reader: tuple[int, sqlite3.Connection | None] | None = None  # (pid, connection)
        self._writer: sqlite3.Connection | None = None
        self._pending: list[tuple[bytes, bytes]] = []
        self._new = self.path.with_name(f"{self.path.name}.{os.getpid()}.new")
        self.usable = self._private_folder()
        if self.usable:
            self._remove_leftovers()

    def key(self, source: Source, raw: bytes) -> bytes:
        h = hashlib.sha256(self._prefix)
        h.update(f"{os.fspath(source.file)}\0{source.rel}\0{source.site or ''}\0".encode())
        h.update(raw)
        return h.digest()

    # --- in the workers (or the main process with --jobs 1): the last load's results ---

    def get(self, key: bytes) -> Any | None:
        conn = self._reading()
        if conn is None:
            return None
        try:
            row = conn.execute("SELECT result FROM reads WHERE key = ?", (key,)).fetchone()
            return pickle.loads(row[0]) if row else None
        except (sqlite3.Error, pickle.UnpicklingError, EOFError, AttributeError, ValueError, TypeError):
            return None  # damaged or written by another kg: the file is parsed

    def _reading(self) -> sqlite3.Connection | None:
        pid = os.getpid()  # a connection is not shared across fork: one per process
        if self._reader is None or self._reader[0] != pid:
            conn = None
            if self.usable and self.path.is_file():
                with contextlib.suppress(sqlite3.Error):
                    conn = sqlite3.connect(f"{self.path.as_uri()}?mode=ro", uri=True, check_same_thread=False)
            self._reader = (pid, conn)
        return self._reader[1]

    # --- in the main process: this run's results, kept if the load succeeds ---

    def put(self, key: bytes, result: Any) -> None:
        if not self.usable:
            return
        self._pending.append((key, pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)))
        if len(self._pending) >= _BATCH:
            self._flush()

    def _flush(self) -> None:
        try:
            if self._writer is None:
                self._new.unlink(missing_ok=True)
                self._writer = sqlite3.connect(self._new)
                self._writer.execute("PRAGMA journal_mode=OFF")  # a new file, swapped in whole or never
                self._writer.execute("PRAGMA synchronous=OFF")
                self._writer.execute(_SCHEMA)
            self._writer.executemany("INSERT OR REPLACE INTO reads VALUES (?, ?)", self._pending)
        except (sqlite3.Error, OSError):  # a full disk, a read-only folder: no new cache this time
            self.discard()
            self.usable = False
        self._pending = []

    def keep(self) -> None:
        """This run's results become the cache (after a successful load)."""
        if not self.usable:
            return
        if self._pending:
            self._flush()
        if self._writer is None:
            return
        try:
            self._writer.commit()
            self._writer.close()
            self._writer = None
            os.replace(self._new, self.path)
        except (sqlite3.Error, OSError):
            self.discard()

    def discard(self) -> None:
        """Forget this run's results (a failed load, a dry run): the cache stays as it was."""
        if self._writer is not None:
            with contextlib.suppress(sqlite3.Error):
                self._writer.close()
            self._writer = None
        self._pending = []
        with contextlib.suppress(OSError):
            self._new.unlink()

    def close(self) -> None:
        if self._reader is not None and self._reader[1] is not None and self._reader[0] == os.getpid():
            self._reader[1].close()
        self._reader = None
        if self._writer is not None:
            self.discard()

    def _remove_leftovers(self) -> None:
        """A new cache a killed load left (``reads-*.PID.new``) goes once not written for an hour."""
        cutoff = time.time() - STALE_AFTER
        with contextlib.suppress(OSError):
            for left in self.folder.glob("reads-*.new"):
                with contextlib.suppress(OSError):
                    if left.stat().st_mtime < cutoff:
                        left.unlink()

    def _private_folder(self) -> bool:
        """The folder is made, and is the user's own and written by no one else: entries
        are pickled, and a pickle from someone else could run code."""
        try:
            self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            info = self.folder.stat()
        except OSError:
            return False
        return info.st_uid == os.getuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
