"""Where the shell keeps what was typed, and how much of it.

The file lives in the user's state directory (platformdirs: e.g.
~/.local/state/gcsh/history on Linux); `GCSH_HISTFILE` names another file, and an
empty `GCSH_HISTFILE` keeps history in memory only. It is readable by its owner only
(0600: a `py` line can hold a password), and an existing file is made so. The file keeps
the newest `MAX_ENTRIES` entries (`history_size` in the config file): prompt_toolkit's
FileHistory only ever appends, so it is trimmed when loaded (in prompt_toolkit's loader
thread, off the first prompt's path), through gcsh's one atomic writer.
"""

from __future__ import annotations

import os
import threading
from typing import Iterable, Mapping

from prompt_toolkit.history import FileHistory, History, InMemoryHistory, ThreadedHistory

MAX_ENTRIES = 5000


def history_path(env: Mapping[str, str]) -> str | None:
    """The history file to use; None for history in memory only."""
    if "GCSH_HISTFILE" in env:
        return os.path.expanduser(env["GCSH_HISTFILE"]) or None
    from platformdirs import user_state_path
    return str(user_state_path("gcsh") / "history")


class BoundedFileHistory(FileHistory):
    """A FileHistory that keeps only the newest `limit` entries, and never fails a prompt."""

    def __init__(self, filename: str, limit: int = MAX_ENTRIES):
        super().__init__(filename)
        self.limit = limit
        self._lock = threading.Lock()

    def load_history_strings(self) -> Iterable[str]:
        with self._lock:
            newest_first = list(super().load_history_strings())
            if len(newest_first) > self.limit:
                newest_first = newest_first[:self.limit]
                self._rewrite(reversed(newest_first))
        return newest_first

    def store_string(self, string: str) -> None:
        with self._lock:
            try:
                super().store_string(string)
            except OSError:  # a full disk or a file gone read-only must not end the session
                pass

    def _rewrite(self, oldest_first: Iterable[str]) -> None:
        """Replace the file, in FileHistory's format, in one step (a crash leaves the old file)."""
        from ..errors import UserError
        from ..fileio import write_atomically
        text = "".join("\n" + "".join(f"+{line}\n" for line in entry.split("\n")) for entry in oldest_first)
        try:
            write_atomically(self.filename, text.encode("utf-8"))  # keeps the file's mode (0600)
        except UserError:  # a full disk: the untrimmed file stays
            pass


def make_history(env: Mapping[str, str], limit: int = MAX_ENTRIES) -> tuple[History, str | None]:
    """The history for a session, and a warning to show if it cannot be saved."""
    path = history_path(env)
    if path is None or limit == 0:
        return InMemoryHistory(), None
    try:
        os.makedirs(os.path.dirname(os.path.abspath(path)), mode=0o700, exist_ok=True)
        os.close(os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600))
        if os.stat(path).st_mode & 0o077:  # made by an older gcsh, or by hand: others may read it
            os.chmod(path, 0o600)
    except OSError as e:
        return InMemoryHistory(), f"history will not be saved: {path}: {e.strerror}"
    return ThreadedHistory(BoundedFileHistory(path, limit)), None
