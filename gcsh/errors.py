"""The one exception type for a user's mistake.

Anything raised as `UserError` is shown as one line (`FILE:LINE: error: MESSAGE`)
and leaves the heap as it was; any other exception is a bug in gcsh.
"""

from __future__ import annotations


class UserError(Exception):
    def __init__(self, message: str, column: int | None = None):
        super().__init__(message)
        self.message = message
        self.column = column


class Interrupted(UserError):
    """Ctrl-C during a command: the command was rolled back or never started."""

    def __init__(self) -> None:
        super().__init__("interrupted")


class AlreadyReported(UserError):
    """A failure whose error line has been printed already (inside a sourced file)."""
