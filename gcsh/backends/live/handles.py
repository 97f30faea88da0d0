"""Handles (`@1f`) for the objects the live backend prints that have no name of their own.

A handle is given the first time an unnamed object is printed and means that object for its
whole life: gcsh keeps a weak reference where the type allows one, and otherwise the address
and type, checked against the live tracked objects when the handle is used (so a handle never
keeps its object alive, and a dead object's handle is never taken for a newcomer of another type).
"""

from __future__ import annotations

import gc
import weakref

from ...errors import UserError
from .objects import quiet


class Handles:
    def __init__(self):
        self.by_id: dict[int, str] = {}
        self.entries: dict[str, tuple[int, type, weakref.ref | None]] = {}
        self._next = 1

    def of(self, obj: object) -> str:
        """OBJ's handle, given now if it has none (or its address's old owner died)."""
        h = self.by_id.get(id(obj))
        if h is not None and self._alive(h) is obj:
            return h
        h = f"@{self._next:x}"
        self._next += 1
        try:
            wr = weakref.ref(obj)
        except TypeError:
            wr = None
        self.by_id[id(obj)] = h
        self.entries[h] = (id(obj), type(obj), wr)
        return h

    def _alive(self, h: str, tracked: list | None = None) -> object | None:
        oid, tp, wr = self.entries[h]
        if wr is not None:
            return wr()
        if tracked is None:
            with quiet():
                tracked = gc.get_objects()
        return next((o for o in tracked if id(o) == oid and type(o) is tp), None)

    def given(self) -> list[str]:
        """The handles given so far whose object may still be alive, newest first (one whose weak
        reference is dead is left out; the others are checked only when used)."""
        return [h for h, (_, _, wr) in reversed(self.entries.items()) if wr is None or wr() is not None]

    def resolve(self, h: str) -> object:
        """The object handle H means; a UserError if it was never given or its object is gone."""
        if h not in self.entries:
            raise UserError(f"unknown handle {h!r}")
        obj = self._alive(h)
        if obj is None:
            raise UserError(f"{h!r} no longer exists: it was freed")
        return obj
