"""CPython's cyclic collector on the simulated heap: gc_collect_main, phase by phase.

Read it beside Modules/gcmodule.c (3.10-3.12) or Python/gc.c (3.13): the
phases have the same names and run in the same order on the same lists (the
generation heads and the local lists `unreachable`, `finalizers`,
`wrcb_to_call`, `final_unreachable` are rows 0-7 of the heap). The loops over
every object (deduce_unreachable, untrack_tuples/untrack_dicts and the
deletion of plain garbage) are in loops.py, run compiled or not (accel.py);
the phases that call Python code or need the side tables (legacy finalizers,
weakrefs, tp_finalize, DEBUG_SAVEALL) are written here, and run only when the
unreachable set holds an object that needs them. Before a loop writes, the
pages it will write are saved in the journal, so any collection can be rolled
back.

With a `Trace`, each phase appends a typed event (trace.py).
"""

from __future__ import annotations

import time
from array import array

from ....values import DEBUG_COLLECTABLE, DEBUG_SAVEALL, DEBUG_STATS, DEBUG_UNCOLLECTABLE
from . import accel, trace as t
from .heap import Heap
from .layout import (DICT, FINALIZER, FINALIZERS_HEAD, KEYED, LEGACY, PAGE_SHIFT, PERMANENT, STILL_HEAD, TUPLE,
                     UNREACHABLE_HEAD, WEAKREF, WRCB_HEAD, address)
from .loops import is_collecting

LIST_COLUMNS = (Heap.GEN, Heap.NXT, Heap.PRV)
PROGRESS_FROM = 200_000  # objects: a collection this large says which phase it is in (on a terminal)
DELETE_COLUMNS = (Heap.REFCNT, Heap.GEN, Heap.FLAGS, Heap.NXT, Heap.PRV, Heap.ELEN)  # what delete_plain writes


class Report:
    """What one collection did (`gc.collect` returns collected + uncollectable)."""

    __slots__ = ("generation", "collected", "uncollectable", "candidates", "unreachable_ids", "freed", "elapsed",
                 "automatic", "trace")

    def __init__(self, generation: int, automatic: bool = False, trace: t.Trace | None = None) -> None:
        self.generation = generation
        self.collected = 0  # m: final_unreachable plus weakrefs freed after their callbacks
        self.uncollectable = 0  # n: the legacy-finalizer closure
        self.candidates = 0  # the objects the collection examined (update_refs)
        self.unreachable_ids = array("i")  # as DEBUG_COLLECTABLE lists them
        self.freed = array("i")  # every object freed during the collection
        self.elapsed = 0.0
        self.automatic = automatic
        self.trace = trace

    @property
    def unreachable(self) -> int:
        return self.collected + self.uncollectable


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


def untrack(heap: Heap, young: int, which: int, size: int) -> array:
    """untrack_tuples / untrack_dicts over YOUNG (SIZE objects, whose pages deduce_unreachable saved)."""
    k = accel.loops_for(heap)
    if not k.count_kind(heap.kind, *runs(heap, young, k), which):
        return array("i")
    out = zeros(size)
    n = k.untrack_kind(heap.nxt, heap.prv, heap.gen, heap.kind, heap.estart, heap.elen, heap.pool, young, which,
                       out)
    return out[:n]


# ---------------------------------------------------------------- the garbage (Python phases)


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


def scan_garbage(heap: Heap, head: int, closed: bool = False):
    """(-1 if the garbage is not plain, else whether it references objects outside itself; its
    references; the pages holding it; its runs), from HEAD's list. CLOSED: see loops.scan_garbage."""
    k = accel.loops_for(heap)
    spans = runs(heap, head, k)
    mark = page_marks(heap)
    pages = zeros(len(mark))
    outside, edges, npages = k.scan_garbage(heap.gen, heap.kind, heap.flags, heap.estart, heap.elen, heap.pool,
                                            head, *spans, mark, pages, closed)
    return outside, edges, pages[:npages], spans


def _delete_plain(heap: Heap, old: int, scanned) -> bool:
    """delete_garbage in loops.py when the garbage is plain and frees nothing outside itself."""
    k = accel.loops_for(heap)
    outside, edges, pages, spans = scanned or scan_garbage(heap, STILL_HEAD)
    if outside < 0:
        return False
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


# ---------------------------------------------------------------- one collection


def collect(heap: Heap, g: int, trace: t.Trace | None = None, automatic: bool = False) -> Report:
    """gc_collect_main for generation g, with the callbacks around it."""
    report = Report(g, automatic, trace)
    if heap.collecting:
        return report  # gc.collect() during a collection returns 0 and does nothing
    heap.collecting = True
    freed_before = len(heap.freed_log)
    try:
        run_callbacks(heap, "start", g, Report(g))
        _collect_main(heap, g, report, trace)
        run_callbacks(heap, "stop", g, report)
        if heap.model.done_line == "after" and heap.debug & DEBUG_STATS:
            done_line(heap, report)
    finally:
        heap.collecting = False
    report.freed = heap.freed_log[freed_before:]
    return report


