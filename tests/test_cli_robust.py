"""`kg export` as a user meets it when things go wrong: messages, summary, exit codes,
--strict, a disk that refuses, and runs that are killed or interrupted."""
from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import SEEDS

import graph
from graph import leftovers
from graph.commands.export import OutputError, remove_stale_temp_files

MESSAGE = re.compile(r"^(?P<path>[^:]+)(?::(?P<line>\d+))?: (?P<level>error|warning): (?P<message>.+)$")
ALL = ["-f", "ttl", "-f", "nt", "-f", "nq", "-f", "trig"]


def command(*args) -> list[str]:
    exe = shutil.which("kg")
    return [exe, *args] if exe else [sys.executable, "-m", "graph", *args]


def kg(*args, cwd=None):
    return subprocess.run(command(*args), capture_output=True, text=True, cwd=cwd, timeout=300)


def article(n: int, **fields) -> str:
    """An article's text; ``fields`` replace or add YAML values (written as given)."""
    values = {"title": f"Article {n}", "webUrl": f"https://news.example/{n}", "quality": f"{n % 100}",
              "topics": "[AI, Robots]", "publishedDateTime": f"2020-07-{n % 28 + 1:02d}T11:00:00Z",
              "provider": "{name: News, domain: news.example}",
              "related": f"[{{webUrl: 'https://other.example/{n}', title: 'Other {n}'}}]"}
    values.update(fields)
    return "---\n" + "".join(f"{k}: {v}\n" for k, v in values.items()) + "---\n"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.fixture
def previous(tmp_path) -> Path:
    """An output folder holding the export of the seeds: what a failed run must leave alone."""
    out = tmp_path / "out"
    run = kg("export", *ALL, "-o", str(out), str(SEEDS))
    assert run.returncode == 0, run.stderr
    return out


def bad_corpus(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "ok.md").write_text(article(1), encoding="utf-8")
    (folder / "warn.md").write_text(article(2, quality='"high"'), encoding="utf-8")
    (folder / "empty.md").write_text("", encoding="utf-8")
    (folder / "esc.md").write_text(article(3, heat='"\\e[2J\\e[31mred"'), encoding="utf-8")
    return folder


# -- messages and summary ------------------------------------------------------------------

def test_each_problem_once_then_a_summary(tmp_path):
    corpus = bad_corpus(tmp_path / "in")
    run = kg("export", "-o", str(tmp_path / "out"), str(corpus), str(corpus / "warn.md"))
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    lines = run.stderr.strip().splitlines()
    problems, summary = lines[:-1], lines[-1]
    assert len(problems) == len(set(problems)) == 2
    for line in problems:
        assert MESSAGE.match(line), line
    assert not any("empty.md" in line for line in problems)  # an empty file is not an item, nor an error
    assert f"{corpus / 'warn.md'}:4: warning: quality 'high' is not a whole number; field dropped" in problems
    assert summary.startswith("kg: 4 files read (0 skipped, 1 not an item), 6 articles (3 with a file, 3 only linked), ")
    assert "; 0 errors, 2 warnings; " in summary and summary.endswith(str(tmp_path / "out" / "graph.ttl"))


def test_terminal_escapes_from_the_data_are_shown_escaped(tmp_path):
    corpus = bad_corpus(tmp_path / "in")
    (corpus / "evil\x1b[31m.md").write_text(article(4, quality="x"), encoding="utf-8")
    run = kg("export", "-o", str(tmp_path / "out"), str(corpus))
    assert "\x1b" not in run.stderr
    assert r"heat '\x1b[2J\x1b[31mred' is not a whole number; field dropped" in run.stderr
    assert r"evil\x1b[31m.md:4: warning: quality 'x' is not a whole number" in run.stderr


# -- exit codes and --strict -----------------------------------------------------------------

def test_strict_fails_on_a_warning_and_writes_nothing(tmp_path, previous):
    before = snapshot(previous)
    corpus = tmp_path / "in"
    corpus.mkdir()
    (corpus / "a.md").write_text(article(1, quality='"high"'), encoding="utf-8")
    run = kg("export", *ALL, "--strict", "-o", str(previous), str(corpus))
    assert run.returncode == 1
    assert run.stderr.strip().splitlines()[-1] == "kg: error: --strict: 1 problem found; nothing written"
    assert "-> nothing written" in run.stderr
    assert snapshot(previous) == before
    run = kg("export", *ALL, "-o", str(previous), str(corpus))  # without --strict: exported, exit 0
    assert run.returncode == 0 and snapshot(previous) != before


