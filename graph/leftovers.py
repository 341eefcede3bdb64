"""What a run leaves in a shared folder while it works, and when a later run may remove it.

Temporary export files and temporary stores are named after the process that made
them: ``PREFIX PID-KERNEL-PIDNS-...``, its process id, the kernel it runs on (the
boot id) and its PID namespace. The maker holds an flock on each for as long as it
needs it, and the kernel drops that lock when the maker dies, however it dies. A
later run removes a leftover only when its maker is provably gone:

- same kernel and PID namespace, and no process with that id: gone;
- same kernel (another container or PID namespace of this machine: locks are kept by
  the one kernel), its lock is free and it is older than a minute (a brand-new one
  may not be locked yet): gone;
- anything else (another machine sharing a network folder, where a lock may not be
  seen; an older kg; a file system without locks): only once not written for an hour.

A leftover whose lock is held is never removed, whatever its age.
"""
from __future__ import annotations

import contextlib
import errno
import fcntl
import functools
import hashlib
import os
import re
import socket
import time
from pathlib import Path

GRACE = 60           # seconds: a leftover younger than this may belong to a run that is about to lock it
STALE_AFTER = 3600   # seconds without a write: the rule where nothing better proves the maker gone
_OWNER = re.compile(r"(\d+)-([0-9a-f]{8})-(\d+)-")
_NO_LOCKS = (errno.ENOLCK, errno.EOPNOTSUPP, errno.EINVAL, errno.ENOSYS, errno.EBADF)


@functools.cache
def _kernel() -> str:
    """8 hex digits naming the running kernel: one value for every container of this boot."""
    try:
        with open("/proc/sys/kernel/random/boot_id", encoding="ascii") as f:
            return f.read().strip().replace("-", "")[:8].lower()
    except OSError:  # not Linux: the host name stands for the machine
        return hashlib.sha256(socket.gethostname().encode()).hexdigest()[:8]


@functools.cache
def _pid_namespace() -> int:
    try:
        return os.stat("/proc/self/ns/pid").st_ino
    except OSError:
        return 0


def owner_tag() -> str:
    """``PID-KERNEL-PIDNS-``: what a leftover's name says about its maker (this process)."""
    return f"{os.getpid()}-{_kernel()}-{_pid_namespace()}-"


def lock(path: str | os.PathLike) -> int | None:
    """Hold an flock on a file or folder this run made; returns the descriptor to close
    when done (None where the file system has no locks). Waits out a later run's short
    probe of it."""
    fd = os.open(path, os.O_RDONLY | (os.O_DIRECTORY if os.path.isdir(path) else 0))
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
    except OSError as err:
        os.close(fd)
        if err.errno in _NO_LOCKS:
            return None
        raise
    return fd


def release(fd: int | None) -> None:
    if fd is not None:
        with contextlib.suppress(OSError):
            os.close(fd)


@contextlib.contextmanager
def probe(path: Path):
    """Try the maker's lock: yields True (taken: held until the block ends), False (held
    by a live run) or None (no locks here, or the leftover is already gone)."""
    try:
        fd = os.open(path, os.O_RDONLY | (os.O_DIRECTORY if path.is_dir() else 0))
    except OSError:
        yield None
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            taken: bool | None = True
        except BlockingIOError:
            taken = False
        except OSError as err:
            if err.errno not in _NO_LOCKS:
                raise
            taken = None
        yield taken
    finally:
        os.close(fd)


def maker_gone(path: Path, rest: str, taken: bool | None, last_write: float | None = None) -> bool:
    """Whether the run that made ``path`` is provably over. ``rest``: its name after the
    prefix (``PID-KERNEL-PIDNS-...``); ``taken``: what ``probe`` found of its lock;
    ``last_write``: when it was last written (default: its modification time)."""
    if taken is False:
        return False  # its maker holds the lock: alive
    try:
        age = time.time() - (path.lstat().st_mtime if last_write is None else last_write)
    except OSError:
        return False  # already gone
    owner = _OWNER.match(rest)
    if owner is not None and owner.group(2) == _kernel():
        if int(owner.group(3)) == _pid_namespace() and not _alive(int(owner.group(1))):
            return True
        if taken and age >= GRACE:
            return True
    return age >= STALE_AFTER


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True
    return True


def process_gone(tag: str) -> bool:
    """Whether the process an owner tag (``PID-KERNEL-PIDNS-``, as owner_tag() makes) names is
    provably gone: it ran on this kernel, in this PID namespace, and no such process is left."""
    owner = _OWNER.match(tag)
    return (owner is not None and owner.group(2) == _kernel() and int(owner.group(3)) == _pid_namespace()
            and not _alive(int(owner.group(1))))
