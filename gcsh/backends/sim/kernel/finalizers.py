"""The garbage's Python phases before it is deleted: legacy finalizers (tp_del), weakrefs and
their callbacks, tp_finalize (PEP 442). They run only when the garbage holds an object that
needs them (deletion.scan_garbage says when), since they call code and use the side tables."""

from __future__ import annotations

from ....values import DEBUG_SAVEALL
from .heap import Heap
from .layout import FINALIZER, FINALIZERS_HEAD, LEGACY, STILL_HEAD, UNREACHABLE_HEAD, WEAKREF, WRCB_HEAD
from .loops import is_collecting


def move_legacy_finalizers(heap: Heap, old: int) -> None:
    """Objects with a legacy tp_del cannot be collected: move them to `finalizers`, and then
    everything they reach (move_legacy_finalizer_reachable, appending as the list grows)."""
    for op in list(heap.objects(UNREACHABLE_HEAD)):
        if heap.kind[op] == LEGACY:
            heap.list_move(op, FINALIZERS_HEAD, old)
    op = heap.nxt[FINALIZERS_HEAD]
    while op != FINALIZERS_HEAD:
        for target in heap.traverse(op):
            if type(target) is int and is_collecting(heap.gen[target]):
                heap.list_move(target, FINALIZERS_HEAD, old)
        op = heap.nxt[op]


def handle_legacy_finalizers(heap: Heap, finalizers, old: int) -> None:
    saveall = heap.debug & DEBUG_SAVEALL
    for op in finalizers:
        if saveall or heap.kind[op] == LEGACY:
            heap.seq_append(heap.garbage, op)
            heap.add_ref(op, 1)
    heap.list_merge(FINALIZERS_HEAD, old)


def handle_weakrefs(heap: Heap, old: int) -> tuple[int, list[int], list[int]]:
    """Clear every weakref to the garbage, then call the callbacks of those that are not garbage
    themselves. Returns (weakrefs freed after their callback, cleared, called). 3.15
    (handle_weakref_callbacks, gh-135552) clears only the weakrefs with callbacks here; the others
    answer until the finalizers have run (clear_weakrefs)."""
    late = heap.model.weakrefs_cleared_late
    cleared, called = [], []
    for op in list(heap.objects(UNREACHABLE_HEAD)):
        if not late and heap.kind[op] == WEAKREF and heap.referent.get(op) is not None:
            heap.clear_weakref(op)  # a weakref in the garbage never calls back
            cleared.append(op)
        for wr in heap.weakrefs_to(op):
            if late and wr not in heap.callback:
                continue
            heap.clear_weakref(wr)
            cleared.append(wr)
            if wr not in heap.callback or is_collecting(heap.gen[wr]):
                continue
            heap.add_ref(wr, 1)  # so that wr cannot go away before its callback runs
            heap.list_move(wr, WRCB_HEAD, heap.gen[wr])
            called.append(wr)
    freed = 0
    while heap.nxt[WRCB_HEAD] != WRCB_HEAD:
        wr = heap.nxt[WRCB_HEAD]
        heap.call_weakref_callback(wr)
        heap.decref(wr)
        if heap.nxt[WRCB_HEAD] == wr:
            heap.list_move(wr, old, old)  # still alive
        else:
            freed += 1
    return freed, cleared, called


def clear_weakrefs(heap: Heap, head: int) -> list[int]:
    """3.15: after the finalizers, the weakrefs still pointing into what stays garbage (and the
    weakrefs in it) are cleared; a resurrected object keeps its weakrefs. Returns those cleared."""
    cleared = []
    for op in heap.objects(head):
        if heap.kind[op] == WEAKREF and heap.referent.get(op) is not None:
            heap.clear_weakref(op)
            cleared.append(op)
        for wr in heap.weakrefs_to(op):
            heap.clear_weakref(wr)
            cleared.append(wr)
    return cleared


def finalize_garbage(heap: Heap) -> list[int]:
    """PEP 442: call each tp_finalize once, in list order, taking the first object each time (a
    finalizer may free others) and merging the `seen` list back afterwards."""
    ran = []
    while heap.nxt[UNREACHABLE_HEAD] != UNREACHABLE_HEAD:
        op = heap.nxt[UNREACHABLE_HEAD]
        heap.list_move(op, STILL_HEAD, heap.gen[op])
        if heap.kind[op] == FINALIZER and not heap.is_finalized(op):
            heap.add_ref(op, 1)
            heap.run_finalizer(op)
            heap.decref(op)
            ran.append(op)
    heap.list_merge(STILL_HEAD, UNREACHABLE_HEAD)
    return ran
