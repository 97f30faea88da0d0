"""Weak references, as Objects/weakrefobject.c keeps them: each referent's list of weakrefs
(basic refs first, then the ones with a callback, newest first), cleared and their
callbacks called when the referent dies of its refcount (PyObject_ClearWeakRefs). The
collector's own clearing (handle_weakrefs) is in collector.py.
"""

from __future__ import annotations

from .layout import HIDDEN, KEYED, WEAKREFD


class WeakRefs:
    """The weak references of `Heap` (mixed into it: every attribute is the heap's)."""


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
