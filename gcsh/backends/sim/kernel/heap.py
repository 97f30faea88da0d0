"""CPython's object semantics on the store: allocation, containers, refcounting, weak references.

This is what Objects/*.c do around the collector: `new_object` is
_PyObject_GC_New (count0, the free lists), `store`/`remove` are list append,
dict and set item assignment and attribute stores, `release` is Py_DECREF
with the dealloc cascade (finalizer, untrack, weakrefs, then the items), and
`clear_weakrefs_to` is PyObject_ClearWeakRefs. Every write goes through the
store, so it is journaled; refcount = references from containers + root
bindings + gc.garbage always holds between commands.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from typing import Callable, Iterable

from ....errors import UserError
from ....values import Atom
from . import loops
from .layout import (DICT, FINALIZED, FINALIZER, FREED, FREED_BY_GC, GC_KINDS, HEADS, HIDDEN, INSTANCE_KINDS,
                     KEYED, LEGACY, LIST, RESURRECTS, SET, TUPLE, UNHASHABLE, UNTRACKED, WEAKREF, WEAKREFD, handle,
                     kind_code)
from .store import SLOT_NAMES, Store

INSTANCES = frozenset(kind_code(k) for k in INSTANCE_KINDS)
SLOTS = {name: i for i, name in enumerate(SLOT_NAMES)}


class Heap(Store):
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
        code = kind_code(kind)
        op = self.new_row(code, flags)
        if name is not None:
            self.names.give(op, name)
        if kind in GC_KINDS:
            slot = self.reuse_slot(code, size)
            if slot >= 0 and self.free[slot]:
                self.free[slot] -= 1  # reused from a free list: the GC allocator is not involved
            else:
                self.count_alloc()
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
        self.count[0] += 1
        self.heap_size += 1
        if self.count[0] > self.threshold[0] and self.on_alloc is not None:
            self.on_alloc()

    def track(self, op: int, g: int = 0) -> None:
        if self.model.count_tracked and self.gen[op] == UNTRACKED:
            super().track(op, g)
            self._count_one()
            return
        super().track(op, g)

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

    # ------------------------------------------------------------ container mutation

    def store(self, src: int, item, key=None) -> str:
        """SRC now references ITEM: list append, dict item, set add or attribute. Returns the label."""
        code = self.kind[src]
        if code in INSTANCES and (self.model.instance_dict or src in self.instance_dict):
            return self.store(self._dict_of(src), item, self._attr_name(item, key))
        if code == LIST:
            self.incref(item)
            self.edge_append(src, item)
            return str(self.elen[src] - 1)
        if code == SET:
            if not any(self.equal(member, item) for member in self.items(src)):
                self.incref(item)
                self.edge_append(src, item)
            return "member"  # an equal member is there already: the set is unchanged
        if code == DICT or code in INSTANCES:
            key = self._attr_name(item, key) if code in INSTANCES else self._dict_key(item, key)
            keys = self.keys.get(src)
            if keys and key in keys:
                i = keys.index(key)
                old = self.decode(self.pool[self.estart[src] + i])
                self.incref(item)
                self.edge_set(src, i, item)
                self.decref(old)
            elif code in INSTANCES:
                self._store_attribute(src, item, key)
            else:
                self._append_keyed(src, item, key)
            if code == DICT and self.may_be_tracked(item):
                self.track(src)  # MAINTAIN_TRACKING: the dict becomes tracked lazily
            return key
        raise UserError(self._immutable_message(src))

    def _append_keyed(self, src: int, item, key) -> None:
        self.incref(item)
        self.edge_append(src, item)
        keys = self.keys.get(src)
        if keys is None:
            self.table_set(self.keys, src, [key])
            self.set_flag(src, KEYED)
        else:
            self.seq_append(keys, key)

    def _store_attribute(self, src: int, item, key: str) -> None:
        """3.11+: inline values are visited (and cleared) in the order of the class's shared keys,
        so the attribute goes where that order puts it. A new name the shared keys have no room
        for gives the instance a real __dict__, which takes this attribute and every later one."""
        kind = self.kind_of(src)
        shared = self.shared_keys.get(kind, ())
        if key not in shared:
            room = self.shared_keys_room(kind)
            if room <= 0:
                self.store(self._materialize(src), item, key)
                return
            self.table_set(self.shared_room, kind, room - 1)
            shared += (key,)
            self.table_set(self.shared_keys, kind, shared)
        keys = self.keys.get(src) or []
        rank = shared.index(key)
        i = bisect_left([shared.index(k) if k in shared else -1 for k in keys], rank)
        self.incref(item)
        if not keys:
            self.table_set(self.keys, src, [key])
            self.set_flag(src, KEYED)
            self.edge_append(src, item)
        else:
            self.seq_insert(keys, i, key)
            self.edge_insert(src, i, item)
        order = self.attr_order.get(src)
        if order is None:
            self.table_set(self.attr_order, src, [key])
        else:
            self.seq_append(order, key)

    def shared_keys_room(self, kind: str) -> int:
        """How many more names the class's shared keys take (their dk_usable)."""
        room = self.shared_room.get(kind)
        if room is None:
            return max(0, self.model.shared_keys_max - len(self.shared_keys.get(kind, ())))
        return room

    def _init_inline_values(self, kind: str) -> None:
        """3.11+ init_inline_values: a new instance's values array takes one slot of the class's
        shared keys while more than one is left (so the more instances, the fewer names fit)."""
        room = self.shared_keys_room(kind)
        if room > 1:
            self.table_set(self.shared_room, kind, room - 1)

    def _materialize(self, inst: int) -> int:
        """3.11+ make_dict_from_instance_attributes: the instance's values move into a new dict (in
        the order they were set, as dictresize keeps it), which the instance then references alone;
        tracked if a value may be. The dict is allocated first: a collection there sees the values
        still in the instance."""
        d = self.new_object("dict", f"{self.name_of(inst)}.__dict__")
        keys = self.keys.get(inst) or []
        items = self.items(inst)
        order = self.table_pop(self.attr_order, inst) or list(keys)
        values = [items[keys.index(k)] for k in order]
        if order:
            self.edges_set(d, values)
            self.table_set(self.keys, d, list(order))
            self.set_flag(d, KEYED)
        self.edges_set(inst, [d])
        self.table_set(self.keys, inst, ["__dict__"])
        self.set_flag(inst, KEYED)
        self.add_ref(d, 1)
        self.table_set(self.instance_dict, inst, d)
        if self.model.dicts_always_tracked or any(self.may_be_tracked(v) for v in values):
            self.track(d)
        return d

    def check_store(self, src: int, item, key=None) -> None:
        """Raise the error `store` would raise, before anything changes."""
        kind = self.kind_of(src)
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
        kind = self.kind_of(item)
        if kind in UNHASHABLE:
            held = f" (a set cannot hold {self.name_of(outer if outer is not None else item)})"
            raise UserError(f"unhashable type: '{kind}'{held}")
        if kind == "tuple":
            for member in self.items(item):
                self.check_hashable(member, item if outer is None else outer)

    def equal(self, a, b) -> bool:
        """`a == b` as a set sees it: tuples by their items, weakrefs by their live referents,
        every other object by identity, literals by value."""
        if a is b or a == b:
            return True
        if type(a) is not int or type(b) is not int or self.kind[a] != self.kind[b]:
            return False
        if self.kind[a] == TUPLE:
            ra, rb = self.items(a), self.items(b)
            return len(ra) == len(rb) and all(self.equal(x, y) for x, y in zip(ra, rb))
        if self.kind[a] == WEAKREF:
            ta, tb = self.referent.get(a), self.referent.get(b)
            return ta is not None and tb is not None and self.equal(ta, tb)
        return False

    def _immutable_message(self, src: int) -> str:
        kind = self.kind_of(src)
        if kind == "tuple":
            return f"'tuple' object does not support item assignment ({self.name_of(src)} got its items at alloc)"
        return f"{self.name_of(src)} is a {kind}, which cannot hold references"

    def _dict_key(self, item, key):
        if key is not None:
            return key
        return self.name_of(item) if type(item) is int else item.value

    def _attr_name(self, item, key) -> str:
        if key is not None:
            return str(key)
        return self.name_of(item).replace(".", "_") if type(item) is int else f"v{item.value}"

    def _dict_of(self, inst: int) -> int:
        """3.10: the instance's __dict__, created (untracked) on the first attribute store."""
        d = self.instance_dict.get(inst)
        if d is None:
            d = self.new_object("dict", f"{self.name_of(inst)}.__dict__")
            self.table_set(self.instance_dict, inst, d)
            self.edges_set(inst, [d])
            self.table_set(self.keys, inst, ["__dict__"])
            self.set_flag(inst, KEYED)
            self.add_ref(d, 1)
            if self.model.dicts_always_tracked:
                self.track(d)
        return d

    def remove(self, src: int, item) -> str:
        """Drop one reference from SRC to ITEM (the first one); returns its label."""
        holder = self.instance_dict.get(src, src) if self.kind[src] in INSTANCES else src
        items = self.items(holder)
        if item not in items:
            raise UserError(f"{self.name_of(src)} does not reference {self.label(item)}")
        i = items.index(item)
        keys = self.keys.get(holder)
        label = keys[i] if keys is not None else str(i)
        self.edge_delete(holder, i)
        if keys is not None:
            self.seq_delete(keys, i)
            order = self.attr_order.get(holder)
            if order is not None:
                self.seq_delete(order, order.index(label))
        self.decref(item)
        return label if self.kind[holder] != SET else "member"

    # ------------------------------------------------------------ refcounting

    def decref(self, item) -> None:
        if type(item) is int:
            self.release([item])

    def release(self, items: Iterable) -> None:
        """Drop one reference to each item, deallocating whatever reaches zero.

        CPython deallocates recursively; an explicit stack keeps the same depth-first order
        without Python's recursion limit (a freed chain of a million objects is fine). A negative
        entry ~op means "finish freeing op"."""
        stack = [x for x in reversed(list(items)) if type(x) is int]
        add_ref = self.add_ref
        while stack:
            op = stack.pop()
            if op < 0:
                self._free(~op)
            elif add_ref(op, -1) == 0:
                children = self._dealloc(op)
                if children is not None:
                    stack.append(~op)
                    stack.extend(x for x in reversed(children) if type(x) is int)

    def _dealloc(self, op: int) -> list | None:
        """The first half of a dealloc: finalizer, untrack, weakrefs. None if resurrected."""
        code = self.kind[op]
        self.untrack(op)
        if code == FINALIZER and not self.flags[op] & FINALIZED:
            # subtype_dealloc tracks the object again (at the tail of generation 0) and runs
            # tp_finalize under a temporary reference, before any weakref is cleared
            self.track(op)
            self.add_ref(op, 1)
            self.run_finalizer(op)
            if self.add_ref(op, -1) > 0:
                return None  # resurrected: it stays tracked, in generation 0
            self.untrack(op)
        if self.flags[op] & WEAKREFD:
            self.clear_weakrefs_to(op, call=True)
        if code == LEGACY:  # tp_del runs after the weakrefs are cleared
            self.add_ref(op, 1)
            self.run_tp_del(op)
            self.add_ref(op, -1)
        children = self.traverse(op)
        if code == WEAKREF:
            self._drop_weakref(op)
            cb = self.table_pop(self.callback, op)
            children = [cb] if cb is not None else []
        if code != TUPLE:  # a tuple keeps its length until _free: it picks the free list
            self.put(self.ELEN, op, 0)
        self._forget_tables(op)
        return children

    def _forget_tables(self, op: int) -> None:
        if self.flags[op] & KEYED:
            self.table_pop(self.keys, op)
            self.table_pop(self.instance_dict, op)
            self.table_pop(self.attr_order, op)
            self.set_flag(op, KEYED, False)

    def _free(self, op: int) -> None:
        self.uncount(op)
        self.put(self.ELEN, op, 0)  # after uncount: a tuple's free list depends on its length
        self.put(self.GEN, op, FREED)
        flags = self.flags[op] & ~(FINALIZED | RESURRECTS)
        self.put(self.FLAGS, op, flags | FREED_BY_GC if self.collecting else flags)
        self.nlive -= 1
        self.freed_log.append(op)

    def safe_point(self) -> None:
        """A __del__ or weakref callback is Python code: entering it (RESUME) is a safe point,
        where 3.12+ run a collection an allocation has scheduled."""
        if self.gc_scheduled and not self.collecting and self.on_safe_point is not None:
            self.on_safe_point()

    def record(self, *event) -> None:
        if self.events is not None:
            self.events.append(event)

    def run_tp_del(self, op: int) -> None:
        name = self.name_of(op)
        self.record("T", name)
        self.emit("event", f"{name}.__tp_del__() ran")

    def run_finalizer(self, op: int) -> None:
        """Call a Finalizer's __del__ (once in its life: the finalized bit guards it)."""
        self.safe_point()
        self.set_flag(op, FINALIZED)
        name = self.name_of(op)
        self.record("D", name)
        if self.flags[op] & RESURRECTS:
            self.emit("event", f"{name}.__del__() ran and stored {name} in a root: resurrected")
            self.bind(name, op)
        else:
            self.emit("event", f"{name}.__del__() ran")

    # ------------------------------------------------------------ weak references

    def add_weakref(self, wr: int, target: int, callback: int | None) -> None:
        self.table_set(self.referent, wr, target)
        refs = self.weakrefs.get(target, ())
        if callback is None:
            refs = (wr,) + refs
        else:
            # CPython inserts a ref with a callback right after the basic refs, so the newest
            # callback is met first when the list is walked
            basic = 0
            while basic < len(refs) and refs[basic] not in self.callback:
                basic += 1
            refs = refs[:basic] + (wr,) + refs[basic:]
            self.table_set(self.callback, wr, callback)
            self.edges_set(wr, [callback])
            self.table_set(self.keys, wr, ["__callback__"])
            self.set_flag(wr, KEYED)
        self.table_set(self.weakrefs, target, refs)
        self.set_flag(target, WEAKREFD)

    def _drop_weakref(self, wr: int) -> None:
        target = self.table_pop(self.referent, wr)
        if target is not None:
            refs = self.weakrefs.get(target)
            if refs and wr in refs:
                refs = tuple(x for x in refs if x != wr)
                if refs:
                    self.table_set(self.weakrefs, target, refs)
                else:
                    self.table_pop(self.weakrefs, target)
                    self.set_flag(target, WEAKREFD, False)

    def clear_weakref(self, wr: int) -> None:
        """_PyWeakref_ClearRef: the weakref stops pointing at its referent."""
        self._drop_weakref(wr)
        self.table_set(self.referent, wr, None)

    def clear_weakrefs_to(self, op: int, call: bool) -> None:
        """PyObject_ClearWeakRefs on a refcount death: clear every weakref, then call the
        callbacks newest first. Unlike the collector, this path takes each callback away from
        its weakref (so the callback function is freed afterwards). With several callbacks
        (3.13: with any) it first gathers the (weakref, callback) pairs in a new tuple, a
        tracked object like any other while the callbacks run."""
        refs = self.table_pop(self.weakrefs, op)
        self.set_flag(op, WEAKREFD, False)
        if not refs:
            return
        with_callback = [wr for wr in refs if wr in self.callback]
        for wr in refs:
            if wr not in self.callback:
                self.table_set(self.referent, wr, None)  # the basic ref, without a callback, goes first
        if not with_callback:
            return
        holder = None
        if len(with_callback) >= self.model.weakref_clear_tuple_from:
            holder = self.new_object("tuple", f"{self.name_of(op)}:callbacks", size=2 * len(with_callback),
                                     flags=HIDDEN)
            self.table_set(self.hidden, holder, None)
            self.add_ref(holder, 1)
            self.track(holder)
        cb = None
        for wr in with_callback:
            self.table_set(self.referent, wr, None)
            cb = self.table_pop(self.callback, wr)
            self.put(self.ELEN, wr, 0)
            self._forget_tables(wr)
            if holder is not None:
                self.add_ref(wr, 1)
                self.edge_append(holder, wr)
                self.edge_append(holder, cb)
        if call:
            for wr in with_callback:
                self.call_weakref_callback(wr)
        if holder is not None:
            self.release([holder])  # the tuple drops its items from the last: callback, then weakref
        else:
            self.release([cb])  # a lone callback is dropped right after its call

    def call_weakref_callback(self, wr: int) -> None:
        self.safe_point()
        target = self.name_of(wr)
        self.record("C", target)
        self.emit("event", f"weakref callback of {target} called: referent is dead")
