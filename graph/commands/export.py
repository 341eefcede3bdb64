"""Write a corpus's graph to files, replaced all together and atomically.

Streaming formats (ttl, nt, nq, trig) are written piece by piece as files are
mapped; whole-graph formats get every quad at the end.

Every file is first written to a temporary file in the output folder
(``.kg-tmp-PID-...part``: hidden, never named like an export) and synced; only
when all of them are complete are they renamed into place, all or none
(commit_together: a journal and links to the previous files let a failed
rename, or the next run after a kill among the renames, put them back). A
failed, interrupted or killed run leaves the previous export files as they
were. A killed run cannot remove its temporary files: the next run into the
same folder removes those whose maker is provably gone (graph/leftovers.py).
"""
from __future__ import annotations

import contextlib
import errno
import functools
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from .. import formats as formats_module
from .. import leftovers
from ..options import DEFAULT_MAX_FILE_SIZE, Options
from ..pipeline.corpus import Corpus, read_corpus
from ..problems import Report
from ..progress import Progress
from ..terms import DEFAULT_BASE

if TYPE_CHECKING:
    from ..vocabulary.validate import ValidationResult

TMP_PREFIX = ".kg-tmp-"
STORE_PREFIX = ".kg-tmp-store-"  # temporary stores (graph/store/embedded.py): not this module's
STDOUT = "-"  # the output that means standard output
TMP_SUFFIX = ".part"


class OutputError(Exception):
    """The export could not be written (folder, permissions, full disk); no file was replaced."""


@dataclass
class ExportResult:
    corpus: Corpus = field(repr=False)
    written: list[Path | str] = field(default_factory=list)  # "<stdout>" for standard output
    triples: int = 0
    seconds: float = 0.0
    report: Report | None = field(default=None, repr=False)
    stopped: str | None = None  # why nothing was written, when nothing was
    validation: ValidationResult | None = None  # with validate=True

    @property
    def problems(self) -> int:
        return problems_of(self.corpus, self.report)


def problems_of(corpus: Corpus, report: Report | None) -> int:
    """Problems of a run: errors, warnings, and one per unknown field name."""
    return len(report.problems if report else []) + len(corpus.unmapped)


def stop_reason(corpus: Corpus, report: Report | None, strict: bool) -> str | None:
    """Why an export (of the graph or of networks) writes nothing, or None when it writes."""
    if not corpus.exported:
        return "no article could be exported; nothing written"
    problems = problems_of(corpus, report)
    if strict and problems:
        return f"--strict: {problems} problem{'s' * (problems != 1)} found; nothing written"
    return None


