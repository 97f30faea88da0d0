"""CPython's cyclic collector, phase by phase, on the simulated heap.

The functions carry the names of their counterparts in Modules/gcmodule.c
(3.10–3.12) and Python/gc.c (3.13), and run in the same order as
gc_collect_main. A `Trace`, when given, records what each phase did so that
`collect --trace` can explain a collection step by step.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from . import fastpath
from .heap import COLLECTING, FREED, Heap, address

from ...values import DEBUG_COLLECTABLE, DEBUG_SAVEALL, DEBUG_STATS, DEBUG_UNCOLLECTABLE


@dataclass
class Report:
    """What one collection did (`gc.collect` returns `collected + uncollectable`)."""

    generation: int
    collected: int = 0  # m: final_unreachable plus weakrefs freed after their callbacks
    uncollectable: int = 0  # n: the legacy-finalizer closure
    unreachable_ids: list[int] = field(default_factory=list)  # as DEBUG_COLLECTABLE lists them
    freed: list[int] = field(default_factory=list)  # every object freed during the collection
    elapsed: float = 0.0
    automatic: bool = False

    @property
    def unreachable(self) -> int:
        return self.collected + self.uncollectable


class Trace:
    """Records each phase of one collection: (phase name, details)."""

    def __init__(self) -> None:
        self.steps: list[tuple[str, dict]] = []

    def __call__(self, phase: str, **details) -> None:
        self.steps.append((phase, details))


# ---------------------------------------------------------------- deduce_unreachable


def update_refs(heap: Heap, young: list[int]) -> dict[int, int]:
    """gc_refs = ob_refcnt for every object of the set (the dict doubles as the 'collecting' flag)."""
    refcnt = heap.refcnt
    return {op: refcnt[op] for op in young}


def subtract_refs(heap: Heap, young: list[int], gc_refs: dict[int, int]) -> None:
    """Subtract the references that members of the set hold to each other."""
    refs = heap.refs
    for op in young:
        items = refs[op]
        if items:
            for target in items:
                if target in gc_refs:
                    gc_refs[target] -= 1


def move_unreachable(heap: Heap, young: list[int], gc_refs: dict[int, int],
                     moves: list | None = None) -> tuple[list[int], dict[int, None]]:
    """Walk the list from head to tail: an object with gc_refs > 0 is reachable and makes
    what it references reachable (moving it back from `unreachable` to the young tail);
    one with gc_refs == 0 is tentatively moved to `unreachable`.

    Returns (reachable in their final list order, unreachable in theirs). `gc_refs`
    loses each object as it is scanned reachable (CPython clears its collecting flag).
    MOVES, when given, gets each step of the walk for --trace: (op, "reachable"),
    (op, "unreachable") or (target, "back", op): op's reference moved target back.
    """
    unreachable: dict[int, None] = {}
    reachable: list[int] = []
    work = list(young)
    traverse = heap.traverse
    i = 0
    while i < len(work):
        op = work[i]
        i += 1
        if gc_refs[op] > 0:
            if moves is not None:
                moves.append((op, "reachable"))
            for target in traverse(op):
                refs = gc_refs.get(target)
                if refs is None:
                    continue  # outside the set, or already scanned reachable
                if target in unreachable:
                    del unreachable[target]
                    work.append(target)
                    gc_refs[target] = 1
                    if moves is not None:
                        moves.append((target, "back", op))
                elif refs == 0:
                    gc_refs[target] = 1
            del gc_refs[op]
            reachable.append(op)
        else:
            unreachable[op] = None
            if moves is not None:
                moves.append((op, "unreachable"))
    return reachable, unreachable


def deduce_unreachable(heap: Heap, young: list[int], trace: Trace | None = None,
                       label: str = "") -> tuple[list[int], dict[int, None]]:
    if trace is None and fastpath.wanted(len(young)):
        return fastpath.deduce_unreachable(heap, young)  # same lists, vectorised
    gc_refs = update_refs(heap, young)
    if trace:
        trace("update_refs" + label, gc_refs=dict(gc_refs))
    subtract_refs(heap, young, gc_refs)
    if trace:
        trace("subtract_refs" + label, gc_refs=dict(gc_refs))
    moves = [] if trace else None
    reachable, unreachable = move_unreachable(heap, young, gc_refs, moves)
    if trace:
        trace("move_unreachable" + label, reachable=list(reachable), unreachable=list(unreachable), moves=moves)
    return reachable, unreachable


# ---------------------------------------------------------------- tracking optimisations


def untrack_tuples(heap: Heap, reachable: list[int]) -> list[int]:
    """Untrack surviving tuples none of whose items may be tracked; returns them."""
    if fastpath.none_of_kind(heap, reachable, "tuple"):
        return []
    untracked = []
    kind = heap.kind
    for op in reachable:
        if kind[op] == "tuple" and not any(heap.may_be_tracked(t) for t in heap.refs[op] or ()):
            heap.untrack(op)
            untracked.append(op)
    return untracked


def untrack_dicts(heap: Heap, reachable: list[int]) -> list[int]:
    """Full collections only (≤3.13): untrack dicts that hold nothing trackable."""
    if heap.model.dicts_always_tracked or fastpath.none_of_kind(heap, reachable, "dict"):
        return []
    untracked = []
    kind = heap.kind
    for op in reachable:
        if kind[op] == "dict" and not any(heap.may_be_tracked(t) for t in heap.refs[op] or ()):
            heap.untrack(op)
            untracked.append(op)
    return untracked


# ---------------------------------------------------------------- the garbage


def move_legacy_finalizers(heap: Heap, unreachable: dict[int, None]) -> list[int]:
    """Objects with a legacy tp_del cannot be collected: move them out."""
    if fastpath.plain_garbage(unreachable):
        return []
    finalizers = [op for op in unreachable if heap.kind[op] == "legacy"]
    for op in finalizers:
        del unreachable[op]
    return finalizers


def move_legacy_finalizer_reachable(heap: Heap, finalizers: list[int], unreachable: dict[int, None]) -> None:
    """Everything the legacy finalizers reach is uncollectable too (appended in traversal order)."""
    i = 0
    while i < len(finalizers):
        for target in heap.traverse(finalizers[i]):
            if target in unreachable:
                del unreachable[target]
                finalizers.append(target)
        i += 1


def handle_weakrefs(heap: Heap, unreachable: dict[int, None], old: int) -> tuple[int, list[int], list[int]]:
    """Clear every weakref to the garbage, then call the callbacks of those that are not
    garbage themselves. Returns (weakrefs freed after their callback, cleared, called)."""
    if fastpath.plain_garbage(unreachable):
        return 0, [], []
    cleared, to_call = [], []
    for op in unreachable:
        if heap.kind[op] == "weakref" and heap.referent.get(op) is not None:
            heap.clear_weakref(op)  # a weakref in the garbage never calls back
            cleared.append(op)
        for wr in list(heap.weakrefs.get(op, ())):
            heap.clear_weakref(wr)
            cleared.append(wr)
            if wr not in heap.callback or wr in unreachable:
                continue
            heap.refcnt[wr] += 1
            heap.untrack(wr)
            heap.gen[wr] = COLLECTING
            to_call.append(wr)
    freed = 0
    for wr in to_call:
        heap.call_weakref_callback(wr)
        if heap.refcnt[wr] == 1:
            freed += 1
        heap.decref(wr)
        if heap.alive(wr):
            heap.place([wr], old)
    return freed, cleared, to_call


def finalize_garbage(heap: Heap, unreachable: dict[int, None]) -> list[int]:
    """PEP 442: call each finalizer once, in list order."""
    if fastpath.plain_garbage(unreachable):
        return []
    ran = []
    for op in list(unreachable):
        if heap.gen[op] == COLLECTING and heap.kind[op] == "finalizer" and op not in heap.finalized:
            heap.refcnt[op] += 1
            heap.run_finalizer(op)
            heap.decref(op)
            ran.append(op)
    return ran


def handle_resurrected_objects(heap: Heap, unreachable: dict[int, None], old: int,
                               trace: Trace | None) -> tuple[list[int], list[int]]:
    """Run deduce_unreachable again on the garbage: what a finalizer made reachable survives."""
    if trace is None and fastpath.plain_garbage(unreachable):
        return [], fastpath.final_garbage(unreachable)  # nothing ran since the first pass: the same
    still = [op for op in unreachable if heap.gen[op] == COLLECTING]
    resurrected, final = deduce_unreachable(heap, still, trace, " (again, after finalizers)") if still else ([], {})
    heap.place(resurrected, old)
    return resurrected, list(final)


def delete_garbage(heap: Heap, final_unreachable: list[int], old: int) -> None:
    """tp_clear each object in turn (or, with DEBUG_SAVEALL, keep it in gc.garbage)."""
    if fastpath.wanted(len(final_unreachable)) and fastpath.delete_garbage(heap, final_unreachable):
        return  # freed all at once: nothing in it needed the one-by-one path
    saveall = heap.debug & DEBUG_SAVEALL
    for op in final_unreachable:
        if heap.gen[op] != COLLECTING:
            continue  # freed already by an earlier object's clear
        if saveall:
            heap.garbage.append(op)
            heap.refcnt[op] += 1
        else:
            heap.refcnt[op] += 1  # the reference delete_garbage holds while clearing
            tp_clear(heap, op)
            heap.decref(op)
        if heap.gen[op] == COLLECTING:
            heap.place([op], old)


def tp_clear(heap: Heap, op: int) -> None:
    kind = heap.kind[op]
    if kind == "tuple":
        return  # tuples have no tp_clear: their cycle breaks elsewhere
    if kind == "weakref":
        heap.clear_weakref(op)
        cb = heap.callback.pop(op, None)
        heap.refs[op] = heap.keys[op] = None
        heap.decref(cb)
        return
    items = heap.traverse(op)  # the order tp_clear drops them in: a list from its last item
    heap.refs[op] = None
    heap.keys[op] = None
    heap.instance_dict.pop(op, None)
    heap.release(items)


# ---------------------------------------------------------------- one collection


def collect(heap: Heap, g: int, trace: Trace | None = None, automatic: bool = False) -> Report:
    """gc_collect_main for generation g, with the callbacks around it."""
    report = Report(g, automatic=automatic)
    if heap.collecting:
        return report  # gc.collect() during a collection returns 0 and does nothing
    heap.collecting = True
    freed_before = len(heap.freed_log)
    try:
        run_callbacks(heap, "start", g, 0, 0)
        _collect_main(heap, g, report, trace)
        run_callbacks(heap, "stop", g, report.collected, report.uncollectable)
    finally:
        heap.collecting = False
    report.freed = heap.freed_log[freed_before:]
    return report


def _collect_main(heap: Heap, g: int, report: Report, trace: Trace | None) -> None:
    emit = heap.emit
    stats = heap.debug & DEBUG_STATS
    if stats:
        sizes = " ".join(str(len(heap.generations[i])) for i in range(3))
        emit("debug", f"gc: collecting generation {g}...")
        emit("debug", f"gc: objects in each generation: {sizes}")
        emit("debug", f"gc: objects in permanent generation: {len(heap.generations[3])}")
    start = time.perf_counter()

    if g < 2:
        heap.count[g + 1] += 1
    for i in range(g + 1):
        heap.count[i] = 0
    # merge the younger generations into g: g's old contents, then gen 0, then gen 1
    young = heap.take(g) + [op for i in range(g) for op in heap.take(i)]
    old = g + 1 if g < 2 else 2
    if trace:
        trace("start", generation=g, young=list(young))

    reachable, unreachable = deduce_unreachable(heap, young, trace)
    untracked = untrack_tuples(heap, reachable)
    if untracked:
        reachable = [op for op in reachable if heap.gen[op] == COLLECTING]
    if g < 2:
        if g == 1:
            heap.long_lived_pending += len(reachable)
    else:
        dicts = untrack_dicts(heap, reachable)
        untracked += dicts
        if dicts:
            reachable = [op for op in reachable if heap.gen[op] == COLLECTING]
        heap.long_lived_pending = 0
        heap.long_lived_total = len(reachable)
    heap.place(reachable, old)
    if trace:
        trace("untrack", untracked=untracked, survivors=list(reachable), to=old)

    finalizers = move_legacy_finalizers(heap, unreachable)
    move_legacy_finalizer_reachable(heap, finalizers, unreachable)
    if trace:
        trace("move_legacy_finalizers", uncollectable=list(finalizers), unreachable=list(unreachable))
    report.unreachable_ids = list(unreachable)
    if heap.debug & DEBUG_COLLECTABLE:
        for op in unreachable:
            emit("debug", debug_line("collectable", heap, op))

    freed_wr, cleared, called = handle_weakrefs(heap, unreachable, old)
    report.collected += freed_wr
    if trace and (cleared or called):
        trace("handle_weakrefs", cleared=cleared, called=called, freed=freed_wr)
    ran = finalize_garbage(heap, unreachable)
    if trace:
        trace("finalize_garbage", finalized=ran)
    resurrected, final_unreachable = handle_resurrected_objects(heap, unreachable, old, trace)
    if trace and ran:
        trace("handle_resurrected_objects", resurrected=resurrected, to=old, still=list(final_unreachable))

    report.collected += len(final_unreachable)
    before = len(heap.freed_log)
    delete_garbage(heap, final_unreachable, old)
    if trace:
        trace("delete_garbage", garbage=final_unreachable, freed=heap.freed_log[before:],
              saved=bool(heap.debug & DEBUG_SAVEALL))

    # clearing the garbage can free objects that only it referenced, legacy ones included:
    # they drop off the finalizers list and are neither counted nor kept in gc.garbage
    finalizers = [op for op in finalizers if heap.gen[op] == COLLECTING]
    report.uncollectable = len(finalizers)
    if heap.debug & DEBUG_UNCOLLECTABLE:
        for op in finalizers:
            emit("debug", debug_line("uncollectable", heap, op))
    report.elapsed = time.perf_counter() - start
    if stats:
        emit("debug", f"gc: done, {report.unreachable} unreachable, {report.uncollectable} uncollectable, "
                      f"{report.elapsed:.4f}s elapsed")
    handle_legacy_finalizers(heap, finalizers, old)
    if trace:
        trace("result", collected=report.collected, final=len(final_unreachable), weakrefs=freed_wr,
              uncollectable=list(finalizers), to=old, garbage=list(heap.garbage))
    if g == 2:
        heap.clear_free_lists()  # only full collections empty the free lists
    entry = heap.stats[g]
    entry["collections"] += 1
    entry["collected"] += report.collected
    entry["uncollectable"] += report.uncollectable


def handle_legacy_finalizers(heap: Heap, finalizers: list[int], old: int) -> None:
    saveall = heap.debug & DEBUG_SAVEALL
    for op in finalizers:
        if saveall or heap.kind[op] == "legacy":
            heap.garbage.append(op)
            heap.refcnt[op] += 1
    heap.place(finalizers, old)


def debug_line(what: str, heap: Heap, op: int) -> str:
    """CPython's debug_cycle line, with the object's name as a comment after it."""
    return f"gc: {what} <{heap.type_name(op)} {address(op)}>  # {heap.name[op]}"


def run_callbacks(heap: Heap, phase: str, g: int, collected: int, uncollectable: int) -> None:
    if heap.callbacks_on:
        info = {"generation": g, "collected": collected, "uncollectable": uncollectable}
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
    g = select_generation(heap)
    if g is None:
        return None
    return collect(heap, g, automatic=True)
