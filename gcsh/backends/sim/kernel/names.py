"""Object names: given by the user, computed from a bulk command's range, or generated.

* Names the user gives (`alloc a`) and a few CPython makes on the way
  (`a.__dict__`, `w.__callback__`) are stored, both ways.
* A bulk command (`ring r 1000000`) stores one range record: its first row is
  named BASE, and row `first + shift + i` is named `BASE_i`. No string is made
  until a name is asked for.
* Every other object is `_KIND<id>` (`_tuple12`), computed from its row.

A name stays attached to its row after the object is freed, so that a later
use can say how it went; a new object may take the name again (the newest row
holding a name is the one it means). Every change goes through the store's
journaled writes.
"""

from __future__ import annotations

from bisect import bisect_right

from .layout import FREED, HEADS, KINDS


class Names:
    def __init__(self, store) -> None:
        self.store = store
        self.by_name: dict[str, int] = {}  # an explicit name -> the newest row that had it
        self.of_row: dict[int, str] = {}  # a row -> its explicit name
        self.ranges: list[tuple[int, int, str, int]] = []  # (first row, stop row, base, shift), by first row
        self.starts: list[int] = []  # the first rows of `ranges`, for bisect
        self.bases: dict[str, list[int]] = {}  # base -> indexes into ranges, oldest first

    # ------------------------------------------------------------ writing (journaled by the store)

    def give(self, row: int, name: str) -> None:
        store = self.store
        old = self.by_name.get(name)
        if old is not None and store.gen[old] == FREED:
            store.table_pop(self.of_row, old)  # a freed object whose name is taken again: no need to keep it
        store.table_set(self.by_name, name, row)
        store.table_set(self.of_row, row, name)

    def give_range(self, first: int, stop: int, base: str, shift: int) -> None:
        """Rows FIRST..STOP-1: FIRST is BASE, row r > FIRST is BASE_{r - FIRST - shift}."""
        store = self.store
        index = len(self.ranges)
        self.ranges.append((first, stop, base, shift))  # cut back on rollback, like the rows
        self.starts.append(first)
        store.table_set(self.bases, base, self.bases.get(base, ()) + (index,))

    def cut(self, ranges: int) -> list:
        """Drop the ranges past the first RANGES (rolling back); returns them."""
        tail = self.ranges[ranges:]
        del self.ranges[ranges:], self.starts[ranges:]
        return tail

    def extend(self, tail: list) -> None:
        self.ranges.extend(tail)
        self.starts.extend(r[0] for r in tail)

    # ------------------------------------------------------------ reading

    def name_of(self, row: int) -> str:
        name = self.of_row.get(row)
        if name is not None:
            return name
        return self._range_name(row) or f"_{KINDS[self.store.kind[row]]}{row - HEADS}"

    def generated(self, row: int) -> bool:
        """Is ROW's name made from its kind and id (no name given, no bulk range)?"""
        return row not in self.of_row and self._range_name(row) is None

    def _range_name(self, row: int) -> str | None:
        starts = self.starts
        if starts and row >= starts[0]:
            i = bisect_right(starts, row) - 1
            first, stop, base, shift = self.ranges[i]
            if row < stop:
                return base if row == first else f"{base}_{row - first - shift}"
        return None

    def lookup(self, name: str) -> int | None:
        """The newest row that was given NAME (alive or freed), or None."""
        best = self.by_name.get(name, -1)
        if self.ranges:
            row = self._range_row(name)
            if row > best and self.name_of(row) == name:
                best = row
        if name[:1] == "_":
            row = self._generated_row(name)
            if row > best and self.name_of(row) == name:
                best = row
        return best if best >= 0 else None

    def _range_row(self, name: str) -> int:
        indexes = self.bases.get(name)
        if indexes is not None:
            return self.ranges[indexes[-1]][0]
        base, _, digits = name.rpartition("_")
        if not digits.isdigit() or (digits[0] == "0" and digits != "0"):
            return -1
        indexes = self.bases.get(base)
        if indexes is None:
            return -1
        i = int(digits)
        for index in reversed(indexes):
            first, stop, _, shift = self.ranges[index]
            row = first + shift + i
            if first < row < stop:
                return row
        return -1

    def _generated_row(self, name: str) -> int:
        if name[:1] != "_":
            return -1
        stem = name.rstrip("0123456789")
        digits = name[len(stem):]
        if not digits or (digits[0] == "0" and digits != "0") or len(digits) > 18:
            return -1
        row = int(digits) + HEADS
        kind = self.store.kind
        if row >= len(kind) or KINDS[kind[row]] != stem[1:]:
            return -1
        return row

    def explicit(self):
        """(name, row) of every stored name (for a bulk command's check of its names)."""
        return self.by_name.items()
