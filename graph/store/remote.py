"""A client for a remote store: SPARQL 1.1 Graph Store HTTP Protocol and SPARQL queries,
and a Graph Store endpoint as a load target.

A large sync is written at the server's speed: graphs are PUT over several
connections at once, and an Oxigraph server (known by its Server header) gets
the new graphs as N-Quads in a few POSTs through its bulk loader instead. No
other server is sent N-Quads: a POST without ``?graph=`` means something else to
each (Virtuoso answers it with 200 and an HTML page, and stores nothing).
"""
from __future__ import annotations

import concurrent.futures as cf
import contextlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit, urlunsplit

from pyoxigraph import (
    Literal,
    NamedNode,
    QueryResultsFormat,
    QuerySolution,
    QuerySolutions,
    RdfFormat,
    Triple,
    parse_query_results,
    serialize,
)

from ..identity.iris import sync_graph_iri
from ..problems import printable
from ..terms import RDF_TYPE
from .http import (
    BACKOFF,
    DEFAULT_RETRIES,
    DEFAULT_TIMEOUT,
    Answer,
    Http,
    RemoteError,
    check_url,
    credentials,
    excerpt,
    redact,
)
from .lease import CREATED, CREATOR, XSD_DATETIME, Lease, now, stamp
from .sync import (
    SD_NAMED_GRAPH,
    Applied,
    Graphs,
    Plan,
    Recorded,
    TargetError,
    parse_record,
    record_quads,
    record_query,
    recorded_after,
)

__all__ = ["DEFAULT_RETRIES", "DEFAULT_TIMEOUT", "GraphStoreClient", "RemoteError", "RemoteStore"]

WRITERS = 4  # connections a sync writes over at once (measured: bench/README.md, "kg load --endpoint")
BULK_BATCH = 32 << 20  # bytes of N-Quads per bulk POST to Oxigraph
RECORD_PAGE = 5000  # rows of the record read per query (Virtuoso answers at most 10,000)
RESULTS_ACCEPT = "application/sparql-results+json, application/sparql-results+xml;q=0.8"
GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9"
VERSION = NamedNode("http://www.w3.org/2002/07/owl#versionInfo")  # of the sync graph: new at each write of it
UNVERIFIED = "/unverified/"  # BASE/sync/unverified/TOKEN: graphs a load could not vouch for


@dataclass
class Selected:
    rows: list[QuerySolution]
    max_rows: int | None = None  # the server cut the answer at this many rows (Virtuoso's ResultSetMaxRows)