def _collect_main(heap: Heap, g: int, report: Report, trace) -> None:
    emit = heap.emit
    stats = heap.debug & DEBUG_STATS
    if stats:
        sizes = " ".join(str(heap.count_of(h)) for h in heap.gen_heads())
        emit("debug", f"gc: collecting generation {g}...")
        emit("debug", f"gc: objects in each generation: {sizes}")
        emit("debug", f"gc: objects in permanent generation: {heap.count_of(PERMANENT)}")
    start = time.perf_counter()

    if heap.model.incremental:
        region = incremental_region(heap, g, trace)
        if region is None:
            report.elapsed = time.perf_counter() - start
            return  # a marking step, or no budget yet: nothing collected, nothing counted
        young, old = region
    else:
        if g < 2:
            heap.count[g + 1] += 1
        for i in range(g + 1):
            heap.count[i] = 0
        for i in range(g):  # merge the younger generations into g: g's contents, then gen 0, then gen 1
            heap.list_merge(i, g)
        young, old = g, g + 1 if g < 2 else 2
    if trace is not None:
        trace.append(t.Start(generation=g, young=rows(heap, young),
                             visited=heap.visited_space if heap.model.incremental else None))

    reachable, found, refs_out = deduce_unreachable(heap, young, UNREACHABLE_HEAD, old, trace)
    report.candidates = reachable + found
    untracked = untrack(heap, young, TUPLE, reachable)
    k = accel.loops_for(heap)
    heap.heap_size -= len(untracked) if heap.model.count_tracked else 0
    if heap.model.incremental:
        pass  # no long-lived bookkeeping: the old generation is scanned in increments instead
    elif young != old:
        if g == 1:
            heap.long_lived_pending += reachable - len(untracked)
    else:
        if not heap.model.dicts_always_tracked:  # full collections only, to avoid quadratic build-up
            untracked += untrack(heap, young, DICT, reachable)
        heap.long_lived_pending = 0
        heap.long_lived_total = reachable - len(untracked)
    if trace is not None:
        trace.append(t.Untrack(untracked=untracked, survivors=rows(heap, young), to=old))
    if young != old:
        heap.list_merge(young, old)  # the survivors move to the next generation

    scanned = scan_garbage(heap, UNREACHABLE_HEAD, closed=refs_out == 0)
    report.unreachable_ids = rows(heap, UNREACHABLE_HEAD, k, scanned[3])
    plain = scanned[0] >= 0
    if not plain:
        move_legacy_finalizers(heap, old)
        report.unreachable_ids = rows(heap, UNREACHABLE_HEAD)
    if trace is not None:
        trace.append(t.LegacyFinalizers(uncollectable=rows(heap, FINALIZERS_HEAD),
                                        unreachable=rows(heap, UNREACHABLE_HEAD)))
    if heap.debug & DEBUG_COLLECTABLE:
        for op in report.unreachable_ids:
            emit("debug", debug_line("collectable", heap, op))

    ran = []
    if not plain:
        freed_wr, cleared, called = handle_weakrefs(heap, old)
        report.collected += freed_wr
        if trace is not None and (cleared or called):
            trace.append(t.HandleWeakrefs(cleared=cleared, called=called, freed=freed_wr,
                                          late=heap.model.weakrefs_cleared_late))
        ran = finalize_garbage(heap)
    if trace is not None:
        trace.append(t.FinalizeGarbage(finalized=ran))
    resurrected = handle_resurrected_objects(heap, old, trace, again=bool(ran) or trace is not None)
    if trace is not None and ran:
        trace.append(t.Resurrected(resurrected=resurrected, to=old, still=rows(heap, STILL_HEAD)))
    if heap.model.weakrefs_cleared_late and not plain:
        late = clear_weakrefs(heap, STILL_HEAD)
        if trace is not None and late:
            trace.append(t.ClearWeakrefs(cleared=late))

    final = k.list_size(heap.nxt, STILL_HEAD) if ran or not plain else len(report.unreachable_ids)
    report.collected += final
    if final >= PROGRESS_FROM:
        heap.emit("progress", f"delete_garbage: freeing {final:,} objects…")
    garbage = rows(heap, STILL_HEAD) if trace is not None else None
    before = len(heap.freed_log)
    delete_garbage(heap, old, scanned if plain and not ran and trace is None else None)
    if trace is not None:
        trace.append(t.DeleteGarbage(garbage=garbage, freed=heap.freed_log[before:],
                                     saved=bool(heap.debug & DEBUG_SAVEALL)))

    # clearing the garbage can free objects that only it referenced, legacy ones included:
    # they drop off the finalizers list and are neither counted nor kept in gc.garbage
    finalizers = rows(heap, FINALIZERS_HEAD)
    report.uncollectable = len(finalizers)
    if heap.debug & DEBUG_UNCOLLECTABLE:
        for op in finalizers:
            emit("debug", debug_line("uncollectable", heap, op))
    report.elapsed = time.perf_counter() - start
    if stats and heap.model.done_line == "inside":
        done_line(heap, report)
    handle_legacy_finalizers(heap, finalizers, old)
    if trace is not None:
        trace.append(t.Result(collected=report.collected, final=final, weakrefs=report.collected - final,
                              uncollectable=finalizers, to=old, garbage=list(heap.garbage)))
    if g == 2:
        heap.clear_free_lists()  # only full collections empty the free lists
    if heap.model.incremental:
        incremental_done(heap, g)
    heap.stats[3 * g] += 1
    heap.stats[3 * g + 1] += report.collected
    heap.stats[3 * g + 2] += report.uncollectable
    heap.stats[9 + g] += report.candidates
    heap.stats[12 + g] += report.elapsed


