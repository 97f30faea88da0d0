"""Vectorised phases for collections of large sets, with the reference phases' exact results.

The reference phases in collector.py walk the young list one object at a time,
which costs seconds on a heap of a million objects. For a large set this module
computes the same results with NumPy and SciPy's breadth-first search (a C loop,
so a chain a million objects long costs what a wide tree costs):

* gc_refs = refcount minus a bincount of the references the set holds to itself;
* move_unreachable scans an object "in place" (at its own position in the list)
  when the walk gets there with gc_refs > 0: it is externally referenced, or an
  object scanned before it references it. So the in-place objects are what the
  externally referenced ones reach through references that point further down
  the list: one BFS over those forward references, from a super-root.
* Every other reachable object is first moved to `unreachable` and later moved
  back to the tail of the young list, in the order of a BFS over the remaining
  objects whose super-root references, in walk order, the targets of the
  in-place objects' references (the walk's appends while it scans the list).
  Lists and tuples are traversed from their last item, as tp_traverse does.

`delete_garbage` frees a garbage set at once when nothing in it needs the
one-by-one path (no finalizers, weakrefs, DEBUG_SAVEALL, or objects outside the
set that the garbage alone keeps alive).

numpy and scipy are the optional `fast` extra, imported on the first large
collection; without them, or below MIN_OBJECTS, the reference phases run.
"""

from __future__ import annotations

from collections import Counter, deque
from itertools import chain, repeat
from operator import length_hint

from ...values import DEBUG_SAVEALL
from .heap import FREED, Heap

MIN_OBJECTS = 10_000  # below this the reference phases take a few milliseconds: not worth numpy
# Kinds whose freeing runs code or touches other tables: their garbage takes the reference path.
SPECIAL_KINDS = frozenset({"finalizer", "legacy", "weakref"})
TRAVERSED_BACKWARDS = ("list", "tuple")

_libs = None  # (numpy, csr_array, breadth_first_order), or False when they cannot be imported
_consume = deque(maxlen=0).extend  # runs an iterator of calls at C speed


class Garbage(dict):
    """The unreachable set as move_unreachable leaves it (an ordered set), knowing whether it is
    plain: no finalizers, legacy finalizers or weakrefs in it, and no weakrefs to it. For a plain
    set the phases between move_unreachable and delete_garbage have nothing to do."""

    plain = False
    outside = None  # the ids outside the set that it references (once per reference)


class FinalGarbage(list):
    """The final garbage of a plain set, in list order, with what Garbage knew of it."""

    outside = None


def final_garbage(unreachable: Garbage) -> FinalGarbage:
    """handle_resurrected_objects for a plain set: nothing ran, so all of it is still garbage."""
    final = FinalGarbage(unreachable)
    final.outside = unreachable.outside
    return final


def none_of_kind(heap: Heap, ops: list[int], kind: str) -> bool:
    """For a large set: is there no object of KIND in the whole heap (a scan at C speed)?"""
    return len(ops) >= MIN_OBJECTS and kind not in heap.kind


def plain_garbage(unreachable) -> bool:
    """Is this a large unreachable set that the next phases would leave as it is?"""
    return type(unreachable) is Garbage and unreachable.plain


def _load():
    global _libs
    if _libs is None:
        try:
            import numpy
            from scipy.sparse import csr_array
            from scipy.sparse.csgraph import breadth_first_order
            _libs = (numpy, csr_array, breadth_first_order)
        except ImportError:
            _libs = False
    return _libs


def wanted(size: int) -> bool:
    """Use the vectorised phases for a set of this size?"""
    return size >= MIN_OBJECTS and bool(_load())


# ---------------------------------------------------------------- the set as arrays