class GraphStoreClient:
    """Graph Store Protocol (``store_url?graph=IRI``) and SPARQL query requests to one server."""

    def __init__(self, store_url: str, query_url: str | None = None, user: str | None = None,
                 password: str | None = None, timeout: float = DEFAULT_TIMEOUT,
                 retries: int = DEFAULT_RETRIES, backoff: float = BACKOFF, connections: int = WRITERS,
                 notify: Callable[[str], None] | None = None):
        # Credentials in a URL (http://USER:PASSWORD@host/) count as given, and are never shown.
        urls, user, password = credentials([check_url(u) for u in (store_url, query_url) if u], user, password)
        self.store_url, self.query_url = urls[0], urls[-1]
        self.connections = connections
        self.http = Http(user, password, timeout, retries, backoff, connections, notify)
        self.server = ""  # the Server header of the last answer

    def another(self) -> GraphStoreClient:
        """A client of the same server, with the same credentials and settings, on a connection of its own."""
        h = self.http
        client = GraphStoreClient(self.store_url, self.query_url, h.user, h.password, h.timeout, h.retries,
                                  h.backoff, connections=1, notify=h.notify)
        client.server = self.server
        return client

    @property
    def software(self) -> str:
        """'oxigraph', 'virtuoso' or '' (unknown): the server's own name, lower-case."""
        name = self.server.split("/")[0].strip().lower()
        return name if name in ("oxigraph", "virtuoso") else ""

    # --- Graph Store Protocol ----------------------------------------------

    def graph_url(self, graph_iri: str) -> str:
        """``?graph=IRI`` (indirect identification), appended to any query the URL has."""
        return _with_query(self.store_url, urlencode({"graph": graph_iri}))

    def put_graph(self, graph_iri: str, ntriples: bytes) -> None:
        """Replace the graph's content (it is created when absent).

        N-Triples is a subset of Turtle, and text/turtle is the one RDF media
        type every Graph Store implementation accepts.
        """
        url = self.graph_url(graph_iri)
        self._expect(self._send("PUT", url, ntriples, {"Content-Type": "text/turtle"}), "PUT", url)

    def delete_graph(self, graph_iri: str) -> bool:
        """Drop the graph; False when the server did not have it (404), which is fine."""
        url = self.graph_url(graph_iri)
        answer = self._send("DELETE", url)
        if answer.status == 404:
            return False
        self._expect(answer, "DELETE", url)
        return True

    def bulk_load(self, nquads: bytes) -> None:
        """Add N-Quads to the dataset with Oxigraph's bulk loader (``POST /store`` without
        ``?graph=``; ``no_transaction``: not atomic, which kg's record makes safe)."""
        url = _with_query(self.store_url, "no_transaction&lenient")
        self._expect(self._send("POST", url, nquads, {"Content-Type": "application/n-quads"}), "POST", url)

    # --- SPARQL protocol ----------------------------------------------------

    def query(self, sparql: str, accept: str = RESULTS_ACCEPT) -> Answer:
        """POST the query as a form (the one way every SPARQL 1.1 server accepts)."""
        body = urlencode({"query": sparql}).encode("utf-8")
        answer = self._send("POST", self.query_url, body, {
            "Content-Type": "application/x-www-form-urlencoded", "Accept": accept})
        self._expect(answer, "POST", self.query_url)
        return answer

    def select(self, sparql: str) -> Selected:
        """A SELECT's solutions, read whole (SPARQL JSON or XML results)."""
        answer = self.query(sparql)
        try:
            results = parse_query_results(answer.body, format=QueryResultsFormat.from_media_type(answer.media_type)
                                          or QueryResultsFormat.JSON)
            if not isinstance(results, QuerySolutions):
                raise RemoteError("POST", self.query_url, answer.status, "a SELECT query got no solutions")
            rows = list(results)  # pyoxigraph parses as it iterates: errors come here
        except (SyntaxError, ValueError) as err:
            raise RemoteError("POST", self.query_url, answer.status,
                              f"the answer is not SPARQL results ({answer.media_type or 'no content type'}: "
                              f"{printable(str(err))}); is this a SPARQL query endpoint? (--query-endpoint)") from None
        return Selected(rows, answer.max_rows)

    # --- plumbing -------------------------------------------------------------

    def _send(self, method: str, url: str, body: bytes | None = None, headers: dict | None = None) -> Answer:
        answer = self.http.request(method, url, body, headers)
        self.server = answer.server or self.server
        return answer

    def _expect(self, answer: Answer, method: str, url: str) -> None:
        if 200 <= answer.status < 300:
            return
        if 300 <= answer.status < 400:
            where = f"to {redact(answer.location)}" if answer.location else "without a Location"
            raise RemoteError(method, url, answer.status, f"redirected {where}; kg does not follow redirects "
                                                          f"(a write could land elsewhere): give the final URL",
                              answer.attempts, answer.seconds)
        reason = {401: self._unauthorized(answer), 403: "forbidden", 404: "not found (check the URL)",
                  405: "method not allowed (is this the right endpoint?)",
                  415: "unsupported media type (is this the right endpoint?)"}.get(answer.status, "")
        detail = "; ".join(p for p in (reason, excerpt(answer.body)) if p) or "no message from the server"
        if answer.status == 403 and self.software == "virtuoso" and method in ("PUT", "DELETE"):
            detail += ("; Virtuoso lets /sparql-graph-crud write only after GRANT SPARQL_UPDATE TO \"SPARQL\", "
                       "or use /sparql-graph-crud-auth with --user and --password (README, Virtuoso)")
        raise RemoteError(method, url, answer.status, detail, answer.attempts, answer.seconds)

    def _unauthorized(self, answer: Answer) -> str:
        schemes = " or ".join(sorted({c.scheme.capitalize() for c in answer.challenges}))
        asked = f"the server asks for {schemes} authentication; " if schemes else ""
        if self.http.has_credentials:
            return f"unauthorized: {asked}the user or password was refused (--user/--password or KG_USER/KG_PASSWORD)"
        return f"unauthorized: {asked}give --user and --password (or KG_USER and KG_PASSWORD)"

    def close(self) -> None:
        self.http.close()


