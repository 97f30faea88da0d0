"""Writing a file all at once, or not at all.

The data goes to a temporary file in the target's own directory, is flushed
to disk, and then replaces the target with `os.replace`, which is atomic on
POSIX and Windows. Whatever goes wrong (a full disk, Ctrl-C, a bug) the
temporary file is removed and the target is left as it was. A path that
names a directory, or lies in a directory that does not exist, is refused
with one clear line before anything is written.
"""

from __future__ import annotations

import os
import stat
import tempfile

from .errors import UserError


def check_target(path: str) -> str:
    """The directory PATH will be written in; a UserError if PATH cannot be a file there.
    Call it before the work that produces the data, so that a mistyped path fails at once."""
    target = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(target))
    if target.endswith(("/", os.sep)) or os.path.isdir(target):
        raise UserError(f"{path}: is a directory")
    if not os.path.isdir(directory):
        raise UserError(f"{path}: no such directory")
    return directory


def write_atomically(path: str, data: bytes) -> None:
    target = os.fspath(path)
    directory = check_target(path)
    mode = _mode_for(target)
    try:
        fd, temporary = tempfile.mkstemp(prefix=f".{os.path.basename(target)[:64]}.", suffix=".tmp", dir=directory)
    except OSError as e:
        raise UserError(f"{path}: cannot write: {e.strerror or e}") from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException as e:
        _remove(temporary)
        if isinstance(e, OSError):
            raise UserError(f"{path}: cannot write: {e.strerror or e}") from None
        raise


def _mode_for(target: str) -> int:
    """The permissions the file gets: the old file's, or what a plain open() would give."""
    try:
        return stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
