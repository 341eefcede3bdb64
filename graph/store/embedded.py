"""The embedded store: a pyoxigraph (RocksDB) store in a folder on disk, kept in step with the corpus.

Three ways to write, each all-or-nothing:
- first load (no store yet): pyoxigraph's bulk loader, the fast path, into a
  fresh folder beside the target, renamed into place only when complete (onto
  nothing or an empty folder: a store is never deleted to make room);
- a later load with a small change: one SPARQL Update (drop the changed and
  removed graphs, insert the new content and hashes), which Oxigraph runs as
  one transaction;
- a later load with a large change: one Update would hold the whole change in
  memory (9.7 GB for 100,000 articles), so the store is copied instead (a RocksDB
  checkpoint: hard links, no data copied), the copy changed in bounded steps and
  bulk loads, and the two folders swapped in one rename. Memory stays bounded,
  whatever the size of the change.

Other processes: kg processes that load one store take turns (an flock on
``.NAME.kg-lock`` beside it, held from reading the record to the end of the
write); a process that has the store open (kg query, oxigraph serve) makes kg
refuse, through RocksDB's own lock; so does one that reads it read-only
(``oxigraph serve-read-only``, which takes no lock: found by its open files).
"""
from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from pyoxigraph import QuerySolutions, RdfFormat, Store, serialize

from .. import leftovers
from ..identity.iris import sync_graph_iri
from ..problems import printable
from .sync import Applied, Graphs, Plan, Recorded, TargetError, parse_record, record_quads, record_query, recorded_after

DEFAULT_STORE = Path("exports") / "store"
TMP_PREFIX = ".kg-tmp-store-"
BULK_BATCH = 32 << 20  # bytes of N-Quads per bulk load
LARGE_CHANGE = 5_000   # triples dropped plus written: above this, copy and swap instead of one Update
DROP_BATCH = 20_000    # triples of old graphs dropped per transaction in the copy
LOGS_KEPT = 3          # RocksDB starts a new info LOG at every open and keeps the last as LOG.old.*
_ROCKSDB_MARKER = "CURRENT"  # RocksDB keeps this file in every database folder


class StoreError(TargetError):
    """The store cannot be opened or written (not a store, in use, damaged, disk problem)."""


