"""Faults that lose data (issue 13), each made for real: concurrent processes, an Oxigraph
server (read-write and read-only) holding the store, a second PID namespace (unshare), small
tmpfs disks, damaged stores, signals, and I/O errors and kills injected into the renames of
a commit (strace). Each test failed on the code before the fix."""
from __future__ import annotations

import contextlib
import fcntl
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pyoxigraph
import pytest
from conftest import ROOT, SEEDS
from servers import free_port, oxigraph_binary, oxigraph_server
from test_cli_robust import ALL, article, snapshot, snapshot_exports, temp_files
from test_store import dump

import graph
from graph import leftovers
from graph.identity.iris import source_graph_iri, sync_graph_iri
from graph.store import embedded as store_module
from graph.terms import DEFAULT_BASE

TRACEBACK = "Traceback"


def command(*args) -> list[str]:
    exe = shutil.which("kg")
    return [exe, *map(str, args)] if exe else [sys.executable, "-m", "graph", *map(str, args)]


def _default_signals() -> None:
    # A shell starts background jobs with Ctrl-C ignored, and Python keeps an ignored
    # signal ignored: give kg the dispositions a terminal gives it, whatever runs the tests.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def start(*args, **kwargs) -> subprocess.Popen:
    return subprocess.Popen(command(*args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=_default_signals, **kwargs)


def kg(*args, env=None, timeout=300) -> subprocess.CompletedProcess:
    return subprocess.run(command(*args), capture_output=True, text=True, env=env, timeout=timeout,
                          preexec_fn=_default_signals)


def one_line_error(run, start: str = "kg: error: ") -> str:
    """The run's stderr is a single line (an error message), never a traceback."""
    assert TRACEBACK not in run.stderr, run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(start), run.stderr
    return lines[0]


def wait_for(condition, what: str, timeout: float = 120):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.005)


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """Generated corpora (bench/generate.py), made once per size."""
    sys.path.insert(0, str(ROOT / "bench"))
    import generate

    made: dict[int, Path] = {}

    def corpus(articles: int) -> Path:
        if articles not in made:
            made[articles] = tmp_path_factory.mktemp(f"gen{articles}")
            generate.generate(made[articles], articles, seed=13)
        return made[articles]

    return corpus


@pytest.fixture
def tmpfs(tmp_path):
    """Mount a real tmpfs of a given size (root only; skipped where mounting is refused)."""
    mounted: list[Path] = []

    def mount(size: str, name: str = "disk") -> Path:
        where = tmp_path / name
        where.mkdir()
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
                              capture_output=True, text=True)
        if done.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here ({done.stderr.strip() or 'mount failed'})")
        mounted.append(where)
        return where

    yield mount
    for where in mounted:
        subprocess.run(["umount", "-l", str(where)], check=False)


def need_strace() -> str:
    exe = shutil.which("strace")
    if exe is None:
        pytest.skip("strace is not installed (apt-get install strace; .ci/run installs it)")
    if subprocess.run([exe, "-qq", "-o", "/dev/null", "true"], capture_output=True).returncode != 0:
        pytest.skip("strace cannot trace here (ptrace is not permitted)")
    return exe


def injected(fault: str, *args) -> subprocess.CompletedProcess:
    """Run kg under strace with ``fault`` injected into its rename() calls (the commit's)."""
    return subprocess.run([need_strace(), "-f", "-qq", "-o", "/dev/null", "-e", "trace=rename",
                           "-e", f"inject=rename:{fault}", *command(*args)],
                          capture_output=True, text=True, timeout=300, preexec_fn=_default_signals)