def test_strict_counts_unknown_fields(tmp_path):
    corpus = tmp_path / "in"
    corpus.mkdir()
    (corpus / "a.md").write_text(article(1, mood="happy"), encoding="utf-8")
    run = kg("export", "--strict", "-o", str(tmp_path / "out"), str(corpus))
    assert run.returncode == 1
    assert "kg: warning: unmapped field mood in 1 file" in run.stderr
    assert not (tmp_path / "out").exists()


def test_strict_passes_clean_data(tmp_path):
    run = kg("export", "--strict", "-o", str(tmp_path / "out"), str(SEEDS))
    assert run.returncode == 0, run.stderr
    assert "; 0 errors, 0 warnings; " in run.stderr


def test_nothing_exported_exits_1_and_keeps_the_previous_export(tmp_path, previous):
    before = snapshot(previous)
    corpus = tmp_path / "in"
    corpus.mkdir()
    (corpus / "a.md").write_text("---\ntitle: no URL\n---\n", encoding="utf-8")
    run = kg("export", *ALL, "-o", str(previous), str(corpus))
    assert run.returncode == 1
    assert run.stderr.strip().endswith("kg: error: no article could be exported; nothing written")
    assert snapshot(previous) == before
    run = kg("export", "-o", str(previous), str(tmp_path / "missing"))
    assert run.returncode == 1
    assert f"{tmp_path / 'missing'}: error: no such file or folder" in run.stderr


@pytest.mark.parametrize("args", [
    ["--max-file-size", "0"],
    ["--base", "https://example.org/no-slash"],
    ["--no-such-option"],
    ["--format", "xml"],
])
def test_usage_errors_exit_2(tmp_path, args):
    run = kg("export", *args, "-o", str(tmp_path / "out"), str(SEEDS))
    assert run.returncode == 2
    assert "Traceback" not in run.stderr and "Usage:" in run.stderr
    assert not (tmp_path / "out").exists()


# -- the disk refuses --------------------------------------------------------------------------

def test_output_folder_that_cannot_be_created(tmp_path):
    (tmp_path / "file").write_text("a regular file")
    run = kg("export", "-o", str(tmp_path / "file" / "out"), str(SEEDS))
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    assert run.stderr.strip().splitlines()[-1].startswith(
        f"kg: error: cannot create the output folder {tmp_path / 'file' / 'out'}: a file is in the way")


def test_output_path_that_is_a_file(tmp_path):
    (tmp_path / "file").write_text("a regular file")
    with pytest.raises(OutputError, match="cannot create the output folder .*: a file is in the way"):
        graph.export([SEEDS], ["ttl"], tmp_path / "file")
    assert (tmp_path / "file").read_text() == "a regular file"


