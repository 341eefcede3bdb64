"""Write a corpus's graph to files, each replaced atomically.

Every file is written to a temporary file in the output folder and renamed into
place only when complete: an interrupted or failed run leaves the previous
export intact.
"""
from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from . import formats
from .corpus import Corpus, read_corpus
from .problems import Report
from .read import DEFAULT_MAX_FILE_SIZE
from .terms import DEFAULT_BASE

if TYPE_CHECKING:
    from .validate import ValidationResult

TMP_PREFIX = ".kg-tmp-"


@dataclass
class ExportResult:
    corpus: Corpus
    written: list[Path] = field(default_factory=list)
    triples: int = 0
    seconds: float = 0.0
    validation: ValidationResult | None = None  # with validate=True


def export(
    inputs: Iterable = ("seeds",),
    formats_: Iterable[str] = ("ttl",),
    output: str | os.PathLike = "exports",
    base: str = DEFAULT_BASE,
    report: Report | None = None,
    max_file_size: int = DEFAULT_MAX_FILE_SIZE,
    validate: bool = False,
) -> ExportResult:
    """Read the inputs and write one file per format into ``output``.

    With ``validate``, the graph is first checked against the SHACL shapes; when
    it does not conform nothing is written (``result.validation`` says why).
    """
    started = time.perf_counter()
    chosen = [formats.get(name) for name in formats_]
    corpus = read_corpus(inputs, base, report, max_file_size)
    quads = list(corpus.quads())
    result = ExportResult(corpus, triples=len({q.triple for q in quads}))
    if validate:
        from .validate import validate_quads  # pySHACL loads slowly: only when asked

        result.validation = validate_quads(quads)
        if not result.validation.conforms:
            result.seconds = time.perf_counter() - started
            return result
    out_dir = Path(output)
    out_dir.mkdir(parents=True, exist_ok=True)
    for fmt in dict.fromkeys(chosen):
        target = out_dir / fmt.filename
        with atomic_writer(target) as out:
            fmt.write(quads, out)
        result.written.append(target)
    result.seconds = time.perf_counter() - started
    return result


class atomic_writer:
    """Context manager: a binary file that replaces ``target`` only on success."""

    def __init__(self, target: Path):
        self.target = Path(target)
        self._file: BinaryIO | None = None

    def __enter__(self) -> BinaryIO:
        fd, self._tmp = tempfile.mkstemp(prefix=TMP_PREFIX, suffix=".part", dir=self.target.parent)
        self._file = os.fdopen(fd, "wb")
        return self._file

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if exc_type is None:
                self._file.flush()
                os.fsync(self._file.fileno())
            self._file.close()
            if exc_type is None:
                os.replace(self._tmp, self.target)
        finally:
            if os.path.exists(self._tmp):
                os.unlink(self._tmp)
