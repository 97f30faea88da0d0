"""The simulated heap: objects, references, refcounts and the generation lists.

Objects are rows of parallel columns indexed by an integer id (ids are never
reused), much like the fields of CPython's object and GC headers. A
generation is an insertion-ordered dict used as an ordered set, standing for
CPython's doubly linked list: appending, removing and merging keep the list
order that `gc.get_objects()` shows.

This module owns every change to refcounts, so that "refcount = references
from containers + root bindings + gc.garbage" always holds; what happens when
a refcount reaches zero (finalizers, weakref callbacks, the cascade) lives in
`dealloc`.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Callable, Iterable

from ...values import Atom
from ...errors import UserError
from .models import Model

# Generation markers in `gen`: 0, 1, 2 are the generations themselves.
PERMANENT = 3
COLLECTING = 4  # on one of a running collection's own lists (young, unreachable…)
UNTRACKED = 5
FREED = 6

GC_KINDS = frozenset({"list", "dict", "set", "tuple", "object", "finalizer", "legacy", "weakref", "function"})
INSTANCE_KINDS = frozenset({"object", "finalizer", "legacy"})
WEAKREFABLE = frozenset({"set", "object", "finalizer", "legacy", "function"})
UNHASHABLE = frozenset({"list", "dict", "set"})
TYPE_NAMES = {"object": "Object", "finalizer": "Finalizer", "legacy": "Legacy",
              "weakref": "weakref.ReferenceType", "function": "function"}


def address(op: int) -> str:
    """A stable pseudo-address, printed where CPython prints `%p`."""
    return f"0x{0x7F0000001000 + 0x40 * op:x}"


class Heap:
    def __init__(self, model: Model, emit: Callable[[str, str], None] | None = None):
        self.model = model
        self.emit = emit or (lambda kind, text: None)
        # --- one entry per object id
        self.kind: list[str] = []
        self.refcnt: list[int] = []
        self.refs: list[list | None] = []  # referents (ids or Atoms) in the container's own order
        self.keys: list[list | None] = []  # dict keys / attribute names, parallel to refs
        self.gen: list[int] = []
        self.name: list[str] = []
        self.finalized: set[int] = set()
        self.resurrects: set[int] = set()  # finalizers whose __del__ stores self in a root
        # --- weak references
        self.referent: dict[int, int | None] = {}  # weakref id -> its referent (None once cleared)
        self.weakrefs: dict[int, list[int]] = {}  # object -> weakrefs to it, in CPython's list order
        self.callback: dict[int, int] = {}  # weakref id -> its callback function's id
        self.instance_dict: dict[int, int] = {}  # 3.10: instance -> its __dict__ object
        self.type_names: dict[int, str] = {}  # a type name other than the kind's (copied from a live heap)
        # --- names and roots
        self.by_name: dict[str, int] = {}  # every live object's name
        self.roots: dict[str, int] = {}  # bound names: each holds one reference
        self.freed_names: dict[str, str] = {}  # name -> how it was freed, for error messages
        # --- the collector's state (gc module globals)
        self.generations: list[dict[int, None]] = [{}, {}, {}, {}]
        self.count = [0, 0, 0]
        self.threshold = list(model.thresholds)
        self.enabled = True
        self.debug = 0
        self.garbage: list[int] = []
        self.stats = [{"collections": 0, "collected": 0, "uncollectable": 0} for _ in range(3)]
        self.long_lived_total = 0
        self.long_lived_pending = 0
        self.collecting = False
        self.gc_scheduled = False
        self.callbacks_on = False
        self.freed_log: list[int] = []  # ids freed since the command began
        self.on_alloc: Callable[[], None] | None = None  # set by the collector: automatic collections
        self.on_safe_point: Callable[[], None] | None = None  # 3.12+: runs a scheduled collection
        # --- free lists: how many dead lists, dicts and n-tuples CPython keeps for reuse (their
        # only visible effect is on count0: no +1 when one is reused, no -1 when one is kept)
        self.free: dict[str, int] = {}
        # --- 3.11+: each class's shared attribute names, in the order its instances first stored them
        self.shared_keys: dict[str, list[str]] = {}
        # --- what ran, in order: ("D", name) __del__, ("T", name) tp_del, ("C", weakref) callback,
        # ("G", phase, generation, collected, uncollectable) gc.callbacks; None: not recorded
        self.journal: list[tuple] | None = None

    # ------------------------------------------------------------ queries

    def __len__(self) -> int:
        return len(self.by_name)

    def alive(self, op: int) -> bool:
        return self.gen[op] != FREED

    def tracked(self, op: int) -> bool:
        return self.gen[op] <= COLLECTING

    def is_gc(self, op) -> bool:
        return type(op) is int and self.kind[op] in GC_KINDS

    def may_be_tracked(self, op) -> bool:
        """CPython's _PyObject_GC_MAY_BE_TRACKED: a GC object that is not a tuple, or a tracked tuple."""
        if type(op) is not int:
            return False
        kind = self.kind[op]
        return kind in GC_KINDS and (kind != "tuple" or self.gen[op] <= COLLECTING)

    def type_name(self, op: int) -> str:
        return self.type_names.get(op) or TYPE_NAMES.get(self.kind[op], self.kind[op])

    def traverse(self, op: int) -> list:
        """What tp_traverse visits, in CPython's order (lists and tuples from the last item)."""
        items = self.refs[op]
        if not items:
            return []
        kind = self.kind[op]
        if kind in ("list", "tuple"):
            return items[::-1]
        if kind in INSTANCE_KINDS and self.model.inline_values and len(items) > 1:
            # inline values are visited (and freed) in the order of the class's shared keys
            order = self.shared_keys.get(kind, [])
            return [item for _, item in sorted(zip(self.keys[op], items), key=lambda p: order.index(p[0]))]
        return items

    def find(self, name: str, column: int | None = None) -> int:
        op = self.by_name.get(name)
        if op is None:
            if name in self.freed_names:
                raise UserError(f"{name!r} no longer exists: {self.freed_names[name]}", column)
            raise UserError(f"unknown name {name!r}", column)
        return op

    def label(self, op) -> str:
        return self.name[op] if type(op) is int else str(op)

    # ------------------------------------------------------------ creation

    def new_object(self, kind: str, name: str | None = None, size: int = 0) -> int:
        """Allocate an object (refcount 0, untracked); the caller links and tracks it.
        SIZE is a tuple's length (tuples of each length have their own free list)."""
        op = len(self.kind)
        if name is None:
            name = f"_{kind}{op}"
        self.kind.append(kind)
        self.refcnt.append(0)
        self.refs.append(None)
        self.keys.append(None)
        self.gen.append(UNTRACKED)
        self.name.append(name)
        self.by_name[name] = op
        self.freed_names.pop(name, None)
        if kind in GC_KINDS:
            slot = self.free_list_of(kind, size)
            if slot is not None and self.free.get(slot):
                self.free[slot] -= 1  # reused from a free list: the GC allocator is not involved
            else:
                self.count_alloc()
        return op

    def count_alloc(self) -> None:
        """count0 +1 per GC allocation; 3.10/3.11 may collect right here (gh: _PyObject_GC_Alloc)."""
        self.count[0] += 1
        if self.on_alloc is not None:
            self.on_alloc()

    # ------------------------------------------------------------ free lists

    def free_list_of(self, kind: str, size: int = 0) -> str | None:
        """The free list an object of this kind (and tuple length) goes to, if any."""
        if kind == "tuple":
            return f"tuple{size}" if 0 < size < self.model.tuple_free_list_sizes else None
        return kind if kind in self.model.free_lists else None

    def free_list_cap(self, slot: str) -> int:
        return self.model.free_lists["tuple" if slot.startswith("tuple") else slot]

    def uncount(self, op: int) -> None:
        """count0 as CPython keeps it when OP's memory goes: kept on a free list (no change)
        or given back through PyObject_GC_Del (count0 -1, never below 0)."""
        kind = self.kind[op]
        if kind not in GC_KINDS:
            return
        slot = self.free_list_of(kind, len(self.refs[op] or ()) if kind == "tuple" else 0)
        if slot is not None and self.free.get(slot, 0) < self.free_list_cap(slot):
            self.free[slot] = self.free.get(slot, 0) + 1
        elif self.count[0] > 0:
            self.count[0] -= 1

    def clear_free_lists(self) -> None:
        """The end of a generation-2 collection: every kept object is freed for real."""
        kept = sum(self.free.values())
        self.free.clear()
        self.count[0] = max(0, self.count[0] - kept)

    def alloc_transient(self, slot: str, collect: bool = True) -> None:
        """A short-lived object CPython makes on the way (an argument tuple, a callback's info
        dict), named by its free list ("tuple3", "dict"...): reused, or counted like any GC
        allocation (which may start an automatic collection, unless COLLECT is false)."""
        if self.free.get(slot):
            self.free[slot] -= 1
        elif collect:
            self.count_alloc()
        else:
            self.count[0] += 1

    def free_transient(self, slot: str) -> None:
        if self.free.get(slot, 0) < self.free_list_cap(slot):
            self.free[slot] = self.free.get(slot, 0) + 1
        elif self.count[0] > 0:
            self.count[0] -= 1

    def scratch(self, slots: Iterable[str]) -> None:
        """Objects allocated and freed again inside one call, with no collection in between
        (gc.get_count's tuple: "tuple3"; gc.get_objects' list: "list")."""
        slots = list(slots)
        for slot in slots:
            self.alloc_transient(slot, collect=False)
        for slot in slots:
            self.free_transient(slot)

    # ------------------------------------------------------------ tracking

    def track(self, op: int) -> None:
        if self.gen[op] == UNTRACKED:
            self.gen[op] = 0
            self.generations[0][op] = None

    def untrack(self, op: int) -> None:
        g = self.gen[op]
        if g <= PERMANENT:
            del self.generations[g][op]
        if g <= COLLECTING:
            self.gen[op] = UNTRACKED

    def place(self, ops: Iterable[int], g: int) -> None:
        """Append objects to the tail of generation g's list (or the permanent one)."""
        gen, lst = self.gen, self.generations[g]
        for op in ops:
            gen[op] = g
            lst[op] = None

    def take(self, g: int) -> list[int]:
        """Empty generation g's list, marking its objects as in a collection's hands."""
        ops = list(self.generations[g])
        self.generations[g].clear()
        gen = self.gen
        for op in ops:
            gen[op] = COLLECTING
        return ops

    def bind(self, name: str, op: int) -> None:
        self.roots[name] = op
        self.refcnt[op] += 1

    @contextmanager
    def held(self, items: Iterable):
        """Hold a temporary reference to each item while a command builds or links objects, as
        CPython's evaluation stack does: an automatic collection in between cannot free them."""
        items = [x for x in items if type(x) is int]
        for x in items:
            self.refcnt[x] += 1
        try:
            yield
        finally:
            self.release(items)

    def incref(self, item) -> None:
        if type(item) is int:
            self.refcnt[item] += 1

    # ------------------------------------------------------------ container mutation

    def store(self, src: int, item, key=None) -> str:
        """SRC now references ITEM: list append, dict item, set add or attribute. Returns the label."""
        kind = self.kind[src]
        if kind in INSTANCE_KINDS and self.model.instance_dict:
            return self.store(self._dict_of(src), item, self._attr_name(item, key))
        if kind == "list":
            self._append(src, item, None)
            return str(len(self.refs[src]) - 1)
        if kind == "set":
            if any(self.equal(member, item) for member in self.refs[src] or ()):
                return "member"  # an equal member is there already: the set is unchanged
            self._append(src, item, None)
            return "member"
        if kind == "dict" or kind in INSTANCE_KINDS:
            key = self._attr_name(item, key) if kind in INSTANCE_KINDS else self._dict_key(item, key)
            keys = self.keys[src]
            if keys and key in keys:
                i = keys.index(key)
                old = self.refs[src][i]
                self.incref(item)
                self.refs[src][i] = item
                self.decref(old)
            else:
                self._append(src, item, key)
                if kind in INSTANCE_KINDS:
                    shared = self.shared_keys.setdefault(kind, [])
                    if key not in shared:
                        shared.append(key)
            if kind == "dict" and self.may_be_tracked(item):
                self.track(src)  # MAINTAIN_TRACKING: the dict becomes tracked lazily
            return key
        raise UserError(self._immutable_message(src))

    def check_store(self, src: int, item, key=None) -> None:
        """Raise the error `store` would raise, before anything changes."""
        kind = self.kind[src]
        if kind not in ("list", "set", "dict") and kind not in INSTANCE_KINDS:
            raise UserError(self._immutable_message(src))
        if kind == "set":
            self.check_hashable(item)
        if kind in INSTANCE_KINDS and key is not None and (type(key) is not str or not key.isidentifier()):
            raise UserError(f"attribute name must be an identifier, got {key!r}")

    def check_hashable(self, item, outer=None) -> None:
        """A set member must be hashable: no list, dict or set, nor a tuple holding one."""
        if type(item) is not int:
            return
        kind = self.kind[item]
        if kind in UNHASHABLE:
            held = f" (a set cannot hold {self.name[outer if outer is not None else item]})"
            raise UserError(f"unhashable type: '{kind}'{held}")
        if kind == "tuple":
            for member in self.refs[item] or ():
                self.check_hashable(member, item if outer is None else outer)

    def equal(self, a, b) -> bool:
        """`a == b` as a set sees it: tuples by their items, weakrefs by their live referents,
        every other object by identity, literals by value."""
        if a is b or a == b:
            return True
        if type(a) is not int or type(b) is not int or self.kind[a] != self.kind[b]:
            return False
        if self.kind[a] == "tuple":
            ra, rb = self.refs[a] or [], self.refs[b] or []
            return len(ra) == len(rb) and all(self.equal(x, y) for x, y in zip(ra, rb))
        if self.kind[a] == "weakref":
            ta, tb = self.referent.get(a), self.referent.get(b)
            return ta is not None and tb is not None and self.equal(ta, tb)
        return False

    def _immutable_message(self, src: int) -> str:
        kind = self.kind[src]
        if kind == "tuple":
            return f"'tuple' object does not support item assignment ({self.name[src]} got its items at alloc)"
        return f"{self.name[src]} is a {kind}, which cannot hold references"

    def _append(self, src: int, item, key) -> None:
        if self.refs[src] is None:
            self.refs[src] = []
            if key is not None:
                self.keys[src] = []
        self.incref(item)
        self.refs[src].append(item)
        if key is not None:
            self.keys[src].append(key)

    def _dict_key(self, item, key):
        if key is not None:
            return key
        return self.name[item] if type(item) is int else item.value

    def _attr_name(self, item, key) -> str:
        if key is not None:
            return str(key)
        return self.name[item].replace(".", "_") if type(item) is int else f"v{item.value}"

    def _dict_of(self, inst: int) -> int:
        """3.10: the instance's __dict__, created (untracked) on the first attribute store."""
        d = self.instance_dict.get(inst)
        if d is None:
            d = self.new_object("dict", f"{self.name[inst]}.__dict__")
            self.instance_dict[inst] = d
            self.refs[inst] = [d]
            self.keys[inst] = ["__dict__"]
            self.refcnt[d] = 1
            if self.model.dicts_always_tracked:
                self.track(d)
        return d

    def remove(self, src: int, item) -> str:
        """Drop one reference from SRC to ITEM (the first one); returns its label."""
        holder = self.instance_dict.get(src, src) if self.kind[src] in INSTANCE_KINDS else src
        items = self.refs[holder] or []
        if item not in items:
            raise UserError(f"{self.name[src]} does not reference {self.label(item)}")
        i = items.index(item)
        label = self.keys[holder][i] if self.keys[holder] is not None else str(i)
        del items[i]
        if self.keys[holder] is not None:
            del self.keys[holder][i]
        self.decref(item)
        return label if self.kind[holder] != "set" else "member"

    # ------------------------------------------------------------ refcounting

    def decref(self, item) -> None:
        if type(item) is int:
            self.release([item])

    def release(self, items: Iterable) -> None:
        """Drop one reference to each item, deallocating whatever reaches zero.

        CPython deallocates recursively; an explicit stack keeps the same
        depth-first order without Python's recursion limit (a freed chain of a
        million objects is fine). A negative entry ~op means "finish freeing op".
        """
        stack = [x for x in reversed(list(items)) if type(x) is int]
        refcnt = self.refcnt
        while stack:
            op = stack.pop()
            if op < 0:
                self._free(~op)
                continue
            refcnt[op] -= 1
            if refcnt[op] == 0:
                children = self._dealloc(op)
                if children is not None:
                    stack.append(~op)
                    stack.extend(x for x in reversed(children) if type(x) is int)

    def _dealloc(self, op: int) -> list | None:
        """The first half of a dealloc: finalizer, untrack, weakrefs. None if resurrected."""
        kind = self.kind[op]
        self.untrack(op)
        if kind == "finalizer" and op not in self.finalized:
            # subtype_dealloc tracks the object again (at the tail of generation 0) and runs
            # tp_finalize under a temporary reference, before any weakref is cleared
            self.track(op)
            self.refcnt[op] += 1
            self.run_finalizer(op)
            self.refcnt[op] -= 1
            if self.refcnt[op] > 0:
                return None  # resurrected: it stays tracked, in generation 0
            self.untrack(op)
        self.clear_weakrefs_to(op, call=True)
        if kind == "legacy":  # tp_del runs after the weakrefs are cleared
            self.refcnt[op] += 1
            self.run_tp_del(op)
            self.refcnt[op] -= 1
        children = self.traverse(op)
        if kind == "weakref":
            self._drop_weakref(op)
            cb = self.callback.pop(op, None)
            children = [cb] if cb is not None else []
        if kind != "tuple":  # a tuple keeps its length until _free: it picks the free list
            self.refs[op] = None
        self.keys[op] = None
        self.instance_dict.pop(op, None)
        return children

    def _free(self, op: int) -> None:
        self.uncount(op)
        self.refs[op] = None  # after uncount: a tuple's free list depends on its length
        self.gen[op] = FREED
        name = self.name[op]
        if self.by_name.get(name) == op:
            del self.by_name[name]
            self.freed_names[name] = ("the collector freed it" if self.collecting
                                      else "it was freed when its refcount reached 0")
        self.finalized.discard(op)
        self.resurrects.discard(op)
        self.freed_log.append(op)

    def safe_point(self) -> None:
        """A __del__ or weakref callback is Python code: entering it (RESUME) is a safe point,
        where 3.12+ run a collection an allocation has scheduled."""
        if self.gc_scheduled and not self.collecting and self.on_safe_point is not None:
            self.on_safe_point()

    def record(self, *event) -> None:
        if self.journal is not None:
            self.journal.append(event)

    def run_tp_del(self, op: int) -> None:
        self.record("T", self.name[op])
        self.emit("event", f"{self.name[op]}.__tp_del__() ran")

    def run_finalizer(self, op: int) -> None:
        """Call a Finalizer's __del__ (once in its life: the finalized bit guards it)."""
        self.safe_point()
        self.finalized.add(op)
        name = self.name[op]
        self.record("D", name)
        if op in self.resurrects:
            self.emit("event", f"{name}.__del__() ran and stored {name} in a root: resurrected")
            self.roots[name] = op
            self.refcnt[op] += 1
        else:
            self.emit("event", f"{name}.__del__() ran")

    # ------------------------------------------------------------ weak references

    def add_weakref(self, wr: int, target: int, callback: int | None) -> None:
        self.referent[wr] = target
        refs = self.weakrefs.setdefault(target, [])
        if callback is None:
            refs.insert(0, wr)
        else:
            # CPython inserts a ref with a callback right after the basic refs, so the newest
            # callback is met first when the list is walked
            basic = 0
            while basic < len(refs) and refs[basic] not in self.callback:
                basic += 1
            refs.insert(basic, wr)
            self.callback[wr] = callback
            self.refs[wr] = [callback]
            self.keys[wr] = ["__callback__"]

    def _drop_weakref(self, wr: int) -> None:
        target = self.referent.pop(wr, None)
        if target is not None:
            lst = self.weakrefs.get(target)
            if lst and wr in lst:
                lst.remove(wr)
                if not lst:
                    del self.weakrefs[target]

    def clear_weakref(self, wr: int) -> None:
        """_PyWeakref_ClearRef: the weakref stops pointing at its referent."""
        self._drop_weakref(wr)
        self.referent[wr] = None

    def clear_weakrefs_to(self, op: int, call: bool) -> None:
        """PyObject_ClearWeakRefs on a refcount death: clear every weakref, then call the
        callbacks newest first. Unlike the collector, this path takes each callback away from
        its weakref (so the callback function is freed afterwards). With several callbacks
        (3.13: with any) it first gathers the (weakref, callback) pairs in a new tuple, a
        tracked object like any other while the callbacks run."""
        refs = self.weakrefs.pop(op, None)
        if not refs:
            return
        with_callback = [wr for wr in refs if wr in self.callback]
        for wr in refs:
            if wr not in self.callback:
                self.referent[wr] = None  # the basic ref, without a callback, goes first
        if not with_callback:
            return
        holder = None
        if len(with_callback) >= self.model.weakref_clear_tuple_from:
            holder = self.new_object("tuple", f"{self.name[op]}:callbacks", size=2 * len(with_callback))
            self.refs[holder] = []
            self.refcnt[holder] = 1
            self.track(holder)
        for wr in with_callback:
            self.referent[wr] = None
            cb = self.callback.pop(wr)
            self.refs[wr] = self.keys[wr] = None
            if holder is not None:
                self.refcnt[wr] += 1
                self.refs[holder] += [wr, cb]
        if call:
            for wr in with_callback:
                self.call_weakref_callback(wr)
        if holder is not None:
            self.release([holder])  # the tuple drops its items from the last: callback, then weakref
        else:
            self.release([cb])  # a lone callback is dropped right after its call

    def call_weakref_callback(self, wr: int) -> None:
        self.safe_point()
        target = self.name[wr]
        self.record("C", target)
        self.emit("event", f"weakref callback of {target} called: referent is dead")
