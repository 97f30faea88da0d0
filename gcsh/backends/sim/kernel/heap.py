"""CPython's object semantics on the store: allocation, containers, refcounting, weak references.

This is what Objects/*.c do around the collector. Here: `new_object` is
_PyObject_GC_New (count0, the free lists), tracking and untracking, the
transient objects CPython makes on the way, root bindings and temporary
references. Mixed into `Heap` from their own modules: `store`/`remove`, list
append, dict and set item assignment and attribute stores (containers.py);
`release`, Py_DECREF with the dealloc cascade (dealloc.py); and
`clear_weakrefs_to`, PyObject_ClearWeakRefs (weakrefs.py). Every write goes
through the store, so it is journaled; refcount = references from containers
+ root bindings + gc.garbage always holds between commands.
"""

from __future__ import annotations

from array import array
from typing import Callable, Iterable

from ....errors import UserError
from . import loops
from .containers import INSTANCES, Containers
from .dealloc import Deallocation
from .layout import DICT, FREED, FREED_BY_GC, HEADS, KIND_CODES, LIST, NGC, TUPLE, UNTRACKED, handle, kind_code
from .store import SLOT_NAMES, Store
from .weakrefs import WeakRefs

SLOTS = {name: i for i, name in enumerate(SLOT_NAMES)}


