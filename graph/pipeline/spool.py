"""Records kept on disk between the two passes, read back by file index.

The first pass writes each file's record (pickled where it was read) to an
unnamed temporary file; the second reads it back with pread(), which worker
processes can do on the inherited descriptor without sharing a file position.
Memory holds three machine integers per file, never the records.
"""
from __future__ import annotations

import bisect
import os
import tempfile
from array import array


class SpoolError(OSError):
    """The temporary file of the records cannot be written (a full or read-only TMPDIR)."""


class Spool:
    def __init__(self) -> None:
        try:
            self._file = tempfile.TemporaryFile(prefix="kg-records-", buffering=1 << 20)
        except OSError as err:
            raise SpoolError(err.errno, f"cannot create a temporary file in {tempfile.gettempdir()} "
                                        f"({err.strerror}); set TMPDIR to a folder with room") from None
        self.indices = array("q")  # files with a record, in the order added (ascending)
        self._offsets = array("q")
        self._lengths = array("q")
        self._end = 0  # counted here: tell() would flush the buffer on every call

    def __len__(self) -> int:
        return len(self.indices)

    def add(self, index: int, blob: bytes) -> None:
        try:
            self._file.write(blob)
        except OSError as err:
            raise SpoolError(err.errno, f"cannot write the records' temporary file in {tempfile.gettempdir()} "
                                        f"({err.strerror}); set TMPDIR to a folder with room") from None
        self.indices.append(index)
        self._offsets.append(self._end)
        self._lengths.append(len(blob))
        self._end += len(blob)

    def ready(self) -> None:
        """Flush what was written, before the second pass (and its workers) read it."""
        try:
            self._file.flush()
        except OSError as err:
            raise SpoolError(err.errno, f"cannot write the records' temporary file in {tempfile.gettempdir()} "
                                        f"({err.strerror}); set TMPDIR to a folder with room") from None

    def read(self, index: int) -> bytes:
        at = bisect.bisect_left(self.indices, index)
        return os.pread(self._file.fileno(), self._lengths[at], self._offsets[at])

    def close(self) -> None:
        self._file.close()
