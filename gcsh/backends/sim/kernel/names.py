"""Object names: given by the user, computed from a bulk command's range, or generated; and the roots.

* Names the user gives (`alloc a`) and a few CPython makes on the way
  (`a.__dict__`, `w.__callback__`) are stored, both ways, without a Python
  object per name: the names' UTF-8 bytes in one buffer, found through an
  open-addressing index in an array, and two int columns: name -> the newest
  row that had it, row -> its name.
* A bulk command (`ring r 1000000`) stores one range record: its first row is
  named BASE, and row `first + shift + i` is named `BASE_i`. No string is made
  until a name is asked for.
* Every other object is `_KIND<id>` (`_tuple12`), computed from its row.

A name stays attached to its row after the object is freed, so that a later
use can say how it went; a new object may take the name again (the newest row
holding a name is the one it means). Every change of a name's row, a row's
name or a binding is a journaled cell write; the table of name strings itself
only grows (a name once given keeps its number, also across undo), so a
number found for a name stays right and is cached.

The roots (`Roots`) are the bound rows, in binding order: a row is bound
under its own name only, so a binding is a link in two per-row columns.
"""

from __future__ import annotations

from array import array
from bisect import bisect_right

from .journal import SET
from .layout import FREED, HEADS, KINDS

NONE = -1  # no name / no row / not bound
CACHE = 1024  # names whose number is remembered (every command looks its names up more than once)


GROW = array("i", [NONE]) * 256


def _cover(column: array, row: int) -> None:
    """Make COLUMN long enough to hold ROW (new entries NONE; a few more, so that not every new row
    extends it)."""
    while len(column) <= row:
        column.extend(GROW if row - len(column) < len(GROW) else array("i", [NONE]) * (row + 1 - len(column)))


class Names:
    def __init__(self, store) -> None:
        self.store = store
        # the table of names: name k is text[offsets[k]:offsets[k + 1]], found by hashing into `slots`
        self.text = bytearray()
        self.offsets = array("q", [0])
        self.slots = array("i", [NONE]) * 8
        # recently used names -> their number (NONE: not in the table), and back (CACHE of each)
        self.numbers: dict[str, int] = {}
        self.texts: dict[int, str] = {}
        # journaled: name k -> the newest row that had it (NONE: none, or given back by undo), and
        # row -> its name's number
        self.row_of = array("i")
        self.name_at = array("i")
        self.ranges: list[tuple[int, int, str, int]] = []  # (first row, stop row, base, shift), by first row
        self.starts: list[int] = []  # the first rows of `ranges`, for bisect
        self.bases: dict[str, list[int]] = {}  # base -> indexes into ranges, oldest first
        self.order = Order()  # the bound rows (`Roots` reads them by name)

    # ------------------------------------------------------------ the table of names

    def number(self, name: str) -> int:
        """NAME's number in the table, or NONE."""
        k = self.numbers.get(name)
        return self._find(name) if k is None else k

    def _find(self, name: str) -> int:
        """NAME's number, looked up in the table and remembered."""
        numbers = self.numbers
        if len(numbers) >= CACHE:
            numbers.clear()
            self.texts.clear()
        slots = self.slots
        mask = len(slots) - 1
        i = hash(name) & mask
        k = slots[i]
        if k >= 0:
            key = name.encode()
            size = len(key)
            text, offsets = self.text, self.offsets
            while True:
                start = offsets[k]
                if offsets[k + 1] - start == size and text.startswith(key, start):
                    self.texts[k] = name
                    break
                i = (i + 1) & mask
                k = slots[i]
                if k < 0:
                    break
        numbers[name] = k
        return k

    def _intern(self, name: str) -> int:
        """NAME's number, adding it to the table if it is new (never undone: see the docstring)."""
        k = self.number(name)
        if k >= 0:
            return k
        row_of, text, slots = self.row_of, self.text, self.slots
        k = len(row_of)
        text += name.encode()
        self.offsets.append(len(text))
        row_of.append(NONE)
        if 2 * (k + 1) > len(slots):  # at most half full: probes stay short
            self._rehash(2 * len(slots))
        else:
            mask = len(slots) - 1
            i = hash(name) & mask
            while slots[i] >= 0:
                i = (i + 1) & mask
            slots[i] = k
        self.numbers[name] = k  # (it was remembered as NONE by the look-up that found it new)
        self.texts[k] = name
        return k

    def _rehash(self, size: int) -> None:
        slots = self.slots = array("i", [NONE]) * size
        mask = size - 1
        offsets = self.offsets
        text = self.text.decode()
        if len(text) == len(self.text):  # all ASCII: the names are slices of the decoded text
            names = map(text.__getitem__, map(slice, offsets, offsets[1:]))
        else:
            names = map(self._decode, range(len(self.row_of)))
        for k, h in enumerate(map(hash, names)):
            i = h & mask
            while slots[i] >= 0:
                i = (i + 1) & mask
            slots[i] = k

    def _text(self, k: int) -> str:
        name = self.texts.get(k)
        return self._decode(k) if name is None else name

    def _decode(self, k: int) -> str:
        offsets = self.offsets
        return self.text[offsets[k]:offsets[k + 1]].decode()

    # ------------------------------------------------------------ writing (journaled)

    def _set(self, column: array, i: int, value: int) -> None:
        self.store.journal.cell(SET, column, i, column[i], value)
        column[i] = value

    def give(self, row: int, name: str) -> None:
        k = self.numbers.get(name)
        if k is None or k < 0:
            k = self._intern(name)
        old = self.row_of[k]
        if old >= 0:
            if self.order[old] >= 0:
                return  # CPython's own name for a new object (`a.__dict__`) never takes a bound name
            if self.store.gen[old] == FREED:
                self._set(self.name_at, old, NONE)  # a freed object whose name is taken again: no need to keep it
        name_at, row_of = self.name_at, self.row_of
        if row >= len(name_at):
            _cover(name_at, row)
        cell = self.store.journal.cell
        cell(SET, row_of, k, old, row)
        cell(SET, name_at, row, name_at[row], k)
        row_of[k] = row
        name_at[row] = k

    def load(self, row: int, name: str) -> None:
        """Give ROW the name NAME in a heap being built (a file loaded, a live heap copied): not journaled."""
        k = self._intern(name)
        self.row_of[k] = row
        _cover(self.name_at, row)
        self.name_at[row] = k

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
        at = self.name_at
        if row < len(at):
            k = at[row]
            if k >= 0:
                return self._text(k)
        return self._range_name(row) or f"_{KINDS[self.store.kind[row]]}{row - HEADS}"

    def given(self, name: str) -> bool:
        """Has some row (alive or freed) been given NAME explicitly?"""
        k = self.number(name)
        return k >= 0 and self.row_of[k] >= 0

    def generated(self, row: int) -> bool:
        """Is ROW's name made from its kind and id (no name given, no bulk range)?"""
        at = self.name_at
        return (row >= len(at) or at[row] < 0) and self._range_name(row) is None

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
        k = self.numbers.get(name)
        if k is None:
            k = self._find(name)
        best = self.row_of[k] if k >= 0 else NONE
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
        """(name, row) of every stored name, in the order they were first given."""
        row_of = self.row_of
        return ((self._decode(k), row_of[k]) for k in range(len(row_of)) if row_of[k] >= 0)


