"""The incremental collector of 3.14.0-3.14.4: gc_collect_young, gc_collect_increment and
gc_collect_full of Python/gc.c.

Lists 1 and 2 are old[0] and old[1]; heap.visited_space says which of them holds the objects
already visited in the current scavenge (the other is "pending"). Young objects are collected
with the increment.

The names are a root outside every generational collection, but not here: the module's
namespace is a dict among the interpreter's own objects, and gc_collect_full examines
those with everything else. While they are pending (heap.interpreter_space), the namespace
sits at the head of the pending objects, so a full collection walks the visited objects
first; one that only a name holds has gc_refs 0 there, is moved to the unreachable list for
now, and goes back to the tail of the list when the walk reaches the namespace, behind
younger objects. A scratch row stands for the namespace during the walk (`namespace`).
"""

from __future__ import annotations

from . import trace as t
from .heap import Heap
from .layout import DICT, GEN0, GEN2, PERMANENT, TUPLE
from .unreachable import rows, untrack

SCAN_RATE_DIVISOR = 10


def visited_head(heap: Heap) -> int:
    return 1 + heap.visited_space


def pending_head(heap: Heap) -> int:
    return 2 - heap.visited_space


def incremental_region(heap: Heap, g: int, trace) -> tuple[int, int, int] | None:
    """Prepare the region collect(g) collects: (its list, where survivors go, the namespace's
    scratch row or -1), or None when this call collects nothing (collect(1) marking from the
    roots, or without budget)."""
    young, visited, pending = 0, visited_head(heap), pending_head(heap)
    if g == 0:
        untrack(heap, young, TUPLE, heap.count_of(young))
        return young, visited, -1
    if g == 2:
        untrack(heap, young, TUPLE, heap.count_of(young))
        namespace = _namespace(heap, visited) if heap.interpreter_space == "pending" else -1
        heap.list_merge(young, pending)
        heap.list_merge(pending, visited)
        for op in heap.objects(visited):
            heap.put(heap.GEN, op, visited)
        heap.count[0] = 0
        return visited, visited, namespace
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
    return young, visited, -1


def _namespace(heap: Heap, visited: int) -> int:
    """The module's namespace joins the tail of VISITED, ahead of the pending objects: a dict,
    held from outside (by its module), holding every named object that is tracked and not frozen,
    in the order the names were bound (a dict's traversal order). -1 when no name holds one."""
    held = [op for op in heap.roots.values() if GEN0 <= heap.gen[op] <= GEN2]
    if not held:
        return -1
    op = heap.scratch_row(DICT, 1, held)
    heap.list_append(op, visited)
    return op


def drop_namespace(heap: Heap, op: int, trace) -> None:
    """After the walk: the namespace's row goes, from the list and from the trace (a step it took
    names it NAMESPACE)."""
    heap.list_remove(op)
    heap.drop_scratch_row(op)
    for e in trace or ():
        if type(e) is t.Start:
            e.namespace = True
            e.young = [r for r in e.young if r != op]
        elif type(e) in (t.UpdateRefs, t.SubtractRefs):
            e.gc_refs = [(r, n) for r, n in e.gc_refs if r != op]
        elif type(e) is t.MoveUnreachable:
            e.reachable = [r for r in e.reachable if r != op]
            e.moves = [(r, how, t.NAMESPACE if by == op else by) for r, how, by in e.moves if r != op]


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
