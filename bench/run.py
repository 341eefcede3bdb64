"""The kg benchmark: one command, see bench/README.md.

    python bench/run.py [--sizes 1000,10000] [--large] [--formats ttl,nt] [--repeat N] [--morph-kgc] [--keep]

For each corpus size it generates a corpus (bench/generate.py) and measures,
on the same files, each as its own child process: the parse floors with
libyaml and yaml_rs (bench/floor.py), `kg export --format F` for every format
kg registers, `kg load` into a fresh embedded store, the naive
python-frontmatter + rdflib baseline (bench/baseline.py) and, with
--morph-kgc, the Morph-KGC RML engine (bench/morph.py). At --sync-size
articles it times a `kg load` after changing 1% of the files. It prints a
table and the issue-16 targets (met or missed), and writes the results as
JSON (OUT/results-TIMESTAMP.json and OUT/latest.json).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402  (beside this file, found through sys.path)
import measure  # noqa: E402
import morph  # noqa: E402
import targets  # noqa: E402

DEFAULT_SIZES = [1000, 10000]
LARGE = targets.LARGE          # the sizes the issue-16 targets are set at
SYNC_SIZE = targets.SYNC_SIZE
SYNC_SHARE = 0.01
SCHEMA_VERSION = 2


@dataclass
class Row:
    size: int
    task: str                    # floor | floor_rs | startup | export | network | draw | load | sync | baseline | morph
    label: str                   # what the table shows
    format: str | None = None
    status: str = "ok"           # ok | n/a | failed
    note: str = ""
    runs: list[dict] = field(default_factory=list)
    seconds: float | None = None  # medians over the runs
    peak_mb: float | None = None
    tree_mb: float | None = None
    triples: int | None = None
    triples_per_s: float | None = None
    kg_over_floor: float | None = None      # over the libyaml floor
    kg_over_floor_rs: float | None = None   # over the yaml_rs floor
    baseline_over_kg: float | None = None
    morph_over_kg: float | None = None
    first_load_seconds: float | None = None  # sync rows: the load before the change
    load_over_sync: float | None = None


def kg_command() -> list[str]:
    """The kg installed beside this Python (the venv's), else on PATH, else `python -m graph`."""
    beside = Path(sys.executable).parent / "kg"
    if beside.exists():
        return [str(beside)]
    found = shutil.which("kg")
    return [found] if found else [sys.executable, "-m", "graph"]


def kg_formats(kg: list[str]) -> list[str]:
    """The format names the installed kg registers (asked from its own interpreter)."""
    python = sys.executable if kg[0] == sys.executable else _script_python(kg[0])
    out = subprocess.run([python, "-c", "import graph.formats as f; print(' '.join(f.names()))"],
                         capture_output=True, text=True, check=True)
    return out.stdout.split()


def _script_python(script: str) -> str:
    with open(script, "rb") as f:
        first = f.readline().decode("utf-8", "replace")
    return first[2:].strip() if first.startswith("#!") and "python" in first else sys.executable


def has_command(kg: list[str], name: str) -> bool:
    return subprocess.run([*kg, name, "--help"], check=False, capture_output=True).returncode == 0


def has_module(name: str) -> bool:
    return subprocess.run([sys.executable, "-c", f"import {name}"], check=False, capture_output=True).returncode == 0


def git_info() -> dict:
    def git(*args):
        done = subprocess.run(["git", "-C", str(ROOT), *args], check=False, capture_output=True, text=True)
        return done.stdout.strip() if done.returncode == 0 else None

    status = git("status", "--porcelain", "--untracked-files=no")
    return {"commit": git("rev-parse", "HEAD"), "branch": git("rev-parse", "--abbrev-ref", "HEAD"),
            "dirty": bool(status) if status is not None else None}


def machine_info() -> dict:
    cpu = None
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), None)
    except OSError:
        pass
    return {"nproc": os.cpu_count(), "usable_cores": len(os.sched_getaffinity(0)), "cpu": cpu,
            "python": platform.python_version(), "platform": platform.platform(),
            "load_average": os.getloadavg()}


def count_lines(path: Path) -> int:
    with open(path, "rb") as f:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b""))


def store_size(path: Path) -> int | None:
    try:
        import pyoxigraph
        return len(pyoxigraph.Store.read_only(str(path)))
    except Exception:  # noqa: BLE001 - a count we cannot get is left out, not fatal
        return None


