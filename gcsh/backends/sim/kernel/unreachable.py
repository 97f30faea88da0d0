"""deduce_unreachable and untracking: which objects of the collected set nothing outside reaches.

update_refs, subtract_refs and move_unreachable run in the loops (loops/deduce.py),
over the set read once as runs; with a detailed trace, each step records what it
found. handle_resurrected_objects runs them again on the garbage after
finalizers ran (PEP 442).
"""

from __future__ import annotations

from array import array

from . import accel, trace as t
from .heap import Heap
from .layout import PAGE_SHIFT, STILL_HEAD, UNREACHABLE_HEAD

LIST_COLUMNS = (Heap.GEN, Heap.NXT, Heap.PRV)
PROGRESS_FROM = 200_000  # objects: a collection this large says which phase it is in (on a terminal)


def zeros(n: int) -> array:
    return array("i", [0]) * n


def marks(n: int) -> array:
    """A zeroed byte per page or row (array.array: what the compiled loops read fastest)."""
    return array("B", bytes(n))


def runs(heap: Heap, head: int, k=None) -> tuple[array, array, int]:
    """HEAD's list as runs of consecutive rows (loops.list_runs): (starts, ends, how many)."""
    k = k or accel.loops_for(heap)
    starts, ends = zeros(64), zeros(64)
    n, op = k.list_runs(heap.nxt, head, heap.nxt[head], starts, ends, 0)
    while op != head:
        starts.extend(zeros(len(starts)))
        ends.extend(zeros(len(ends)))
        n, op = k.list_runs(heap.nxt, head, op, starts, ends, n)
    return starts, ends, n


def rows(heap: Heap, head: int, k=None, spans=None) -> array:
    """The rows of HEAD's list in order (SPANS: its runs, when known)."""
    k = k or accel.loops_for(heap)
    starts, ends, n = spans or runs(heap, head, k)
    out = zeros(sum(ends[:n]) - sum(starts[:n]))
    if n:
        k.run_rows(starts, ends, n, out)
    return out


def page_marks(heap: Heap) -> array:
    return marks((len(heap.kind) >> PAGE_SHIFT) + 1)


def save_runs(heap: Heap, k, head: int, spans, columns) -> None:
    """Save in the journal the pages of COLUMNS holding the rows of HEAD's list (given as runs)
    and its head, before a loop writes them."""
    mark = page_marks(heap)
    out = zeros(len(mark))
    n = k.run_pages(head, *spans, mark, out, 0)
    heap.save_rows(out[:n], columns)


# ---------------------------------------------------------------- deduce_unreachable


def deduce_unreachable(heap: Heap, young: int, unreachable: int, old: int, trace,
                       again: bool = False) -> tuple[int, int, int]:
    """update_refs, subtract_refs, move_unreachable: YOUNG keeps what is reachable (marked OLD),
    UNREACHABLE gets the rest, both in CPython's order. Returns how many of each, and how many
    references led out of the set."""
    k = accel.loops_for(heap)
    spans = runs(heap, young, k)
    save_runs(heap, k, young, spans, LIST_COLUMNS)
    n = k.update_refs(heap.gen, heap.refcnt, heap.gc_refs, *spans)
    if trace is not None and not trace.detail:
        trace = None
    if trace is not None:
        trace.append(t.UpdateRefs(again=again, gc_refs=_gc_refs(heap, young)))
    if n >= PROGRESS_FROM:
        heap.emit("progress", f"collecting {n:,} objects: subtract_refs, move_unreachable…")
    refs_out = k.subtract_refs(heap.gen, heap.estart, heap.elen, heap.pool, heap.gc_refs, *spans)
    if trace is not None:
        trace.append(t.SubtractRefs(again=again, gc_refs=_gc_refs(heap, young)))
    moves = zeros(9 * n) if trace is not None else array("i")
    m, left = k.move_unreachable(heap.nxt, heap.prv, heap.gen, heap.kind, heap.estart, heap.elen, heap.pool,
                                 heap.gc_refs, young, unreachable, old, moves, *spans)
    if trace is not None:
        steps = [(moves[i], moves[i + 1], moves[i + 2]) for i in range(0, m, 3)]
        trace.append(t.MoveUnreachable(again=again, reachable=rows(heap, young, k),
                                       unreachable=rows(heap, unreachable, k), moves=steps))
    return n - left, left, refs_out


def _gc_refs(heap: Heap, head: int) -> list[tuple[int, int]]:
    return [(op, heap.gc_refs[op]) for op in heap.objects(head)]


def handle_resurrected_objects(heap: Heap, old: int, trace, again: bool) -> array:
    """Run deduce_unreachable again on the garbage: what a finalizer made reachable survives (moved
    to OLD, and returned); the rest is final_unreachable. When no code ran since the first pass,
    the answer is the same garbage in the same order, so the pass is skipped (a trace shows it)."""
    if not again or heap.nxt[UNREACHABLE_HEAD] == UNREACHABLE_HEAD:
        heap.list_merge(UNREACHABLE_HEAD, STILL_HEAD)
        return array("i")
    deduce_unreachable(heap, UNREACHABLE_HEAD, STILL_HEAD, old, trace, again=True)
    resurrected = rows(heap, UNREACHABLE_HEAD)
    heap.list_merge(UNREACHABLE_HEAD, old)
    return resurrected


# ---------------------------------------------------------------- untrack_tuples, untrack_dicts


def untrack(heap: Heap, young: int, which: int, size: int) -> array:
    """untrack_tuples / untrack_dicts over YOUNG (SIZE objects, whose pages deduce_unreachable saved)."""
    k = accel.loops_for(heap)
    if not k.count_kind(heap.kind, *runs(heap, young, k), which):
        return array("i")
    out = zeros(size)
    n = k.untrack_kind(heap.nxt, heap.prv, heap.gen, heap.kind, heap.estart, heap.elen, heap.pool, young, which,
                       out)
    return out[:n]
