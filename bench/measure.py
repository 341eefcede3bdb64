"""Run one command as a child process and measure its wall time and memory.

Wall time is taken around the child (its interpreter start and imports
included: what a user waits for). Peak RSS comes from ``os.wait4``: the
kernel's high-water mark of the child, which also covers its reaped
descendants as a maximum (the largest single process, not their sum). The
sum over the whole process tree (the child and its worker processes) is
sampled from /proc every SAMPLE_SECONDS, as PSS so that pages shared by
forked workers are counted once.
"""
from __future__ import annotations

import os
import signal
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass

SAMPLE_SECONDS = 0.05
KIB = 1024


@dataclass
class Run:
    cmd: list[str]
    seconds: float
    peak_mb: float            # ru_maxrss of the child (KiB on Linux) in MiB
    tree_mb: float | None     # sampled peak PSS of the child and its descendants, MiB
    returncode: int
    stdout: str
    stderr: str
    timed_out: bool = False


def run(cmd: list[str], timeout: float | None = None, env: dict | None = None, cwd: str | None = None) -> Run:
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                env=env, cwd=cwd, start_new_session=True)
        sampler = TreeSampler(proc.pid)
        sampler.start()
        timed_out = threading.Event()

        def kill() -> None:
            timed_out.set()
            try:
                os.killpg(proc.pid, signal.SIGKILL)  # the child's own session: it and its workers
            except ProcessLookupError:
                pass

        timer = threading.Timer(timeout, kill) if timeout else None
        if timer:
            timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        except BaseException:  # Ctrl-C: the child has its own session and would not get the signal
            kill()
            os.wait4(proc.pid, 0)
            proc.returncode = -signal.SIGKILL
            sampler.stop()
            raise
        finally:
            if timer:
                timer.cancel()
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here; Popen must not wait again
        tree = sampler.stop()
        out.seek(0)
        err.seek(0)
        return Run(cmd, seconds, usage.ru_maxrss / KIB, tree, proc.returncode,
                   out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"),
                   timed_out.is_set())


class TreeSampler(threading.Thread):
    """Peak summed PSS of a process and its descendants, sampled from /proc."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_kib = 0
        self.samples = 0
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.is_set():
            total = sum(_pss_kib(p) for p in _tree(self.pid))
            if total:
                self.samples += 1
                self.peak_kib = max(self.peak_kib, total)
            self._done.wait(SAMPLE_SECONDS)

    def stop(self) -> float | None:
        self._done.set()
        self.join()
        return self.peak_kib / KIB if self.samples else None


def _tree(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    todo += [int(c) for c in f.read().split()]
        except OSError:
            continue
    return found


def _pss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0
