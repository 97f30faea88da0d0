"""The undo journal: what each command changed, so that it can be rolled back, undone and redone.

One log for the whole history, in three parts that the store writes through,
never around:

* SINGLES, column writes: each command's first CELL_WRITES writes are saved one
  by one, two ints each (which row of which column, its old value); past that,
  the first write to a page (PAGE rows of one column) saves the page's old
  contents in PAGES, so that a collection of a million objects saves each page
  once. Rows a command created are never saved: rolling back cuts the columns
  back to their length;
* CELLS, side-table writes: a record (operation, table, key, old, new) each, or
  a list operation (append, insert, delete, set), invertible without a copy.

A command's entry in the history is a mark: where its part of each log starts,
the lengths of the store's growing parts (rows, pool, literals, name ranges)
and the collector's scalars (counts, thresholds, statistics, free lists…) when
it began. Closing a command is appending one mark; its writes are already in
the log. The open command is the one being written: its part runs from its
mark's offsets to the logs' ends.

So a rollback costs time and memory proportional to what the command changed,
never to the heap: an `alloc` in a heap of a million objects saves a few ints,
a full collection of that heap at most each page once. The history is bounded
in bytes (LIMIT): the oldest commands are dropped first (their part of the log
is cut off in pieces of an eighth of LIMIT), and `undo` says how far back it can go.
An undone command leaves the log with what redoing it needs.
"""

from __future__ import annotations

from array import array
from collections import deque

from .layout import PAGE, PAGE_SHIFT

LIMIT = 64 * 1024 * 1024  # bytes of history kept for `undo` (the running command is always kept whole)
MISSING = object()  # a cell that did not exist
CELL_BYTES = 96  # what one cell record costs, roughly (a tuple and its references)
CELL_WRITES = 256  # column writes saved one by one before a command saves whole pages
SET, APPEND, INSERT, DELETE, ATTR = range(5)  # cell operations

# a mark: (label, rows, pool, literals, ranges, scalars before, singles, pages, cells, bytes, serial)
LABEL, ROWS, POOL, LITERALS, RANGES, BEFORE, SINGLES, PAGES, CELLS, BYTES, SERIAL = range(11)


