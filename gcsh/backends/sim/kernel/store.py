"""The simulated heap's state, its one writer, and the read API everything else uses.

`Store` owns the columns (layout.py), the edge pool and the side tables, and
is the only code that writes them; every write is journaled (journal.py) on
the way. Other modules read through these methods and attributes:

    size() live() alive(op) tracked(op) generation(op) kind_of(op) type_name(op)
    refcount(op) items(op) keys_of(op) traverse(op) objects(g) count_of(g)
    name_of(op) lookup(name) is_finalized(op) resurrects(op) weakref_target(wr)
    weakrefs_to(op) callback_of(wr) roots garbage count threshold enabled debug …

The collector's scalar state (counts, thresholds, statistics, free lists) is
plain attributes, snapshotted by the journal at each command's boundaries.
"""

from __future__ import annotations

from array import array

from ....values import Atom
from . import loops
from .journal import APPEND, ATTR, DELETE, INSERT, MISSING, SET, Journal
from .layout import (FINALIZED, FREED, HEAD, HEAD_KIND, HEADS, KINDS, LIST, NGC, PAGE_SHIFT, RESURRECTS, TUPLE,
                     TYPE_NAMES, UNTRACKED, WEAKREFD)
from .names import Names, Roots

# Free-list slots: 0 lists, 1 dicts, 1 + n tuples of length n.
SLOT_NAMES = ["list", "dict"] + [f"tuple{n}" for n in range(1, 64)]