class Edges:
    """The references of a list of objects: row i holds what ops[i] references, in refs order."""

    def __init__(self, np, heap: Heap, ops: list[int]):
        n = len(ops)
        self.n = n
        self.ids = np.fromiter(ops, np.int64, n)
        rows = list(map(heap.refs.__getitem__, ops))
        self.lens = np.fromiter(map(length_hint, rows), np.int64, n)  # None -> 0
        count = int(self.lens.sum())
        outside = len(heap.kind)  # the id standing for a literal (an Atom): no heap object
        try:
            self.targets = np.fromiter(chain.from_iterable(filter(None, rows)), np.int64, count)
        except (TypeError, ValueError):
            items = chain.from_iterable(filter(None, rows))
            self.targets = np.fromiter((x if type(x) is int else outside for x in items), np.int64, count)
        self.source = np.repeat(np.arange(n), self.lens)  # the row of each reference
        self.indptr = np.zeros(n + 1, np.int64)
        np.cumsum(self.lens, out=self.indptr[1:])

    def local(self, np, size: int):
        """Each reference's target as a position in the list, or -1 outside it."""
        pos = np.full(size + 1, -1, np.int64)  # one extra slot: the Atom id
        pos[self.ids] = np.arange(self.n)
        return pos[self.targets]

    def traverse_order(self, np, heap: Heap):
        """A permutation of the references into tp_traverse order (lists and tuples backwards)."""
        multi = np.flatnonzero(self.lens > 1)
        kinds = heap.kind
        backwards = [row for row, op in zip(multi.tolist(), self.ids[multi].tolist())
                     if kinds[op] in TRAVERSED_BACKWARDS]
        order = np.arange(len(self.targets))
        if backwards:
            flip = np.zeros(self.n, bool)
            flip[backwards] = True
            rows = self.source
            mirrored = self.indptr[rows] + self.indptr[rows + 1] - 1 - order
            order = np.where(flip[rows], mirrored, order)
        return order


def _bfs(libs, n: int, source, target, first):
    """Breadth-first order over n nodes with references source -> target (sources ascending)
    from a super-root that references `first`, in that order; the super-root is left out."""
    np, csr_array, breadth_first_order = libs
    indptr = np.empty(n + 2, np.int32)
    indptr[0] = 0
    np.cumsum(np.bincount(source, minlength=n), out=indptr[1:n + 1])
    indptr[n + 1] = indptr[n] + len(first)
    indices = np.concatenate((target, first)).astype(np.int32)
    graph = csr_array((np.ones(len(indices)), indices, indptr), shape=(n + 1, n + 1))
    return breadth_first_order(graph, n, directed=True, return_predecessors=False)[1:]


# ---------------------------------------------------------------- deduce_unreachable


def deduce_unreachable(heap: Heap, young: list[int]) -> tuple[list[int], dict[int, None]]:
    """update_refs + subtract_refs + move_unreachable, vectorised; same lists, same order."""
    libs = _load()
    np = libs[0]
    edges = Edges(np, heap, young)
    n = edges.n
    loc = edges.local(np, len(heap.kind))
    inner = loc >= 0
    refcnt = np.fromiter(map(heap.refcnt.__getitem__, young), np.int64, n)
    gc_refs = refcnt - np.bincount(loc[inner], minlength=n)
    roots = np.flatnonzero(gc_refs > 0)
    if not len(roots):
        return [], _garbage(np, heap, young, edges, loc, np.zeros(n, bool))

    source = edges.source
    forward = inner & (loc > source)
    in_place = np.zeros(n + 1, bool)  # the extra slot answers for targets outside the set (-1)
    in_place[_bfs(libs, n, source[forward], loc[forward], roots)] = True
    in_place[n] = True

    order = edges.traverse_order(np, heap)
    walk_source, walk_target = source[order], loc[order]
    target_in_place = in_place[walk_target]
    moved_back = np.empty(0, np.int64)
    appended = in_place[walk_source] & ~target_in_place  # what the walk appends while it scans the list
    if appended.any():
        rest = ~in_place[walk_source] & ~target_in_place
        moved_back = _bfs(libs, n, walk_source[rest], walk_target[rest], walk_target[appended])

    reached = in_place[:n].copy()
    reached[moved_back] = True
    ids = edges.ids
    reachable = ids[in_place[:n]].tolist() + ids[moved_back].tolist()
    return reachable, _garbage(np, heap, ids[~reached].tolist(), edges, loc, reached)