def export(
    inputs: Iterable = ("seeds",),
    formats: Iterable[str] | str = ("ttl",),
    output: str | os.PathLike = "exports",
    *,
    base: str = DEFAULT_BASE,
    max_file_size: int = DEFAULT_MAX_FILE_SIZE,
    jobs: int | None = None,
    explain: bool = False,
    validate: bool = False,
    strict: bool = False,
    compact_json: bool = False,
    report: Report | None = None,
    progress: Progress | None = None,
    site_url: str | None = None,
) -> ExportResult:
    """Read the inputs and write one file per format into ``output``.

    ``formats``: names or aliases, ``all`` for every format. ``output`` ``-``
    writes the one format chosen to standard output. ``compact_json``: JSON-LD on
    one line. ``base``, ``max_file_size``, ``jobs``, ``explain``, ``site_url``: see
    graph.options.Options (a bad value raises OptionsError before anything is read).

    Nothing is written (``result.stopped`` says why, the previous files stay) when
    no article could be read, when ``strict`` and the run found any problem, or
    when ``validate`` and the graph does not conform to the SHACL shapes
    (``result.validation`` says how). Raises OutputError when the files cannot be
    written. The corpus is mapped once, whatever is asked.
    """
    started = time.perf_counter()
    options = Options(base=base, max_file_size=max_file_size, jobs=jobs, explain=explain, site_url=site_url)
    chosen = formats_module.select([formats] if isinstance(formats, str) else formats)
    to_stdout = str(output) == STDOUT
    if to_stdout and len(chosen) != 1:
        raise ValueError(f"output '{STDOUT}' (standard output) takes one format, not {len(chosen)}")
    writer_options = {"compact_json": compact_json}
    report = report if report is not None else Report()
    corpus = read_corpus(inputs, options=options, report=report, progress=progress)
    result = ExportResult(corpus, report=report, stopped=stop_reason(corpus, report, strict))
    if result.stopped:
        result.seconds = time.perf_counter() - started
        return result
    if to_stdout:
        _export_to_stdout(corpus, chosen[0], writer_options, validate, result)
        result.seconds = time.perf_counter() - started
        return result
    out_dir = Path(output)
    created = not out_dir.exists()
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise OutputError(f"cannot create the output folder {out_dir}: {_reason(err)}") from None
    remove_stale_temp_files(out_dir)
    pending = [atomic_writer(out_dir / fmt.filename, defer=True) for fmt in chosen]
    try:
        with contextlib.ExitStack() as stack:
            outs = {fmt.name: stack.enter_context(w) for fmt, w in zip(chosen, pending, strict=True)}
            result.triples, checked = write_corpus(corpus, chosen, outs, writer_options, keep_for_validation=validate)
        if validate and not _conforms(checked, result):
            for writer in pending:
                writer.discard()
            if created:  # nothing written: not even the folder
                with contextlib.suppress(OSError):
                    out_dir.rmdir()
            return _stopped_by_validation(result, started)
        commit_together(pending)  # all complete: put them in place together, or none
        result.written.extend(writer.target for writer in pending)
        _sync_folder(out_dir)
    except OSError as err:
        where = getattr(err, "target", None)
        if where is None:  # not an export file: a writer's own temporary file (JSON-LD's, in TMPDIR)
            raise OutputError(f"cannot write a temporary file in {tempfile.gettempdir()}: {_reason(err)} (set TMPDIR "
                              f"to a folder with room); the previous export files are unchanged") from None
        raise OutputError(f"cannot write {where}: {_reason(err)}; the previous export files are unchanged") from None
    finally:
        for writer in pending:
            writer.discard()
        # A Ctrl-C between creating a temporary file and noting its name would leave it
        # behind: every temporary file of this process is ours to remove.
        _remove_own_temp_files(out_dir)
    result.seconds = time.perf_counter() - started
    return result


def _export_to_stdout(corpus: Corpus, fmt: formats_module.Format, writer_options: dict, validate: bool,
                      result: ExportResult) -> None:
    """One format to standard output. With validation, the bytes wait in a temporary
    file until the graph is known to conform: nothing reaches the reader otherwise."""
    stream = sys.stdout.buffer
    if not validate:
        result.triples, _ = write_corpus(corpus, [fmt], {fmt.name: stream}, writer_options)
        stream.flush()
        result.written.append("<stdout>")
        return
    with tempfile.TemporaryFile(prefix="kg-export-") as held:
        result.triples, checked = write_corpus(corpus, [fmt], {fmt.name: held}, writer_options,
                                               keep_for_validation=True)
        if not _conforms(checked, result):
            result.stopped = "the graph does not conform to the shapes; nothing written"
            return
        held.seek(0)
        shutil.copyfileobj(held, stream, 1 << 20)
    stream.flush()
    result.written.append("<stdout>")


def _conforms(ntriples: list[bytes], result: ExportResult) -> bool:
    from ..vocabulary.validate import validate_ntriples  # pySHACL loads slowly: only when asked

    result.validation = validate_ntriples(ntriples)
    return result.validation.conforms


def _stopped_by_validation(result: ExportResult, started: float) -> ExportResult:
    result.stopped = "the graph does not conform to the shapes; nothing written"
    result.seconds = time.perf_counter() - started
    return result