TITLE = re.compile(r'^title: "(.*)"$', re.MULTILINE)


def change_files(corpus: Path, share: float) -> list[Path]:
    """Rewrite the title of share of the files (at least one), spread evenly over the sorted names.

    Deterministic: the same corpus gives the same files and the same bytes.
    """
    paths = sorted(p for p in corpus.rglob("*.md") if p.is_file())
    count = min(len(paths), max(1, round(len(paths) * share)))
    chosen = [paths[k * len(paths) // count] for k in range(count)]
    for path in chosen:
        text = path.read_text(encoding="utf-8")
        changed, n = TITLE.subn(lambda m: f'title: "{m.group(1)} (revised)"', text, count=1)
        if n != 1:
            raise ValueError(f"{path.name}: no double-quoted title line to change")
        path.write_text(changed, encoding="utf-8")
    return chosen


def _join(*notes: str) -> str:
    return "; ".join(dict.fromkeys(n for n in notes if n))


def tail(text: str, lines: int = 5) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


class Bench:
    def __init__(self, args):
        self.args = args
        self.out = Path(args.out)
        self.kg = kg_command()
        self.timeout = args.timeout
        self.engine: morph.Engine | None = None   # set by main() with --morph-kgc
        self.converted: dict[int, Path] = {}      # size -> Morph-KGC's JSON input

    def log(self, message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    def run(self, cmd: list[str], work: Path) -> measure.Run:
        return measure.run(cmd, timeout=self.timeout, cwd=str(work))

    def record(self, row: Row, run: measure.Run, after: Callable[[measure.Run], int | None] | None = None,
               **extra) -> bool:
        """Append a finished run to row (after() may add a triple count); False when it failed."""
        record = {"seconds": run.seconds, "peak_mb": run.peak_mb, "tree_mb": run.tree_mb,
                  "returncode": run.returncode, **extra}
        ok = run.returncode == 0 and not run.timed_out
        if not ok:
            row.status = "failed"
            row.note = (f"timed out after {self.timeout:g} s" if run.timed_out
                        else f"exit {run.returncode}: {tail(run.stderr or run.stdout, 3)}")
        elif after is not None:
            record["triples"] = after(run)
        row.runs.append(record)
        shown = f"{run.seconds:.2f} s, {run.peak_mb:.0f} MB" if ok else row.status
        self.log(f"  [{row.size:,}] {row.label}: {shown}")
        return ok

    def measure(self, row: Row, cmd: list[str], work: Path, after=None) -> None:
        self.record(row, self.run(cmd, work), after)

    def _floor(self, row: Row, corpus: Path, work: Path, parser: str) -> None:
        def parsed(run):
            found = json.loads(run.stdout)
            if found["parsed"] != row.size:
                row.note = _join(row.note, f"parsed {found['parsed']} files of {row.size}")
            # the floor makes no triples: no count

        self.measure(row, [sys.executable, str(HERE / "floor.py"), str(corpus), "--parser", parser], work, parsed)

    def floor(self, row: Row, corpus: Path, work: Path) -> None:
        self._floor(row, corpus, work, "libyaml")

    def floor_rs(self, row: Row, corpus: Path, work: Path) -> None:
        self._floor(row, corpus, work, "yaml_rs")

    def startup(self, row: Row, corpus: Path, work: Path) -> None:
        """The fixed cost in every kg row: interpreter start and imports."""
        self.measure(row, [*self.kg, "--version"], work)

    def export(self, row: Row, corpus: Path, work: Path) -> None:
        target = Path(tempfile.mkdtemp(prefix="export-", dir=work))
        try:
            def triples(run):
                m = re.search(r"(\d+) files read.* (\d+) triples", run.stderr)
                if m and int(m.group(1)) != row.size:
                    row.note = _join(row.note, f"kg read {m.group(1)} files of {row.size}")
                written = target / f"graph.{row.format}"
                if row.format in ("nt", "nq") and written.exists():
                    return count_lines(written)  # a statement per line
                return int(m.group(2)) if m else None

            self.measure(row, [*self.kg, "export", str(corpus), "--format", row.format or "", "--output", str(target)],
                         work, triples)
        finally:
            shutil.rmtree(target, ignore_errors=True)

    def network(self, row: Row, corpus: Path, work: Path) -> None:
        """The full network view, as an analyst exports it (issue 12: at most 1.5x the ttl export)."""
        target = Path(tempfile.mkdtemp(prefix="network-", dir=work))
        try:
            self.measure(row, [*self.kg, "export", str(corpus), "--network", "full", "--format", "graphml",
                               "--output", str(target)], work)
        finally:
            shutil.rmtree(target, ignore_errors=True)

    def draw(self, row: Row, corpus: Path, work: Path) -> None:
        """A static picture of the provider network (issue 12: under 10 s at 10,000 articles)."""
        target = Path(tempfile.mkdtemp(prefix="draw-", dir=work))
        try:
            self.measure(row, [*self.kg, "draw", str(corpus), "-o", str(target / "providers.svg")], work)
        finally:
            shutil.rmtree(target, ignore_errors=True)

    def load(self, row: Row, corpus: Path, work: Path) -> None:
        target = Path(tempfile.mkdtemp(prefix="store-", dir=work))
        try:
            # The store's own count includes what kg keeps beside the data (its sync
            # record); summarize() prefers the N-Quads export's count of the same corpus.
            self.measure(row, [*self.kg, "load", str(corpus), "--store", str(target / "store")], work,
                         lambda run: store_size(target / "store"))
        finally:
            shutil.rmtree(target, ignore_errors=True)

    def sync(self, row: Row, corpus: Path, work: Path) -> None:
        """A first load of a copy of the corpus, then (timed) the load after changing 1% of its files."""
        target = Path(tempfile.mkdtemp(prefix="sync-", dir=work))
        try:
            copy, store = target / "corpus", target / "store"
            shutil.copytree(corpus, copy)
            cmd = [*self.kg, "load", str(copy), "--store", str(store)]
            first = self.run(cmd, work)
            if first.returncode != 0 or first.timed_out:
                self.record(row, first)
                row.note = "first load: " + row.note
                return
            try:
                changed = change_files(copy, self.args.sync_share)
            except (OSError, ValueError) as err:
                row.status, row.note = "failed", f"cannot change the files: {err}"
                return

            def updated(run):
                m = re.search(r"(\d+) updated", run.stdout + run.stderr)
                if m and int(m.group(1)) != len(changed):
                    row.note = _join(row.note, f"kg updated {m.group(1)} sources, {len(changed)} changed")
                # no count: a sync's time is per changed file, not per triple

            self.record(row, self.run(cmd, work), updated, first_seconds=first.seconds,
                        first_peak_mb=first.peak_mb, changed=len(changed))
        finally:
            shutil.rmtree(target, ignore_errors=True)

    def baseline(self, row: Row, corpus: Path, work: Path) -> None:
        target = work / "baseline.ttl"
        try:
            self.measure(row, [sys.executable, str(HERE / "baseline.py"), str(corpus), str(target)], work,
                         lambda run: int(run.stdout.split()[-1]))
        finally:
            target.unlink(missing_ok=True)

    def morph(self, row: Row, corpus: Path, work: Path) -> None:
        """Morph-KGC over the corpus's JSON tables (converted once per size, not timed) to N-Triples."""
        assert self.engine is not None and self.engine.python is not None
        tables = self.converted.get(row.size)
        if tables is None:
            tables = Path(tempfile.mkdtemp(prefix="morph-json-", dir=work))
            conversion = self.run([sys.executable, str(morph.CONVERT), str(corpus), str(tables)], work)
            if conversion.returncode != 0 or conversion.timed_out:
                row.status = "failed"
                row.note = f"JSON conversion: exit {conversion.returncode}: {tail(conversion.stderr, 3)}"
                return
            self.converted[row.size] = tables
            row.note = _join(row.note, f"JSON conversion before it {conversion.seconds:.2f} s, not timed")
        output = work / "morph.nt"
        output.unlink(missing_ok=True)
        config = morph.write_config(work, output)
        try:
            self.record(row, self.run([self.engine.python, "-m", "morph_kgc", str(config)], tables),
                        lambda run: morph.distinct_lines(output) if output.exists() else None)
        finally:
            output.unlink(missing_ok=True)


def summarize(rows: list[Row]) -> None:
    """Medians over the runs, then the ratios within each corpus size."""
    for row in rows:
        ok = [r for r in row.runs if r["returncode"] == 0]
        if row.status != "ok" or not ok:
            continue
        row.seconds = statistics.median(r["seconds"] for r in ok)
        row.peak_mb = statistics.median(r["peak_mb"] for r in ok)
        trees = [r["tree_mb"] for r in ok if r["tree_mb"] is not None]
        row.tree_mb = statistics.median(trees) if trees else None
        counts = [r.get("triples") for r in ok if r.get("triples") is not None]
        row.triples = counts[0] if counts else None
        if row.triples and row.seconds:
            row.triples_per_s = row.triples / row.seconds
        if row.task == "sync":
            row.first_load_seconds = statistics.median(r["first_seconds"] for r in ok)
            row.load_over_sync = row.first_load_seconds / row.seconds
            row.note = _join(f"{ok[0]['changed']:,} of {row.size:,} files changed; first load "
                             f"{row.first_load_seconds:.2f} s = {row.load_over_sync:.1f}x the sync", row.note)
    for size in sorted({r.size for r in rows}):
        same = [r for r in rows if r.size == size]

        def seconds_of(task: str, same: list[Row] = same) -> float | None:
            return next((r.seconds for r in same if r.task == task and r.seconds), None)

        floor, floor_rs = seconds_of("floor"), seconds_of("floor_rs")
        base, engine = seconds_of("baseline"), seconds_of("morph")
        nq = next((r for r in same if r.format == "nq" and r.triples), None)
        for row in same:
            if row.task == "load" and row.seconds and nq and nq.triples:
                row.triples, row.note = nq.triples, "quads loaded (the nq export's count)"
                row.triples_per_s = nq.triples / row.seconds
            if row.task in ("export", "load") and row.seconds:
                row.kg_over_floor = row.seconds / floor if floor else None
                row.kg_over_floor_rs = row.seconds / floor_rs if floor_rs else None
                row.baseline_over_kg = base / row.seconds if base else None
                row.morph_over_kg = engine / row.seconds if engine else None


HEAD = ["articles", "task", "seconds", "peak MB", "tree MB", "kg/floor", "kg/yaml_rs", "baseline/kg", "morph/kg",
        "triples", "triples/s", "note"]


def table(rows: list[Row]) -> str:
    lines = [HEAD]

    def num(value, fmt):
        return "" if value is None else format(value, fmt)

    for r in rows:
        if r.status != "ok":
            lines.append([f"{r.size:,}", r.label, r.status] + [""] * (len(HEAD) - 4)
                         + [r.note.splitlines()[0][:90] if r.note else ""])
            continue
        lines.append([f"{r.size:,}", r.label, num(r.seconds, ".2f"), num(r.peak_mb, ".0f"), num(r.tree_mb, ".0f"),
                      num(r.kg_over_floor, ".2f"), num(r.kg_over_floor_rs, ".2f"), num(r.baseline_over_kg, ".1f"),
                      num(r.morph_over_kg, ".1f"), num(r.triples, ","), num(r.triples_per_s, ",.0f"), r.note])
    return align(lines, left={1, len(HEAD) - 1})


def align(lines: list[list[str]], left: set[int]) -> str:
    widths = [max(len(line[i]) for line in lines) for i in range(len(lines[0]))]
    out = []
    for n, line in enumerate(lines):
        out.append("  ".join(c.ljust(widths[i]) if i in left or n == 0 and i < 2 else c.rjust(widths[i])
                             for i, c in enumerate(line)).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def plan(args, formats: list[str], load_ok: bool, engine: morph.Engine | None) -> dict[int, list[Row]]:
    """The rows of each corpus size, in the order they run; n/a rows say why."""
    sizes = sorted(set(args.sizes) | ({args.sync_size} if args.sync_size else set()))
    rows: dict[int, list[Row]] = {}
    rs_ok = has_module("yaml_rs")
    draw_ok = has_module("matplotlib")
    for size in sizes:
        if size not in args.sizes:  # the sync size alone
            rows[size] = [Row(size, "sync", "kg load sync (1% changed)")]
        else:
            rows[size] = [Row(size, "floor", "parse floor (libyaml, all cores)"),
                          Row(size, "floor_rs", "parse floor (yaml_rs, all cores)"),
                          Row(size, "startup", "kg startup (kg --version)")]
            rows[size] += [Row(size, "export", f"kg export {f}", format=f, note="quads" if f == "nq" else "")
                           for f in formats]
            rows[size] += [Row(size, "network", "kg export --network full"),
                           Row(size, "draw", "kg draw providers (svg)")]
            rows[size].append(Row(size, "load", "kg load (embedded)", note="quads in the store after the load"))
            if size == args.sync_size:
                rows[size].append(Row(size, "sync", "kg load sync (1% changed)"))
            rows[size].append(Row(size, "baseline", "baseline (frontmatter+rdflib)"))
            if args.morph_kgc:
                rows[size].append(Row(size, "morph", "Morph-KGC (RML, JSON input)"))
        for row in rows[size]:
            if row.task == "floor_rs" and not rs_ok:
                row.status, row.note = "n/a", "yaml_rs is not installed (pip install yaml-rs)"
            if row.task == "draw" and not draw_ok:
                row.status, row.note = "n/a", "kg draw needs the draw extra (pip install -e '.[draw]')"
            if row.task in ("load", "sync") and not load_ok:
                row.status, row.note = "n/a", "this kg has no `load` command"
            if row.task == "baseline" and (args.no_baseline or size > args.baseline_max):
                row.status, row.note = "n/a", ("--no-baseline" if args.no_baseline
                                               else f"skipped above --baseline-max {args.baseline_max:,}")
            if row.task == "morph":
                if engine is None or engine.python is None:
                    row.status, row.note = "n/a", f"Morph-KGC cannot be had: {engine.reason if engine else '?'}"
                elif size > args.morph_max:
                    row.status, row.note = "n/a", f"skipped above --morph-max {args.morph_max:,}"
    return rows


def parse_args(argv):
    parser = argparse.ArgumentParser(description="Benchmark kg against the parse floors, a naive rdflib baseline "
                                                 "and (optionally) Morph-KGC.")
    parser.add_argument("--sizes", default=None,
                        help=f"comma-separated corpus sizes (default {','.join(map(str, DEFAULT_SIZES))})")
    parser.add_argument("--large", action="store_true", help=f"also measure {LARGE:,} articles")
    parser.add_argument("--formats", default=None, help="comma-separated kg formats (default: all kg registers)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per measurement; the median is reported")
    parser.add_argument("--keep", action="store_true", help="keep the generated corpora (in OUT/corpus-SIZE-seedS)")
    parser.add_argument("--out", default=str(HERE / "out"),
                        help="folder for results and scratch files (default bench/out)")
    parser.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    parser.add_argument("--baseline-max", type=int, default=10000,
                        help="skip the rdflib baseline above this many articles (default 10000: it needs ~30 MB "
                             "and ~2 s per 1,000 articles)")
    parser.add_argument("--no-baseline", action="store_true", help="skip the rdflib baseline")
    parser.add_argument("--sync-size", type=int, default=SYNC_SIZE,
                        help=f"articles of the sync measurement (default {SYNC_SIZE:,}; 0 skips it)")
    parser.add_argument("--sync-share", type=float, default=SYNC_SHARE,
                        help=f"share of the files the sync changes (default {SYNC_SHARE:g})")
    parser.add_argument("--morph-kgc", action="store_true",
                        help="add the Morph-KGC row (its own venv, made on first use: see --morph-venv)")
    parser.add_argument("--morph-venv", default=str(HERE / "out" / "morph-kgc-venv"),
                        help="Morph-KGC's virtual environment (default bench/out/morph-kgc-venv)")
    parser.add_argument("--morph-max", type=int, default=10000,
                        help="skip Morph-KGC above this many articles (default 10000)")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds before a measurement is killed")
    args = parser.parse_args(argv)
    try:
        sizes = [int(s.replace("_", "")) for s in args.sizes.split(",")] if args.sizes else list(DEFAULT_SIZES)
    except ValueError:
        parser.error("--sizes takes comma-separated integers, e.g. 1000,10000")
    if args.large and LARGE not in sizes:
        sizes.append(LARGE)
    if any(s < 1 for s in sizes):
        parser.error("sizes must be 1 or more")
    if args.repeat < 1:
        parser.error("--repeat must be 1 or more")
    if args.sync_size < 0 or not 0 < args.sync_share <= 1:
        parser.error("--sync-size must be 0 or more and --sync-share in (0, 1]")
    args.sizes = sizes
    return parser, args


def main(argv: list[str] | None = None) -> int:
    parser, args = parse_args(argv)
    bench = Bench(args)
    try:
        known = kg_formats(bench.kg)
    except (OSError, subprocess.CalledProcessError) as err:
        print(f"run: error: cannot ask the installed kg for its formats: {err}", file=sys.stderr)
        return 1
    if args.formats:
        chosen = [f.strip() for f in args.formats.split(",") if f.strip()]
        unknown = [f for f in chosen if f not in known]
        if unknown:
            parser.error(f"unknown format(s) {', '.join(unknown)}; kg registers: {', '.join(known)}")
    else:
        chosen = known
    load_ok = has_command(bench.kg, "load")
    bench.out.mkdir(parents=True, exist_ok=True)
    if args.morph_kgc:
        bench.log(f"Morph-KGC: its venv {args.morph_venv} ({morph.PACKAGE}; made on first use)")
        bench.engine = morph.ensure(Path(args.morph_venv))
        bench.log(f"Morph-KGC: {bench.engine.version or 'n/a: ' + bench.engine.reason}")
    started = datetime.now(timezone.utc)
    load_before = os.getloadavg()
    stamp = started.strftime("%Y%m%d-%H%M%S")
    work = Path(tempfile.mkdtemp(prefix=f"work-{stamp}-", dir=bench.out))
    planned = plan(args, chosen, load_ok, bench.engine)
    rows: list[Row] = []
    generated: dict[int, float] = {}
    try:
        for size, size_rows in planned.items():
            corpus = bench.out / f"corpus-{size}-seed{args.seed}"
            shutil.rmtree(corpus, ignore_errors=True)
            t0 = time.perf_counter()
            generate.generate(corpus, size, args.seed)
            generated[size] = time.perf_counter() - t0
            bench.log(f"[{size:,}] generated {size:,} articles in {generated[size]:.2f} s")
            for _ in range(args.repeat):
                for row in size_rows:
                    if row.status == "ok":
                        getattr(bench, row.task)(row, corpus, work)
            rows += size_rows
            for tables in bench.converted.values():
                shutil.rmtree(tables, ignore_errors=True)
            bench.converted.clear()
            if not args.keep:
                shutil.rmtree(corpus, ignore_errors=True)
    finally:  # also on Ctrl-C: no scratch files or unkept corpora left behind
        shutil.rmtree(work, ignore_errors=True)
        if not args.keep:
            for size in planned:
                shutil.rmtree(bench.out / f"corpus-{size}-seed{args.seed}", ignore_errors=True)
    summarize(rows)
    checked = targets.check(rows, sync_size=args.sync_size or SYNC_SIZE)
    print(table(rows))
    print()
    print(targets.report(checked))
    result = {
        "schema": SCHEMA_VERSION,
        "started": started.isoformat(timespec="seconds"),
        "git": git_info(),
        "machine": {**machine_info(), "load_average_start": load_before},
        "kg": {"command": bench.kg, "formats": known,
               "version": subprocess.run([*bench.kg, "--version"], check=False, capture_output=True,
                                         text=True).stdout.strip()},
        "morph_kgc": asdict(bench.engine) if bench.engine else None,
        "options": {"sizes": args.sizes, "formats": chosen, "repeat": args.repeat, "large": args.large,
                    "keep": args.keep, "seed": args.seed, "baseline_max": args.baseline_max,
                    "no_baseline": args.no_baseline, "sync_size": args.sync_size, "sync_share": args.sync_share,
                    "morph_kgc": args.morph_kgc, "morph_max": args.morph_max, "timeout": args.timeout},
        "generate_seconds": {str(k): v for k, v in generated.items()},
        "rows": [asdict(r) for r in rows],
        "targets": [asdict(t) for t in checked],
    }
    text = json.dumps(result, indent=2) + "\n"
    path = bench.out / f"results-{stamp}.json"
    path.write_text(text, encoding="utf-8")
    (bench.out / "latest.json").write_text(text, encoding="utf-8")
    bench.log(f"results: {path}")
    return 1 if any(r.status == "failed" for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