def done_line(heap: Heap, report: Report) -> None:
    heap.emit("debug", f"gc: done, {report.unreachable} unreachable, {report.uncollectable} uncollectable, "
                       f"{report.elapsed:.4f}s elapsed")


# ---------------------------------------------------------------- the incremental collector (3.14.0-3.14.4)
#
# Lists 1 and 2 are old[0] and old[1]; heap.visited_space says which of them holds the objects
# already visited in the current scavenge (the other is "pending"). Young objects are collected
# with the increment: gc_collect_young, gc_collect_increment and gc_collect_full of Python/gc.c.

SCAN_RATE_DIVISOR = 10


def visited_head(heap: Heap) -> int:
    return 1 + heap.visited_space


def pending_head(heap: Heap) -> int:
    return 2 - heap.visited_space


def incremental_region(heap: Heap, g: int, trace) -> tuple[int, int] | None:
    """Prepare the region collect(g) collects: (its list, where survivors go), or None when this
    call collects nothing (collect(1) marking from the roots, or without budget)."""
    young, visited, pending = 0, visited_head(heap), pending_head(heap)
    if g == 0:
        untrack(heap, young, TUPLE, heap.count_of(young))
        return young, visited
    if g == 2:
        untrack(heap, young, TUPLE, heap.count_of(young))
        heap.list_merge(young, pending)
        heap.list_merge(pending, visited)
        for op in heap.objects(visited):
            heap.put(heap.GEN, op, visited)
        heap.count[0] = 0
        return visited, visited
    heap.work_to_do += assess_work_to_do(heap)
    if heap.work_to_do < 0:
        if trace is not None:
            trace.append(t.Budget(work_to_do=heap.work_to_do))
        return None
    untrack(heap, young, TUPLE, heap.count_of(young))
    if heap.marking:
        marked = mark_from_roots(heap)
        heap.work_to_do -= 2 * marked  # mark_at_start and its caller both subtract it
        heap.marking = False
        if trace is not None:
            trace.append(t.Mark(marked=marked, work_to_do=heap.work_to_do, visited=heap.visited_space))
        return None
    heap.work_to_do -= mark_from_roots(heap)  # mark_stacks
    size = heap.count_of(young)
    taken = []
    while size < heap.work_to_do and heap.nxt[pending] != pending:
        op = heap.nxt[pending]
        heap.list_move(op, young, young)
        taken.append(op)
        size += 1 + _expand(heap, op, young, pending)
    heap.increment_size = size
    if trace is not None:
        trace.append(t.Increment(young=rows(heap, young), taken=taken, work_to_do=heap.work_to_do,
                                 visited=heap.visited_space))
    return young, visited


def _expand(heap: Heap, first: int, into: int, pending: int) -> int:
    """expand_region_transitively_reachable: append to INTO every pending object reachable from
    FIRST on (INTO's tail from FIRST), in traversal order; how many were added."""
    added = 0
    op = first
    while op != into:
        for target in heap.traverse(op):
            if type(target) is int and heap.gen[target] == pending:
                heap.list_move(target, into, into)
                added += 1
        op = heap.nxt[op]
    return added


