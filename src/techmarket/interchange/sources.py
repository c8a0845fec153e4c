"""Where an uploaded or named file's bytes come from: a path, or a binary file object.

Readers open a source as many times as they need (a CSV is read once for its header and once
per pass over its rows; an xlsx workbook twice), each time from the start and with a position
of its own. A file object passed in is never closed, moved or shared: every opening reads it
at its own offsets, so two readings can interleave, and a file with a descriptor (a Django
upload spooled to disk) is read with `os.pread`, which stays right when the importer forks
processes that read it at once (a shared descriptor has one shared offset).
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

# A record, plan or calendar file as services take it: a path, or an opened binary file
# (io.BytesIO, an open(..., "rb") handle, Django's UploadedFile).
FileInput = Path | str | IO[bytes]
_DESCRIPTOR_FILES = (io.FileIO, io.BufferedReader, io.BufferedRandom)


@dataclass(frozen=True)
class Source:
    """A file to read: `path` for a file on disk, else `file`; `name` names it in messages."""

    name: str
    path: Path | None = None
    file: Any = None

    @property
    def suffix(self) -> str:
        return Path(self.name).suffix.lower()

    def open(self) -> io.BufferedReader:
        """A new binary stream at the file's start; closing it leaves a given file object open."""
        if self.path is not None:
            return self.path.open("rb")
        return io.BufferedReader(_OffsetReader(self.file))

    def read_bytes(self) -> bytes:
        with self.open() as stream:
            return stream.read()


def source_of(file: FileInput, name: str | None = None) -> Source:
    """A `Source` for a path or a binary file object; `name` (e.g. an upload's file name) wins
    over the object's own `name` for messages and for telling the format by its suffix."""
    if isinstance(file, str | os.PathLike):
        path = Path(file)
        return Source(name or str(path), path=path)
    if not hasattr(file, "read") or not hasattr(file, "seek"):
        raise TypeError(f"expected a path or a seekable binary file, got {type(file).__name__}")
    if isinstance(file.read(0), str):
        raise TypeError("the file object is opened in text mode; open it in binary mode ('rb')")
    own = getattr(file, "name", None)
    return Source(name or (own if isinstance(own, str) else ""), file=file)


def _descriptor(file: Any) -> int | None:
    """The OS descriptor behind `file` when reading it directly gives the file's own bytes:
    a plain file, or one wrapped by tempfile or Django (`.file`). Not a decompressing or
    decoding wrapper, whose descriptor holds other bytes."""
    for _ in range(4):
        if isinstance(file, _DESCRIPTOR_FILES):
            break
        file = getattr(file, "file", None)
    else:
        return None
    if not isinstance(file, _DESCRIPTOR_FILES) or not hasattr(os, "pread"):
        return None
    try:
        if file.writable():
            file.flush()  # bytes still in Python's buffer are not in the file yet
        return file.fileno()
    except (OSError, ValueError):
        return None


class _OffsetReader(io.RawIOBase):
    """Reads a file object at this reader's own offset, seeking before every read."""

    def __init__(self, file: Any) -> None:
        self._file = file
        self._fd = _descriptor(file)
        self._pos = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if whence == io.SEEK_SET:
            target = offset
        elif whence == io.SEEK_CUR:
            target = self._pos + offset
        elif whence == io.SEEK_END:
            target = self._size() + offset
        else:
            raise ValueError(f"invalid whence {whence}")
        if target < 0:
            raise ValueError("negative seek position")
        self._pos = target
        return target

    def _size(self) -> int:
        if self._fd is not None:
            return os.fstat(self._fd).st_size
        return int(self._file.seek(0, io.SEEK_END))

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        if self._fd is not None:
            data = os.pread(self._fd, len(view), self._pos)
        else:
            self._file.seek(self._pos)
            data = self._file.read(len(view))
        count = len(data)
        view[:count] = data
        self._pos += count
        return count