class Order:
    """The bound rows in binding order, linked through two per-row columns (entry 0, never a row:
    rows start at HEADS, is the list's head), as a table row -> the bound row before it (NONE: not
    bound), so that one journaled cell write binds or unbinds a row and undoing it puts it back
    where it was."""

    def __init__(self) -> None:
        self.nxt = array("i", [0])
        self.prv = array("i", [0])

    def __getitem__(self, row: int) -> int:
        prv = self.prv
        return prv[row] if row < len(prv) else NONE

    def __setitem__(self, row: int, before: int) -> None:
        """Idempotent, as undoing must be (a rollback cut short by Ctrl-C is run again): unlinking
        an unbound row, or linking a row where it is already, changes nothing."""
        nxt, prv = self.nxt, self.prv
        if before == NONE:  # unlink
            if row >= len(prv) or prv[row] == NONE:
                return
            p, n = prv[row], nxt[row]
            nxt[p], prv[n], prv[row] = n, p, NONE
        else:  # link after BEFORE
            if row >= len(prv):
                _cover(nxt, row)
                _cover(prv, row)
            elif prv[row] == before and nxt[before] == row:
                return
            elif prv[row] != NONE:  # linked elsewhere: out of there first
                self[row] = NONE
            after = nxt[before]
            nxt[before], prv[row], nxt[row], prv[after] = row, before, after, row

    def rows(self) -> list[int]:
        nxt = self.nxt
        rows = []
        row = nxt[0]
        while row:
            rows.append(row)
            row = nxt[row]
        return rows


class Roots:
    """The bound names, each holding one reference, in binding order (as the namespace's dict
    keeps them): a read-only mapping name -> row. A row is bound under its own name only."""

    def __init__(self, names: Names) -> None:
        self.names = names
        self.order = names.order

    # ------------------------------------------------------------ writing

    def bind(self, row: int) -> None:
        """Bind ROW under its name, after the others (journaled)."""
        order = self.order
        nxt, prv = order.nxt, order.prv
        if row >= len(prv):
            _cover(nxt, row)
            _cover(prv, row)
        tail = prv[0]
        self.names.store.journal.cell(SET, order, row, NONE, tail)
        nxt[tail], prv[row], nxt[row], prv[0] = row, tail, 0, row  # (order[row] = tail, inlined)

    def pop(self, name: str) -> int:
        """Unbind NAME (journaled); its row."""
        row = self[name]
        self._set(row, NONE)
        return row

    def _set(self, row: int, before: int) -> None:
        order = self.order
        prv = order.prv
        self.names.store.journal.cell(SET, order, row, prv[row] if row < len(prv) else NONE, before)
        order[row] = before

    def load(self, rows) -> None:
        """Bind ROWS in a heap being built (a file loaded, a live heap copied): not journaled."""
        order = self.order
        for row in rows:
            order[row] = order.prv[0]

    # ------------------------------------------------------------ reading

    def bound(self, row: int) -> bool:
        prv = self.order.prv
        return row < len(prv) and prv[row] >= 0

    def get(self, name: str, default=None):
        row = self.names.lookup(name)
        if row is not None:
            prv = self.order.prv
            if row < len(prv) and prv[row] >= 0:
                return row
        return default

    def __contains__(self, name) -> bool:
        return self.get(name) is not None

    def __getitem__(self, name: str) -> int:
        row = self.get(name)
        if row is None:
            raise KeyError(name)
        return row

    def values(self) -> list[int]:
        """The bound rows, in binding order."""
        return self.order.rows()

    def keys(self) -> list[str]:
        name_of = self.names.name_of
        return [name_of(row) for row in self.order.rows()]

    def items(self) -> list[tuple[str, int]]:
        name_of = self.names.name_of
        return [(name_of(row), row) for row in self.order.rows()]

    def __iter__(self):
        return iter(self.keys())

    def __len__(self) -> int:
        return len(self.order.rows())

    def __bool__(self) -> bool:
        return self.order.nxt[0] != 0
