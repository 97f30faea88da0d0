"""Heaps too big to draw: keep the objects nearest the entry points, count the rest.

`summarise` returns a smaller `HeapView` in time linear in the heap. Objects
are taken breadth first from the names asked for (or gc.garbage, what the
last collection found unreachable, the root names, then whatever nothing
reaches, so garbage cycles are never dropped silently) up to a budget, and `--depth` stops the walk. What is left out is
counted, never silently dropped: one "+N more" box per generation and kind,
and on each drawn object the references it has to and from objects not drawn
(`more_out`, `more_in`). Edges are drawn only between drawn objects: edges
into the count boxes would make a hairball of any random heap.
"""

from __future__ import annotations

from collections import deque
from dataclasses import replace

from ..backends.view import Edge, HeapView, Node

PICTURE_NODES = 40  # dot lays out and renders this many objects of a random heap well within a second
TEXT_NODES = 60  # a screenful or two
MAX_GROUPS = 12  # "+N more" boxes; beyond this, one per generation
PARALLEL = 3  # more references than this between two objects are drawn as one "×N"
BEYOND = "more_beyond"


def summarise(view: HeapView, max_nodes: int, depth: int | None = None,
              order: list[str] | None = None) -> HeapView:
    """VIEW cut down to at most MAX_NODES objects (plus "+N more" boxes) within DEPTH steps.
    ORDER, if given, says which objects to keep first (frames of one collection share it)."""
    if order is None:
        order, dist = walk(view, depth)
    else:
        order = [nid for nid in order if nid in view.nodes]
        dist = dict.fromkeys(order, 0)
    kept, rest = order[:max_nodes], order[max_nodes:]
    small = HeapView(view.backend, focus=[nid for nid in view.focus if nid in view.nodes], caption=view.caption,
                     debug=view.debug, notes=list(view.notes))
    drawn = set(kept)
    more_out: dict[str, int] = {}
    more_in: dict[str, int] = {}
    bundles: dict[tuple[str, str, bool], list[Edge]] = {}
    for e in view.edges:
        if e.src in drawn and e.dst in drawn:
            bundles.setdefault((e.src, e.dst, e.weak), []).append(e)
        elif e.src in drawn:
            more_out[e.src] = more_out.get(e.src, 0) + 1
        elif e.dst in drawn:
            more_in[e.dst] = more_in.get(e.dst, 0) + 1
    for nid in kept:
        n = view.nodes[nid]
        cut = more_out.get(nid, 0), more_in.get(nid, 0)
        small.nodes[nid] = replace(n, more_out=cut[0], more_in=cut[1]) if any(cut) else n
    for (src, dst, weak), edges in bundles.items():
        if len(edges) <= PARALLEL:
            small.edges.extend(edges)
        else:
            small.edges.append(Edge(src, dst, f"×{len(edges)}", weak, marks=frozenset({"more"})))
    groups = _groups(view, rest)
    for group_id, members in groups.items():
        small.nodes[group_id] = _group_node(view, group_id, members)
    beyond = len(view.nodes) - len(dist)
    if beyond:
        where = f"beyond depth {depth}" if depth is not None else "not reached from the names asked for"
        small.nodes[BEYOND] = Node(BEYOND, f"+{beyond} more {where}", "beyond", None, "more", True,
                                   marks=frozenset({"more"}))
    small.roots = {name: nid for name, nid in view.roots.items() if nid in drawn}
    _notes(small, view, kept, rest, len(groups), beyond, depth)
    return small


def _notes(small: HeapView, view: HeapView, kept: list, rest: list, groups: int, beyond: int, depth) -> None:
    if rest:
        small.notes.append(f"showing {len(kept)} of {len(kept) + len(rest)} objects: the other {len(rest)} are "
                           f"counted in {groups} '+N more' boxes by generation and kind (--max-nodes draws more)")
    if beyond and depth is not None:
        small.notes.append(f"--depth {depth}: {beyond} objects further away are left out")
    elif beyond:  # (a live view also holds what refers to the names' objects from outside)
        small.notes.append(f"{beyond} objects that the names asked for do not reach are left out")
    cut = sum(n.more_out for n in small.nodes.values())
    if cut:
        small.notes.append(f"{cut} references lead to objects not drawn ('+N →' on the objects they leave)")
    hidden = len(view.roots) - len(small.roots)
    if hidden:
        small.notes.append(f"{hidden} root name{'s' * (hidden != 1)} point{'s' * (hidden == 1)} "
                           f"at objects not drawn")


def walk(view: HeapView, depth: int | None = None) -> tuple[list[str], dict[str, int]]:
    """Breadth first from the names asked for, or else from gc.garbage, what the last collection
    found unreachable and the root names, then from whatever those never reach: the order
    objects are kept in, and each one's distance from where its walk started."""
    out: dict[str, list[str]] = {nid: [] for nid in view.nodes}
    for e in view.edges:
        if e.src in out and e.dst in out:
            out[e.src].append(e.dst)
    dist: dict[str, int] = {}
    order: list[str] = []
    covered: set[str] = set()

    def run(starts: list[str]) -> None:
        queue = deque()
        for nid in starts:
            if nid not in dist:
                dist[nid] = 0
                order.append(nid)
                queue.append(nid)
        while queue:
            nid = queue.popleft()
            if depth is not None and dist[nid] >= depth:
                continue
            for dst in out[nid]:
                if dst not in dist:
                    dist[dst] = dist[nid] + 1
                    order.append(dst)
                    queue.append(dst)
        stack = [nid for nid in starts if nid not in covered]
        covered.update(stack)
        while stack:
            for dst in out[stack.pop()]:
                if dst not in covered:
                    covered.add(dst)
                    stack.append(dst)

    run([nid for nid in _seeds(view) if nid in out])
    if not view.focus:
        for nid in view.nodes:
            if nid not in covered:
                run([nid])
    return order, dist


def _seeds(view: HeapView) -> list[str]:
    if view.focus:
        return list(view.focus)
    found = [nid for nid, n in view.nodes.items() if n.marks & {"garbage", "unreachable"}]
    return found + [view.roots[name] for name in sorted(view.roots)]


def _groups(view: HeapView, rest: list[str]) -> dict[str, list[str]]:
    by_kind: dict[tuple, list[str]] = {}
    for nid in rest:
        n = view.nodes[nid]
        by_kind.setdefault((n.generation, n.kind), []).append(nid)
    if len(by_kind) > MAX_GROUPS:
        merged: dict[tuple, list[str]] = {}
        for (generation, _), members in by_kind.items():
            merged.setdefault((generation, "objects"), []).extend(members)
        by_kind = merged
    return {_group_id(gen, kind): members for (gen, kind), members in by_kind.items()}


def _group_id(generation, kind: str) -> str:
    safe = "".join(c if c.isalnum() else "_" for c in f"{generation}_{kind}")
    return f"more_{safe}"


def _group_node(view: HeapView, group_id: str, members: list[str]) -> Node:
    first = view.nodes[members[0]]
    kind = first.kind if group_id == _group_id(first.generation, first.kind) else "objects"
    return Node(group_id, f"+{len(members)} more {kind}", kind, None, first.generation,
                any(view.nodes[m].tracked for m in members), marks=frozenset({"more"}))