class EmbeddedStore:
    """The store in the folder ``path``. ``on_wait`` is told (one line) when a load has
    to wait for another kg process loading the same store."""

    def __init__(self, path: str | os.PathLike = DEFAULT_STORE, *, on_wait: Callable[[str], None] | None = None):
        self.path = Path(path)
        self.on_wait = on_wait
        self._store: Store | None = None
        self._lock: int | None = None  # kg's lock (take_turn), and its file
        self._lock_path = self.path

    def describe(self) -> str:
        return str(self.path)

    def exists(self) -> bool:
        return (self.path / _ROCKSDB_MARKER).exists()

    def check(self) -> None:
        """Refuse a path that holds something else than a store (kg never writes there)."""
        if self.path.exists() and not self.path.is_dir():
            raise StoreError(f"{self.path} is a file, not a store folder")
        if self.path.is_dir() and not self.exists() and any(self.path.iterdir()):
            raise StoreError(f"{self.path} is not an Oxigraph store and is not empty; "
                             f"choose another folder with --store")

    def open(self) -> Store:
        """Open (creating it when absent) the store; refuses a folder that holds something else."""
        if self._store is None:
            self.check()
            try:
                self._store = Store(str(self.path))
            except OSError as err:
                raise StoreError(_explain(self.path, err)) from None
            except RuntimeError as err:  # RocksDB reports a damaged database so
                raise StoreError(_damaged(self.path, err)) from None
            _trim_logs(self.path)
        return self._store

    def close(self) -> None:
        # Dropping the last reference closes RocksDB and releases its lock.
        self._store = None
        self._end_turn()

    def __enter__(self) -> EmbeddedStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- load target ------------------------------------------------------

    def read_record(self, base: str) -> dict[str, Recorded]:
        """The record of what the store holds. Takes kg's lock on the store first (waiting
        for another kg load of it to end); close() releases it."""
        self.take_turn()
        self.check()
        self._remove_leftovers()
        if not self.exists():
            return {}
        try:
            solutions = self.open().query(record_query(base))
            assert isinstance(solutions, QuerySolutions)  # a SELECT
            return parse_record(solutions)
        except (OSError, RuntimeError) as err:
            raise StoreError(_damaged(self.path, err)) from None

    def apply(self, base: str, graphs: Graphs, p: Plan,
              before: dict[str, Recorded]) -> Applied:
        after = recorded_after(graphs, before, p, p.writes, p.removed)
        if not p.changes and not p.rekeyed:
            return Applied([], [], after)
        try:
            self.take_turn()
            self.check()
            if not self.exists():
                self._first_load(base, graphs, p, after)
            else:
                self._refuse_readers()
                if _size(graphs, p, before) > LARGE_CHANGE and _swappable(self.path):
                    self._copy_and_swap(base, graphs, p, after, before)
                else:
                    store = self.open()
                    store.update(sync_update(base, graphs, p, after))
                    # Write the memtables out now: otherwise the next open replays the
                    # log, which after a large sync took longer than the sync itself.
                    store.flush()
        except StoreError as err:
            return Applied([], [], before, f"{err}; the store was left as it was")
        except (OSError, RuntimeError, SyntaxError, ValueError) as err:
            return Applied([], [], before, f"cannot write the store {self.path}: {printable(str(err))}; "
                                            f"the store was left as it was")
        return Applied(p.writes, p.removed, after)

    def take_turn(self) -> None:
        """kg's lock on this store (``.NAME.kg-lock`` beside it, removed by close()), so that
        two kg processes never load it at once: the second waits for the first. An flock:
        it dies with its holder, however the holder dies."""
        if self._lock is not None:
            return
        told = False
        while True:
            fd, where = self._lock_file()
            try:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    if self.on_wait is not None and not told:
                        holder = "" if where == self.path else os.pread(fd, 32, 0).decode("ascii", "replace").strip()
                        self.on_wait(f"waiting for another kg load of {self.path} to end"
                                     + (f" (process {printable(holder)})" if holder else ""))
                        told = True
                    fcntl.flock(fd, fcntl.LOCK_EX)
                if _same_file(fd, where):
                    break
                os.close(fd)  # its last holder removed it meanwhile: take the new one
            except OSError as err:
                os.close(fd)
                if err.errno in (errno.ENOLCK, errno.EOPNOTSUPP, errno.EINVAL):
                    return  # a file system without locks: RocksDB's own lock still guards each write
                raise StoreError(f"cannot lock {where}: {printable(err.strerror or str(err))}") from None
            except BaseException:
                os.close(fd)
                raise
        if where != self.path:
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._lock, self._lock_path = fd, where

    def _lock_file(self) -> tuple[int, Path]:
        """The lock file beside the store, opened (made when absent). Where kg may not write
        beside it (a volume mounted in a read-only tree), the store's own folder: such a store
        is only ever updated in place."""
        where = self.path.parent / f".{self.path.name}.kg-lock"
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            return os.open(where, os.O_RDWR | os.O_CREAT, 0o666), where
        except OSError as err:
            if err.errno in (errno.EROFS, errno.EACCES, errno.EPERM) and self.exists():
                return os.open(self.path, os.O_RDONLY | os.O_DIRECTORY), self.path
            raise StoreError(f"cannot create the lock file {where}: {printable(err.strerror or str(err))}") from None

    def _end_turn(self) -> None:
        if self._lock is None:
            return
        if self._lock_path != self.path:
            with contextlib.suppress(OSError):  # removed while still held: the next holder makes a new one
                os.unlink(self._lock_path)
        leftovers.release(self._lock)
        self._lock = None

    # --- the three ways to write --------------------------------------------------

    def _first_load(self, base: str, graphs: Graphs, p: Plan, record: dict[str, Recorded]) -> None:
        """Bulk-load into a new folder, then rename it into place: a failure leaves no trace."""
        self._store = None
        with _staging(self.path.parent) as tmp:
            new = tmp / "store"
            _write(new, (), nquads_chunks(base, graphs, p, record))
            try:
                os.rename(new, self.path)  # onto nothing or an empty folder, never over a store
            except OSError as err:
                if err.errno in (errno.ENOTEMPTY, errno.EEXIST):
                    raise StoreError(f"another process put something in {self.path} while kg was loading "
                                     f"(an Oxigraph server started on it?)") from None
                raise

    def _copy_and_swap(self, base: str, graphs: Graphs, p: Plan, record: dict[str, Recorded],
                       before: dict[str, Recorded]) -> None:
        """Change a copy of the store in bounded steps, then swap it for the store."""
        live = Path(os.path.realpath(self.path))  # a store reached through a link is swapped where it is
        with _staging(live.parent) as tmp:
            new = tmp / "store"
            self.open().backup(str(new))  # hard links to the immutable files: fast, and no space
            self._store = None
            changed = {iri: record[iri] for iri in p.writes + p.rekeyed}
            _write(new, _drops(base, p, before), nquads_chunks(base, graphs, p, changed))
            # RocksDB's lock on the live store is held from here on, so that no process can
            # open it and be left holding a store that is then deleted.
            guard = _rocksdb_lock(live)
            try:
                self._refuse_readers()
                _exchange(new, live)
            finally:
                os.close(guard)

    # --- other processes ------------------------------------------------------------

    def _refuse_readers(self) -> None:
        """A process reading the store without RocksDB's lock (``oxigraph serve-read-only``,
        pyoxigraph's Store.read_only) would see files change under it: refuse."""
        for pid, command in _readers(self.path):
            raise StoreError(f"the store {self.path} is open read-only by another process "
                             f"(process {pid}: {printable(command)}); a load would change the files under it: "
                             f"stop it, then load again")

    def _remove_leftovers(self) -> None:
        """Temporary stores of killed loads beside this one (see graph/leftovers.py)."""
        parent = self.path.parent
        try:
            names = sorted(n for n in os.listdir(parent) if n.startswith(TMP_PREFIX))
        except OSError:
            return
        for name in names:
            path = parent / name
            if path.is_symlink() or not path.is_dir():
                continue
            with leftovers.probe(path) as taken:
                if leftovers.maker_gone(path, name[len(TMP_PREFIX):], taken, last_write=_last_write(path)):
                    shutil.rmtree(path, ignore_errors=True)


