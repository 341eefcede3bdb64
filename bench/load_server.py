"""Time a first `kg load --endpoint` of a corpus into a fresh real server.

    python bench/load_server.py CORPUS --server oxigraph|virtuoso [--connections N] [--repeat N]

Each run starts the server on 127.0.0.1 with an empty database in a temporary folder (as the
tests do: tests/servers.py), times `kg load CORPUS --endpoint ...` from start to exit, and
stops the server. Prints seconds and triples per second (the triples kg reports loading),
each run and the median.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from servers import oxigraph_server, virtuoso_server  # type: ignore[import-not-found]


def one_run(corpus: str, kind: str, connections: int) -> tuple[float, int]:
    with tempfile.TemporaryDirectory(prefix="kg-bench-server-") as tmp:
        start = oxigraph_server(Path(tmp) / "db") if kind == "oxigraph" else \
            virtuoso_server(Path(tmp) / "db", buffers=170000)
        with start as server:
            began = time.perf_counter()
            run = subprocess.run(["kg", "load", corpus, "--endpoint", server.store, "--query-endpoint",
                                  server.query, "--connections", str(connections), "-q"],
                                 check=False, capture_output=True, text=True)
            seconds = time.perf_counter() - began
            if run.returncode != 0:
                sys.exit(f"kg load failed: {run.stderr[-2000:]}")
            n = server.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")[0]["n"]
            return seconds, int(n) - _system_triples(server)


def _system_triples(server) -> int:
    if not server.system_graphs:
        return 0
    values = " ".join(f"<{g}>" for g in server.system_graphs)
    return int(server.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }}")
               [0]["n"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus")
    parser.add_argument("--server", choices=("oxigraph", "virtuoso"), required=True)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    times = []
    for i in range(args.repeat):
        seconds, triples = one_run(args.corpus, args.server, args.connections)
        times.append(seconds)
        print(f"run {i + 1}: {seconds:.1f} s, {triples:,} triples, {triples / seconds:,.0f} triples/s", flush=True)
    median = statistics.median(times)
    print(f"{args.server} --connections {args.connections}: median {median:.1f} s, "
          f"{triples / median:,.0f} triples/s")


if __name__ == "__main__":
    main()