@pytest.fixture
def small_disk(tmp_path):
    """A real 64 KiB file system (tmpfs); skipped where mounting is not permitted."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here ({done.stderr.strip() or 'mount failed'})")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_full_disk(tmp_path, small_disk):
    out = small_disk / "out"
    assert kg("export", "-o", str(out), str(SEEDS)).returncode == 0
    before = snapshot(out)
    corpus = tmp_path / "in"
    corpus.mkdir()
    for n in range(400):  # about 300 KB of Turtle: more than the disk holds
        (corpus / f"{n}.md").write_text(article(n), encoding="utf-8")
    run = kg("export", "-o", str(out), str(corpus))
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    assert run.stderr.strip().splitlines()[-1] == \
        f"kg: error: cannot write {out / 'graph.ttl'}: the disk is full; the previous export files are unchanged"
    assert snapshot(out) == before  # and no temporary file left behind


def test_read_only_output(tmp_path, small_disk):
    out = small_disk / "out"
    assert kg("export", "-o", str(out), str(SEEDS)).returncode == 0
    before = snapshot(out)
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    corpus = tmp_path / "in"
    corpus.mkdir()
    (corpus / "a.md").write_text(article(1), encoding="utf-8")
    run = kg("export", "-o", str(out), str(corpus))
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    assert run.stderr.strip().splitlines()[-1] == \
        f"kg: error: cannot write {out / 'graph.ttl'}: the file system is read-only; " \
        f"the previous export files are unchanged"
    assert snapshot(out) == before


# -- killed and interrupted runs ----------------------------------------------------------------

@pytest.fixture(scope="module")
def big_corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("big")
    for n in range(3000):
        (folder / f"{n:05d}.md").write_text(article(n), encoding="utf-8")
    return folder


def temp_files(folder: Path) -> list[Path]:
    return sorted(folder.glob(".kg-tmp-*"))


def stop_mid_write(out: Path, before: dict, corpus: Path, attempts: int = 5) -> subprocess.Popen:
    """Start an export and freeze it (SIGSTOP) while it is writing: a temporary file
    exists and no export file has been replaced yet. Polls; never relies on timing."""
    for _ in range(attempts):
        proc = subprocess.Popen(command("export", *ALL, "-o", str(out), str(corpus)),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                preexec_fn=default_ctrl_c)
        while proc.poll() is None and not temp_files(out):
            time.sleep(0.001)
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGSTOP)
            if temp_files(out) and snapshot_exports(out) == before:
                return proc
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        restore(out, before)  # it finished (or renamed) before it could be frozen: try again
    pytest.fail(f"could not catch the export mid-write in {attempts} attempts")


def default_ctrl_c() -> None:
    """Run in the child before kg starts: Ctrl-C as a terminal delivers it. A shell starts
    background jobs with SIGINT ignored, and Python keeps an ignored signal ignored, so a
    test suite started in the background (`pytest &`, nohup) saw kg finish (exit 0) through
    the SIGINT of test_interrupted_export_exits_130_cleanly."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def snapshot_exports(folder: Path) -> dict[str, bytes]:
    return {name: data for name, data in snapshot(folder).items() if not name.startswith(".kg-tmp-")}


def restore(folder: Path, files: dict[str, bytes]) -> None:
    for path in folder.iterdir():
        path.unlink()
    for name, data in files.items():
        (folder / name).write_bytes(data)


def test_killed_export_leaves_the_previous_files(previous, big_corpus):
    before = snapshot(previous)
    proc = stop_mid_write(previous, before, big_corpus)
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate()
    assert proc.returncode == -signal.SIGKILL
    assert snapshot_exports(previous) == before  # unchanged, byte for byte
    left = temp_files(previous)
    assert left, "the killed run could not clean up: its temporary file is still there"
    assert all(p.name.endswith(".part") for p in left)  # never named like an export
    # the next run removes the dead run's temporary files and writes a full export
    run = kg("export", *ALL, "-o", str(previous), str(SEEDS))
    assert run.returncode == 0, run.stderr
    assert temp_files(previous) == []
    assert snapshot(previous) == before  # the same input gives the same bytes


def test_interrupted_export_exits_130_cleanly(previous, big_corpus):
    before = snapshot(previous)
    proc = stop_mid_write(previous, before, big_corpus)
    os.kill(proc.pid, signal.SIGINT)
    os.kill(proc.pid, signal.SIGCONT)
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr
    assert stderr.strip().splitlines()[-1] == \
        "kg: interrupted; export files are replaced only when complete, so none was left half-written"
    assert snapshot(previous) == before  # and its temporary files are gone


def test_stale_temp_files_of_dead_runs_are_removed(tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    here = f"{leftovers._kernel()}-{leftovers._pid_namespace()}"  # made on this machine, in this PID namespace
    stale = tmp_path / f".kg-tmp-{dead.pid}-{here}-abc.part"
    live = tmp_path / f".kg-tmp-{os.getppid()}-{here}-def.part"  # a running process: maybe writing now
    other = tmp_path / ".kg-tmp-notes.txt"
    for path in (stale, live, other):
        path.write_text("x")
    assert remove_stale_temp_files(tmp_path) == [stale]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([live.name, other.name])
    a_while_ago = time.time() - leftovers.GRACE - 1  # a live process id, but no kg holds the file's lock: reused
    os.utime(live, (a_while_ago, a_while_ago))
    assert remove_stale_temp_files(tmp_path) == [live]


def test_export_files_get_the_usual_permissions(tmp_path):
    old = os.umask(0o022)
    try:
        graph.export([SEEDS], ["ttl", "nt"], tmp_path)
    finally:
        os.umask(old)
    for name in ("graph.ttl", "graph.nt"):
        assert (tmp_path / name).stat().st_mode & 0o777 == 0o644
