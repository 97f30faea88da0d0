"""The names of freed objects, made only when shown.

A collection of a million objects frees a million rows; `freed:` shows ten
names and a count. `FreedNames` is a sequence (len, slicing, iteration) in
allocation order, without the objects CPython makes and drops within one
operation (a weakref callback tuple): slicing a few names picks the smallest
rows without sorting them all.
"""

from __future__ import annotations

import heapq
from array import array

from ...values import NAME_LIMIT, name_list
from .kernel.layout import HIDDEN

FEW = 64  # up to this many names, pick them without sorting every row


def _compiled(heap) -> bool:
    from .kernel import accel
    return accel.loops_for(heap) is not accel.loops


def _sorted(heap, rows) -> list[int]:
    """ROWS in increasing order: by marking, in the compiled loops, for a long list."""
    from .kernel import accel
    k = accel.loops_for(heap)
    if len(rows) < 10_000 or k is accel.loops:
        return sorted(rows)
    out = array("i", [0]) * len(rows)
    n = k.sort_rows(rows if isinstance(rows, array) else array("i", rows), len(rows), array("B", bytes(len(heap.kind))), out)
    return out[:n]


class FreedNames:
    __slots__ = ("heap", "rows", "_sorted", "_len")

    def __init__(self, heap, rows) -> None:
        self.heap = heap
        self.rows = rows
        self._sorted = None
        hidden = heap.hidden_rows()
        self._len = len(rows) - (sum(1 for op in rows if op in hidden) if hidden else 0)

    def _all(self) -> list[int]:
        if self._sorted is None:
            flags = self.heap.flags
            rows = _sorted(self.heap, self.rows)
            if self.heap.hidden_rows():
                rows = [op for op in rows if not flags[op] & HIDDEN]
            self._sorted = rows
        return self._sorted

    def _first(self, n: int) -> list[int]:
        if self._sorted is not None or n > FEW or len(self.rows) >= 10_000 and _compiled(self.heap):
            return self._all()[:n]
        hidden = self.heap.hidden_rows()
        extra = len(hidden)
        descending = len(self.rows) > 1 and self.rows[0] > self.rows[-1]  # a cascade freed from the far end
        smallest = heapq.nsmallest(n + extra, reversed(self.rows) if descending else self.rows)
        return [op for op in smallest if op not in hidden][:n]

    def __len__(self) -> int:
        return self._len

    def __bool__(self) -> bool:
        return self._len > 0

    def __getitem__(self, i):
        name_of = self.heap.name_of
        if isinstance(i, slice):
            if i.start in (None, 0) and i.step in (None, 1) and i.stop is not None and i.stop >= 0:
                return [name_of(op) for op in self._first(i.stop)]
            return [name_of(op) for op in self._all()[i]]
        return name_of(self._all()[i])

    def __iter__(self):
        return map(self.heap.name_of, self._all())

    def __eq__(self, other) -> bool:
        return list(self) == list(other)

    def listing(self, limit: int = NAME_LIMIT) -> str:
        return name_list(self, limit)

    def __repr__(self) -> str:
        return f"FreedNames({self[:10]!r}{'…' if self._len > 10 else ''})"
