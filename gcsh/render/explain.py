"""Answers computed from a `HeapView` alone: why an object is alive and which reference cycles
exist, for a backend that has no faster way (the simulator answers over its columns, and runs its
real collector on a checkpoint for what a collection would do). Every walk is iterative: heaps
can be deeper than Python's recursion limit.
"""

from __future__ import annotations

from collections import deque

from ..backends.graphs import strong_components
from ..backends.view import HeapView
from ..errors import UserError

GARBAGE = "gc.garbage"  # the name of the entry point that gc.garbage is
OUTSIDE = "outside"  # held by references from outside the drawn heap (live backend)


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
    more objects, or one that references itself), largest first."""
    found = strong_components(list(view.nodes), strong_out(view))
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


# ---------------------------------------------------------------- why, for a backend that has only views


def why_from_view(backend, name: str) -> dict:
    """`why NAME` for a backend without a `why` of its own (live): the chain from the view, and
    the fate from `is_pending()` (would a full collection free it?), when the backend has it."""
    view = backend.view(None)
    target = next((n for n in view.nodes.values() if n.name == name), None)
    if target is None:  # the backend's own error for an unknown or freed name; a handle is followed
        backend.view([name])  # from now on, so the whole heap's view has it
        view = backend.view(None)
        target = next((n for n in view.nodes.values() if n.name == name), None)
    if target is None:
        raise UserError(f"unknown name {name!r}")
    chain = chain_to(view, target.id)
    if chain is not None:
        steps = [{"via": via, "name": view.nodes[nid].name, "kind": view.nodes[nid].kind} for via, nid in chain]
        return {"name": name, "alive": True, "reachable": True, "chain": steps, "chain_length": len(steps)}
    info = {"name": name, "alive": True, "reachable": False, "generation": None,
            "verdict": "no collection frees it now (it is held from outside the collector's view)"}
    if hasattr(backend, "is_pending") and backend.is_pending(name):
        info.update(generation=2, verdict="the next collection of generation 2 frees it")
    path = held_by_cycle(view, target.id)
    cycle = next((c for c in cycles(view) if target.id in c or (path and path[0] in c)), [])
    if cycle:
        info.update(cycle=[view.nodes[nid].name for nid in cycle], cycle_size=len(cycle), in_cycle=target.id in cycle)
    if len(path) > 2:
        info["held_through"] = [view.nodes[nid].name for nid in path]
    return info