def _with_query(url: str, extra: str) -> str:
    parts = urlsplit(url)
    query = "&".join(p for p in (parts.query, extra) if p)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


@dataclass(frozen=True)
class RecordState:
    """The record as a load read it: its version (new at each write of it) and the lists of
    graphs that loads could not vouch for (BASE/sync/unverified/TOKEN)."""

    version: str | None
    unverified: frozenset[str]


class RemoteStore:
    """A Graph Store Protocol endpoint as a load target: one PUT or DELETE per named graph
    (or, on Oxigraph, bulk POSTs of the new ones).

    Two loads never write at once: a load writes only while it holds the lease
    (graph/store/lease.py), and only if the record is still the one it planned from (its
    version, ``owl:versionInfo`` of the sync graph, is new at each write of it). The record is
    written twice: first with the graphs about to change listed without a hash, then with the
    new hashes of the graphs that were really written, and that only if the lease is still this
    load's and the record still the one it wrote first. Whatever fails in between, the record
    never claims content the server may not hold, and the next load redoes it. A load that lost
    its lease while writing (stopped or cut off for longer than the lease) claims nothing: it
    lists the graphs it touched in a graph of its own, BASE/sync/unverified/TOKEN, which no
    other load overwrites; a graph listed there counts as unknown until a load that read the
    list has completed, which then removes it.
    """

    def __init__(self, client: GraphStoreClient, lease_seconds: float | None = None):
        self.client = client
        # None: graph.store.lease's rule; a lease shorter than 4 request timeouts loses its guarantee
        self.lease_seconds = lease_seconds
        self._read: dict[str, RecordState] = {}  # base -> the record as read_record saw it

    def describe(self) -> str:
        return self.client.store_url

    def read_record(self, base: str) -> dict[str, Recorded]:
        try:
            state = self._state(base)
            record = self._paged(record_query(base), "?g ?hash ?n ?key", parse_record)
            if state.unverified:
                values = " ".join(f"<{iri}>" for iri in sorted(state.unverified))
                listed = self._paged(f"SELECT DISTINCT ?g WHERE {{ VALUES ?u {{ {values} }} GRAPH ?u {{ "
                                     f"?g a <{SD_NAMED_GRAPH.value}> }} }}", "?g", _graphs)
                record.update(dict.fromkeys(listed, Recorded(None, 0)))
        except RemoteError as err:
            if err.status in (400, 404, 405, 415) and self.client.query_url == self.client.store_url:
                hint = ("kg reads its record of loaded graphs with a SPARQL query: "
                        "give the server's query URL with --query-endpoint")
                err.args = (f"{err} ({hint})",)
            raise
        self._read[base] = state
        return record

    def _paged(self, select: str, variables: str, parse: Callable[[list[QuerySolution]], dict]) -> dict:
        """The rows of ``select`` read in pages ordered by graph IRI ``?g``: servers cut long answers,
        Virtuoso silently at 10,000 rows (ResultSetMaxRows; its sorts refuse OFFSET beyond that too),
        so each page starts after the last graph of the one before."""
        found: dict = {}
        after = ""
        while True:
            page = self.client.select(f"SELECT {variables} WHERE {{ {{ {select} }} "
                                      f"FILTER (STR(?g) > {Literal(after)}) }} ORDER BY STR(?g) LIMIT {RECORD_PAGE}")
            more = parse(page.rows)
            found.update(more)
            if not more or (len(page.rows) < RECORD_PAGE and page.max_rows is None):
                return found
            after = max(more)

    def _state(self, base: str) -> RecordState:
        sync = sync_graph_iri(base)
        rows = self.client.select(
            f"SELECT ?version ?u WHERE {{ {{ GRAPH <{sync}> {{ <{sync}> <{VERSION.value}> ?version }} }} UNION "
            f"{{ GRAPH ?u {{ ?u <{CREATOR.value}> ?by }} "
            f"FILTER (STRSTARTS(STR(?u), {Literal(sync + UNVERIFIED)})) }} }}").rows
        versions = sorted(row["version"].value for row in rows if row["version"] is not None)
        return RecordState(" ".join(versions) or None,
                           frozenset(row["u"].value for row in rows if isinstance(row["u"], NamedNode)))

    def apply(self, base: str, graphs: Graphs, p: Plan, before: dict[str, Recorded]) -> Applied:
        if not p.changes and not p.rekeyed:
            return Applied([], [], recorded_after(graphs, before, p, (), ()))
        lease = Lease(self.client.another(), sync_graph_iri(base), self.lease_seconds)
        try:
            try:
                lease.take()
                state = self._state(base)
            except TargetError as err:  # LeaseTaken or RemoteError
                return Applied([], [], before, f"{err}; nothing was written")
            seen = self._read.get(base, state)
            if state.version != seen.version:
                return Applied([], [], before, f"the record on {self.client.store_url} changed since this load read "
                                               f"it (another kg load wrote to the server meanwhile); nothing was "
                                               f"written: run kg load again")
            self.client.http.gate = lease.check  # no request that writes once the lease has run out
            return self._write(base, graphs, p, before, lease, seen)
        finally:
            self.client.http.gate = None
            lease.release()

    def _write(self, base: str, graphs: Graphs, p: Plan, before: dict[str, Recorded], lease: Lease,
               seen: RecordState) -> Applied:
        sync = sync_graph_iri(base)
        token = lease.iri.rsplit("/", 1)[-1]
        pending = recorded_after(graphs, before, p, (), ())
        try:
            self.client.put_graph(sync, _record_bytes(base, pending, f"{token} pending"))
            bulk = self._bulk_targets(p)
        except RemoteError as err:
            return Applied([], [], before, f"{err}; nothing was written")
        writes = _Writes(self.client, bulk)
        writes.run(graphs.contents(p.writes), p.removed)
        error = writes.error
        written, deleted = sorted(writes.written), sorted(writes.deleted)
        lost = self._lost(base, lease, f"{token} pending")
        if lost:
            return Applied(written, deleted, pending, self._disown(base, lease, token, p, lost))
        record = recorded_after(graphs, before, p, written, deleted)
        try:
            self.client.put_graph(sync, _record_bytes(base, record, f"{token} done"))
        except RemoteError as err:
            error = error or (f"cannot record what was written: {err}; the graphs were written, but not "
                              f"their hashes: the next load writes them again")
            record = pending
        if error is None:
            for listed in sorted(seen.unverified):  # this load has redone every graph they list
                with contextlib.suppress(RemoteError):
                    self.client.delete_graph(listed)
        return Applied(written, deleted, record, error)

    def _lost(self, base: str, lease: Lease, version: str) -> str | None:
        """Why this load may not record what it wrote (None: it may)."""
        try:
            reason = lease.held()
            if reason is None and self._state(base).version != version:
                reason = f"the record on {self.client.store_url} was rewritten while this load was writing"
        except RemoteError as err:
            reason = f"cannot check that this load still holds its lease: {err}"
        return reason

    def _disown(self, base: str, lease: Lease, token: str, p: Plan, lost: str) -> str:
        """List the graphs this load touched as unknown, where no other load overwrites the list."""
        touched = sorted(set(p.writes) | set(p.removed))
        listing = NamedNode(sync_graph_iri(base) + UNVERIFIED + token)
        triples = [Triple(listing, CREATOR, Literal(lease.owner)),
                   Triple(listing, CREATED, Literal(stamp(now()), datatype=XSD_DATETIME))]
        triples += [Triple(NamedNode(iri), RDF_TYPE, SD_NAMED_GRAPH) for iri in touched]
        try:
            lease.client.put_graph(listing.value, serialize(triples, format=RdfFormat.N_TRIPLES) or b"")
        except RemoteError as err:
            return (f"{lost}; so it records nothing it wrote, and it cannot mark the {len(touched)} graphs it "
                    f"wrote or removed for the next load to redo ({err}): run kg load again")
        return (f"{lost}; so it records nothing it wrote: the {len(touched)} graphs it wrote or removed are "
                f"marked for the next kg load to redo")

    def _bulk_targets(self, p: Plan) -> set[str]:
        """The graphs an Oxigraph server can take through its bulk loader: new ones it does not
        hold (the bulk loader adds, it does not replace)."""
        if self.client.software != "oxigraph" or not p.added:
            return set()
        held = {row["g"].value for row in self.client.select("SELECT ?g WHERE { GRAPH ?g { } }").rows
                if isinstance(row["g"], NamedNode)}
        return set(p.added) - held


