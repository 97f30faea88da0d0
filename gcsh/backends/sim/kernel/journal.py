"""The undo journal: what each command changed, so that it can be rolled back, undone and redone.

A `Change` is one command's (or one trial's) record. The store writes through
it, never around it:

* columns: a Change's first CELL_WRITES writes are saved one by one, two ints
  each (which row of which column, its old value) in one array; past that, the
  first write to a page (PAGE rows of one column) saves the page's old
  contents, so that a collection of a million objects saves each page once.
  Rows the Change created are never saved: rolling back cuts the columns back
  to their length;
* side tables: each write is a cell record (table, key, old, new), or a list
  operation (append, insert, delete, set), invertible without a copy;
* the collector's scalar state (counts, thresholds, statistics, free lists…)
  is snapshotted when the Change opens and when it closes: a few dozen ints.

So a rollback costs time and memory proportional to what the command changed,
never to the heap: an `alloc` in a heap of a million objects saves a few pages,
a full collection of that heap at most each page once. Closed Changes form the
history that `undo` and `redo` walk; the history is bounded in bytes (LIMIT):
the oldest Changes are dropped first, and `undo` says how far back it can go.
"""

from __future__ import annotations

from array import array
from collections import deque

from .layout import PAGE, PAGE_SHIFT

LIMIT = 64 * 1024 * 1024  # bytes of history kept for `undo` (the running command is always kept whole)
MISSING = object()  # a cell that did not exist
CELL_BYTES = 96  # what one cell record costs, roughly (a tuple and its references)
CELL_WRITES = 256  # column writes saved one by one before a Change saves whole pages
SET, APPEND, INSERT, DELETE, ATTR = range(5)  # cell operations


class Change:
    """What one command changed, and the lengths and scalars it started from."""

    __slots__ = ("label", "rows", "pool", "literals", "ranges", "before", "after", "pages", "singles", "news",
                 "cells", "tails", "bytes", "writes")

    def __init__(self, label: str, store, before: tuple | None = None) -> None:
        # (one of these is made for every command: each attribute is read once, written once)
        self.label = label
        self.rows = len(store.kind)
        self.pool = len(store.pool)
        self.literals = len(store.literals)
        self.ranges = len(store.names.ranges)
        self.before = store.scalars() if before is None else before  # (BEFORE: the scalars now)
        self.after = self.tails = None  # TAILS: the rows, pool entries, literals and ranges it added
        # (column, first row, old contents (None: new rows only), new contents once undone)
        self.pages: list = []
        # the single writes: row << 4 | column, then the old value (kept in an array: no object per
        # write for the host's collector to scan); NEWS, once undone: the value each had then
        self.singles = array("q")
        self.news = None
        self.writes = CELL_WRITES
        self.cells: list = []  # (operation, table, key, old, new), CELL_BYTES each
        self.bytes = 0

    def empty(self, store, scalars: tuple | None = None) -> bool:
        """Did it change nothing? (SCALARS: the store's scalars now, if the caller has them.)"""
        return (not self.pages and not self.singles and not self.cells and self.rows == len(store.kind)
                and self.pool == len(store.pool) and self.literals == len(store.literals)
                and self.ranges == len(store.names.ranges)
                and self.before == (store.scalars() if scalars is None else scalars))