def _garbage(np, heap: Heap, ops: list[int], edges: Edges, loc, reached) -> Garbage:
    garbage = Garbage.fromkeys(ops)
    garbage.plain = (SPECIAL_KINDS.isdisjoint(map(heap.kind.__getitem__, ops))
                     and (not heap.weakrefs or heap.weakrefs.keys().isdisjoint(ops)))
    if garbage.plain:
        kept = np.append(reached, True)  # position -1: outside the set
        held_by_garbage = ~reached[edges.source]
        garbage.outside = edges.targets[held_by_garbage & kept[loc] & (edges.targets < len(heap.kind))]
    return garbage


# ---------------------------------------------------------------- delete_garbage


def delete_garbage(heap: Heap, garbage: list[int]) -> bool:
    """Free the whole final garbage at once, as tp_clear one by one would; False (and nothing
    changed) when some object needs the reference path."""
    if heap.debug & DEBUG_SAVEALL:
        return False
    kinds = Counter(map(heap.kind.__getitem__, garbage))
    if not SPECIAL_KINDS.isdisjoint(kinds):
        return False
    if heap.weakrefs and not heap.weakrefs.keys().isdisjoint(garbage):
        return False
    np = _load()[0]
    outside = garbage.outside if type(garbage) is FinalGarbage else None
    if outside is None:
        edges = Edges(np, heap, garbage)
        size = len(heap.kind)
        in_garbage = np.zeros(size + 1, bool)
        in_garbage[edges.ids] = True
        in_garbage[size] = True  # literals
        outside = edges.targets[~in_garbage[edges.targets]]
    refcnt = heap.refcnt
    targets, counts = np.unique(outside, return_counts=True)
    targets, counts = targets.tolist(), counts.tolist()
    if any(refcnt[t] <= c for t, c in zip(targets, counts)):
        return False  # the garbage holds the last references to something else: cascade one by one

    for t, c in zip(targets, counts):
        refcnt[t] -= c
    _uncount(heap, garbage, kinds)
    _consume(map(refcnt.__setitem__, garbage, repeat(0)))
    _consume(map(heap.refs.__setitem__, garbage, repeat(None)))
    _consume(map(heap.keys.__setitem__, garbage, repeat(None)))
    _consume(map(heap.gen.__setitem__, garbage, repeat(FREED)))
    by_name = heap.by_name
    names = list(map(heap.name.__getitem__, garbage))
    if list(map(by_name.get, names)) != garbage:  # some name now belongs to a newer object
        names = [name for name, op in zip(names, garbage) if by_name.get(name) == op]
    _consume(map(by_name.__delitem__, names))
    heap.freed_names.update(zip(names, repeat("the collector freed it")))  # as Heap._free words it
    if heap.instance_dict:
        for op in garbage:
            heap.instance_dict.pop(op, None)
    if heap.finalized:
        heap.finalized.difference_update(garbage)
    if heap.resurrects:
        heap.resurrects.difference_update(garbage)
    heap.freed_log.extend(garbage)
    return True


def _uncount(heap: Heap, garbage: list[int], kinds: Counter) -> None:
    """Heap.uncount for every object (KINDS counts them by kind), at once. Freeing only ever
    fills free lists and lowers count0 (never below 0), so the order does not matter: each
    free list takes objects until it is full, and every other object is one count0 decrement."""
    slots: Counter = Counter()
    for kind, k in kinds.items():
        if kind == "tuple":  # a tuple's free list depends on its length
            slots.update(heap.free_list_of(kind, len(heap.refs[op] or ())) for op in garbage if heap.kind[op] == kind)
        else:
            slots[heap.free_list_of(kind)] += k
    decrements = 0
    for slot, k in slots.items():
        kept = 0 if slot is None else max(0, min(k, heap.free_list_cap(slot) - heap.free.get(slot, 0)))
        if kept:
            heap.free[slot] = heap.free.get(slot, 0) + kept
        decrements += k - kept
    heap.count[0] = max(0, heap.count[0] - decrements)
