"""delete_garbage: tp_clear each object of final_unreachable in turn, and free what that frees.

Plain garbage (no finalizer, legacy finalizer or weakref, nothing weakly
referenced, nothing outside it freed with it) is deleted by the loops
(loops/garbage.py) after the journal saved the pages they write; any other
garbage, and DEBUG_SAVEALL, one object at a time here, through the heap's
refcounting.
"""

from __future__ import annotations

from ....values import DEBUG_SAVEALL
from . import accel
from .heap import Heap
from .layout import KEYED, PAGE_SHIFT, STILL_HEAD, TUPLE, WEAKREF
from .unreachable import marks, page_marks, runs, zeros

DELETE_COLUMNS = (Heap.REFCNT, Heap.GEN, Heap.FLAGS, Heap.NXT, Heap.PRV, Heap.ELEN)  # what delete_plain writes


def scan_garbage(heap: Heap, head: int, closed: bool = False):
    """(-1 if the garbage is not plain, else whether it references objects outside itself; its
    references; the pages holding it; its runs), from HEAD's list. CLOSED: see loops.scan_garbage."""
    k = accel.loops_for(heap)
    spans = runs(heap, head, k)
    if not spans[2]:
        return 0, 0, zeros(0), spans  # no garbage: nothing to look at (most automatic collections)
    mark = page_marks(heap)
    pages = zeros(len(mark))
    outside, edges, npages = k.scan_garbage(heap.gen, heap.kind, heap.flags, heap.estart, heap.elen, heap.pool,
                                            head, *spans, mark, pages, closed)
    return outside, edges, pages[:npages], spans


def delete_garbage(heap: Heap, old: int, scanned=None) -> None:
    """tp_clear each object of final_unreachable in turn (with DEBUG_SAVEALL: keep it in
    gc.garbage); one still alive afterwards moves to OLD. SCANNED: scan_garbage's answer for
    that list, when nothing has run since it was made."""
    saveall = heap.debug & DEBUG_SAVEALL
    if not saveall and _delete_plain(heap, old, scanned):
        return
    while heap.nxt[STILL_HEAD] != STILL_HEAD:
        op = heap.nxt[STILL_HEAD]
        if saveall:
            heap.seq_append(heap.garbage, op)
            heap.add_ref(op, 1)
        else:
            heap.add_ref(op, 1)  # the reference delete_garbage holds while clearing
            tp_clear(heap, op)
            heap.decref(op)
        if heap.nxt[STILL_HEAD] == op:
            heap.list_move(op, old, old)


def _delete_plain(heap: Heap, old: int, scanned) -> bool:
    """delete_garbage in the loops (loops/garbage.py) when the garbage is plain and frees nothing outside itself."""
    k = accel.loops_for(heap)
    outside, edges, pages, spans = scanned or scan_garbage(heap, STILL_HEAD)
    if outside < 0:
        return False
    if not spans[2]:
        return True
    if outside:
        if k.garbage_edges(heap.nxt, heap.gen, heap.refcnt, heap.gc_refs, heap.estart, heap.elen, heap.pool,
                           STILL_HEAD) < 0:
            return False  # it would free objects outside itself: the Python phases do that
        out = zeros((len(heap.kind) >> PAGE_SHIFT) + 1)
        m = k.target_pages(heap.nxt, heap.estart, heap.elen, heap.pool, STILL_HEAD, marks(len(out)), out, 0)
        heap.save_rows(out[:m], (Heap.REFCNT,))
    heap.save_rows(pages, DELETE_COLUMNS)
    n = sum(spans[1][:spans[2]]) - sum(spans[0][:spans[2]])
    k.uncount_all(heap.kind, heap.elen, *spans, heap.free, heap.caps, heap.count, heap.model.tuple_kept_up_to,
                  zeros(len(heap.free)))
    freed = zeros(n)
    nfreed = k.delete_plain(heap.gen, heap.kind, heap.refcnt, heap.estart, heap.elen, heap.pool, *spans,
                            zeros(edges + 2 * n + 2), freed)
    keyed = k.free_rows(heap.flags, heap.elen, *spans)
    k.unlink_all(heap.nxt, heap.prv, STILL_HEAD, *spans)
    heap.nlive -= nfreed
    heap.freed_log.extend(freed[:nfreed])
    if keyed:
        for op in freed[:nfreed]:
            if heap.flags[op] & KEYED:
                heap._forget_tables(op)
    return True


def tp_clear(heap: Heap, op: int) -> None:
    code = heap.kind[op]
    if code == TUPLE:
        return  # tuples have no tp_clear: their cycle breaks elsewhere
    if code == WEAKREF:
        heap.clear_weakref(op)
        cb = heap.table_pop(heap.callback, op)
        heap.put(heap.ELEN, op, 0)
        heap._forget_tables(op)
        heap.decref(cb)
        return
    items = heap.traverse(op)  # the order tp_clear drops them in: a list from its last item
    heap.put(heap.ELEN, op, 0)
    heap._forget_tables(op)
    heap.release(items)
