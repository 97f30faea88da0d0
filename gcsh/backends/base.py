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

    def root_names(self) -> list[str]:
        """The names bound as roots (what `del` takes), for completion; a backend may do it faster."""
        return [row["name"] for row in self.rows() if row.get("bound")]

    # --- command boundaries
    def begin_command(self) -> None:
        """Called before each command."""

    def end_command(self) -> list[dict]:
        """Called after each successful command (a safe point); returns automatic collections."""
        return []

    def checkpoint(self, command: str, words: int):
        """Called before `begin_command`: a function that undoes the coming command, or None.

        With an undo, Ctrl-C interrupts the command at once and the runner undoes it (as it
        does when the command fails); without one, Ctrl-C waits for the command's end.
        """
        return None

    def left_out(self) -> dict:
        """What the last query did not show, by kind ("gcsh": gcsh's own objects; "other":
        objects outside the user's heap), as counts; shown beside the answer, never dropped."""
        return {}

    def close(self) -> None:
        """Leave the backend, restoring anything it changed outside gcsh."""

    def unsupported(self, what: str) -> UserError:
        return UserError(f"{what} is not available in the {self.name} backend")