def _remove_own_temp_files(folder: Path) -> None:
    for path in folder.glob(f"{TMP_PREFIX}{leftovers.owner_tag()}*{TMP_SUFFIX}"):
        try:
            path.unlink()
        except OSError:
            pass


def write_corpus(corpus: Corpus, chosen: list[formats_module.Format], outs: Mapping[str, BinaryIO],
                 writer_options: Mapping[str, Any] | None = None, *,
                 keep_for_validation: bool = False) -> tuple[int, list[bytes]]:
    """Write the corpus in every chosen format, mapping it once; return the number of
    triples (and, with ``keep_for_validation``, every graph's N-Triples).

    Each file's piece in every format is made where the file is mapped (in a worker
    for large corpora); streaming formats write it at once, piecewise ones put their
    pieces together at the end.
    """
    writer_options = dict(writer_options or {})
    names = tuple(fmt.name for fmt in chosen) + (("nt",) if keep_for_validation else ())
    assemblers = {fmt.name: fmt.assembler(outs[fmt.name], **writer_options)
                  for fmt in chosen if fmt.assembler is not None}
    for fmt in chosen:
        if fmt.streams:
            outs[fmt.name].write(fmt.header)
    encode = functools.partial(_encode, names, writer_options)
    checked: list[bytes] = []
    triples = 0
    for mapped in corpus.graphs(encode):
        triples += mapped.triples or 0
        for name, piece in mapped.payload.items():
            if name in assemblers:
                assemblers[name].add(piece)
            elif name in outs:
                outs[name].write(piece)
        if keep_for_validation:
            checked.append(mapped.payload["nt"])
    for assembler in assemblers.values():
        assembler.finish()
    return triples, checked


def _encode(names: tuple[str, ...], writer_options: dict, graph: str, triples: list) -> dict[str, Any]:
    return formats_module.encode_all(names, writer_options, triples, graph)


def _named(writer: atomic_writer, action):
    """Run a file operation; an OSError it raises names the export file."""
    try:
        return action()
    except OSError as err:
        if getattr(err, "target", None) is None:
            err.target = writer.target  # type: ignore[attr-defined]
        raise


def _reason(err: OSError) -> str:
    if err.errno == errno.ENOSPC:
        return "the disk is full"
    if err.errno == errno.EROFS:
        return "the file system is read-only"
    if err.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if err.errno == errno.EISDIR:
        return "a folder of that name is in the way"
    if err.errno in (errno.ENOTDIR, errno.EEXIST):
        return f"a file is in the way ({err.filename})" if err.filename else "a file is in the way"
    return err.strerror or str(err)


