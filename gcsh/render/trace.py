"""`collect --trace`: each phase of one collection, in words a classroom can follow.

The steps are the collector's typed trace events (gcsh/backends/sim/kernel/
trace.py); each phase is named as in CPython's gc_collect_main and says what it
did to which objects, so that a reader can follow a cycle from "referenced
from inside the set only" to "freed". Lists of names are summarised past
LIMIT (all of them with `--all`), so a traced collection of a million objects
prints a page, not a book.
"""

from __future__ import annotations

from ..backends.sim.kernel.trace import NAMESPACE, NAMESPACE_NAME
from ..values import name_list

LIMIT = 20  # names shown per list (and gc_refs entries, and steps of the walk)


class _Lines:
    def __init__(self, trace, limit: int | None) -> None:
        self.trace, self.limit = trace, limit
        self.visited = None  # the incremental collector's visited space, once the start says it
        self.namespace = False  # the module's namespace is examined too (the start says so)

    def names(self, rows) -> str:
        return name_list(self.trace.named(rows), self.limit) if len(rows) else "none"

    def refs(self, gc_refs) -> str:
        shown = gc_refs if self.limit is None else gc_refs[:self.limit]
        name_of = self.trace.name_of
        text = "  ".join(f"{name_of(op)}={n}" for op, n in shown) or "(no objects)"
        more = len(gc_refs) - len(shown)
        return text + (f"  … and {more:,} more" if more else "")


def _start(e, w) -> list[str]:
    if e.visited is None:
        merged = {0: "generation 0", 1: "generation 1, then generation 0 appended",
                  2: "generation 2, then generations 0 and 1 appended"}[e.generation]
    else:  # the incremental collector (3.14.0-3.14.4)
        w.visited = e.visited
        visited, pending = _space(e.visited), _space(1 - e.visited)
        merged = {0: "the young generation",
                  1: f"the increment (the young generation, then what it took from {pending})",
                  2: f"{visited}, then {pending} and the young generation appended"}[e.generation]
    lines = [f"start: the list to examine is {merged}: {len(e.young)} objects", f"   [{w.names(e.young)}]"]
    if e.namespace:
        w.namespace = True
        lines.append(f"   and, ahead of the objects from {_space(1 - e.visited)}, the module's namespace "
                     f"{NAMESPACE_NAME}, among the interpreter's own objects: it holds the names")
    return lines


def _space(i: int) -> str:
    return f"old[{i}]"


def _mark(e, w) -> list[str]:
    return [f"mark_at_start: a scavenge of the old generation begins: instead of collecting, what the roots reach "
            f"(the interpreter's namespace, what is on the stack) moves to {_space(e.visited)}, the visited space",
            f"   {e.marked:,} objects marked; work_to_do is now {e.work_to_do:,}; nothing is collected"]


def _budget(e, w) -> list[str]:
    return [f"assess_work_to_do: work_to_do is {e.work_to_do:,}, below 0 (the marking is paid back first): "
            f"this increment examines nothing"]


def _increment(e, w) -> list[str]:
    pending = _space(1 - e.visited)
    taken = (f"then from {pending} (pending), each with what it reaches that is not visited yet: "
             f"{w.names(e.taken)}" if len(e.taken) else f"nothing taken from {pending} (pending)")
    return [f"increment: work_to_do {e.work_to_do:,}; the young generation, {taken}",
            f"   survivors go to {_space(e.visited)}, the visited space"]


def _update_refs(e, w) -> list[str]:
    what = "the objects still unreachable" if e.again else "every object in the list"
    return [f"update_refs: gc_refs of {what} starts at its refcount", f"   {w.refs(e.gc_refs)}"]


def _subtract_refs(e, w) -> list[str]:
    outside = [op for op, n in e.gc_refs if n > 0]
    names = f" (a name is a reference from {NAMESPACE_NAME}, in the list)" if w.namespace and not e.again else ""
    return [f"subtract_refs: minus one for each reference from another object in the list{names}",
            f"   {w.refs(e.gc_refs)}",
            f"   gc_refs > 0 means referenced from outside the list: {w.names(outside)}"]


def _move_unreachable(e, w) -> list[str]:
    lines = ["move_unreachable: walk the list from head to tail"]
    name_of = w.trace.name_of
    moves = e.moves if w.limit is None else e.moves[:w.limit]
    for op, how, by in moves:
        name = name_of(op)
        if how == 1:
            lines.append(f"   {name}: gc_refs 0, moved to the unreachable list (for now)")
        elif how == 2:
            by_name = NAMESPACE_NAME if by == NAMESPACE else name_of(by)
            lines.append(f"   {name}: referenced by {by_name}, which is reachable: moved back to the tail of "
                         f"the list")
        else:
            lines.append(f"   {name}: reachable")
    if len(e.moves) > len(moves):
        lines.append(f"   … and {len(e.moves) - len(moves):,} more steps")
    lines.append(f"   reachable: [{w.names(e.reachable)}]")
    lines.append(f"   unreachable: [{w.names(e.unreachable)}]")
    return lines


