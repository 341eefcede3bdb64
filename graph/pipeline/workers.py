"""Where per-file work runs: in this process, or in forked worker processes.

One small interface, ``Executor.map(work, items)``, yields ``work(item)`` for each
item in the order of ``items`` (so the output is byte-identical however the work
is spread). The passes are pure per-file functions; another executor (a cluster
engine such as Dask) could run them by implementing ``map``.

The process pool is kg's own, not multiprocessing.Pool: each worker has its own
pipe, so no lock is shared that a stopped worker could hold (Pool.terminate()
could hang on one, about once in 30 interrupted runs), no thread runs beside the
main one, and a worker that dies is noticed at once instead of waited for.
"""
from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import signal
import traceback
from collections.abc import Callable, Iterator, Sequence
from multiprocessing.connection import Connection, wait
from typing import Any, Protocol, TypeVar

T = TypeVar("T")
R = TypeVar("R")

PARALLEL_MIN_ITEMS = 256  # below this many files, starting workers costs more than it saves
CHUNK = 32                # items sent to a worker at once
AHEAD = 2                 # chunks a worker holds at most (one at work, one waiting)
_STOPS = {signal.SIGINT, signal.SIGTERM}  # what the main process handles for the workers
_PR_SET_PDEATHSIG = 1


class WorkerError(RuntimeError):
    """A worker process failed: it died, or the work raised (a bug in kg, with its traceback)."""


class Executor(Protocol):
    def map(self, work: Callable[[T], R], items: Sequence[T]) -> Iterator[R]: ...


class InProcess:
    """Runs the work here, one item after the other."""

    def map(self, work: Callable[[T], R], items: Sequence[T]) -> Iterator[R]:
        return map(work, items)


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def executor_for(jobs: int | None, items: int) -> Executor:
    """Worker processes when there are enough items to gain and the platform can fork."""
    jobs = default_jobs() if jobs is None else jobs
    if jobs <= 1 or items < PARALLEL_MIN_ITEMS or "fork" not in multiprocessing.get_all_start_methods():
        return InProcess()
    return Processes(jobs)


class Processes:
    """Forked worker processes. The work function and what it refers to (the corpus,
    its identity tables) are inherited through fork, never pickled; only items and
    results travel, through one pipe per worker."""

    def __init__(self, jobs: int):
        self.jobs = jobs

    def map(self, work: Callable[[T], R], items: Sequence[T]) -> Iterator[R]:
        chunks = [list(items[i:i + CHUNK]) for i in range(0, len(items), CHUNK)]
        if not chunks:
            return
        workers = _start(work, min(self.jobs, len(chunks)))
        done = False
        try:
            yield from _results(workers, chunks, window=self.jobs * AHEAD * 2)
            done = True
        finally:
            _stop(workers, kill=not done)


class _Worker:
    def __init__(self, process: Any, conn: Connection):
        self.process, self.conn = process, conn
        self.holding = 0  # chunks sent and not yet answered


def _start(work: Callable, jobs: int) -> list[_Worker]:
    """Fork the workers with Ctrl-C and SIGTERM blocked, so none can be stopped by one
    before it ignores them (Ctrl-C reaches the whole process group, and the main
    process alone reports it and stops the workers) and none is lost: the main process
    receives it once the workers are up."""
    context = multiprocessing.get_context("fork")
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, _STOPS)
    workers: list[_Worker] = []
    try:
        for _ in range(jobs):
            mine, theirs = context.Pipe()
            # The child closes every main-process end it inherits (its own pipe's too):
            # then the death of the main process, however it dies, ends its recv().
            ends = [w.conn for w in workers] + [mine]
            process = context.Process(target=_serve, args=(work, theirs, ends, os.getpid()), daemon=True)
            process.start()
            theirs.close()
            workers.append(_Worker(process, mine))
    except BaseException:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        _stop(workers, kill=True)
        raise
    signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
    return workers


def _serve(work: Callable, conn: Connection, ends: list[Connection], main: int) -> None:
    """A worker's loop: chunks in, results out, until told to stop or the main process is gone."""
    for signum in _STOPS:
        signal.signal(signum, signal.SIG_IGN)  # the main process stops the workers itself
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOPS)
    _die_with(main)
    # What the worker inherited (the corpus, its identity tables) lives as long as it does:
    # out of the collector's sight, its pages are not copied one by one as scans touch them.
    gc.freeze()
    try:
        for end in ends:
            end.close()
        while True:
            message = conn.recv()
            if message is None:
                return
            number, chunk = message
            try:
                conn.send((number, [work(item) for item in chunk], None))
            except Exception:  # a bug in kg: reported by the main process, with where it happened
                conn.send((number, None, traceback.format_exc()))
    except (EOFError, OSError):  # the main process stopped (killed, or it abandoned the work)
        return
    finally:
        os._exit(0)  # skip the exit handlers the fork copied from the main process


def _die_with(main: int) -> None:
    """Linux: the kernel kills this worker when the main process dies (a worker busy with
    a long item would otherwise finish it first, holding the main process's files)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (AttributeError, OSError):
        return
    if os.getppid() != main:  # the main process died before the request was made
        os._exit(0)


def _results(workers: list[_Worker], chunks: list[list], window: int) -> Iterator:
    pending: dict[int, list] = {}  # answered chunks waiting for their turn
    sent = 0
    next_out = 0
    by_conn = {w.conn: w for w in workers}
    by_sentinel = {w.process.sentinel: w for w in workers}
    while next_out < len(chunks):
        for w in workers:  # keep every worker busy, never far ahead of the output
            while w.holding < AHEAD and sent < len(chunks) and sent < next_out + window:
                try:
                    w.conn.send((sent, chunks[sent]))
                except OSError:  # its end of the pipe is closed: it died
                    raise WorkerError(_died(w)) from None
                w.holding += 1
                sent += 1
        for ready in wait([*by_conn, *by_sentinel]):
            if ready in by_conn:
                w = by_conn[ready]
                try:
                    number, results, failure = w.conn.recv()
                except (EOFError, OSError):  # its end of the pipe closed: it died
                    raise WorkerError(_died(w)) from None
                if failure is not None:
                    raise WorkerError(f"a worker process failed:\n{failure}")
                w.holding -= 1
                pending[number] = results
            else:  # a worker ended while there is work left: it died
                raise WorkerError(_died(by_sentinel[ready]))
        while next_out in pending:
            yield from pending.pop(next_out)
            next_out += 1


def _died(w: _Worker) -> str:
    w.process.join(timeout=1)
    code = w.process.exitcode
    how = f"was killed by signal {-code}" if code is not None and code < 0 else f"exited with status {code}"
    return f"a worker process {how} (out of memory?)"


def _stop(workers: list[_Worker], kill: bool) -> None:
    """Let finished workers exit; kill workers whose work is abandoned (an error, Ctrl-C,
    a consumer that stopped reading): they may be in the middle of a chunk."""
    for w in workers:
        if kill:
            if w.process.exitcode is None:
                w.process.kill()
        else:
            try:
                w.conn.send(None)
            except OSError:
                pass
    for w in workers:
        w.process.join(timeout=None if kill else 10)
        if w.process.exitcode is None:
            w.process.kill()
            w.process.join()
        w.conn.close()
