"""Servers for the tests, on 127.0.0.1 only: a real Oxigraph server, and a small proxy
in front of it that injects the faults a real server cannot be made to produce."""
from __future__ import annotations

import contextlib
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
from urllib.parse import parse_qs, urlsplit

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


@dataclass
class Oxigraph:
    url: str
    process: subprocess.Popen

    @property
    def store(self) -> str:
        return self.url + "/store"

    @property
    def query(self) -> str:
        return self.url + "/query"

    def update(self, sparql: str) -> None:
        req = urllib.request.Request(self.url + "/update", data=sparql.encode(), method="POST",
                                     headers={"Content-Type": "application/sparql-update"})
        urllib.request.urlopen(req, timeout=30).read()

    def select(self, sparql: str) -> list[dict]:
        import json
        req = urllib.request.Request(self.query, data=sparql.encode(), method="POST", headers={
            "Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"})
        data = json.load(urllib.request.urlopen(req, timeout=30))
        return [{k: v["value"] for k, v in b.items()} for b in data["results"]["bindings"]]

    def graphs(self) -> set[str]:
        return {r["g"] for r in self.select("SELECT DISTINCT ?g { GRAPH ?g { ?s ?p ?o } }")}


@contextlib.contextmanager
def oxigraph_server(location: Path):
    """`oxigraph serve` on a free port with a union default graph; stopped on exit."""
    port = free_port()
    proc = subprocess.Popen(
        [oxigraph_binary(), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}",
         "--union-default-graph"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    server = Oxigraph(f"http://127.0.0.1:{port}", proc)
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"oxigraph exited: {proc.stderr.read().decode(errors='replace')}")
            try:
                urllib.request.urlopen(server.url + "/query?query=ASK%7B%7D", timeout=2).read()
                break
            except (urllib.error.URLError, ConnectionError):
                if time.monotonic() > deadline:
                    raise RuntimeError("oxigraph did not answer within 60 s") from None
                time.sleep(0.05)
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        proc.stderr.close()


@dataclass
class Faults:
    """What the proxy does wrong, and what it saw."""

    fail_put: set[str] = field(default_factory=set)        # graph IRIs: always 500
    flaky_put: dict[str, int] = field(default_factory=dict)  # graph IRI -> 503s before it works
    auth: str | None = None                                  # required Authorization header
    delay: float = 0.0                                       # seconds before answering
    seen: list[tuple[str, str, int]] = field(default_factory=list)  # method, graph (or path), status


@contextlib.contextmanager
def proxy(upstream: str, faults: Faults):
    """An HTTP proxy to ``upstream`` (an Oxigraph server's URL) that injects ``faults``."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def _handle(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            graph = parse_qs(urlsplit(self.path).query).get("graph", [self.path])[0]
            if faults.delay:
                time.sleep(faults.delay)
            status = None
            if faults.auth is not None and self.headers.get("Authorization") != faults.auth:
                status, reply = 401, b"authentication required"
            elif self.command == "PUT" and graph in faults.fail_put:
                status, reply = 500, b"injected failure"
            elif self.command == "PUT" and faults.flaky_put.get(graph, 0) > 0:
                faults.flaky_put[graph] -= 1
                status, reply = 503, b"injected: busy, try again"
            if status is not None:
                faults.seen.append((self.command, graph, status))
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)
                return
            headers = {k: v for k, v in self.headers.items() if k.lower() in ("content-type", "accept")}
            req = urllib.request.Request(upstream + self.path, data=body if body else None,
                                         method=self.command, headers=headers)
            try:
                with urllib.request.urlopen(req, timeout=60) as r:
                    status, data, ctype = r.status, r.read(), r.headers.get("Content-Type", "")
            except urllib.error.HTTPError as err:
                status, data, ctype = err.code, err.read(), err.headers.get("Content-Type", "")
            except OSError as err:  # the upstream is gone (the test is over)
                status, data, ctype = 502, str(err).encode(), "text/plain"
            faults.seen.append((self.command, graph, status))
            self.send_response(status)
            if ctype:
                self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_PUT = do_POST = do_DELETE = _handle

    class Server(ThreadingHTTPServer):
        def handle_error(self, request, client_address):
            pass  # a client that gave up (timeout tests) is not an error here

    server = Server(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
