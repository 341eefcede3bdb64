"""The embedded store: a pyoxigraph (RocksDB) store in a folder on disk, kept in step with the corpus.

Two ways to write, both all-or-nothing:
- first load (no store yet, or an empty one): pyoxigraph's bulk loader, the
  fast path, into a fresh folder beside the target that is renamed into place
  only when complete;
- every later load: one SPARQL Update (drop the changed and removed graphs,
  insert the new content and hashes), which Oxigraph runs as one transaction.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from pyoxigraph import QuerySolutions, RdfFormat, Store, serialize

from ..identity.iris import sync_graph_iri
from ..problems import printable
from .sync import Applied, Graphs, Plan, Recorded, TargetError, parse_record, record_quads, record_query, recorded_after

DEFAULT_STORE = Path("exports") / "store"
TMP_PREFIX = ".kg-tmp-store-"
BULK_BATCH = 32 << 20  # bytes of N-Quads per bulk load
_ROCKSDB_MARKER = "CURRENT"  # RocksDB keeps this file in every database folder


class StoreError(TargetError):
    """The store cannot be opened or written (not a store, in use, disk problem)."""


class EmbeddedStore:
    def __init__(self, path: str | os.PathLike = DEFAULT_STORE):
        self.path = Path(path)
        self._store: Store | None = None

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
        return self._store

    def close(self) -> None:
        # Dropping the last reference closes RocksDB and releases its lock.
        self._store = None

    def __enter__(self) -> EmbeddedStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- load target ------------------------------------------------------

    def read_record(self, base: str) -> dict[str, Recorded]:
        self.check()
        if not self.exists():
            return {}
        solutions = self.open().query(record_query(base))
        assert isinstance(solutions, QuerySolutions)  # a SELECT
        return parse_record(solutions)

    def apply(self, base: str, graphs: Graphs, p: Plan,
              before: dict[str, Recorded]) -> Applied:
        after = recorded_after(graphs, before, p, p.writes, p.removed)
        if not p.changes and not p.rekeyed:
            return Applied([], [], after)
        try:
            self.check()
            if not before and self._is_empty():
                self._bulk_load(base, graphs, p, after)
            else:
                store = self.open()
                store.update(sync_update(base, graphs, p, after))
                # Write the memtables out now: otherwise the next open replays the
                # log, which after a large sync took longer than the sync itself.
                store.flush()
        except (OSError, RuntimeError, SyntaxError, ValueError, StoreError) as err:
            return Applied([], [], before, f"cannot write the store {self.path}: {printable(str(err))}; "
                                            f"the store was left as it was")
        return Applied(p.writes, p.removed, after)

    def _is_empty(self) -> bool:
        if not self.exists():
            return True
        return next(iter(self.open()), None) is None

    def _bulk_load(self, base: str, graphs: Graphs, p: Plan, record: dict[str, Recorded]) -> None:
        """Bulk-load into a new folder, then rename it into place: a failure leaves no trace."""
        self.close()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=TMP_PREFIX, dir=self.path.parent))
        try:
            store = Store(str(tmp))
            # In batches: one bulk load of a whole large corpus holds it all in memory
            # (1.6 GB for 2.3M quads); batches of 32 MiB keep that flat, and are no slower.
            # lenient: the data was written by pyoxigraph's serializer, so it is valid.
            for batch in _batches(nquads_chunks(base, graphs, p, record), BULK_BATCH):
                store.bulk_load(batch, format=RdfFormat.N_QUADS, lenient=True)
            store.flush()
            del store
            if self.exists():  # an empty store (the caller checked)
                shutil.rmtree(self.path)
            elif self.path.exists():
                self.path.rmdir()  # an empty folder; fails if anything appeared in it since
            os.rename(tmp, self.path)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise


def nquads_chunks(base: str, graphs: Graphs, p: Plan, record: dict[str, Recorded]) -> Iterator[bytes]:
    """The graphs to write as N-Quads, one chunk per graph, then the sync graph."""
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


def _explain(path: Path, err: OSError) -> str:
    text = str(err)
    if "lock" in text.lower():
        return (f"the store {path} is in use by another process (a running kg or Oxigraph server); "
                f"try again when it ends")
    return f"cannot open the store {path}: {printable(text)}"
