"""Servers for the tests, on 127.0.0.1 only: a real Oxigraph server, a real Virtuoso 7, and a
small proxy in front of either that injects the faults a real server cannot be made to produce."""
from __future__ import annotations

import contextlib
import json
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def oxigraph_binary() -> str:
    exe = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    if not Path(exe).exists():
        pytest.skip("the oxigraph server is not installed (pip install -e '.[test]')")
    return exe


def _post(url: str, body: bytes, content_type: str, accept: str | None = None, auth: str | None = None) -> bytes:
    headers = {"Content-Type": content_type}
    if accept:
        headers["Accept"] = accept
    req = urllib.request.Request(url, data=body, method="POST", headers=headers)
    with urllib.request.urlopen(req, timeout=120) as r:
        return r.read()


@dataclass
class Server:
    """A real SPARQL server on 127.0.0.1, as the tests see it: where its Graph Store and
    query endpoints are, and a way to look at (and change) its content without kg."""

    name: str
    url: str  # http://127.0.0.1:PORT
    store_path: str  # the Graph Store Protocol endpoint kg writes to
    query_path: str  # the SPARQL query endpoint
    system_graphs: set[str] = field(default_factory=set)  # the server's own, present from the start

    @property
    def store(self) -> str:
        return self.url + self.store_path

    @property
    def query(self) -> str:
        return self.url + self.query_path

    def update(self, sparql: str) -> None:
        raise NotImplementedError

    def select(self, sparql: str) -> list[dict]:
        data = json.loads(_post(self.query, urlencode({"query": sparql}).encode(), "application/x-www-form-urlencoded",
                                "application/sparql-results+json"))
        return [{k: v["value"] for k, v in b.items()} for b in data["results"]["bindings"]]

    def graphs(self) -> set[str]:
        """The named graphs that hold triples, but the server's own."""
        return {r["g"] for r in self.select("SELECT DISTINCT ?g { GRAPH ?g { ?s ?p ?o } }")} - self.system_graphs

    def reset(self) -> None:
        """Drop every graph the tests wrote."""
        for g in sorted(self.graphs()):
            self.update(f"DROP SILENT GRAPH <{g}>")


@dataclass
class Oxigraph(Server):
    process: subprocess.Popen | None = None

    def update(self, sparql: str) -> None:
        _post(self.url + "/update", sparql.encode(), "application/sparql-update")


@contextlib.contextmanager
def oxigraph_server(location: Path):
    """`oxigraph serve` on a free port with a union default graph; stopped on exit."""
    port = free_port()
    proc = subprocess.Popen(
        [oxigraph_binary(), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}",
         "--union-default-graph"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    server = Oxigraph("oxigraph", f"http://127.0.0.1:{port}", "/store", "/query", process=proc)
    try:
        _wait_until_up(server.url + "/query?query=ASK%7B%7D", proc, "oxigraph", 60)
        yield server
    finally:
        _stop(proc, 10)


def _wait_until_up(probe: str, proc: subprocess.Popen, name: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while True:
        if proc.poll() is not None:
            err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
            raise RuntimeError(f"{name} exited: {err}")
        try:
            urllib.request.urlopen(probe, timeout=2).read()
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            if time.monotonic() > deadline:
                raise RuntimeError(f"{name} did not answer within {seconds:.0f} s") from None
            time.sleep(0.1)


def _stop(proc: subprocess.Popen, seconds: float) -> None:
    proc.terminate()
    try:
        proc.wait(seconds)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    if proc.stderr:
        proc.stderr.close()


# --- Virtuoso -----------------------------------------------------------------------

VIRTUOSO_INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
CaseMode = 2
DirsAllowed = .
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty}
CheckpointInterval = 60

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}/vsp
ServerThreads = 10
MaxKeepAlives = 10
KeepAliveTimeout = 10
Charset = UTF-8
EnabledGzipContent = 0

