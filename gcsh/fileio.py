"""Files read and written safely: every failure is one clear line (a UserError).

Reading takes only regular files (a FIFO or a device would block or never end)
and at most a given number of bytes. Writing goes to a temporary file in the
target's own directory, is flushed to disk, and then replaces the target with
`os.replace`, which is atomic on POSIX and Windows: whatever goes wrong (a
full disk, Ctrl-C, a bug) the temporary file is removed and the target is left
as it was. A path that names a directory, or lies in a directory that does not
exist, is refused before anything is written. A path that is a symbolic link is
followed, as editors do: the file it points to is replaced, the link stays.
"""

from __future__ import annotations

import os
import stat

from .errors import UserError


MAX_READ = 256 * 1024 * 1024


def usable_name(path: str) -> str:
    """PATH, if the file system can hold it as a name (not a lone surrogate, not a NUL byte)."""
    try:
        encoded = os.fsencode(path)
    except UnicodeEncodeError:
        raise UserError(f"{path!r}: not a file name this system can encode") from None
    if b"\0" in encoded:
        raise UserError(f"{path!r}: a file name cannot hold a NUL byte")
    return path


def read_bytes(path: str, limit: int = MAX_READ, what: str = "a file gcsh reads") -> bytes:
    """PATH's bytes. Opened with O_NONBLOCK, so that opening a FIFO does not wait for a writer."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(usable_name(path), flags)
    except FileNotFoundError:
        raise UserError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UserError(f"{path}: is a directory") from None
    except OSError as e:
        raise UserError(f"{path}: cannot read: {e.strerror or e}") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise UserError(f"{path}: is a directory")
        if not stat.S_ISREG(info.st_mode):
            raise UserError(f"{path}: not a regular file")
        if info.st_size > limit:
            raise UserError(f"{path}: too large for {what} ({info.st_size} bytes; the limit is {limit})")
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as e:
        raise UserError(f"{path}: cannot read: {e.strerror or e}") from None
    finally:
        os.close(fd)
    if size > limit:
        raise UserError(f"{path}: too large for {what} (over {limit} bytes)")
    return b"".join(chunks)


def _followed(path: str) -> str:
    """The file PATH names: PATH itself, or where its symbolic links lead (even to a file
    not yet there); a loop of links is refused."""
    if not os.path.islink(path):
        return path
    real = os.path.realpath(path)
    if os.path.islink(real):
        raise UserError(f"{path}: too many levels of symbolic links")
    return real


def check_target(path: str) -> str:
    """The directory PATH will be written in; a UserError if PATH cannot be a file there.
    Call it before the work that produces the data, so that a mistyped path fails at once."""
    target = _followed(usable_name(os.fspath(path)))
    directory = os.path.dirname(os.path.abspath(target))
    if target.endswith(("/", os.sep)) or os.path.isdir(target):
        raise UserError(f"{path}: is a directory")
    if not os.path.isdir(directory):
        raise UserError(f"{path}: no such directory")
    return directory


def write_atomically(path: str, data: bytes) -> None:
    directory = check_target(path)
    target = _followed(os.fspath(path))
    mode = _mode_for(target)
    import tempfile  # on the first write, not at start-up
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
