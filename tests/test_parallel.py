"""Worker processes change nothing in the output."""
from __future__ import annotations

import graph
from graph.pipeline import workers


def test_parallel_parse_is_byte_identical(ai_news, tmp_path, monkeypatch):
    monkeypatch.setattr(workers, "PARALLEL_MIN_ITEMS", 1)
    graph.export([ai_news], ["ttl", "nq"], tmp_path / "one", jobs=1)
    graph.export([ai_news], ["ttl", "nq"], tmp_path / "two", jobs=2)
    for name in ("graph.ttl", "graph.nq"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()


def test_problems_come_back_from_workers_in_order(write_corpus, tmp_path, monkeypatch):
    monkeypatch.setattr(workers, "PARALLEL_MIN_ITEMS", 1)
    files = {f"{i:02d}.md": f"---\nwebUrl: https://a.example/{i}\nquality: bad{i}\n---\n" for i in range(40)}
    folder = write_corpus(files)
    report = graph.problems.Report()
    graph.read_corpus([folder], report=report, jobs=2)
    warned = [p.path.rsplit("/", 1)[-1] for p in report.problems if "quality" in p.message]
    assert warned == sorted(files)


def test_ctrl_c_to_the_process_group_gives_one_clean_message(tmp_path):
    """Ctrl-C in a terminal signals kg and its worker processes alike."""
    import os
    import signal
    import subprocess
    import sys
    import time

    from conftest import ROOT
    sys.path.insert(0, str(ROOT / "bench"))
    import generate

    generate.generate(tmp_path / "in", 5000, seed=3)
    out = tmp_path / "out"
    from test_cli_robust import default_ctrl_c
    proc = subprocess.Popen([sys.executable, "-m", "graph", "export", "-j", "2", "-o", str(out), str(tmp_path / "in")],
                            stderr=subprocess.PIPE, text=True, start_new_session=True, preexec_fn=default_ctrl_c)
    # wait until the workers run (the first pass has started), then interrupt them all
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(_children(proc.pid)) < 2:
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGINT)
    try:
        _, stderr = proc.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # leave nothing running behind the failure
        raise AssertionError("kg (or one of its workers) did not end after Ctrl-C") from None
    # The interrupt arrives while the workers read 5,000 files: an export that finished
    # anyway did not stop on Ctrl-C, and fails here.
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr
    assert stderr.strip().splitlines()[-1].startswith("kg: interrupted")
    assert not out.exists() or not [p for p in out.iterdir() if p.name.startswith(".kg-tmp-")]


def _children(pid: int) -> list[str]:
    import pathlib
    found = []
    for task in pathlib.Path(f"/proc/{pid}/task").glob("*/children"):
        found += task.read_text().split()
    return found


def test_progress_is_drawn_on_a_terminal_and_never_into_a_pipe(ai_news, tmp_path):
    import io
    import subprocess
    import sys

    from graph.progress import Progress

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    screen = Terminal()
    progress = Progress(screen)
    progress.start("reading", 3)
    progress._drawn = -1e9  # draw now
    progress.advance()
    progress.finish()
    assert "kg: reading 1/3 files (33%)" in screen.getvalue()
    assert screen.getvalue().endswith("\r\x1b[K")

    run = subprocess.run([sys.executable, "-m", "graph", "export", "-o", str(tmp_path), str(ai_news)],
                         capture_output=True, text=True)
    assert run.returncode == 0 and "\r" not in run.stderr and "files/s" not in run.stderr
    quiet = subprocess.run([sys.executable, "-m", "graph", "export", "-q", "-o", str(tmp_path), str(ai_news)],
                           capture_output=True, text=True)
    assert quiet.returncode == 0 and quiet.stderr == ""