def mark_from_roots(heap: Heap) -> int:
    """mark_global_roots and mark_stacks: the interpreter's namespace (the running frame's globals),
    when it is not visited yet in this scavenge, and the objects on the stack, with everything not
    visited they reach, move to the visited space, in the order mark_all_reachable finds them.
    How many moved."""
    marked = 0
    found = []
    if heap.interpreter_space == "pending":  # not frozen (gc.freeze()), nor visited already
        heap.interpreter_space = "visited"
        marked += heap.model.startup_heap
        found += heap.roots.values()
    found += reversed(heap.stack)  # mark_stacks walks the stack from its top down
    visited, pending = visited_head(heap), pending_head(heap)
    queue = []
    for op in found:
        marked += _mark(heap, op, visited, pending, queue)
    while queue:  # mark_all_reachable: breadth first, each object moved when first found
        for target in heap.traverse(queue.pop(0)):
            marked += _mark(heap, target, visited, pending, queue)
    return marked


def _mark(heap: Heap, op, visited: int, pending: int, queue: list) -> int:
    if type(op) is not int or heap.gen[op] not in (0, pending):
        return 0  # an atom, untracked, visited already or permanent
    heap.list_move(op, visited, visited)
    queue.append(op)
    return 1


def assess_work_to_do(heap: Heap) -> int:
    scale = max(heap.threshold[1], 2)
    new = heap.count[0]
    fraction = min(heap.heap_size // SCAN_RATE_DIVISOR // scale, new * 2)
    heap.count[0] = 0
    return new + fraction


def incremental_done(heap: Heap, g: int) -> None:
    """The bookkeeping after collect(g) collected its region."""
    if g == 0:
        heap.count[0] = 0
        heap.count[visited_head(heap)] += 1
    elif g == 1:
        heap.work_to_do -= heap.increment_size
        if heap.nxt[pending_head(heap)] == pending_head(heap):
            completed_scavenge(heap)
    else:
        heap.count[0] = heap.count[1] = heap.count[2] = 0
        completed_scavenge(heap)


def completed_scavenge(heap: Heap) -> None:
    """A scavenge is over: the visited objects are pending again (the spaces swap, or with a
    permanent generation the visited list joins the pending one); the next increment marks."""
    visited, pending = visited_head(heap), pending_head(heap)
    if heap.nxt[PERMANENT] == PERMANENT and heap.interpreter_space != "permanent":
        heap.visited_space ^= 1
    else:
        heap.list_merge(visited, pending)
        for op in heap.objects(pending):
            heap.put(heap.GEN, op, pending)
    if heap.interpreter_space == "visited":
        heap.interpreter_space = "pending"
    heap.work_to_do = 0
    heap.marking = True


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


def handle_legacy_finalizers(heap: Heap, finalizers, old: int) -> None:
    saveall = heap.debug & DEBUG_SAVEALL
    for op in finalizers:
        if saveall or heap.kind[op] == LEGACY:
            heap.seq_append(heap.garbage, op)
            heap.add_ref(op, 1)
    heap.list_merge(FINALIZERS_HEAD, old)


def debug_line(what: str, heap: Heap, op: int) -> str:
    """CPython's debug_cycle line, with the object's name as a comment after it."""
    return f"gc: {what} <{heap.type_name(op)} {address(op)}>  # {heap.name_of(op)}"


def run_callbacks(heap: Heap, phase: str, g: int, report: Report) -> None:
    if heap.callbacks_on:
        collected, uncollectable = report.collected, report.uncollectable
        info = {"generation": g, "collected": collected, "uncollectable": uncollectable}
        if heap.model.stats_candidates:
            info.update(candidates=report.candidates, duration=report.elapsed)
        heap.scratch(["dict"])  # the info dict, built for the callbacks and dropped after them
        # (no collection can start inside it: the collector is running)
        heap.record("G", phase, g, collected, uncollectable)
        heap.emit("event", f"gc callback: {phase} {info}")


# ---------------------------------------------------------------- automatic collection


def select_generation(heap: Heap) -> int | None:
    """The oldest generation over its threshold, skipping 2 under the 25% rule."""
    for i in (2, 1, 0):
        if heap.count[i] > heap.threshold[i]:
            if i == 2 and heap.long_lived_pending < heap.long_lived_total // 4:
                continue
            return i
    return None


def should_collect(heap: Heap) -> bool:
    """The allocator's test: collect (3.10/3.11) or schedule a collection (3.12+)?"""
    return heap.enabled and heap.threshold[0] != 0 and not heap.collecting and heap.count[0] > heap.threshold[0]


def run_scheduled(heap: Heap) -> Report | None:
    """_Py_RunGC at a safe point (3.12+): if collection is still enabled, choose the generation
    from the counts as they are now; nothing at all happens if none is over its threshold."""
    if not heap.enabled or heap.collecting:
        return None
    return collect_generations(heap)


def collect_generations(heap: Heap) -> Report | None:
    g = 1 if heap.model.incremental else select_generation(heap)
    if g is None:
        return None
    return collect(heap, g, automatic=True)