class Journal:
    def __init__(self, store, limit: int = LIMIT) -> None:
        self.store = store
        self.limit = limit
        self.singles = array("q")  # row << 4 | column, then the old value (no object per write)
        self.pages: list = []  # (column, first row, old contents, or None for a page of new rows)
        self.cells: list = []  # (operation, table, key, old, new)
        self.history: deque[tuple] = deque()  # closed commands' marks, oldest first
        self.future: list[tuple] = []  # undone commands (what _undo kept), most recently undone last
        self.bytes = 0
        self.dropped = 0  # commands dropped from the history to keep it within LIMIT
        self.dead = 0  # bytes of the log's front that only dropped commands need
        # how much was cut off the front of each part of the log: the history's marks hold offsets
        # from the log's first entry ever (the open command's, from its first entry now)
        self.base_s = self.base_p = self.base_c = 0
        self.serial = 0  # the last number given to a command (what `take_back` is given)
        self.outer: list[tuple] = []  # the marks of the commands a trial is nested in
        self._open("", store.scalars())

    def _open(self, label: str, before: tuple, sizes: tuple | None = None) -> None:
        """A new open command, starting from the store as it is (BEFORE: its scalars now; SIZES:
        the store's and the log's lengths now, if the caller has them: see `sizes`). Its mark is
        kept in attributes (one tuple is made when it closes)."""
        store = self.store
        self.serial += 1
        self.label, self.before, self.open_serial = label, before, self.serial
        self.rows, self.pool, self.literals, self.ranges, self.s, self.p, self.c = sizes or self.sizes()
        self.writes = CELL_WRITES
        self.page_bytes = 0
        # the store skips the journal for rows the open command made (rolling back cuts them off):
        # per column (the eight row columns, then the pool) the first row it made
        rows = self.rows
        store.fresh = (rows, rows, rows, rows, rows, rows, rows, rows, self.pool)

    def sizes(self) -> tuple:
        """The lengths a mark keeps: rows, pool, literals, name ranges; singles, pages, cells."""
        store = self.store
        return (len(store.kind), len(store.pool), len(store.literals), len(store.names.ranges), len(self.singles),
                len(self.pages), len(self.cells))

    def open_mark(self) -> tuple:
        return (self.label, self.rows, self.pool, self.literals, self.ranges, self.before, self.s, self.p, self.c,
                self.page_bytes, self.open_serial)

    def _reopen(self, mark: tuple, writes: int) -> None:
        """MARK (of an open command a trial was nested in) is the open one again."""
        (self.label, self.rows, self.pool, self.literals, self.ranges, self.before, self.s, self.p, self.c,
         self.page_bytes, self.open_serial) = mark
        self.writes = writes
        rows = self.rows
        self.store.fresh = (rows, rows, rows, rows, rows, rows, rows, rows, self.pool)

    # ------------------------------------------------------------ writing (called by the store)

    def save(self, column: int, op: int) -> None:
        """Before a write to row OP of COLUMN whose page the open command has not saved (and that
        it did not make)."""
        if self.writes > 0:
            self.writes -= 1
            # (one call: Ctrl-C lands between calls, never inside one, so the pair is whole)
            self.singles.extend((op << 4 | column, self.store.columns[column][op]))
            return
        self.save_page(column, op >> PAGE_SHIFT)

    def save_run(self, column: int, first: int, stop: int) -> None:
        """Save pages FIRST..STOP-1 of COLUMN in one piece (none of them saved yet)."""
        store = self.store
        start = first << PAGE_SHIFT
        limit = self.pool if column == store.POOL else self.rows
        if start >= limit or stop - first == 1:
            for page in range(first, stop):
                self.save_page(column, page)
            return
        old = store.columns[column][start:min(stop << PAGE_SHIFT, limit)]
        self.pages.append((column, start, old))
        self.page_bytes += len(old) * old.itemsize + 64
        dirty = store.dirty[column]
        for page in range(first, stop):
            dirty[page] = 1
        last = (start + len(old) - 1) >> PAGE_SHIFT
        for page in range(last + 1, stop):  # pages of rows the command made: marked, nothing to keep
            self.pages.append((column, page << PAGE_SHIFT, None))

    def save_page(self, column: int, page: int) -> None:
        """Before the first write to PAGE of COLUMN in the open command."""
        store = self.store
        start = page << PAGE_SHIFT
        limit = self.pool if column == store.POOL else self.rows
        old = store.columns[column][start:min(start + PAGE, limit)] if start < limit else None
        self.pages.append((column, start, old))
        if old is not None:
            self.page_bytes += len(old) * old.itemsize + 64
        store.dirty[column][page] = 1

    def cell(self, op: int, table, key, old, new) -> None:
        self.cells.append((op, table, key, old, new))

    # ------------------------------------------------------------ command boundaries

    def begin(self, label: str) -> int:
        """Close the open command (into the history, unless it changed nothing) and open one for
        LABEL; its serial number. A command stays open until the next one begins: the runner calls
        this with Ctrl-C held off, so closing one is never cut in half."""
        self.commit()
        self.label = label
        return self.open_serial

    def commit(self) -> None:
        sizes = self.sizes()
        rows, pool, literals, ranges, singles, pages, cells = sizes
        if pages != self.p:
            self._mark_pages(self.p, 0)
        now = self.store.scalars()
        if (singles == self.s and cells == self.c and pages == self.p and rows == self.rows and pool == self.pool
                and literals == self.literals and ranges == self.ranges and self.before == now):
            self.label = ""  # it changed nothing: it stays open, for the next command
            return
        size = self.page_bytes + 8 * (singles - self.s) + CELL_BYTES * (cells - self.c) + 200
        self.history.append((self.label, self.rows, self.pool, self.literals, self.ranges, self.before,
                             self.s + self.base_s, self.p + self.base_p, self.c + self.base_c, size, self.open_serial))
        self.bytes += size
        if self.future:
            self.future.clear()
        if self.bytes > self.limit:
            self._drop_oldest()
            sizes = None  # (the log's front may have been cut)
        self._open("", now, sizes)

    def _drop_oldest(self) -> None:
        history = self.history
        while self.bytes > self.limit and len(history) > 1:
            size = history.popleft()[BYTES]
            self.bytes -= size
            self.dead += size
            self.dropped += 1
        # the dropped commands' part of the log goes once it is an eighth of the bound: the log
        # stays within 1.125 LIMIT, and each byte of it is moved at most about eight times
        if self.dead * 8 >= self.limit and not self.outer:
            self._cut_front(self._relative(history[0]) if history else self.open_mark())
            self.dead = 0

    def _cut_front(self, first: tuple) -> None:
        """Cut off the log before FIRST (the dropped commands' part)."""
        s, p, c = first[SINGLES], first[PAGES], first[CELLS]
        del self.singles[:s]
        del self.pages[:p]
        del self.cells[:c]
        self.base_s, self.base_p, self.base_c = self.base_s + s, self.base_p + p, self.base_c + c
        self.s, self.p, self.c = self.s - s, self.p - p, self.c - c

    def _relative(self, mark: tuple) -> tuple:
        """A mark of the history with offsets into the log as it is now."""
        return mark[:SINGLES] + (mark[SINGLES] - self.base_s, mark[PAGES] - self.base_p,
                                 mark[CELLS] - self.base_c) + mark[BYTES:]

    def rollback(self) -> None:
        """Put back everything the open command changed, and open an empty one (of the same label)."""
        label, before = self.label, self.before
        self._undo(self.open_mark(), keep=False)
        self._open(label, before)

    def take_back(self, serial: int) -> None:
        """Roll back command SERIAL, whether it is still open or was just closed (a command interrupted
        after its last write)."""
        if self.open_serial == serial or not self.history or self.history[-1][SERIAL] != serial:
            self.rollback()
        else:
            self.rollback()  # whatever came after it (nothing, normally)
            mark = self.history.pop()
            self.bytes -= mark[BYTES]
            self._undo(self._relative(mark), keep=False)
            self._open(mark[LABEL], mark[BEFORE])

    def _mark_pages(self, first: int, value: int) -> None:
        """Set the dirty bit of every page saved from PAGES[FIRST] on (not single writes) to VALUE."""
        dirty = self.store.dirty
        pages = self.pages
        for i in range(first, len(pages)):
            column, start, old = pages[i]
            if old is None:
                dirty[column][start >> PAGE_SHIFT] = value
            else:
                d = dirty[column]
                for page in range(start >> PAGE_SHIFT, ((start + len(old) - 1) >> PAGE_SHIFT) + 1):
                    d[page] = value

    # ------------------------------------------------------------ trials: run, look, roll back

    def begin_trial(self) -> None:
        """A command nested in the open one (why, whatif, pending run the real collector in one)."""
        self._mark_pages(self.p, 0)  # (forgetting pages is always safe: they would be saved again)
        self.outer.append((self.open_mark(), self.writes))
        self._open("trial", self.store.scalars())

    def end_trial(self, depth: int) -> None:
        """Roll the trial back and reopen the command it was nested in (DEPTH: len(outer) before the
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
        outer, writes = self.outer[-1]
        if self.open_serial != outer[SERIAL]:  # (the trial may not have been opened yet)
            self._undo(self.open_mark(), keep=False)
        self._reopen(outer, writes)
        self._mark_pages(self.p, 1)
        self.outer.pop()

    # ------------------------------------------------------------ undo and redo

    def undo(self, n: int) -> list[str]:
        """Undo the last N commands (fewer if the history is shorter); their labels, newest first."""
        self.commit()
        done = []
        while self.history and len(done) < n:
            mark = self.history.pop()
            self.bytes -= mark[BYTES]
            self.future.append(self._undo(self._relative(mark), keep=True))
            done.append(mark[LABEL])
        self._open("", self.store.scalars())  # from the state undo left
        return done

    def redo(self, n: int) -> list[str]:
        self.commit()
        done = []
        while self.future and len(done) < n:
            label = self._redo(self.future.pop())
            done.append(label)
        self._open("", self.store.scalars())
        return done

    def _undo(self, mark: tuple, keep: bool):
        """Put back what the log holds from MARK on, and cut the log there. With KEEP, what redoing
        it needs: (mark, singles, their new values, pages with their new contents, cells, the rows
        and entries it added, the scalars after it)."""
        store = self.store
        s, p, c = mark[SINGLES], mark[PAGES], mark[CELLS]
        after = store.scalars() if keep else None  # (the next command's BEFORE: the scalars now)
        self._mark_pages(p, 0)  # (the pages are the next command's to save again)
        cells = self.cells
        for i in range(len(cells) - 1, c - 1, -1):
            op, table, key, old, new = cells[i]
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
        pages, redone = self.pages, []
        for i in range(len(pages) - 1, p - 1, -1):
            column, start, old = pages[i]
            if old is not None:
                col = columns[column]
                if keep:
                    redone.append((column, start, old, col[start:start + len(old)]))
                col[start:start + len(old)] = old
            elif keep:
                redone.append((column, start, None, None))
        # the single writes after the pages: a page saved after a single write to one of its rows
        # holds the value that write made, and the single write puts back the one before it
        singles = self.singles
        news = array("q", bytes(4 * (len(singles) - s))) if keep else None
        for i in range(len(singles) - 2, s - 1, -2):
            where = singles[i]
            col = columns[where & 15]
            if keep:
                news[(i - s) >> 1] = col[where >> 4]
            col[where >> 4] = singles[i + 1]
        kept = (singles[s:].tobytes(), news, redone[::-1], tuple(cells[c:])) if keep else None
        del cells[c:]
        del pages[p:]
        del singles[s:]
        tails = store.cut(mark[ROWS], mark[POOL], mark[LITERALS], mark[RANGES])
        store.restore_scalars(mark[BEFORE])
        return (mark, *kept, tails, after) if keep else None

    def _redo(self, kept: tuple) -> str:
        """Do an undone command again; it goes back into the log and the history. Its label."""
        mark, singles_bytes, news, pages, cells, tails, after = kept
        store = self.store
        store.extend_tails(tails)
        columns = store.columns
        singles = array("q", singles_bytes)
        for i in range(0, len(singles), 2):  # (the opposite order of _undo's)
            where = singles[i]
            columns[where & 15][where >> 4] = news[i >> 1]
        for column, start, _, new in pages:
            if new is not None:
                columns[column][start:start + len(new)] = new
        for op, table, key, old, new in cells:
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
        store.restore_scalars(after)
        offsets = (len(self.singles) + self.base_s, len(self.pages) + self.base_p, len(self.cells) + self.base_c)
        self.singles.extend(singles)
        self.pages.extend((column, start, old) for column, start, old, _ in pages)
        self.cells.extend(cells)
        self.history.append(mark[:SINGLES] + offsets + mark[BYTES:])
        self.bytes += mark[BYTES]
        return mark[LABEL]

    # ------------------------------------------------------------ what `undo` tells

    def depth(self) -> tuple[int, int]:
        """(commands that can be undone, commands that can be redone)."""
        pending = not (self.sizes() == (self.rows, self.pool, self.literals, self.ranges, self.s, self.p, self.c)
                       and self.before == self.store.scalars())
        return len(self.history) + pending, len(self.future)