def _size(graphs: Graphs, p: Plan, before: dict[str, Recorded]) -> int:
    """Triples a sync drops and writes."""
    return (sum(graphs[iri].triples for iri in p.writes)
            + sum(before[iri].triples for iri in p.writes + p.removed if iri in before))


def _drops(base: str, p: Plan, before: dict[str, Recorded]) -> Iterator[str]:
    """Updates that empty the graphs a sync rewrites or removes, and their entries in the
    record, about DROP_BATCH triples each (a transaction holds what it deletes)."""
    sync = sync_graph_iri(base)
    kept = set(p.rekeyed)  # only their entry in the record changes

    def update(batch: list[str]) -> str:
        drops = [f"DROP SILENT GRAPH <{g}>" for g in batch if g not in kept]
        values = " ".join(f"<{g}>" for g in batch)
        return " ;\n".join(drops + [f"DELETE {{ GRAPH <{sync}> {{ ?g ?p ?o }} }} WHERE {{ VALUES ?g {{ {values} }} "
                                    f"GRAPH <{sync}> {{ ?g ?p ?o }} }}"])

    batch: list[str] = []
    held = 0
    for iri in p.writes + p.removed + p.rekeyed:
        batch.append(iri)
        held += 4 + (before[iri].triples if iri in before and iri not in kept else 0)  # 4: its record entry
        if held >= DROP_BATCH:
            yield update(batch)
            batch, held = [], 0
    if batch:
        yield update(batch)


def _write(path: Path, updates: Iterable[str], chunks: Iterator[bytes]) -> None:
    """Open the store at ``path``, run ``updates``, bulk-load ``chunks`` and close it again,
    before returning or raising (its folder is moved or removed next, and RocksDB may still
    be writing files in it until it is closed)."""
    store = Store(str(path))
    try:
        for update in updates:
            store.update(update)
        # In batches: one bulk load of a whole large corpus holds it all in memory
        # (1.6 GB for 2.3M quads); batches of 32 MiB keep that flat, and are no slower.
        # lenient: the data was written by pyoxigraph's serializer, so it is valid.
        for batch in _batches(chunks, BULK_BATCH):
            store.bulk_load(batch, format=RdfFormat.N_QUADS, lenient=True)
        store.flush()
    finally:
        del store  # the last reference: no frame below this one holds the store


