"""Files only their owner may read: private keys, the AES key, journals, reports.

A file written with the umask and chmod-ed afterwards is readable by others between the
two calls (another local user can open it then and keep the handle), so every file here
is created with mode 0600 by the call that creates it. A file is written under a
temporary name in the same directory and renamed over the target: a handle someone
holds on an older file never sees the new content, and a reader never sees half a file.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import TextIO

__all__ = ["open_private_text", "private_directory", "write_private_file"]

FILE_MODE = 0o600
DIRECTORY_MODE = 0o700


def private_directory(path: Path) -> Path:
    """Create ``path`` (and missing parents) with mode 0700.

    Only a directory made here is made private: an existing one (``.``, a shared
    project folder) keeps the mode its owner chose, since the files written into it are
    0600 whatever the directory's mode. Missing parents get the usual mode.
    """
    path.mkdir(mode=DIRECTORY_MODE, parents=True, exist_ok=True)
    return path


def write_private_file(path: Path, content: str | bytes, *, encoding: str = "utf-8") -> Path:
    """Write ``content`` to ``path`` with mode 0600 from the first byte, atomically."""
    data = content.encode(encoding) if isinstance(content, str) else content
    # mkstemp opens with O_CREAT | O_EXCL and mode 0600, under a name nobody can guess.
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    return path


def open_private_text(path: Path, *, newline: str | None = None) -> TextIO:
    """Open ``path`` for writing text, truncated, with mode 0600 even if it existed.

    For files written as a stream (exports, reports) rather than in one piece.
    """
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    try:
        if os.name == "posix":
            os.fchmod(fd, FILE_MODE)
        return os.fdopen(fd, "w", newline=newline, encoding="utf-8")
    except BaseException:
        os.close(fd)
        raise