def _sync_folder(folder: Path) -> None:
    """Make the renames durable (a crash right after the run keeps the new files)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems cannot sync a folder; the files themselves are synced
    finally:
        os.close(fd)


# --- putting several files in place together ---------------------------------------------
#
# Each staged file is renamed over its target, but first a journal (``.kg-tmp-TAG.commit``,
# locked by this run) lists every target, its staged file and a hard link to the previous
# file (``.kg-tmp-TAG-N.old``). If a rename fails, the files already replaced get their
# previous version back; if the run is killed among the renames, the next run into the
# folder finds the journal (its lock free) and does the same. Removing the journal is the
# commit point; the links left after it are only garbage.

JOURNAL_SUFFIX = ".commit"
BACKUP_SUFFIX = ".old"


def commit_together(writers: list[atomic_writer]) -> None:
    """Replace every writer's target with its complete staged file, or none of them.

    Raises OSError (its ``target`` the file that could not be replaced) after putting
    back the previous version of every file already replaced."""
    if not writers:
        return
    folder = writers[0].target.parent
    for w in writers:  # a folder in the way: fail before touching anything
        if w.target.is_dir() and not w.target.is_symlink():
            raise _in_the_way(w.target)
    try:
        fd, journal = tempfile.mkstemp(prefix=f"{TMP_PREFIX}{leftovers.owner_tag()}", suffix=JOURNAL_SUFFIX,
                                       dir=folder)
    except OSError as err:
        err.target = folder  # type: ignore[attr-defined]
        raise
    held = leftovers.lock(journal)
    stem = Path(journal).name[:-len(JOURNAL_SUFFIX)]
    entries: list[dict[str, Any]] = []
    for n, w in enumerate(writers):
        assert w.staged is not None, "nothing to commit"
        backup = f"{stem}-{n}{BACKUP_SUFFIX}" if os.path.lexists(w.target) else None
        entries.append({"target": w.target.name, "staged": Path(w.staged).name, "backup": backup,
                        "inode": os.stat(w.staged).st_ino})
    try:
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(entries, f)
        except OSError as err:
            err.target = folder  # type: ignore[attr-defined]
            raise
        for w, entry in zip(writers, entries, strict=True):
            if entry["backup"]:
                _named(w, lambda w=w, entry=entry: _keep_previous(w.target, folder / entry["backup"]))
        for w in writers:
            _named(w, w.commit)
    except BaseException:
        if roll_back(folder, entries):
            os.unlink(journal)  # else the next run finishes the roll-back
        leftovers.release(held)
        raise
    os.unlink(journal)  # the commit point
    leftovers.release(held)
    for entry in entries:
        if entry["backup"]:
            with contextlib.suppress(OSError):
                os.unlink(folder / entry["backup"])


def _in_the_way(target: Path) -> OSError:
    err = IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(target))
    err.target = target  # type: ignore[attr-defined]
    return err


def _keep_previous(target: Path, backup: Path) -> None:
    """A second name for the previous file: a hard link (the target never disappears),
    or on a file system without them, the file itself moved aside."""
    try:
        os.link(target, backup, follow_symlinks=False)
    except OSError as err:
        if err.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.EMLINK, errno.ENOSYS):
            raise
        os.rename(target, backup)


def roll_back(folder: Path, entries: list[dict[str, Any]]) -> bool:
    """Put back the previous file of every target a commit replaced; True when all were."""
    complete = True
    for entry in entries:
        target = folder / entry["target"]
        try:
            if entry["backup"] and os.path.lexists(folder / entry["backup"]):
                if _inode(folder / entry["backup"]) == _inode(target):  # not replaced yet
                    os.unlink(folder / entry["backup"])  # (rename() between two links does nothing)
                else:
                    os.replace(folder / entry["backup"], target)
            elif not entry["backup"] and _inode(target) == entry["inode"]:
                os.unlink(target)  # it did not exist before this run
            with contextlib.suppress(FileNotFoundError):
                os.unlink(folder / entry["staged"])
        except OSError:
            complete = False
    return complete


def _inode(path: Path) -> int | None:
    try:
        return path.lstat().st_ino
    except OSError:
        return None


def remove_stale_temp_files(folder: Path) -> list[Path]:
    """Clean up after runs that were killed (see graph/leftovers.py for when a run is
    provably gone): finish their interrupted commits by putting the previous files
    back, and remove their temporary files. Returns what was removed."""
    removed: list[Path] = []
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return removed
    ours = [n for n in names if n.startswith(TMP_PREFIX) and not n.startswith(STORE_PREFIX)]
    journals = {n[:-len(JOURNAL_SUFFIX)] for n in ours if n.endswith(JOURNAL_SUFFIX)}
    for name in sorted(ours, key=lambda n: not n.endswith(JOURNAL_SUFFIX)):  # journals first
        path = folder / name
        try:
            if name.endswith(BACKUP_SUFFIX):
                # A link to a previous file; without its journal (the commit went through) garbage.
                if name[:-len(BACKUP_SUFFIX)].rsplit("-", 1)[0] not in journals:
                    path.unlink()
                    removed.append(path)
                continue
            if not name.endswith((TMP_SUFFIX, JOURNAL_SUFFIX)):
                continue
            with leftovers.probe(path) as taken:
                if not leftovers.maker_gone(path, name[len(TMP_PREFIX):], taken):
                    continue  # another run is writing into this folder right now
                if name.endswith(JOURNAL_SUFFIX):
                    if not roll_back(folder, _read_journal(path)):
                        continue
                    journals.discard(name[:-len(JOURNAL_SUFFIX)])
                path.unlink()
                removed.append(path)
        except OSError:
            pass
    return removed


def _read_journal(path: Path) -> list[dict[str, Any]]:
    try:
        entries = json.loads(path.read_text(encoding="utf-8") or "[]")
    except (OSError, ValueError):
        return []  # killed before it was written: nothing was replaced yet
    return [e for e in entries if isinstance(e, dict) and _safe_name(e.get("target")) and
            _safe_name(e.get("staged")) and (e.get("backup") is None or _safe_name(e.get("backup")))]


def _safe_name(name) -> bool:
    """A plain file name in the folder (a journal never points anywhere else)."""
    return isinstance(name, str) and name not in ("", ".", "..") and "/" not in name and "\0" not in name


def _file_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


class atomic_writer:
    """Context manager: a binary file that replaces ``target`` only on success.

    With ``defer=True`` the complete file waits (synced) until it is committed
    (``commit_together``), so that several files can be put in place together;
    ``discard()`` removes a temporary file that was not committed. The run holds a
    lock on its temporary file, so that no other run takes it for a leftover.
    """

    def __init__(self, target: Path, defer: bool = False):
        self.target = Path(target)
        self.defer = defer
        self._file: _NamedFile | None = None
        self.staged: str | None = None
        self._lock: int | None = None

    def __enter__(self) -> BinaryIO:
        fd, self.staged = _named(self, lambda: tempfile.mkstemp(
            prefix=f"{TMP_PREFIX}{leftovers.owner_tag()}", suffix=TMP_SUFFIX, dir=self.target.parent))
        try:
            self._lock = _named(self, lambda: leftovers.lock(self.staged))
            _named(self, lambda: os.fchmod(fd, _file_mode()))  # mkstemp makes 0600: as readable as any new file
        except BaseException:
            os.close(fd)
            self.discard()
            raise
        self._file = out = _NamedFile(os.fdopen(fd, "wb", buffering=1 << 20), self)
        return out  # type: ignore[return-value]  # a BinaryIO whose errors name the export file

    def __exit__(self, exc_type, exc, tb) -> None:
        out = self._file
        assert out is not None
        if exc_type is not None:  # thrown away: an error closing it must not hide the first one
            self.discard()
            return
        try:
            _named(self, out.flush)
            _named(self, lambda: os.fsync(out.fileno()))
            _named(self, out.close)
            if not self.defer:
                self.commit()
        finally:
            if not self.defer:
                self.discard()

    def commit(self) -> None:
        assert self.staged is not None, "nothing to commit"
        os.replace(self.staged, self.target)
        self.staged = None
        leftovers.release(self._lock)
        self._lock = None

    def discard(self) -> None:
        if self._file is not None and not self._file.closed:
            try:
                self._file.close()
            except OSError:  # flushing what is being thrown away failed (a full disk): no matter
                pass
        if self.staged is not None:
            try:
                os.unlink(self.staged)
            except FileNotFoundError:
                pass
            self.staged = None
        leftovers.release(self._lock)
        self._lock = None


class _NamedFile:
    """A binary file whose write errors name the export file they were for."""

    def __init__(self, file: BinaryIO, writer: atomic_writer):
        self._file, self._writer = file, writer

    def write(self, data: bytes) -> int:
        return _named(self._writer, lambda: self._file.write(data))

    def __getattr__(self, name):
        return getattr(self._file, name)
