"""Refcounting and deallocation: Py_DECREF and the dealloc cascade.

An object whose refcount reaches 0 is deallocated at once, depth first, as CPython's
recursive tp_dealloc calls do: its finalizer (tp_finalize, once in its life; it may
resurrect the object), untracking, its weak references cleared, tp_del, then its items
released in turn. A __del__ or a weakref callback is Python code, so entering it is a
safe point where 3.12+ run a collection an allocation scheduled.
"""

from __future__ import annotations

from typing import Iterable

from .layout import FINALIZED, FINALIZER, FREED, FREED_BY_GC, KEYED, LEGACY, RESURRECTS, TUPLE, WEAKREF, WEAKREFD


class Deallocation:
    """Py_DECREF and the dealloc cascade of `Heap` (mixed into it: every attribute is the heap's)."""


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