class Journal:
    def __init__(self, store, limit: int = LIMIT) -> None:
        self.store = store
        self.limit = limit
        self.history: deque[Change] = deque()  # closed Changes, oldest first
        self.future: list[Change] = []  # undone Changes, most recently undone last
        self.bytes = 0
        self.dropped = 0  # Changes dropped from the history to keep it within LIMIT
        self._switch(Change("", store))
        self.outer: list[Change] = []  # Changes a trial is nested in

    def _switch(self, change: Change) -> None:
        """CHANGE becomes the open one (the one every write goes into)."""
        self.open = change
        # the store skips the journal for rows the Change made (rolling back cuts them off): per
        # column (the eight row columns, then the pool) the first row it made
        rows = change.rows
        self.store.fresh = (rows, rows, rows, rows, rows, rows, rows, rows, change.pool)

    # ------------------------------------------------------------ writing (called by the store)

    def save(self, column: int, op: int) -> None:
        """Before a write to row OP of COLUMN whose page the open Change has not saved (and that
        it did not make)."""
        change = self.open
        if change.writes > 0:  # (its bytes are counted when it closes)
            change.writes -= 1
            # (one call: Ctrl-C lands between calls, never inside one, so the pair is whole)
            change.singles.extend((op << 4 | column, self.store.columns[column][op]))
            return
        self.save_page(column, op >> PAGE_SHIFT)

    def save_run(self, column: int, first: int, stop: int) -> None:
        """Save pages FIRST..STOP-1 of COLUMN in one piece (none of them saved yet)."""
        store, change = self.store, self.open
        start = first << PAGE_SHIFT
        limit = change.pool if column == store.POOL else change.rows
        if start >= limit or stop - first == 1:
            for page in range(first, stop):
                self.save_page(column, page)
            return
        old = store.columns[column][start:min(stop << PAGE_SHIFT, limit)]
        change.pages.append((column, start, old, None))
        change.bytes += len(old) * old.itemsize + 64
        dirty = store.dirty[column]
        for page in range(first, stop):
            dirty[page] = 1
        last = (start + len(old) - 1) >> PAGE_SHIFT
        for page in range(last + 1, stop):  # pages of rows the Change made: marked, nothing to keep
            change.pages.append((column, page << PAGE_SHIFT, None, None))

    def save_page(self, column: int, page: int) -> None:
        """Before the first write to PAGE of COLUMN in the open Change."""
        store, change = self.store, self.open
        start = page << PAGE_SHIFT
        limit = change.pool if column == store.POOL else change.rows
        old = store.columns[column][start:min(start + PAGE, limit)] if start < limit else None
        change.pages.append((column, start, old, None))
        if old is not None:
            change.bytes += len(old) * old.itemsize + 64
        store.dirty[column][page] = 1

    def cell(self, op: int, table, key, old, new) -> None:
        self.open.cells.append((op, table, key, old, new))

    # ------------------------------------------------------------ command boundaries

    def begin(self, label: str) -> None:
        """Close the open Change (into the history, unless it changed nothing) and open one for LABEL.
        A command's Change stays open until the next command begins: the runner calls this with
        Ctrl-C held off, so closing a Change is never cut in half."""
        self.commit()
        self.open.label = label

    def commit(self) -> None:
        store, change = self.store, self.open
        if change.pages:  # (_forget_pages, inline: it runs per command)
            self._mark(change, 0)
        now = store.scalars()
        if change.singles or change.pages or change.cells or not change.empty(store, now):
            change.after = now
            change.bytes += len(change.cells) * CELL_BYTES + 12 * len(change.singles)  # (and NEWS if undone)
            # closed, it is only read (undo writes its pages again as a list): tuples of ints are
            # objects the host's collector stops scanning, lists and arrays are not
            change.pages = tuple(change.pages)
            change.cells = tuple(change.cells)
            change.singles = change.singles.tobytes()  # (bytes: not even an object the collector tracks)
            self.history.append(change)
            self.bytes += change.bytes
            if self.future:
                self.future.clear()
            if self.bytes > self.limit:
                while self.bytes > self.limit and len(self.history) > 1:
                    self.bytes -= self.history.popleft().bytes
                    self.dropped += 1
        else:  # it changed nothing: it stays open, for the next command
            change.label = ""
            return
        self._switch(Change("", store, now))

    def rollback(self) -> None:
        """Put back everything the open Change changed, and open an empty one."""
        change = self.open
        self._undo(change)
        self._forget_pages(change)
        self._switch(Change(change.label, self.store))

    def take_back(self, change: Change) -> None:
        """Roll back CHANGE, whether it is still open or was just closed (a command interrupted
        after its last write)."""
        if self.open is change or not self.history or self.history[-1] is not change:
            self.rollback()
        else:
            self.rollback()  # whatever came after it (nothing, normally)
            self.history.pop()
            self.bytes -= change.bytes
            self._undo(change)

    def _forget_pages(self, change: Change) -> None:
        if change.pages:
            self._mark(change, 0)

    def _mark(self, change: Change, value: int) -> None:
        """Set the dirty bit of every page CHANGE saved (not its single writes) to VALUE."""
        dirty = self.store.dirty
        for column, start, old, _ in change.pages:
            if old is None:
                dirty[column][start >> PAGE_SHIFT] = value
            else:
                d = dirty[column]
                for page in range(start >> PAGE_SHIFT, ((start + len(old) - 1) >> PAGE_SHIFT) + 1):
                    d[page] = value

    # ------------------------------------------------------------ trials: run, look, roll back

    def begin_trial(self) -> None:
        """A Change nested in the open one (why, whatif, pending run the real collector in one)."""
        self._forget_pages(self.open)  # (forgetting pages is always safe: they would be saved again)
        trial = Change("trial", self.store)
        self.outer.append(self.open)
        self._switch(trial)

    def end_trial(self, depth: int) -> None:
        """Roll the trial back and reopen the Change it was nested in (DEPTH: len(outer) before the
        trial; the trial may have been interrupted before it was opened). Ctrl-C or running out of
        memory during the rollback does not stop it half-way: it starts again (undoing is
        idempotent), and the interruption is raised once the heap is whole."""
        interruption = None
        while True:
            try:
                self._end_trial(depth)
                break
            except (KeyboardInterrupt, MemoryError) as e:
                interruption = e
        if interruption is not None:
            raise interruption

    def _end_trial(self, depth: int) -> None:
        if len(self.outer) <= depth:
            return
        if self.open is self.outer[-1]:
            self.outer.pop()
            return
        self.rollback()
        self._forget_pages(self.open)
        self._switch(self.outer.pop())
        self._mark(self.open, 1)

    # ------------------------------------------------------------ undo and redo

    def undo(self, n: int) -> list[str]:
        """Undo the last N commands (fewer if the history is shorter); their labels, newest first."""
        self.commit()
        done = []
        while self.history and len(done) < n:
            change = self.history.pop()
            self.bytes -= change.bytes
            self._undo(change)
            self.future.append(change)
            done.append(change.label)
        self._switch(Change("", self.store))  # from the state undo left
        return done

    def redo(self, n: int) -> list[str]:
        self.commit()
        done = []
        while self.future and len(done) < n:
            change = self.future.pop()
            self._redo(change)
            self.history.append(change)
            self.bytes += change.bytes
            done.append(change.label)
        self._switch(Change("", self.store))
        return done

    def _undo(self, change: Change) -> None:
        store = self.store
        for op, table, key, old, new in reversed(change.cells):
            if op == SET:
                if old is MISSING:
                    table.pop(key, None)
                else:
                    table[key] = old
            elif op == APPEND:
                del table[key:]  # KEY: the length before
            elif op == INSERT:
                if len(table) > old:  # OLD: the length before
                    del table[key]
            elif op == DELETE:
                if len(table) < new:  # NEW: the length before
                    table.insert(key, old)
            else:
                setattr(table, key, old)
        columns = store.columns
        pages = change.pages = list(change.pages)  # (a closed Change's are a tuple)
        for i in range(len(pages) - 1, -1, -1):
            column, start, old, _ = pages[i]
            if old is not None:
                col = columns[column]
                new = col[start:start + len(old)]
                col[start:start + len(old)] = old
                pages[i] = (column, start, old, new)
        # the single writes after the pages: a page saved after a single write to one of its rows
        # holds the value that write made, and the single write puts back the one before it
        singles = array("q", change.singles)  # (a closed Change's are bytes)
        news = change.news = array("q", bytes(4 * len(singles)))
        for i in range(len(singles) - 2, -1, -2):
            where = singles[i]
            col = columns[where & 15]
            news[i >> 1] = col[where >> 4]
            col[where >> 4] = singles[i + 1]
        change.tails = store.cut(change.rows, change.pool, change.literals, change.ranges)
        if change.after is None:
            change.after = store.scalars()
        store.restore_scalars(change.before)

    def _redo(self, change: Change) -> None:
        store = self.store
        store.extend_tails(change.tails)
        columns = store.columns
        singles, news = array("q", change.singles), change.news
        for i in range(0, len(singles), 2):  # (the opposite order of _undo's)
            where = singles[i]
            columns[where & 15][where >> 4] = news[i >> 1]
        for column, start, _, new in change.pages:
            if new is not None:
                columns[column][start:start + len(new)] = new
        for op, table, key, old, new in change.cells:
            if op == SET:
                if new is MISSING:
                    table.pop(key, None)
                else:
                    table[key] = new
            elif op == APPEND:
                table.append(new)
            elif op == INSERT:
                table.insert(key, new)
            elif op == DELETE:
                del table[key]
            else:
                setattr(table, key, new)
        store.restore_scalars(change.after)

    # ------------------------------------------------------------ what `undo` tells

    def depth(self) -> tuple[int, int]:
        """(commands that can be undone, commands that can be redone)."""
        pending = 0 if self.open.empty(self.store) else 1
        return len(self.history) + pending, len(self.future)
