"""The protocol both backends speak.

Command handlers call these methods with the user's names and get plain data
back (dicts, lists, ints); rendering never reaches into a backend. A method
that a backend cannot do raises `UserError` saying so. Every method either
does all of its work or raises before changing anything.

Output that happens *during* a command (the collector's debug lines, finalizer
and callback messages) goes through `emit(kind, text)`: kind "debug" is
CPython's stderr text, kind "event" is what happened.
"""

from __future__ import annotations

from typing import Callable

from ..errors import UserError


class Backend:
    name = "?"

    def __init__(self, emit: Callable[[str, str], None]):
        self.emit = emit

    # --- what the prompt and toolbar show
    def describe(self) -> str:
        return self.name

    def status(self) -> dict:
        """enabled, count, threshold, debug, frozen, objects: for the toolbar."""
        raise NotImplementedError

    def names(self) -> list[str]:
        """The user's object names, for completion."""
        raise NotImplementedError

    # --- command boundaries
    def begin_command(self) -> None:
        """Called before each command."""

    def end_command(self) -> list[dict]:
        """Called after each successful command (a safe point); returns automatic collections."""
        return []

    def close(self) -> None:
        """Leave the backend, restoring anything it changed outside gcsh."""

    def unsupported(self, what: str) -> UserError:
        return UserError(f"{what} is not available in the {self.name} backend")
