"""The collector's doubly linked lists: gc_list_append, gc_list_remove, gc_list_move, gc_list_merge.

Every tracked object is on exactly one list, linked through the `nxt`/`prv` columns as
PyGC_Head's `_gc_next`/`_gc_prev` link it in Modules/gcmodule.c, with the list heads in
rows 0..HEADS-1 (layout.py). Each write goes through the store's journaled `put`; the
collector's own loops over whole lists are in loops.py.
"""

from __future__ import annotations

from . import loops
from .layout import PAGE_SHIFT, UNTRACKED


class GenerationLists:
    """The list operations of `Store` (mixed into it: every attribute is the store's)."""


    def list_append(self, op: int, head: int) -> None:
        # (`put`, inline: every tracked allocation comes here. The list columns share their first
        # fresh row; OP is new, normally, and HEAD a list head, saved once per command or page)
        nxt, prv, fresh = self.nxt, self.prv, self.fresh[self.NXT]
        last = prv[head]
        if last < fresh and not self.dirty[self.NXT][last >> PAGE_SHIFT]:
            self.journal.save(self.NXT, last)
        nxt[last] = op
        if op < fresh:
            self.put(self.PRV, op, last)
            self.put(self.NXT, op, head)
        else:
            prv[op] = last
            nxt[op] = head
        if head < fresh and not self.dirty[self.PRV][head >> PAGE_SHIFT]:
            self.journal.save(self.PRV, head)
        prv[head] = op

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