def _untrack(e, w) -> list[str]:
    incremental = w.visited is not None
    head = "untrack_tuples" + (" and untrack_dicts" if e.to == 2 and not incremental else "") + ": "
    head += (f"nothing in them can be part of a cycle, so they are no longer tracked: {w.names(e.untracked)}"
             if len(e.untracked) else "nothing to untrack")
    where = f"{_space(w.visited)} (the visited space)" if incremental else f"generation {e.to}"
    return [head, f"   the survivors move to the tail of {where}: {w.names(e.survivors)}"]


def _legacy(e, w) -> list[str]:
    if not len(e.uncollectable):
        return [f"move_legacy_finalizers: no legacy finalizer among the unreachable; "
                f"the garbage is [{w.names(e.unreachable)}]"]
    return [f"move_legacy_finalizers: objects with tp_del, and everything they reach, cannot be collected: "
            f"{w.names(e.uncollectable)}", f"   the garbage is now [{w.names(e.unreachable)}]"]


def _weakrefs(e, w) -> list[str]:
    which = "weakrefs with callbacks to the garbage are" if e.late else "weakrefs to the garbage are"
    lines = [f"handle_weakrefs: {which} cleared before any finalizer runs: {w.names(e.cleared)}"]
    if e.called:
        lines.append(f"   then the callbacks of those not garbage themselves run (newest first), "
                     f"each seeing a dead referent: {w.names(e.called)}")
    if e.freed:
        lines.append(f"   {e.freed} of them died after their callback: counted as collected")
    return lines


def _clear_weakrefs(e, w) -> list[str]:
    return [f"clear_weakrefs: the other weakrefs to what is still garbage are cleared now, after the finalizers "
            f"(a resurrected object keeps its weakrefs): {w.names(e.cleared)}"]


def _finalize(e, w) -> list[str]:
    if not e.finalized:
        return ["finalize_garbage: no __del__ to run"]
    return [f"finalize_garbage: __del__ runs once per object, in list order: {w.names(e.finalized)}"]


def _resurrected(e, w) -> list[str]:
    if len(e.resurrected):
        return [f"resurrected (it survives, and its __del__ will not run again): "
                f"{w.names(e.resurrected)} -> generation {e.to}", f"still garbage: [{w.names(e.still)}]"]
    return ["nothing was resurrected"]


def _delete(e, w) -> list[str]:
    if not len(e.garbage):
        return ["delete_garbage: nothing left to delete"]
    if e.saved:
        return [f"delete_garbage: DEBUG_SAVEALL keeps the garbage in gc.garbage instead: {w.names(e.garbage)}"]
    return [f"delete_garbage: tp_clear on each object in turn drops its references; "
            f"refcounting frees the rest [{w.names(e.garbage)}]", f"   freed, in order: {w.names(e.freed)}"]


def _result(e, w) -> list[str]:
    lines = [f"result: collected {e.collected} = {e.final} garbage objects + {e.weakrefs} weakrefs freed after "
             f"their callbacks"]
    if len(e.uncollectable):
        lines.append(f"   uncollectable {len(e.uncollectable)}: {w.names(e.uncollectable)} stay alive in "
                     f"generation {e.to}; gc.garbage is now [{w.names(e.garbage)}]")
    lines.append("   gc.collect() returns collected + uncollectable")
    return lines


PHASES = {"start": _start, "update_refs": _update_refs, "subtract_refs": _subtract_refs,
          "move_unreachable": _move_unreachable, "untrack": _untrack, "move_legacy_finalizers": _legacy,
          "handle_weakrefs": _weakrefs, "finalize_garbage": _finalize, "clear_weakrefs": _clear_weakrefs,
          "delete_garbage": _delete, "result": _result, "mark_at_start": _mark, "increment": _increment,
          "assess_work_to_do": _budget}
AGAIN = ("update_refs", "subtract_refs", "move_unreachable")
RESURRECTION = ("handle_resurrected_objects: deduce_unreachable again on the garbage alone, "
                "to see whether a __del__ made any of it reachable")


def trace_lines(trace, limit: int | None = LIMIT) -> list[str]:
    """The numbered phases of a traced collection (TRACE: a kernel Trace)."""
    w = _Lines(trace, limit)
    lines: list[str] = []
    n = 0
    in_resurrection = False
    for e in trace:
        if e.PHASE == "handle_resurrected_objects":
            if not in_resurrection:  # no object was left to look at again
                n += 1
                lines.append(f"{n:2}. {RESURRECTION}")
            lines.extend("    " + line.lstrip() for line in _resurrected(e, w))
            in_resurrection = False
            continue
        body = PHASES[e.PHASE](e, w)
        if e.PHASE in AGAIN and e.again:
            if not in_resurrection:
                n += 1
                lines.append(f"{n:2}. {RESURRECTION}")
                in_resurrection = True
            lines.append("    - " + body[0])
            lines.extend("      " + line.lstrip() for line in body[1:])
            continue
        n += 1
        lines.append(f"{n:2}. {body[0]}")
        lines.extend("    " + line.lstrip() for line in body[1:])
    return lines