class Store:
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
        self.dirty = [bytearray(1) for _ in self.columns]  # per page: saved in the open Change
        self.fresh = (0,) * len(self.columns)  # per column: the first row the open Change made
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
        self.journal = Journal(self)

    # ------------------------------------------------------------ scalars, for the journal

    def scalars(self) -> tuple:
        """One flat tuple (one object per snapshot: the journal keeps one per command)."""
        return (*self.count, *self.threshold, *self.stats, self.free.tobytes(), self.enabled, self.debug,
                self.long_lived_total, self.long_lived_pending, self.gc_scheduled, self.callbacks_on, self.nlive,
                self.visited_space, self.work_to_do, self.marking, self.heap_size, self.interpreter_space)

    def restore_scalars(self, s: tuple) -> None:
        i = len(self.count)
        self.count[:] = array("q", s[:i])
        j = i + len(self.threshold)
        self.threshold[:] = s[i:j]
        i, j = j, j + len(self.stats)
        self.stats[:] = s[i:j]
        self.free[:] = array("q", s[j])
        j += 1
        (self.enabled, self.debug, self.long_lived_total, self.long_lived_pending, self.gc_scheduled,
         self.callbacks_on, self.nlive, self.visited_space, self.work_to_do, self.marking, self.heap_size,
         self.interpreter_space) = s[j:]

    def cut(self, rows: int, pool: int, literals: int, ranges: int) -> tuple:
        """Cut every column back to ROWS rows (and the pool, literals and ranges to theirs): rolling
        back what a Change created. Returns what was cut, to put back on redo."""
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
        """Save PAGES of COLUMNS (where not saved yet) before a loop of loops.py writes them: each run
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

    # ------------------------------------------------------------ the generation lists

    def list_append(self, op: int, head: int) -> None:
        last = self.prv[head]
        self.put(self.NXT, last, op)
        self.put(self.PRV, op, last)
        self.put(self.NXT, op, head)
        self.put(self.PRV, head, op)

    def list_remove(self, op: int) -> None:
        before, after = self.prv[op], self.nxt[op]
        self.put(self.NXT, before, after)
        self.put(self.PRV, after, before)
        self.put(self.NXT, op, -1)
        self.put(self.PRV, op, -1)

    def list_move(self, op: int, head: int, marker: int) -> None:
        """gc_list_move OP to HEAD's list, with generation marker MARKER."""
        self.list_remove(op)
        self.list_append(op, head)
        self.put(self.GEN, op, marker)

    def list_merge(self, source: int, target: int) -> None:
        """gc_list_merge (the rows' markers are the caller's to set)."""
        nxt, prv = self.nxt, self.prv
        if nxt[source] != source:
            tail, first, last = prv[target], nxt[source], prv[source]
            self.put(self.NXT, tail, first)
            self.put(self.PRV, first, tail)
            self.put(self.NXT, last, target)
            self.put(self.PRV, target, last)
            self.put(self.NXT, source, source)
            self.put(self.PRV, source, source)

    def track(self, op: int, g: int = 0) -> None:
        if self.gen[op] == UNTRACKED:
            self.list_append(op, g)
            self.put(self.GEN, op, g)

    def untrack(self, op: int) -> None:
        if loops.is_tracked(self.gen[op]):
            self.list_remove(op)
            self.put(self.GEN, op, UNTRACKED)

    def place(self, ops, g: int) -> None:
        """Move tracked objects to the tail of generation G's list (or the permanent one)."""
        for op in ops:
            self.list_move(op, g, g)

    # ------------------------------------------------------------ references (the edge pool)

    def encode(self, item) -> int:
        if type(item) is int:
            return item
        k = self.literal_ids.get(item)
        if k is None:
            k = len(self.literals)
            self.literals.append(item)  # first: a rollback cuts the list, and the index with it
            self.literal_ids[item] = k
        return ~k

    def decode(self, entry: int):
        return entry if entry >= 0 else self.literals[~entry]

    def _room(self, op: int, more: int) -> int:
        """Make room for MORE items in OP's slot (moving it to the pool's end, twice as big, when
        full); returns the slot's start."""
        start, n, cap = self.estart[op], self.elen[op], self.ecap[op]
        if n + more <= cap:
            return start
        new_cap = max(2 * cap, n + more, 2)
        new = len(self.pool)
        self.pool.extend(self.pool[start:start + n])
        self.pool.extend(array("i", bytes(4 * (new_cap - n))))
        self._grow_pool_dirty()
        self.put(self.ESTART, op, new)
        self.put(self.ECAP, op, new_cap)
        return new

    def edge_append(self, op: int, item) -> None:
        n = self.elen[op]
        start = self.estart[op] if n < self.ecap[op] else self._room(op, 1)
        self.put(self.POOL, start + n, self.encode(item))
        self.put(self.ELEN, op, n + 1)

    def edge_insert(self, op: int, i: int, item) -> None:
        start = self._room(op, 1)
        n = self.elen[op]
        pool = self.pool
        for k in range(start + n, start + i, -1):
            self.put(self.POOL, k, pool[k - 1])
        self.put(self.POOL, start + i, self.encode(item))
        self.put(self.ELEN, op, n + 1)

    def edge_set(self, op: int, i: int, item) -> None:
        self.put(self.POOL, self.estart[op] + i, self.encode(item))

    def edge_delete(self, op: int, i: int) -> None:
        start, n = self.estart[op], self.elen[op]
        pool = self.pool
        for k in range(start + i, start + n - 1):
            self.put(self.POOL, k, pool[k + 1])
        self.put(self.ELEN, op, n - 1)

    def edges_set(self, op: int, items: list) -> None:
        """OP's items become ITEMS (a new object's, or a bulk copy's)."""
        self.put(self.ELEN, op, 0)
        start = self._room(op, len(items))
        for k, item in enumerate(items):
            self.put(self.POOL, start + k, self.encode(item))
        self.put(self.ELEN, op, len(items))

    # ------------------------------------------------------------ side tables

    def table_set(self, table: dict, key, value) -> None:
        self.journal.cell(SET, table, key, table.get(key, MISSING), value)
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

    # ------------------------------------------------------------ the read API

    def size(self) -> int:
        """How many ids have been given out (ids are never reused)."""
        return len(self.kind) - HEADS

    def live(self):
        """Every live object's row, oldest first."""
        gen = self.gen
        return [op for op in range(HEADS, len(gen)) if gen[op] != FREED]

    def is_row(self, op) -> bool:
        return type(op) is int and HEADS <= op < len(self.kind)

    def alive(self, op: int) -> bool:
        return self.gen[op] != FREED

    def tracked(self, op: int) -> bool:
        return loops.is_tracked(self.gen[op])

    def generation(self, op: int) -> int:
        return self.gen[op]

    def kind_of(self, op: int) -> str:
        return KINDS[self.kind[op]]

    def is_gc(self, op) -> bool:
        return type(op) is int and self.kind[op] < NGC

    def may_be_tracked(self, op) -> bool:
        return type(op) is int and loops.may_be_tracked(self.kind, self.gen, op)

    def type_name(self, op: int) -> str:
        kind = KINDS[self.kind[op]]
        return self.type_names.get(op) or TYPE_NAMES.get(kind, kind)

    def type_name_of_kind(self, code: int) -> str:
        kind = KINDS[code]
        return TYPE_NAMES.get(kind, kind)

    def refcount(self, op: int) -> int:
        return self.refcnt[op]

    def items(self, op: int) -> list:
        """OP's references (rows, and literal Atoms) in storage order."""
        start = self.estart[op]
        entries = self.pool[start:start + self.elen[op]]
        if not self.literals:
            return entries.tolist()
        literals = self.literals
        return [x if x >= 0 else literals[~x] for x in entries]

    def rows_of(self, op: int) -> list[int]:
        """The rows among OP's references."""
        start = self.estart[op]
        return [x for x in self.pool[start:start + self.elen[op]] if x >= 0]

    def keys_of(self, op: int):
        return self.keys.get(op)

    def traverse(self, op: int) -> list:
        """What tp_traverse visits, in CPython's order (lists and tuples from the last item)."""
        items = self.items(op)
        if self.kind[op] in (LIST, TUPLE):
            items.reverse()
        return items

    def objects(self, g: int):
        """The rows on list G, in list order."""
        nxt = self.nxt
        op = nxt[g]
        while op != g:
            yield op
            op = nxt[op]

    def gen_heads(self) -> tuple[int, int, int]:
        """GEN_HEAD(0..2): the generations, or (3.14.0-3.14.4) young, old[visited], old[pending]."""
        if self.model.incremental:
            return 0, 1 + self.visited_space, 2 - self.visited_space
        return 0, 1, 2

    def object_lists(self, g: int) -> tuple[int, ...]:
        """The lists gc.get_objects(g) reads, in order (the incremental collector has no generation
        1: its old generation is old[0] then old[1])."""
        if self.model.incremental:
            return ((0,), (), (1, 2))[g]
        return (g,)

    def get_count(self) -> list[int]:
        """gc.get_count(): (young, old[visited], old[pending]) in the incremental collector."""
        return [self.count[h] for h in self.gen_heads()]

    def count_of(self, g: int) -> int:
        return loops.list_size(self.nxt, g)

    def name_of(self, op: int) -> str:
        return self.names.name_of(op)

    def lookup(self, name: str) -> int | None:
        return self.names.lookup(name)

    def label(self, item) -> str:
        return self.names.name_of(item) if type(item) is int else str(item)

    def is_finalized(self, op: int) -> bool:
        return bool(self.flags[op] & FINALIZED)

    def resurrects(self, op: int) -> bool:
        return bool(self.flags[op] & RESURRECTS)

    def weakref_target(self, wr: int):
        return self.referent.get(wr)

    def weakrefs_to(self, op: int) -> tuple:
        return self.weakrefs.get(op, ()) if self.flags[op] & WEAKREFD else ()

    def callback_of(self, wr: int):
        return self.callback.get(wr)

    def stats_of(self, g: int) -> dict:
        s = self.stats
        entry = {"collections": s[3 * g], "collected": s[3 * g + 1], "uncollectable": s[3 * g + 2]}
        if self.model.stats_candidates:
            entry.update(candidates=s[9 + g], duration=s[12 + g])
        return entry

    def free_lists(self) -> dict[str, int]:
        """How many dead objects each free list holds (the non-empty ones)."""
        return {SLOT_NAMES[i]: n for i, n in enumerate(self.free) if n}
