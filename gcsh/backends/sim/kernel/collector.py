"""CPython's cyclic collector on the simulated heap: gc_collect_main, phase by phase.

Read it beside Modules/gcmodule.c (3.10-3.12) or Python/gc.c (3.13): the
phases have the same names and run in the same order on the same lists (the
generation heads and the local lists `unreachable`, `finalizers`,
`wrcb_to_call`, `final_unreachable` are rows 0-7 of the heap), one module each:

    unreachable.py  deduce_unreachable, untrack_tuples/untrack_dicts, handle_resurrected_objects
    finalizers.py   legacy finalizers, weakrefs and their callbacks, tp_finalize
    deletion.py     delete_garbage
    incremental.py  3.14.0-3.14.4's increments and marking
    loops/          the loops over every object, run compiled or not (accel.py)

The phases that call Python code or need the side tables (legacy finalizers,
weakrefs, tp_finalize, DEBUG_SAVEALL) run only when the unreachable set holds
an object that needs them. Before a loop writes, the pages it will write are
saved in the journal, so any collection can be rolled back.

With a `Trace`, each phase appends a typed event (trace.py).
"""

from __future__ import annotations

import time
from array import array

from ....values import DEBUG_COLLECTABLE, DEBUG_SAVEALL, DEBUG_STATS, DEBUG_UNCOLLECTABLE
from . import accel, trace as t
from .deletion import delete_garbage, scan_garbage
from .finalizers import (clear_weakrefs, finalize_garbage, handle_legacy_finalizers, handle_weakrefs,
                         move_legacy_finalizers)
from .heap import Heap
from .incremental import drop_namespace, incremental_done, incremental_region
from .layout import DICT, FINALIZERS_HEAD, PERMANENT, STILL_HEAD, TUPLE, UNREACHABLE_HEAD, address
from .unreachable import PROGRESS_FROM, deduce_unreachable, handle_resurrected_objects, rows, runs, untrack

__all__ = ["Report", "collect", "collect_generations", "rows", "run_scheduled", "runs", "should_collect"]


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
        young, old, namespace = region
    else:
        namespace = -1
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
    if namespace >= 0:
        drop_namespace(heap, namespace, trace)
        reachable -= 1
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