def nquads_chunks(base: str, graphs: Graphs, p: Plan, record: dict[str, Recorded]) -> Iterator[bytes]:
    """The graphs to write as N-Quads, one chunk per graph, then the sync graph's entries ``record``."""
    for iri, ntriples in graphs.contents(p.writes):
        # A raw newline only ever ends a line in N-Triples (newlines inside
        # literals are escaped), so each " .\n" is a line end.
        yield ntriples.replace(b" .\n", f" <{iri}> .\n".encode())
    yield _bytes(serialize(record_quads(base, record), format=RdfFormat.N_QUADS))


def sync_update(base: str, graphs: Graphs, p: Plan, record: dict[str, Recorded]) -> str:
    """One SPARQL Update (one transaction): empty or drop the graphs that change, insert
    the new content and hashes."""
    sync = sync_graph_iri(base)

    def values(iris):
        return " ".join(f"<{iri}>" for iri in iris)

    ops = []
    if p.writes:
        # One DELETE for all graphs being rewritten: measured ~1.6x faster than a
        # DROP per graph. (Added graphs too: a killed earlier run may have left content.)
        ops.append(f"DELETE {{ GRAPH ?g {{ ?s ?p ?o }} }} WHERE {{ VALUES ?g {{ {values(p.writes)} }} "
                   f"GRAPH ?g {{ ?s ?p ?o }} }}")
    ops.extend(f"DROP SILENT GRAPH <{iri}>" for iri in p.removed)  # DROP also forgets the graph's name
    ops.append(f"DELETE {{ GRAPH <{sync}> {{ ?g ?p ?o }} }} WHERE {{ VALUES ?g {{ "
               f"{values(p.writes + p.removed + p.rekeyed)} }} GRAPH <{sync}> {{ ?g ?p ?o }} }}")
    inserts = [f"GRAPH <{iri}> {{\n{ntriples.decode('utf-8')}}}" for iri, ntriples in graphs.contents(p.writes)]
    new_record = record_quads(base, {iri: record[iri] for iri in p.writes + p.rekeyed})
    if new_record:
        inserts.append(f"GRAPH <{sync}> {{\n"
                       + _bytes(serialize([q.triple for q in new_record], format=RdfFormat.N_TRIPLES)).decode("utf-8")
                       + "}")
    if inserts:
        ops.append("INSERT DATA {\n" + "\n".join(inserts) + "\n}")
    return " ;\n".join(ops)


def _bytes(data: bytes | None) -> bytes:
    assert data is not None  # pyoxigraph's serialize returns the bytes when given no output
    return data


def _batches(chunks: Iterator[bytes], size: int) -> Iterator[bytes]:
    """Whole chunks (whole lines) gathered into batches of about ``size`` bytes."""
    batch: list[bytes] = []
    held = 0
    for chunk in chunks:
        batch.append(chunk)
        held += len(chunk)
        if held >= size:
            yield b"".join(batch)
            batch, held = [], 0
    if batch:
        yield b"".join(batch)


# --- folders and files --------------------------------------------------------------

@contextlib.contextmanager
def _staging(parent: Path) -> Iterator[Path]:
    """A temporary folder beside the store, named and locked for this run (so no other
    run takes it for a leftover), removed with whatever is left in it."""
    parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f"{TMP_PREFIX}{leftovers.owner_tag()}", dir=parent))
    held = None
    try:
        held = leftovers.lock(tmp)
        yield tmp
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        leftovers.release(held)


def _swappable(path: Path) -> bool:
    """Whether a copy beside the store can be swapped for it: not where the store folder is
    a mount point of its own (a volume), which no rename can move, or where kg may not write
    beside it; such a store is updated in place."""
    real = os.path.realpath(path)
    parent = os.path.dirname(real)
    try:
        return (os.stat(real).st_dev == os.stat(parent).st_dev and not os.path.ismount(real)
                and os.access(parent, os.W_OK))
    except OSError:
        return False