class _Writes:
    """The PUTs (or bulk POSTs) and DELETEs of one sync, over several connections; the first
    failure stops it, and what was done before it is kept."""

    def __init__(self, client: GraphStoreClient, bulk: set[str]):
        self.client, self.bulk = client, bulk
        self.written: list[str] = []
        self.deleted: list[str] = []
        self.error: str | None = None

    def run(self, contents: Iterator[tuple[str, bytes]], removed: Iterable[str]) -> None:
        workers = max(1, self.client.connections)
        with cf.ThreadPoolExecutor(workers, thread_name_prefix="kg-write") as pool:
            running: dict[cf.Future, tuple[str, list[str]]] = {}
            batch: list[bytes] = []
            batch_iris: list[str] = []
            held = 0

            def submit(kind: str, iris: list[str], fn, *args) -> None:
                # One request per connection, none queued: memory holds a few graphs, not the
                # corpus, and after a failure nothing more is sent.
                while len(running) >= workers:
                    self._collect(running, cf.FIRST_COMPLETED)
                if not self.error:
                    running[pool.submit(fn, *args)] = (kind, iris)

            for iri, ntriples in contents:
                if self.error:
                    break
                if iri in self.bulk:
                    batch.append(ntriples.replace(b" .\n", f" <{iri}> .\n".encode()))
                    batch_iris.append(iri)
                    held += len(ntriples)
                    if held >= BULK_BATCH:
                        submit("bulk", batch_iris, self.client.bulk_load, b"".join(batch))
                        batch, batch_iris, held = [], [], 0
                else:
                    submit("put", [iri], self.client.put_graph, iri, ntriples)
            if batch and not self.error:
                submit("bulk", batch_iris, self.client.bulk_load, b"".join(batch))
            for iri in removed:
                if self.error:
                    break
                submit("delete", [iri], self.client.delete_graph, iri)
            self._collect(running, cf.ALL_COMPLETED)

    def _collect(self, running: dict, when: str) -> None:
        done, _ = cf.wait(list(running), return_when=when)
        for future in done:
            kind, iris = running.pop(future)
            if future.cancelled():
                continue
            err = future.exception()
            if err is None:
                (self.deleted if kind == "delete" else self.written).extend(iris)
            elif self.error is None:
                if not isinstance(err, RemoteError):
                    raise err
                what = (f"cannot write graph {iris[0]}" if kind == "put" else f"cannot remove graph {iris[0]}"
                        if kind == "delete" else f"cannot bulk-load {len(iris)} new graphs")
                self.error = f"{what}: {err}"
                for queued in running:  # stop: what has not started is not sent
                    queued.cancel()


def _record_bytes(base: str, record: dict[str, Recorded], version: str) -> bytes:
    sync = NamedNode(sync_graph_iri(base))
    return serialize([*(q.triple for q in record_quads(base, record)), Triple(sync, VERSION, Literal(version))],
                     format=RdfFormat.N_TRIPLES) or b""


def _graphs(rows: list[QuerySolution]) -> dict[str, None]:
    return {row["g"].value: None for row in rows if isinstance(row["g"], NamedNode)}