def held(path: Path) -> bool:
    """Whether another process holds an flock on ``path``."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return False
    except BlockingIOError:
        return True
    finally:
        os.close(fd)


def children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        with contextlib.suppress(OSError):
            found += [int(c) for c in task.read_text().split()]
    return found


def count(store: Path, sparql: str = "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }") -> int:
    st = pyoxigraph.Store(str(store))
    try:
        return int(next(iter(st.query(sparql)))["n"].value)
    finally:
        del st


# --- 1. two loads of one store at once ---------------------------------------------------------

def test_two_first_loads_of_one_store_take_turns(generated, tmp_path):
    corpus = generated(400)
    store = tmp_path / "out" / "store"
    first = start("load", "-q", "-j", "1", "--store", store, corpus)
    wait_for(lambda: held(tmp_path / "out" / ".store.kg-lock") or first.poll() is not None,
             "the first load to take its lock on the store")
    assert first.poll() is None, first.communicate()
    os.kill(first.pid, signal.SIGSTOP)  # it holds the lock, and has not written the store yet
    try:
        second = start("load", "--store", store, corpus)
        told = second.stderr.readline()
        assert told == f"kg: waiting for another kg load of {store} to end (process {first.pid})\n"
        time.sleep(0.5)
        assert second.poll() is None  # it waits
    finally:
        os.kill(first.pid, signal.SIGCONT)
    out, err = first.communicate(timeout=300)
    assert first.returncode == 0, err
    out, err = second.communicate(timeout=300)
    assert second.returncode == 0, err
    assert "sources 0 added, 0 updated, 0 removed, 400 unchanged; corpus graph unchanged" in out
    graph.load([corpus], tmp_path / "alone")
    assert dump(store) == dump(tmp_path / "alone")  # whole, and exactly what one load makes
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["store"]  # no lock, no leftover
    with oxigraph_server(store) as server:  # and a server opens it
        rows = server.select("SELECT (COUNT(*) AS ?n) { ?a a <https://schema.org/NewsArticle> }")
        assert int(rows[0]["n"]) > 400


def test_a_first_load_never_replaces_a_store_that_appeared_meanwhile(write_corpus, tmp_path, monkeypatch):
    corpus = write_corpus({f"{i}.md": article(i) for i in range(5)})
    target = tmp_path / "store"
    real = store_module.nquads_chunks
    servers = contextlib.ExitStack()
    started = []

    def a_server_starts_meanwhile(*args):
        chunks = real(*args)
        yield next(chunks)
        server = servers.enter_context(oxigraph_server(target))  # it makes a store in the empty folder
        server.update("INSERT DATA { GRAPH <urn:mine> { <urn:s> <urn:p> 'mine' } }")
        started.append(server)
        yield from chunks

    monkeypatch.setattr(store_module, "nquads_chunks", a_server_starts_meanwhile)
    with servers:
        with pytest.raises(graph.LoadError, match=f"another process put something in {re.escape(str(target))} "):
            graph.load([corpus], target)
        assert started[0].select("SELECT ?o { GRAPH <urn:mine> { ?s ?p ?o } }") == [{"o": "mine"}]
    assert dump(target) == ['<urn:s> <urn:p> "mine" <urn:mine>']  # the server's store, whole
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus", "store"]


# --- 3. a multi-format export is all or nothing -----------------------------------------------

@pytest.fixture
def previous(tmp_path) -> Path:
    out = tmp_path / "out"
    run = kg("export", *ALL, "-o", out, SEEDS)
    assert run.returncode == 0, run.stderr
    return out


@pytest.fixture
def other(write_corpus) -> Path:
    return write_corpus({"a.md": article(1), "b.md": article(2)})


def test_a_folder_in_the_way_replaces_no_file(previous, other):
    (previous / "graph.nq").unlink()
    (previous / "graph.nq").mkdir()
    before = {p.name: p.read_bytes() for p in previous.iterdir() if p.is_file()}
    run = kg("export", *ALL, "-o", previous, other)
    assert run.returncode == 1
    assert one_line_error(run) == (f"kg: error: cannot write {previous / 'graph.nq'}: a folder of that name is "
                                   f"in the way; the previous export files are unchanged")
    assert {p.name: p.read_bytes() for p in previous.iterdir() if p.is_file()} == before
    assert temp_files(previous) == []


def test_an_io_error_between_the_renames_puts_every_file_back(previous, other):
    before = snapshot(previous)
    run = injected("error=EIO:when=3", "export", "-q", *ALL, "-o", previous, other)  # graph.nq's rename fails
    assert run.returncode == 1
    assert one_line_error(run) == (f"kg: error: cannot write {previous / 'graph.nq'}: Input/output error; "
                                   f"the previous export files are unchanged")
    assert snapshot(previous) == before  # graph.ttl and graph.nt put back; nothing left behind


def test_a_kill_between_the_renames_is_undone_by_the_next_run(previous, other):
    before = snapshot(previous)
    run = injected("signal=SIGKILL:when=3", "export", "-q", *ALL, "-o", previous, other)
    assert run.returncode == -signal.SIGKILL
    assert snapshot_exports(previous) != before  # killed half-way: graph.ttl and graph.nt are new
    run = kg("export", "-q", "-f", "ttl", "-o", previous, SEEDS)  # the next run, of one format
    assert run.returncode == 0, run.stderr
    assert snapshot(previous) == before  # the killed run's files were put back, its leftovers gone


# --- 5. a read-only Oxigraph server on the store --------------------------------------------

@contextlib.contextmanager
def read_only_server(location: Path):
    """`oxigraph serve-read-only`: it reads the store without RocksDB's lock."""
    port = free_port()
    proc = subprocess.Popen([oxigraph_binary(), "serve-read-only", "--location", str(location),
                             "--bind", f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}/query?query=" + urllib.request.quote("SELECT * { GRAPH ?g { ?s ?p ?o } }")
    try:
        def answers() -> bool:
            if proc.poll() is not None:
                raise RuntimeError(proc.stderr.read().decode(errors="replace"))
            try:
                urllib.request.urlopen(url, timeout=2).read()
                return True
            except OSError:
                return False
        wait_for(answers, "oxigraph serve-read-only to answer", 60)
        yield proc, url
    finally:
        proc.terminate()
        proc.wait(10)
        proc.stderr.close()


def test_a_read_only_server_on_the_store_is_refused(write_corpus, tmp_path):
    corpus = write_corpus({"a.md": article(1)})
    store = tmp_path / "store"
    assert kg("load", "-q", "--store", store, corpus).returncode == 0
    before = dump(store)
    (corpus / "b.md").write_text(article(2), encoding="utf-8")
    with read_only_server(store) as (server, url):
        run = kg("load", "-q", "--store", store, corpus)
        assert run.returncode == 1
        line = one_line_error(run)
        assert line.startswith(f"kg: error: the store {store} is open read-only by another process "
                               f"(process {server.pid}: {oxigraph_binary()} serve-read-only")
        assert line.endswith("a load would change the files under it: stop it, then load again; "
                             "the store was left as it was")
        urllib.request.urlopen(url, timeout=10).read()  # and it still answers
    assert dump(store) == before
    assert kg("load", "-q", "--store", store, corpus).returncode == 0  # once it is stopped


# --- 6. leftovers in a folder shared with another PID namespace -------------------------------

def in_new_pid_namespace(*args: str, pid: int) -> subprocess.Popen:
    """kg in a new PID namespace (as in another container), where it gets process id ``pid``."""
    if shutil.which("unshare") is None:
        pytest.skip("unshare is not installed (util-linux)")
    script = f'echo {pid - 1} > /proc/sys/kernel/ns_last_pid && "$@"; exit $?'
    proc = subprocess.Popen(["unshare", "--pid", "--fork", "--mount-proc", "sh", "-c", script, "sh", *command(*args)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=_default_signals)
    return proc


def a_free_pid() -> int:
    """A process id no process here has (so the old rule, 'no such process: dead', applied)."""
    return next(p for p in range(7001, 9000) if not Path(f"/proc/{p}").exists())


def test_a_live_export_in_another_pid_namespace_is_left_alone(tmp_path, generated, previous):
    pid = a_free_pid()
    inner = in_new_pid_namespace("export", "-q", *ALL, "-o", str(previous), str(generated(3000)), pid=pid)
    mine = f".kg-tmp-{pid}-"
    wait_for(lambda: any(p.name.startswith(mine) for p in temp_files(previous)) or inner.poll() is not None,
             "the export in the other namespace to write")
    (kg_pid,) = [c for sh in children(inner.pid) for c in children(sh)]
    os.kill(kg_pid, signal.SIGSTOP)
    try:
        if inner.poll() is not None or not [p for p in temp_files(previous) if p.name.startswith(mine)]:
            pytest.fail(f"the export in the other namespace ended too soon: {inner.communicate()}")
        assert not Path(f"/proc/{pid}").exists()  # its id means nothing here
        theirs = [p for p in temp_files(previous) if p.name.startswith(mine)]
        run = kg("export", "-q", "-f", "ttl", "-o", previous, SEEDS)  # this namespace's run, same folder
        assert run.returncode == 0, run.stderr
        assert all(p.exists() for p in theirs)  # their files are left alone
    finally:
        os.kill(kg_pid, signal.SIGCONT)
    out, err = inner.communicate(timeout=300)
    assert inner.returncode == 0, err  # and that export completes
    assert temp_files(previous) == []
    assert (previous / "graph.nt").read_bytes().count(b"\n") > 50_000


def test_leftovers_of_a_killed_run_in_another_namespace_go_once_provably_dead(tmp_path, generated, previous):
    pid = a_free_pid()
    inner = in_new_pid_namespace("export", "-q", *ALL, "-o", str(previous), str(generated(3000)), pid=pid)
    mine = f".kg-tmp-{pid}-"
    wait_for(lambda: any(p.name.startswith(mine) for p in temp_files(previous)) or inner.poll() is not None,
             "the export in the other namespace to write")
    (kg_pid,) = [c for sh in children(inner.pid) for c in children(sh)]
    os.kill(kg_pid, signal.SIGKILL)
    inner.communicate(timeout=60)
    theirs = [p for p in temp_files(previous) if p.name.startswith(mine)]
    assert theirs
    assert kg("export", "-q", "-f", "ttl", "-o", previous, SEEDS).returncode == 0
    assert all(p.exists() for p in theirs)  # lock free, but younger than a minute: maybe just made
    old = time.time() - leftovers.GRACE - 1
    for p in theirs:
        os.utime(p, (old, old))
    assert kg("export", "-q", "-f", "ttl", "-o", previous, SEEDS).returncode == 0
    assert temp_files(previous) == []  # its lock died with it: gone


def test_leftovers_of_another_machine_go_after_an_hour_and_a_locked_one_never(tmp_path):
    from graph.commands.export import remove_stale_temp_files

    def leftover(name: str, age: float) -> Path:
        path = tmp_path / name
        path.write_text("x")
        os.utime(path, (time.time() - age, time.time() - age))
        return path

    kernel, ns = leftovers._kernel(), leftovers._pid_namespace()
    elsewhere = "00000000" if kernel != "00000000" else "ffffffff"
    recent = leftover(f".kg-tmp-{os.getpid() + 100000}-{elsewhere}-{ns}-a.part", 3500)  # another machine
    stale = leftover(f".kg-tmp-{os.getpid() + 100000}-{elsewhere}-{ns}-b.part", 3700)
    legacy = leftover(".kg-tmp-1-c.part", 3700)  # an older kg's name: the hour rule too
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    gone = leftover(f".kg-tmp-{dead.stdout.strip()}-{kernel}-{ns}-d.part", 0)  # this machine, no such process
    locked = leftover(f".kg-tmp-{os.getpid()}-{elsewhere}-{ns}-e.part", 7200)
    holder = subprocess.Popen([sys.executable, "-c", "import fcntl, os, sys, time; fd = os.open(sys.argv[1], os.O_RDONLY); "
                               "fcntl.flock(fd, fcntl.LOCK_EX); print('held', flush=True); time.sleep(600)", str(locked)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline() == "held\n"
        assert sorted(remove_stale_temp_files(tmp_path)) == sorted([stale, legacy, gone])
        assert recent.exists() and locked.exists()  # a live lock: never, whatever the age
    finally:
        holder.kill()
        holder.wait()


# --- 7. no traceback, ever ----------------------------------------------------------------

@pytest.fixture
def loaded(write_corpus, tmp_path) -> tuple[Path, Path]:
    corpus = write_corpus({f"{i}.md": article(i) for i in range(3)})
    store = tmp_path / "store"
    graph.load([corpus], store)
    return corpus, store


@pytest.mark.parametrize("damage", ["empty CURRENT", "missing .sst"])
def test_a_damaged_store_is_one_line_in_load_and_query(loaded, damage):
    corpus, store = loaded
    if damage == "empty CURRENT":
        (store / "CURRENT").write_text("")
    else:
        next(store.glob("*.sst")).unlink()
    for run in (kg("load", "-q", "--store", store, corpus), kg("query", "topics", "--store", store)):
        assert run.returncode == 1
        line = one_line_error(run)
        assert f"the store {store} is damaged and cannot be read (" in line, line


@pytest.mark.parametrize("cmd", ["export", "stats", "validate", "load"])
def test_a_full_tmpdir_is_one_line(tmpfs, generated, tmp_path, cmd):
    tmp = tmpfs("1m")
    args = {"export": ["-o", tmp_path / "out"], "load": ["--store", tmp_path / "store"]}.get(cmd, [])
    run = kg(cmd, *args, generated(3000), env={**os.environ, "TMPDIR": str(tmp)})
    assert run.returncode == (2 if cmd == "validate" else 1)
    line = one_line_error(run, "" if cmd == "load" else "kg: error: ")
    assert f"cannot write the records' temporary file in {tmp} (No space left on device); " \
           f"set TMPDIR to a folder with room" in line
    assert not (tmp_path / "out").exists() and not (tmp_path / "store").exists()


def test_folders_nested_1100_deep(tmp_path):
    folder = tmp_path / "deep"
    levels = [os.path.join(str(folder), *["d"] * n) for n in range(1101)]
    for level in levels:  # os.makedirs and Path.mkdir recurse once per level too
        os.mkdir(level)
    try:
        Path(levels[-1], "a.md").write_text(article(1), encoding="utf-8")
        (folder / "b.md").write_text(article(2), encoding="utf-8")
        run = kg("export", "-f", "nt", "-o", tmp_path / "out", folder)
        assert run.returncode == 0, run.stderr[-2000:]
        assert "kg: 2 files read (0 skipped)" in run.stderr
        from graph.read.files import discover
        assert [s.rel for s in discover([folder])[0]] == ["b.md", "d/" * 1100 + "a.md"]
    finally:  # shutil.rmtree recurses as well
        os.unlink(Path(levels[-1], "a.md"))
        for level in reversed(levels[1:]):
            os.rmdir(level)


def test_a_query_with_a_long_word_is_text_not_a_path(loaded):
    _, store = loaded
    long = "x" * 300
    run = kg("query", f'SELECT ?s WHERE {{ ?s ?p "{long}" }}', "--store", store, "--format", "csv")
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "s"
    run = kg("query", f"SELECT ?s WHERE {{ ?s ?p <http://a.example/{long}/x> }}", "--store", store)
    assert run.returncode == 0, run.stderr


@pytest.mark.parametrize("base", ["http://a b/", "rel/", "https://example.org/%zz/"])
def test_an_invalid_base_is_a_usage_error(tmp_path, base):
    run = kg("export", "--base", base, "-o", tmp_path / "out", SEEDS)
    assert run.returncode == 2 and TRACEBACK not in run.stderr and "--base" in run.stderr


def stop_mid_write(out: Path, corpus: Path, *args: str) -> subprocess.Popen:
    """An export frozen (SIGSTOP) while it writes: its temporary files exist, no file is replaced."""
    before = snapshot_exports(out)
    for _ in range(5):
        proc = start("export", *ALL, *args, "-o", out, corpus)
        wait_for(lambda proc=proc: temp_files(out) or proc.poll() is not None, "the export to write")
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGSTOP)
            if temp_files(out) and snapshot_exports(out) == before:
                return proc
            os.kill(proc.pid, signal.SIGKILL)
        proc.communicate()
        for path in out.iterdir():
            path.unlink()
        for name, data in before.items():
            (out / name).write_bytes(data)
    pytest.fail("could not catch the export mid-write")


def test_sigterm_ends_an_export_cleanly(previous, generated):
    before = snapshot(previous)
    proc = stop_mid_write(previous, generated(3000))
    os.kill(proc.pid, signal.SIGTERM)
    os.kill(proc.pid, signal.SIGCONT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 143, err
    assert err.strip().splitlines() == [
        "kg: terminated; export files are replaced only when complete, so none was left half-written"]
    assert snapshot(previous) == before  # no temporary file left


def test_sigterm_to_the_process_group_stops_the_workers_quietly(tmp_path, generated):
    out = tmp_path / "out"
    proc = subprocess.Popen(command("export", "-j", "2", "-o", out, generated(3000)), stderr=subprocess.PIPE,
                            text=True, start_new_session=True, preexec_fn=_default_signals)
    wait_for(lambda: len(children(proc.pid)) >= 2 or proc.poll() is not None, "the workers to start")
    os.killpg(proc.pid, signal.SIGTERM)  # as a service manager or `kill -TERM -PGID` does
    try:
        _, err = proc.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        raise
    assert proc.returncode == 143, err
    assert err.strip().splitlines() == [
        "kg: terminated; export files are replaced only when complete, so none was left half-written"]
    assert not out.exists() or temp_files(out) == []


def test_sigterm_during_a_first_load_leaves_no_temporary_store(tmp_path, generated):
    store = tmp_path / "out" / "store"
    proc = start("load", "-q", "--store", store, generated(3000))
    wait_for(lambda: list((tmp_path / "out").glob(".kg-tmp-store-*/store/CURRENT")) or proc.poll() is not None,
             "the bulk load to start")
    os.kill(proc.pid, signal.SIGTERM)
    _, err = proc.communicate(timeout=120)
    if proc.returncode == 0:
        pytest.fail("the load ended before SIGTERM arrived")
    assert proc.returncode == 143, err
    assert err.strip().splitlines() == [
        "kg: terminated; the store is as it was, or wholly loaded if the load was just ending: never half-written"]
    assert list((tmp_path / "out").iterdir()) == []


# --- 9. cost that grows wrong -------------------------------------------------------------

def peak_rss_kb(*args: str) -> int:
    """The peak memory of one kg run, measured by a parent that runs nothing else."""
    probe = ("import resource, subprocess, sys; done = subprocess.run(sys.argv[1:], capture_output=True); "
             "assert done.returncode == 0, done.stderr[-2000:]; "
             "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    run = subprocess.run([sys.executable, "-c", probe, *command(*args)], capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    return int(run.stdout)


def test_a_large_later_sync_needs_no_more_memory_than_a_first_load(tmp_path, generated):
    corpus = generated(3000)
    first = peak_rss_kb("load", "-q", "-j", "1", "--store", tmp_path / "first", corpus)
    assert kg("load", "-q", "--store", tmp_path / "later", SEEDS).returncode == 0
    later = peak_rss_kb("load", "-q", "-j", "1", "--store", tmp_path / "later", corpus)
    # One SPARQL Update holding the change took 3.6x the first load's memory here (4.5x at 10,000).
    assert later < first * 1.3, (later, first)
    graph.load([corpus], tmp_path / "fresh")
    assert dump(tmp_path / "later") == dump(tmp_path / "fresh")  # the same store as a first load makes


def test_a_large_sync_is_all_or_nothing(loaded, monkeypatch):
    corpus, store = loaded
    before = dump(store)
    (corpus / "0.md").write_text(article(0, title="Changed"), encoding="utf-8")
    (corpus / "2.md").unlink()
    monkeypatch.setattr(store_module, "LARGE_CHANGE", 0)  # every change goes through the copy
    real = store_module._write

    def fails(*args):
        real(*args)
        raise OSError(28, "No space left on device")  # the copy is complete; the swap must not happen

    monkeypatch.setattr(store_module, "_write", fails)
    with pytest.raises(graph.LoadError, match="No space left on device; the store was left as it was"):
        graph.load([corpus], store)
    assert dump(store) == before
    assert sorted(p.name for p in store.parent.iterdir()) == ["corpus", "store"]
    monkeypatch.setattr(store_module, "_write", real)
    result = graph.load([corpus], store)
    assert result.sources(result.plan.updated) == ["0.md"] and result.sources(result.plan.removed) == ["2.md"]
    graph.load([corpus], store.parent / "fresh")
    assert dump(store) == dump(store.parent / "fresh")


def test_a_store_that_is_a_volume_in_a_read_only_tree_is_synced_in_place(tmpfs, tmp_path, generated, monkeypatch):
    """A store folder that is a mount point of its own (a container's volume), in a folder
    kg may not write: no lock file beside it, no copy to swap; one Update, as before."""
    parent = tmpfs("4m", "tree")
    volume = parent / "store"
    volume.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(volume)]).returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        graph.load([SEEDS], tmp_path / "built")
        for path in (tmp_path / "built").iterdir():
            shutil.copy2(path, volume / path.name)
        subprocess.run(["mount", "-o", "remount,ro", str(parent)], check=True)
        run = kg("load", "-q", "--store", volume, generated(400))  # a large change
        assert run.returncode == 0, run.stderr
        assert count(volume) > 10_000 and sorted(os.listdir(parent)) == ["store"]
    finally:
        subprocess.run(["umount", "-l", str(volume)], check=False)


def test_a_killed_first_load_leaves_nothing_for_good(tmp_path, generated):
    store = tmp_path / "out" / "store"
    proc = start("load", "-q", "--store", store, generated(3000))
    wait_for(lambda: list((tmp_path / "out").glob(".kg-tmp-store-*/store/CURRENT")) or proc.poll() is not None,
             "the bulk load to start")
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate()
    assert list((tmp_path / "out").glob(".kg-tmp-store-*"))  # a kill cannot clean up
    assert kg("load", "-q", "--store", store, SEEDS).returncode == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["store"]  # the next load did


def test_rocksdb_logs_do_not_pile_up(loaded):
    _, store = loaded
    for _ in range(6):  # RocksDB adds one LOG.old.* at every open
        assert kg("query", "ASK { ?s ?p ?o }", "--store", store).returncode == 0
    assert len(list(store.glob("LOG.old.*"))) == 3  # as README says


# --- 10. messages ---------------------------------------------------------------------------

def test_a_full_disk_names_the_file(tmpfs, generated):
    out = tmpfs("64k") / "out"
    run = kg("export", "-q", "-f", "all", "-o", out, generated(3000))
    assert run.returncode == 1
    assert re.fullmatch(f"kg: error: cannot write {re.escape(str(out))}/graph\\.(ttl|nt|nq|trig|jsonld|graphml): "
                        f"the disk is full; the previous export files are unchanged", one_line_error(run))
    assert list(out.iterdir()) == []


def test_a_full_tmpdir_while_writing_json_ld_names_the_tmpdir(tmpfs, generated, tmp_path):
    tmp = tmpfs("6m")  # room for the records, not for JSON-LD's node texts
    out = tmp_path / "out"
    run = kg("export", "-q", "-f", "jsonld", "-o", out, generated(3000), env={**os.environ, "TMPDIR": str(tmp)})
    assert run.returncode == 1
    assert one_line_error(run) == (f"kg: error: cannot write a temporary file in {tmp}: the disk is full (set "
                                   f"TMPDIR to a folder with room); the previous export files are unchanged")
    assert list(out.iterdir()) == []


def test_a_failed_load_says_so_once_and_briefly(tmpfs, generated):
    corpus = generated(3000)
    store = tmpfs("1m") / "store"  # too small for the store
    run = kg("load", "--store", store, corpus)
    assert run.returncode == 1 and TRACEBACK not in run.stderr
    lines = run.stderr.strip().splitlines()
    assert lines[0].startswith(f"kg: error: cannot write the store {store}: ")
    assert lines[0].endswith("; the store was left as it was")
    assert lines[1:] == []  # nothing was written, which the error says: no list of graphs
    run = kg("load", "-q", "--store", store, corpus)
    assert run.returncode == 1
    one_line_error(run)  # -q: the error alone
    assert list(store.parent.iterdir()) == []


def test_a_negative_triple_count_in_the_record_is_not_believed(loaded):
    corpus, store = loaded
    st = pyoxigraph.Store(str(store))
    g = source_graph_iri(DEFAULT_BASE, "0.md")
    count_iri = "https://w3id.org/kg-news/vocab#tripleCount"
    st.update(f"DELETE {{ GRAPH <{sync_graph_iri(DEFAULT_BASE)}> {{ <{g}> <{count_iri}> ?n }} }} "
              f"INSERT {{ GRAPH <{sync_graph_iri(DEFAULT_BASE)}> {{ <{g}> <{count_iri}> -1000000 }} }} "
              f"WHERE {{ GRAPH <{sync_graph_iri(DEFAULT_BASE)}> {{ <{g}> <{count_iri}> ?n }} }}")
    del st
    run = kg("load", "--store", store, corpus)
    assert run.returncode == 0, run.stderr
    assert "-" not in run.stdout.split("triples ")[1].split(";")[0].replace(" -> ", "")
    assert "updated  0.md" in run.stdout  # a graph in an unknown state is rewritten
    run = kg("load", "--store", store, corpus)
    assert "0 updated" in run.stdout


def test_topics_in_one_file_cost_in_proportion_to_their_number(tmp_path):
    """100,000 topics in one file took 43-60 s when each was looked up in a list; now the cost
    grows with their number (timed against ten times fewer, pairs interleaved, medians)."""
    import statistics
    import time

    def made(n: int):
        path = tmp_path / f"{n}.md"
        path.write_text("---\ntitle: T\nwebUrl: https://a.example/x\ntopics:\n" +
                        "".join(f"  - topic {i}\n" for i in range(n)) + "---\n", encoding="utf-8")
        return path

    small, large = made(10_000), made(100_000)
    times: dict = {small: [], large: []}
    for _ in range(3):
        for path in (small, large):
            started = time.perf_counter()
            counts = graph.stats([path], jobs=1).counts
            times[path].append(time.perf_counter() - started)
            assert counts["topics"] == (10_000 if path == small else 100_000)
    ratio = statistics.median(times[large]) / statistics.median(times[small])
    assert ratio < 40, f"10x the topics took {ratio:.0f}x the time (a quadratic cost gives about 100x)"