def _same_file(fd: int, path: Path) -> bool:
    try:
        st = path.stat()
    except FileNotFoundError:
        return False
    mine = os.fstat(fd)
    return (st.st_dev, st.st_ino) == (mine.st_dev, mine.st_ino)


def _last_write(folder: Path) -> float:
    """When a temporary store was last written: its folder, or a file of the store in it."""
    latest = folder.lstat().st_mtime
    for sub in (folder, folder / "store"):
        try:
            with os.scandir(sub) as entries:
                for entry in entries:
                    with contextlib.suppress(OSError):
                        latest = max(latest, entry.stat(follow_symlinks=False).st_mtime)
        except OSError:
            pass
    return latest


def _rocksdb_lock(path: Path) -> int:
    """Hold the lock RocksDB takes on its LOCK file (a POSIX record lock), so that no
    process can open the store; this process must not have it open itself."""
    try:
        fd = os.open(path / "LOCK", os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as err:
        raise StoreError(f"cannot open {path / 'LOCK'}: {printable(err.strerror or str(err))}") from None
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as err:
        os.close(fd)
        if err.errno in (errno.EAGAIN, errno.EACCES):
            raise StoreError(_explain(path, OSError("lock hold by another process"))) from None
        if err.errno not in (errno.ENOLCK, errno.EOPNOTSUPP, errno.EINVAL):
            raise
        return os.open(path, os.O_RDONLY)  # no locks here: nothing to hold
    return fd


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> None:
    """Swap two folders in one step (Linux renameat2 RENAME_EXCHANGE: ext4, xfs, btrfs,
    tmpfs, ...). Elsewhere, two renames: a kill between them leaves no store at ``b``,
    which the next load then builds again from the articles."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        renameat2 = None
    if renameat2 is not None:
        if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
            return
        code = ctypes.get_errno()
        if code not in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
            raise OSError(code, os.strerror(code), str(b))
    aside = a.with_name(a.name + ".old")
    os.rename(b, aside)
    os.rename(a, b)
    os.rename(aside, a)


def _readers(path: Path) -> Iterator[tuple[int, str]]:
    """Other processes (not this one or its workers) with a file of the store open, read
    from /proc (Linux; processes of other users or containers are not visible)."""
    root = os.path.realpath(path) + os.sep
    me = os.getpid()
    try:
        pids = [int(n) for n in os.listdir("/proc") if n.isdigit()]
    except OSError:
        return
    for pid in pids:
        if pid == me:
            continue
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
            with open(f"/proc/{pid}/stat", "rb") as f:
                parent = int(f.read().rsplit(b")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if parent == me:
            continue
        for fd in fds:
            try:
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
            except OSError:
                continue
            if target.startswith(root) and target.endswith(_DATA_FILES):
                yield pid, _command(pid)
                break


_DATA_FILES = (".sst", ".log", ".blob")  # what a RocksDB reader keeps open (not the info LOG)


def _command(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            words = f.read().rstrip(b"\0").split(b"\0")
    except OSError:
        return "?"
    text = " ".join(w.decode("utf-8", "replace") for w in words)
    return text if len(text) <= 80 else text[:77] + "..."


def _trim_logs(path: Path) -> None:
    """Keep the newest LOGS_KEPT of RocksDB's old info logs (it never reads them; one more
    at every open would pile up)."""
    try:
        old = sorted((n for n in os.listdir(path) if n.startswith("LOG.old.")),
                     key=lambda n: int(n[8:]) if n[8:].isdigit() else 0)
    except OSError:
        return
    for name in old[:-LOGS_KEPT] if LOGS_KEPT else old:
        with contextlib.suppress(OSError):
            os.unlink(path / name)


def _explain(path: Path, err: OSError) -> str:
    text = str(err)
    if "lock" in text.lower():
        return (f"the store {path} is in use by another process (a running kg or Oxigraph server); "
                f"try again when it ends")
    return f"cannot open the store {path}: {printable(text)}"


def _damaged(path: Path, err: Exception) -> str:
    return (f"the store {path} is damaged and cannot be read ({printable(str(err))}); kg load can build it "
            f"again from the articles into an empty folder (move this one away, or give another --store)")
