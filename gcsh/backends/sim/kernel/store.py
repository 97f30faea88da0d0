"""The simulated heap's state and its one writer.

`Store` owns the columns (layout.py), the edge pool and the side tables, and
is the only code that writes them; every write is journaled (journal.py) on
the way. Its jobs are split by module: the generation lists (lists.py), the
edge pool (edges.py) and the read API everything else uses (reads.py), all
mixed into this one class; here are the state, the journaled column writes,
the new rows and the side tables. Other modules also read `roots garbage
count threshold enabled debug …` as attributes.

The collector's scalar state (counts, thresholds, statistics, free lists) is
plain attributes, snapshotted by the journal at each command's boundaries.
"""

from __future__ import annotations

from array import array

from ....values import Atom
from .edges import EdgePool
from .journal import APPEND, ATTR, DELETE, INSERT, MISSING, SET, Journal
from .layout import HEAD, HEAD_KIND, HEADS, PAGE_SHIFT, UNTRACKED
from .lists import GenerationLists
from .names import Names, Roots
from .reads import SLOT_NAMES, ReadAPI  # noqa: F401  (SLOT_NAMES: re-exported)


class Store(GenerationLists, EdgePool, ReadAPI):
    REFCNT, GEN, FLAGS, NXT, PRV, ESTART, ELEN, ECAP, POOL = range(9)  # journaled columns

    def __init__(self, model) -> None:
        self.model = model
        heads = range(HEADS)
        self.refcnt = array("i", bytes(4 * HEADS))
        self.gc_refs = array("i", bytes(4 * HEADS))
        self.gen = array("b", [HEAD] * HEADS)
        self.flags = array("B", bytes(HEADS))
        self.kind = array("H", [HEAD_KIND] * HEADS)
        self.nxt = array("i", heads)
        self.prv = array("i", heads)
        self.estart = array("i", bytes(4 * HEADS))
        self.elen = array("i", bytes(4 * HEADS))
        self.ecap = array("i", bytes(4 * HEADS))
        self.pool = array("i")
        self.columns = [self.refcnt, self.gen, self.flags, self.nxt, self.prv, self.estart, self.elen, self.ecap,
                        self.pool]
        self.dirty = [bytearray(1) for _ in self.columns]  # per page: saved by the open command
        self.fresh = (0,) * len(self.columns)  # per column: the first row the open command made
        self.literals: list[Atom] = []  # values held by containers; pool entry ~k is literal k
        self.literal_ids: dict[Atom, int] = {}
        # --- side tables, keyed by row
        self.keys: dict[int, list] = {}  # dict keys / attribute names, parallel to the row's items
        self.referent: dict[int, int | None] = {}  # weakref -> its referent (None once cleared)
        self.weakrefs: dict[int, tuple] = {}  # object -> the weakrefs to it, in CPython's list order
        self.callback: dict[int, int] = {}  # weakref -> its callback function
        self.instance_dict: dict[int, int] = {}  # 3.10: instance -> its __dict__ object
        self.type_names: dict[int, str] = {}  # a type name other than the kind's (copied from a live heap)
        self.shared_keys: dict[str, tuple] = {}  # 3.11+: each class's shared attribute names, in order
        self.shared_room: dict[str, int] = {}  # 3.11+: room left in them (dk_usable), once it changed
        self.attr_order: dict[int, list] = {}  # 3.11+: an instance's inline attribute names as they were set
        self.garbage: list[int] = []  # gc.garbage
        self.names = Names(self)
        self.roots = Roots(self.names)  # bound names, each holding one reference (a mapping name -> row)
        # --- the collector's scalar state (the gc module's globals)
        self.count = array("q", [0, 0, 0])
        self.threshold = list(model.thresholds)
        self.enabled = True
        self.debug = 0
        # per generation: collections, collected, uncollectable (0-8), then (3.15) candidates (9-11)
        # and the seconds spent (12-14)
        self.stats = [0] * 12 + [0.0] * 3
        self.long_lived_total = 0
        self.long_lived_pending = 0
        self.gc_scheduled = False
        self.callbacks_on = False
        # --- the incremental collector's state (3.14.0-3.14.4): which old list holds the objects
        # already visited in this scavenge (lists 1 and 2 are old[0] and old[1]), its budget and
        # phase, the heap size that paces it, and where the interpreter's own objects are (the
        # namespace that holds the roots among them): "pending", "visited" or "permanent"
        self.visited_space = 1
        self.work_to_do = 0
        self.marking = True  # phase MARK: the next increment marks from the roots instead of collecting
        self.heap_size = model.startup_heap
        self.interpreter_space = "pending"
        self.increment_size = 0  # the increment being collected (scratch, within one collection)
        longest = model.tuple_kept_up_to
        self.free = array("q", bytes(8 * (2 + longest)))  # dead objects kept on each free list
        self.caps = array("q", [model.list_free_list, model.dict_free_list] + [model.tuple_free_list] * longest)
        if model.count_tracked:  # count0 follows tracking: a free list changes nothing it shows
            self.caps = array("q", bytes(8 * len(self.caps)))
        self.nlive = 0  # live objects
        self._last_scalars: tuple | None = None  # the last snapshot (its parts are shared with the next)
        self.journal = Journal(self)

    # ------------------------------------------------------------ scalars, for the journal

    def scalars(self) -> tuple:
        """One flat tuple (the journal keeps one per command: the arrays as bytes and the lists as
        tuples, cheaper to make and compare than their items one by one). What did not change since
        the last snapshot is that snapshot's own object, so that a history of commands that only
        count keeps one small tuple each."""
        last = self._last_scalars
        free, threshold, stats = self.free.tobytes(), tuple(self.threshold), tuple(self.stats)
        if last is not None:
            if free == last[1]:
                free = last[1]
            if threshold == last[2]:
                threshold = last[2]
            if stats == last[3]:
                stats = last[3]
        now = (self.count.tobytes(), free, threshold, stats, self.enabled, self.debug, self.long_lived_total,
               self.long_lived_pending, self.gc_scheduled, self.callbacks_on, self.nlive, self.visited_space,
               self.work_to_do, self.marking, self.heap_size, self.interpreter_space)
        self._last_scalars = now
        return now

    def restore_scalars(self, s: tuple) -> None:
        count, free, threshold, stats = s[:4]
        self.count[:] = array("q", count)
        self.free[:] = array("q", free)
        self.threshold[:] = threshold
        self.stats[:] = stats
        (self.enabled, self.debug, self.long_lived_total, self.long_lived_pending, self.gc_scheduled,
         self.callbacks_on, self.nlive, self.visited_space, self.work_to_do, self.marking, self.heap_size,
         self.interpreter_space) = s[4:]

    def cut(self, rows: int, pool: int, literals: int, ranges: int) -> tuple:
        """Cut every column back to ROWS rows (and the pool, literals and ranges to theirs): rolling
        back what a command created. Returns what was cut, to put back on redo."""
        row_columns = self._row_columns()
        tails = [c[rows:] for c in row_columns]
        for c in row_columns:
            del c[rows:]
        pool_tail = self.pool[pool:]
        del self.pool[pool:]
        literal_tail = self.literals[literals:]
        for lit in literal_tail:
            self.literal_ids.pop(lit, None)
        del self.literals[literals:]
        return tails, pool_tail, literal_tail, self.names.cut(ranges)

    def extend_tails(self, tails: tuple) -> None:
        rows, pool, literals, ranges = tails
        for c, tail in zip(self._row_columns(), rows):
            c.extend(tail)
        self.pool.extend(pool)
        for lit in literals:
            self.literal_ids[lit] = len(self.literals)
            self.literals.append(lit)
        self.names.extend(ranges)
        self._grow_dirty()

    def _row_columns(self) -> list:
        return [self.refcnt, self.gc_refs, self.gen, self.flags, self.kind, self.nxt, self.prv, self.estart,
                self.elen, self.ecap]

    def _grow_dirty(self) -> None:
        rows = (len(self.kind) >> PAGE_SHIFT) + 1
        for d in self.dirty[:-1]:
            if len(d) < rows:
                d.extend(bytes(rows - len(d) + 1024))
        self._grow_pool_dirty()

    def _grow_pool_dirty(self) -> None:
        pool = (len(self.pool) >> PAGE_SHIFT) + 1
        if len(self.dirty[-1]) < pool:
            self.dirty[-1].extend(bytes(pool - len(self.dirty[-1]) + 1024))

    # ------------------------------------------------------------ journaled column writes

    def put(self, column: int, op: int, value: int) -> None:
        if op < self.fresh[column] and not self.dirty[column][op >> PAGE_SHIFT]:
            self.journal.save(column, op)
        self.columns[column][op] = value

    def add_ref(self, op: int, delta: int) -> int:
        """refcnt[op] += delta; returns the new refcount."""
        if op < self.fresh[0] and not self.dirty[0][op >> PAGE_SHIFT]:
            self.journal.save(0, op)
        rc = self.refcnt[op] + delta
        self.refcnt[op] = rc
        return rc

    def set_flag(self, op: int, bit: int, on: bool = True) -> None:
        flags = self.flags[op]
        new = flags | bit if on else flags & ~bit
        if new != flags:
            self.put(self.FLAGS, op, new)

    def save_rows(self, pages, columns) -> None:
        """Save PAGES of COLUMNS (where not saved yet) before a loop of loops/ writes them: each run
        of consecutive pages in one piece."""
        pages = sorted(pages)
        for column in columns:
            d = self.dirty[column]
            todo = [p for p in pages if not d[p]]
            i = 0
            while i < len(todo):
                j = i + 1
                while j < len(todo) and todo[j] == todo[j - 1] + 1:
                    j += 1
                self.journal.save_run(column, todo[i], todo[j - 1] + 1)
                i = j

    def new_row(self, kind: int, flags: int = 0) -> int:
        op = len(self.kind)
        self.refcnt.append(0)
        self.gc_refs.append(0)
        self.gen.append(UNTRACKED)
        self.flags.append(flags)
        self.kind.append(kind)
        self.nxt.append(-1)
        self.prv.append(-1)
        self.estart.append(0)
        self.elen.append(0)
        self.ecap.append(0)
        self.nlive += 1
        if not op & 0xFF:
            self._grow_dirty()
        return op

    def scratch_row(self, kind: int, refcnt: int, items: list[int]) -> int:
        """A row that lives only within one step of the running command (the module's namespace in
        a full collection, incremental.py), referencing the rows ITEMS from the pool's end. Give it
        back with drop_scratch_row before any other row or pool entry is made."""
        op = self.new_row(kind)
        # (the row and its pool entries are the open command's own: nothing to journal)
        self.refcnt[op] = refcnt
        self.estart[op] = len(self.pool)
        self.elen[op] = self.ecap[op] = len(items)
        self.pool.extend(array("i", items))
        self._grow_pool_dirty()
        return op

    def drop_scratch_row(self, op: int) -> None:
        """Cut OP, the last row, and its items off again (nothing refers to them; the open command
        made them, so no journal entry covers them either)."""
        assert op == len(self.kind) - 1 and op >= self.fresh[0] and self.estart[op] >= self.fresh[-1]
        start = self.estart[op]
        for c in self._row_columns():
            del c[op:]
        del self.pool[start:]
        self.nlive -= 1

    # ------------------------------------------------------------ side tables

    def table_set(self, table: dict, key, value) -> None:
        self.journal.cells.append((SET, table, key, table.get(key, MISSING), value))  # (journal.cell, inline)
        table[key] = value

    def table_pop(self, table: dict, key, default=None):
        old = table.get(key, MISSING)
        if old is MISSING:
            return default
        self.journal.cell(SET, table, key, old, MISSING)
        del table[key]
        return old

    # The records say what the list's length was, so that undoing them is right whether or not the
    # operation itself took place (Ctrl-C may come between the record and the operation).

    def seq_append(self, seq: list, value) -> None:
        self.journal.cell(APPEND, seq, len(seq), None, value)
        seq.append(value)

    def seq_insert(self, seq: list, i: int, value) -> None:
        self.journal.cell(INSERT, seq, i, len(seq), value)
        seq.insert(i, value)

    def seq_delete(self, seq: list, i: int) -> None:
        self.journal.cell(DELETE, seq, i, seq[i], len(seq))
        del seq[i]

    def seq_set(self, seq: list, i: int, value) -> None:
        self.journal.cell(SET, seq, i, seq[i], value)
        seq[i] = value

    def attr_set(self, name: str, value) -> None:
        """A whole attribute replaced (gc.garbage emptied, a setting changed)."""
        self.journal.cell(ATTR, self, name, getattr(self, name), value)
        setattr(self, name, value)