class Heap(Containers, Deallocation, WeakRefs, Store):
    def __init__(self, model, emit: Callable[[str, str], None] | None = None):
        super().__init__(model)
        self.emit = emit or (lambda kind, text: None)
        self.collecting = False
        self.freed_log = array("i")  # rows freed since the command began (what `freed:` lists)
        self.on_alloc: Callable[[], None] | None = None  # set by the backend: automatic collections
        self.on_safe_point: Callable[[], None] | None = None  # 3.12+: runs a scheduled collection
        # what ran, in order: ("D", name) __del__, ("T", name) tp_del, ("C", weakref) callback,
        # ("G", phase, generation, collected, uncollectable) gc.callbacks; None: not recorded
        self.events: list[tuple] | None = None
        self.hidden: dict[int, None] = {}  # rows made with HIDDEN (left out of freed lists)
        # what the running command holds on the interpreter's stack where a scheduled collection
        # runs: the object a call just returned, or the one handed to the next call (the
        # incremental collector marks it as a root, mark_stacks); emptied when the command ends
        self.stack: list[int] = []

    def dispose(self) -> None:
        """Break the heap's own reference cycles, so that dropping it frees it at once (and no
        later look at the interpreter's objects, such as a live `snapshot`, finds it)."""
        self.names.store = self.journal.store = None
        self.on_alloc = self.on_safe_point = None

    def hidden_rows(self) -> dict[int, None]:
        return self.hidden

    def __len__(self) -> int:
        return self.nlive

    # ------------------------------------------------------------ names

    def find(self, name: str, column: int | None = None) -> int:
        """The live object NAME (or handle) means; a UserError saying why there is none."""
        if name[:1] == "@":
            op = int(name[1:], 16) + HEADS
            if not HEADS <= op < len(self.kind):
                raise UserError(f"unknown handle {name!r}", column)
        else:
            op = self.names.lookup(name)
            if op is None:
                raise UserError(f"unknown name {name!r}", column)
        if self.gen[op] == FREED:
            how = ("the collector freed it" if self.flags[op] & FREED_BY_GC
                   else "it was freed when its refcount reached 0")
            raise UserError(f"{name!r} no longer exists: {how}", column)
        return op

    def live_row(self, name: str) -> int | None:
        op = self.names.lookup(name)
        return op if op is not None and self.gen[op] != FREED else None

    def handle(self, op: int) -> str:
        return handle(op)

    # ------------------------------------------------------------ creation

    def new_object(self, kind: str, name: str | None = None, size: int = 0, flags: int = 0) -> int:
        """Allocate an object (refcount 0, untracked); the caller links and tracks it.
        SIZE is a tuple's length (tuples of each length have their own free list)."""
        code = KIND_CODES.get(kind)
        if code is None:
            code = kind_code(kind)
        op = self.new_row(code, flags)
        if name is not None:
            self.names.give(op, name)
        if code < NGC:  # a GC object
            slot = self.reuse_slot(code, size)
            if slot >= 0 and self.free[slot]:
                self.free[slot] -= 1  # reused from a free list: the GC allocator is not involved
            elif not self.model.count_tracked:  # (count_alloc, inline)
                self._count_one()
            if code in INSTANCES and not self.model.instance_dict:
                self._init_inline_values(kind)
        return op

    def count_alloc(self) -> None:
        """count0 +1 per GC allocation; 3.10/3.11 may collect right here (_PyObject_GC_Alloc).
        3.14.1-3.14.4 count when an object is tracked instead (`track`)."""
        if not self.model.count_tracked:
            self._count_one()

    def _count_one(self) -> None:
        """count0 +1 for a new object (and the incremental collector's heap size). ON_ALLOC is
        asked only past threshold0: every model's allocator test includes that."""
        count = self.count
        count[0] += 1
        self.heap_size += 1
        if count[0] > self.threshold[0] and self.on_alloc is not None:
            self.on_alloc()

    def track(self, op: int, g: int = 0) -> None:
        if self.gen[op] == UNTRACKED:
            self.list_append(op, g)
            self.put(self.GEN, op, g)
            if self.model.count_tracked:
                self._count_one()

    def untrack(self, op: int) -> None:
        if self.model.count_tracked and loops.is_tracked(self.gen[op]):
            if self.count[0] > 0:
                self.count[0] -= 1
            self.heap_size -= 1
        super().untrack(op)

    # ------------------------------------------------------------ free lists

    def reuse_slot(self, code: int, size: int = 0) -> int:
        """The free list an allocation of this kind (a tuple: of SIZE items) takes from, or -1."""
        if code == LIST:
            return 0
        if code == DICT:
            return 1
        if code == TUPLE and 0 < size <= self.model.tuple_reused_up_to:
            return 1 + size
        return -1

    def uncount(self, op: int) -> None:
        if self.model.count_tracked:  # 3.14.1+: its dealloc untracks it, if it is tracked at all
            if loops.is_tracked(self.gen[op]):
                self.count[0] = max(0, self.count[0] - 1)
                self.heap_size -= 1
            return
        loops.uncount(self.kind[op], self.elen[op], self.free, self.caps, self.count, self.model.tuple_kept_up_to)

    def clear_free_lists(self) -> None:
        """The end of a generation-2 collection: every kept object is freed for real."""
        kept = sum(self.free)
        self.free[:] = array("q", bytes(8 * len(self.free)))
        self.count[0] = max(0, self.count[0] - kept)

    def alloc_transient(self, slot: str, collect: bool = True) -> None:
        """A short-lived object CPython makes on the way (an argument tuple, a callback's info dict),
        named by its free list ("tuple3", "dict"…): reused, or counted like any GC allocation (which
        may start an automatic collection, unless COLLECT is false)."""
        i = SLOTS[slot]
        if self.model.count_tracked:
            return  # 3.14.1+: a transient tracked object is counted and uncounted at once
        if self.free[i]:
            self.free[i] -= 1
        elif collect:
            self.count_alloc()
        else:
            self.count[0] += 1

    def free_transient(self, slot: str) -> None:
        if self.model.count_tracked:
            return
        i = SLOTS[slot]
        if self.free[i] < self.caps[i]:
            self.free[i] += 1
        elif self.count[0] > 0:
            self.count[0] -= 1

    def open_transient(self) -> bool:
        """3.14.1+: a tracked temporary (a call's argument tuple) counts in count0 while it lives:
        an allocation meanwhile may find count0 over the threshold. Give it back with close_transient."""
        if not self.model.count_tracked:
            return False
        self.count[0] += 1
        self.heap_size += 1
        return True

    def close_transient(self, opened: bool) -> None:
        if opened:
            self.count[0] = max(0, self.count[0] - 1)
            self.heap_size -= 1

    def scratch(self, slots: Iterable[str]) -> None:
        """Objects allocated and freed again inside one call, with no collection in between
        (gc.get_count's tuple: "tuple3"; gc.get_objects' list: "list")."""
        slots = list(slots)
        for slot in slots:
            self.alloc_transient(slot, collect=False)
        for slot in slots:
            self.free_transient(slot)

    # ------------------------------------------------------------ roots and temporary references

    def bind(self, name: str, op: int) -> None:
        self.roots.bind(op)  # (bound under its own name: NAME)
        self.add_ref(op, 1)

    def hold(self, items: Iterable) -> list[int]:
        """Hold a temporary reference to each item while a command builds or links objects, as
        CPython's evaluation stack does (an automatic collection in between cannot free them);
        give them back with `release`."""
        held = [x for x in items if type(x) is int]
        for x in held:
            self.add_ref(x, 1)
        return held

    def store_allocates(self, src: int) -> bool:
        """May a store into SRC allocate a GC object (so that an automatic collection may run in
        it)? Only an instance's: its __dict__ (3.10), or one its shared keys have no room for."""
        return self.kind[src] in INSTANCES

    def incref(self, item) -> None:
        if type(item) is int:
            self.add_ref(item, 1)