[SPARQL]
ResultSetMaxRows = {max_rows}
MaxQueryExecutionTime = 120
"""


def virtuoso_binaries() -> tuple[str, str]:
    exe, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt")
    if not exe or not isql:
        pytest.skip("Virtuoso is not installed (Debian: apt-get install virtuoso-opensource; .ci/run installs it)")
    return exe, isql


@dataclass
class Virtuoso(Server):
    process: subprocess.Popen | None = None
    isql_cmd: list[str] = field(default_factory=list)
    anonymous_writes: bool = False  # a fresh database: the SPARQL user may only read

    def isql(self, sql: str) -> str:
        """Run SQL as dba through isql (grants, users)."""
        run = subprocess.run([*self.isql_cmd, f"exec={sql}"], capture_output=True, text=True, timeout=120,
                             check=False)
        if run.returncode != 0 or "*** Error" in run.stdout + run.stderr:
            raise RuntimeError(f"isql {sql!r} failed: {run.stdout} {run.stderr}")
        return run.stdout

    def update(self, sparql: str) -> None:
        # Virtuoso runs SPARQL Update sent to /sparql when the SPARQL user may (SPARQL_UPDATE).
        _post(self.query, urlencode({"query": sparql}).encode(), "application/x-www-form-urlencoded",
              "application/sparql-results+json")

    def reset(self) -> None:
        """Drop the graphs the tests wrote, and give the SPARQL user its grant back."""
        self.allow_anonymous_writes()
        super().reset()

    def allow_anonymous_writes(self, allowed: bool = True) -> None:
        """GRANT (or REVOKE) SPARQL_UPDATE to the SPARQL user, whom /sparql and /sparql-graph-crud run as."""
        if allowed != self.anonymous_writes:
            self.isql(f'{"GRANT" if allowed else "REVOKE"} SPARQL_UPDATE {"TO" if allowed else "FROM"} "SPARQL"')
            self.anonymous_writes = allowed


@contextlib.contextmanager
def virtuoso_server(folder: Path, buffers: int = 10000, max_rows: int = 10000):
    """Debian's Virtuoso 7 with a fresh database in ``folder`` (its own virtuoso.ini, free ports),
    the SPARQL user allowed to write (GRANT SPARQL_UPDATE TO "SPARQL"); stopped on exit."""
    exe, isql = virtuoso_binaries()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "vsp").mkdir(exist_ok=True)
    sql_port, http_port = free_port(), free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(VIRTUOSO_INI.format(dir=folder, sql_port=sql_port, http_port=http_port, buffers=buffers,
                                       dirty=buffers * 3 // 4, max_rows=max_rows), encoding="utf-8")
    proc = subprocess.Popen([exe, "+foreground", "+configfile", str(ini)], cwd=folder,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    server = Virtuoso("virtuoso", f"http://127.0.0.1:{http_port}", "/sparql-graph-crud", "/sparql",
                      process=proc, isql_cmd=[isql, f"127.0.0.1:{sql_port}", "dba", "dba"])
    try:
        _wait_until_up(server.query + "?query=ASK%7B%7D", proc, "virtuoso", 180)
        server.allow_anonymous_writes()
        server.system_graphs = server.graphs()
        yield server
    finally:
        _stop(proc, 60)


@dataclass
class Faults:
    """What the proxy does wrong, and what it saw."""

    fail_put: set[str] = field(default_factory=set)        # graph IRIs: always 500
    flaky_put: dict[str, int] = field(default_factory=dict)  # graph IRI -> 503s before it works
    retry_after: str | None = None                          # Retry-After header of those 503s
    auth: str | None = None                                  # required Authorization header
    delay: float = 0.0                                       # seconds before answering
    trickle: float = 0.0                                     # seconds between the bytes of an answer
    redirect_put: str | None = None                          # answer PUTs with 307 to this URL
    answer_type: str | None = None                           # Content-Type put on the upstream's answers
    answer_body: bytes | None = None                         # ... and this body instead of theirs
    forward_server: bool = False                             # pass the upstream's Server header on
    seen: list[tuple[str, str, int]] = field(default_factory=list)  # method, graph (or path), status
    times: list[float] = field(default_factory=list)                # when each request came (monotonic)


@contextlib.contextmanager
def proxy(upstream: str, faults: Faults):
    """An HTTP proxy to ``upstream`` (a server's URL) that injects ``faults``."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as real servers

        upstream_server = ""

        def log_message(self, *args):
            pass

        def version_string(self) -> str:  # the Server header
            return self.upstream_server or "kg-test-proxy"

        def _reply(self, status: int, data: bytes, headers: dict) -> None:
            self.upstream_server = headers.pop("Server", "")
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if faults.trickle and data:
                for i in range(len(data)):
                    self.wfile.write(data[i:i + 1])
                    self.wfile.flush()
                    time.sleep(faults.trickle)
            else:
                self.wfile.write(data)

        def _handle(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            graph = parse_qs(urlsplit(self.path).query).get("graph", [self.path])[0]
            faults.times.append(time.monotonic())
            if faults.delay:
                time.sleep(faults.delay)
            status, headers = None, {"Content-Type": "text/plain"}
            if faults.auth is not None and self.headers.get("Authorization") != faults.auth:
                status, reply = 401, b"authentication required"
                headers["WWW-Authenticate"] = 'Basic realm="test"'
            elif self.command == "PUT" and faults.redirect_put:
                status, reply = 307, b"moved"
                headers["Location"] = faults.redirect_put
            elif self.command == "PUT" and graph in faults.fail_put:
                status, reply = 500, b"injected failure"
            elif self.command == "PUT" and faults.flaky_put.get(graph, 0) > 0:
                faults.flaky_put[graph] -= 1
                status, reply = 503, b"injected: busy, try again"
                if faults.retry_after is not None:
                    headers["Retry-After"] = faults.retry_after
            if status is not None:
                faults.seen.append((self.command, graph, status))
                self._reply(status, reply, headers)
                return
            forward = {k: v for k, v in self.headers.items() if k.lower() in ("content-type", "accept")}
            req = urllib.request.Request(upstream + self.path, data=body if body else None,
                                         method=self.command, headers=forward)
            try:
                with urllib.request.urlopen(req, timeout=60) as r:
                    status, data, answer = r.status, r.read(), r.headers
            except urllib.error.HTTPError as err:
                status, data, answer = err.code, err.read(), err.headers
            except OSError as err:  # the upstream is gone (the test is over)
                status, data, answer = 502, str(err).encode(), {"Content-Type": "text/plain"}
            faults.seen.append((self.command, graph, status))
            headers = {}
            if answer.get("Content-Type"):
                headers["Content-Type"] = answer["Content-Type"]
            if faults.forward_server and answer.get("Server"):
                headers["Server"] = answer["Server"]
            if faults.answer_type is not None and self.command == "POST" and 200 <= status < 300:
                headers["Content-Type"] = faults.answer_type
                data = data if faults.answer_body is None else faults.answer_body
            self._reply(status, data, headers)

        do_GET = do_PUT = do_POST = do_DELETE = _handle

    class ProxyServer(ThreadingHTTPServer):
        def handle_error(self, request, client_address):
            pass  # a client that gave up (timeout tests) is not an error here

    server = ProxyServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
