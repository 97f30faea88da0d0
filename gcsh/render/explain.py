"""Answers computed from a `HeapView` alone, for both backends: why an object is
alive, which reference cycles exist, and what a `del` plus a collection would free.

`predict` replays the collector's reasoning on the view's refcounts and strong
edges (gc_refs = refcount minus references from inside the collected set, then
reachability, legacy finalizers, resurrection, and the refcount cascade that
tp_clear starts), so nothing real is touched. Every walk is iterative: heaps can
be deeper than Python's recursion limit.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from ..backends.view import HeapView
from ..values import DEBUG_SAVEALL
GARBAGE = "gc.garbage"  # the name of the entry point that gc.garbage is
OUTSIDE = "outside"  # held by references from outside the drawn heap (live backend)
HELD = 1 << 40  # the refcount of an object whose refcount the view does not know: held


def strong_out(view: HeapView) -> dict[str, list[str]]:
    """Strong references per node (a list holding b twice gives two entries)."""
    out: dict[str, list[str]] = {nid: [] for nid in view.nodes}
    for e in view.edges:
        if not e.weak and e.src in out and e.dst in out:
            out[e.src].append(e.dst)
    return out


def entry_points(view: HeapView) -> list[tuple[str, str]]:
    """(what holds it, node id): root names, gc.garbage, and references from outside the view."""
    entries = [(name, nid) for name, nid in sorted(view.roots.items())]
    entries += [(GARBAGE, nid) for nid, n in view.nodes.items() if "garbage" in n.marks]
    inside = {nid: 0 for nid in view.nodes}
    for e in view.edges:
        if not e.weak and e.dst in inside and e.src in inside:
            inside[e.dst] += 1
    for name, nid in view.roots.items():
        inside[nid] += 1
    for nid, n in view.nodes.items():
        held = inside[nid] + ("garbage" in n.marks)
        if n.refcount is not None and n.refcount > held:
            entries.append((OUTSIDE, nid))
    return entries


# ---------------------------------------------------------------- why


def chain_to(view: HeapView, target: str) -> list[tuple[str, str]] | None:
    """The shortest chain of strong references from an entry point to TARGET:
    [(holder, first node id), (label, node id)…], or None if nothing reaches it."""
    labels = {}
    out: dict[str, list[tuple[str, str]]] = {nid: [] for nid in view.nodes}
    for e in view.edges:
        if not e.weak and e.src in out and e.dst in out:
            out[e.src].append((e.label, e.dst))
    parent: dict[str, str | None] = {}
    queue = deque()
    for holder, nid in entry_points(view):
        if nid not in parent:
            parent[nid] = None
            labels[nid] = holder
            queue.append(nid)
    while queue and target not in parent:
        nid = queue.popleft()
        for label, dst in out[nid]:
            if dst not in parent:
                parent[dst] = nid
                labels[dst] = label
                queue.append(dst)
    if target not in parent:
        return None
    chain = []
    nid: str | None = target
    while nid is not None:
        chain.append((labels[nid], nid))
        nid = parent[nid]
    return chain[::-1]


def held_by_cycle(view: HeapView, target: str) -> list[str]:
    """For an object nothing reaches: the way back to the cycle keeping it alive
    ([cycle member, …, target]), or [] if it is in a cycle itself or none holds it."""
    components = {nid: comp for comp in cycles(view) for nid in comp}
    if target in components:
        return []
    into: dict[str, list[str]] = {nid: [] for nid in view.nodes}
    for e in view.edges:
        if not e.weak and e.src in into and e.dst in into:
            into[e.dst].append(e.src)
    parent = {target: None}
    queue = deque([target])
    while queue:
        nid = queue.popleft()
        if nid in components:
            path = []
            while nid is not None:
                path.append(nid)
                nid = parent[nid]
            return path
        for src in into[nid]:
            if src not in parent:
                parent[src] = nid
                queue.append(src)
    return []


# ---------------------------------------------------------------- cycles


def cycles(view: HeapView) -> list[list[str]]:
    """Strongly connected components of strong references that form a cycle (two or
    more objects, or one that references itself), largest first: iterative Tarjan."""
    out = strong_out(view)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for start in view.nodes:
        if start in index:
            continue
        work = [(start, 0)]
        while work:
            nid, i = work.pop()
            if i == 0:
                index[nid] = low[nid] = counter
                counter += 1
                stack.append(nid)
                on_stack.add(nid)
            targets = out[nid]
            while i < len(targets) and targets[i] in index:
                t = targets[i]
                if t in on_stack:
                    low[nid] = min(low[nid], index[t])
                i += 1
            if i < len(targets):
                work.append((nid, i + 1))
                work.append((targets[i], 0))
                continue
            if low[nid] == index[nid]:
                comp = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    comp.append(member)
                    if member == nid:
                        break
                if len(comp) > 1 or nid in out[nid]:
                    found.append(comp[::-1])
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[nid])
    found.sort(key=lambda c: (-len(c), _order(view, c[0])))
    return found


def _order(view: HeapView, nid: str):
    digits = nid.lstrip("n")
    return (0, int(digits)) if digits.isdigit() else (1, nid)


def reachable(view: HeapView) -> set[str]:
    """Everything the entry points reach by strong references."""
    out = strong_out(view)
    seen = {nid for _, nid in entry_points(view)}
    stack = list(seen)
    while stack:
        for dst in out[stack.pop()]:
            if dst not in seen:
                seen.add(dst)
                stack.append(dst)
    return seen


# ---------------------------------------------------------------- what would be freed


@dataclass
class Outcome:
    """What a del (and a collection of `generation`, unless None) would do, as node ids."""

    generation: int | None
    freed_by_del: list[str] = field(default_factory=list)
    unreachable: list[str] = field(default_factory=list)  # what the collection finds
    freed: list[str] = field(default_factory=list)  # freed by the collection (and its cascade)
    uncollectable: list[str] = field(default_factory=list)  # legacy finalizers and what they hold
    saved: list[str] = field(default_factory=list)  # DEBUG_SAVEALL: kept in gc.garbage
    finalizers: list[str] = field(default_factory=list)  # __del__ would run
    resurrected: list[str] = field(default_factory=list)


class _Replay:
    """Refcounts and references of a view, changed only in this copy."""

    def __init__(self, view: HeapView):
        self.view = view
        self.rc = {nid: n.refcount for nid, n in view.nodes.items()}
        self.out = strong_out(view)
        self.finalized = {nid for nid, n in view.nodes.items() if "finalized" in n.marks}
        self.freed: dict[str, None] = {}
        self.ran: list[str] = []
        self.resurrected: list[str] = []
        self.weak_in: dict[str, list[str]] = {}  # object -> the weakrefs to it
        for e in view.edges:
            if e.weak and e.src in self.rc and e.dst in self.rc:
                self.weak_in.setdefault(e.dst, []).append(e.src)
        self.cleared: set[str] = set()  # weakrefs no longer pointing at their referent

    def alive(self, nid: str) -> bool:
        return nid not in self.freed

    def run_finalizer(self, nid: str) -> bool:
        """Call __del__ once; True if it resurrected the object (stored it in a root)."""
        node = self.view.nodes[nid]
        if node.kind != "finalizer" or nid in self.finalized or self.rc[nid] is None:
            return False
        self.finalized.add(nid)
        self.ran.append(nid)
        if "resurrects" in node.marks:
            self.rc[nid] += 1
            self.resurrected.append(nid)
            return True
        return False

    def release(self, items: list[str]) -> None:
        """Drop one reference to each; free what reaches zero, and what only that held."""
        stack = list(reversed(items))
        while stack:
            nid = stack.pop()
            if nid in self.freed or self.rc[nid] is None:
                continue
            self.rc[nid] -= 1
            if self.rc[nid] == 0 and not self.run_finalizer(nid):
                self.freed[nid] = None
                stack.extend(reversed(self.out[nid]))
                stack.extend(self.clear_weakrefs_to(nid))  # released first, as in a dealloc

    def clear_weakrefs_to(self, nid: str) -> list[str]:
        """A refcount death clears the weakrefs to it and takes their callbacks away (unlike the
        collector, which leaves the callbacks to the weakrefs): returns the callbacks to release."""
        callbacks = []
        for wr in self.weak_in.get(nid, ()):
            if wr not in self.freed and wr not in self.cleared:
                self.cleared.add(wr)
                if self.view.nodes[wr].kind == "weakref":
                    callbacks += self.out[wr]
                    self.out[wr] = []
        return callbacks

    def unreachable_among(self, members: list[str]) -> list[str]:
        """deduce_unreachable: gc_refs = refcount minus references from inside the set;
        what no member with gc_refs > 0 reaches is unreachable."""
        gc_refs = {nid: HELD if self.rc[nid] is None else self.rc[nid] for nid in members}
        for nid in members:
            for dst in self.out[nid]:
                if dst in gc_refs:
                    gc_refs[dst] -= 1
        seen = {nid for nid in members if gc_refs[nid] > 0}
        stack = list(seen)
        while stack:
            for dst in self.out[stack.pop()]:
                if dst in gc_refs and dst not in seen:
                    seen.add(dst)
                    stack.append(dst)
        return [nid for nid in members if nid not in seen]

    def closure(self, start: list[str], within: list[str]) -> list[str]:
        allowed = set(within)
        found = dict.fromkeys(start)
        stack = list(start)
        while stack:
            for dst in self.out[stack.pop()]:
                if dst in allowed and dst not in found:
                    found[dst] = None
                    stack.append(dst)
        return list(found)


def predict(view: HeapView, generation: int | None = 2, unbind: list[str] = ()) -> Outcome:
    """What `del UNBIND...` followed by `collect GENERATION` would do, without doing it."""
    replay = _Replay(view)
    replay.release([view.roots[name] for name in unbind])
    outcome = Outcome(generation, freed_by_del=list(replay.freed))
    if generation is None:
        return outcome
    young = [nid for nid, n in view.nodes.items()
             if replay.alive(nid) and n.tracked and isinstance(n.generation, int) and n.generation <= generation]
    unreachable = replay.unreachable_among(young)
    outcome.unreachable = list(unreachable)
    legacy = [nid for nid in unreachable if view.nodes[nid].kind == "legacy"]
    outcome.uncollectable = replay.closure(legacy, unreachable) if legacy else []
    garbage = [nid for nid in unreachable if nid not in set(outcome.uncollectable)]
    for nid in garbage:  # handle_weakrefs: the weakrefs in and to the garbage are cleared
        replay.cleared.update(replay.weak_in.get(nid, ()))
        if view.nodes[nid].kind == "weakref":
            replay.cleared.add(nid)
    before = len(replay.ran)
    for nid in garbage:
        if replay.alive(nid):
            replay.run_finalizer(nid)
    if len(replay.ran) > before:
        # handle_resurrected_objects: the finalizers' roots keep what they reach
        garbage = replay.unreachable_among(garbage)
    if view.debug & DEBUG_SAVEALL:
        outcome.saved = garbage
    else:
        before_freed = len(replay.freed)
        doomed = set(garbage)
        for nid in garbage:
            if replay.alive(nid):
                replay.freed[nid] = None
                replay.release([dst for dst in replay.out[nid] if dst not in doomed])
        outcome.freed = list(replay.freed)[before_freed:]
        # what only the garbage kept alive is freed with it, legacy finalizers included (CPython)
        outcome.uncollectable = [nid for nid in outcome.uncollectable if replay.alive(nid)]
    outcome.finalizers = replay.ran
    outcome.resurrected = replay.resurrected
    return outcome


def first_collection_freeing(view: HeapView, target: str) -> tuple[int | None, Outcome | None]:
    """The youngest generation whose collection would free TARGET (None if none would),
    with that collection's outcome (or the full collection's, to explain why not)."""
    outcome = None
    for g in (0, 1, 2):
        outcome = predict(view, g)
        if target in outcome.freed:
            return g, outcome
    return None, outcome
