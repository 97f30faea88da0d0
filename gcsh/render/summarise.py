"""Heaps too big to draw: keep the objects nearest the entry points, count the rest.

`summarise` returns a smaller `HeapView` in time linear in the heap. Objects
are taken breadth first from the names asked for (or gc.garbage, what the
last collection found unreachable, the root names, then whatever nothing
reaches, so garbage cycles are never dropped silently) up to a budget, and `--depth` stops the walk. What is left out is
counted, never silently dropped: one "+N more" box per generation and kind,
and on each drawn object the references it has to and from objects not drawn
(`more_out`, `more_in`). Edges are drawn only between drawn objects: edges
into the count boxes would make a hairball of any random heap.

It reads either a whole `HeapView` or a source that makes nodes on demand (the
simulator's `SimSource`: ids, targets, node, edges, group_key, count_in…), so
that a picture of a million objects makes the nodes of only those it draws.
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


class _Whole:
    """A whole HeapView read as a source (ids are its node ids)."""

    def __init__(self, view: HeapView):
        self.view = view
        self.describe, self.focus, self.caption, self.debug = view.backend, view.focus, view.caption, view.debug
        self.notes, self.roots = view.notes, view.roots
        self.out: dict[str, list[str]] = {nid: [] for nid in view.nodes}
        self.by_src: dict[str, list[Edge]] = {}
        for e in view.edges:
            self.by_src.setdefault(e.src, []).append(e)
            if e.src in self.out and e.dst in self.out:
                self.out[e.src].append(e.dst)
        self.places = {nid: i for i, nid in enumerate(view.nodes)}

    def ids(self):
        return iter(self.view.nodes)

    def size(self) -> int:
        return len(self.view.nodes)

    def seeds(self) -> list[str]:
        return [nid for nid in _seeds(self.view) if nid in self.out]

    def targets(self, nid: str) -> list[str]:
        return self.out[nid]

    def position(self, nid: str) -> int:
        return self.places[nid]

    def nid(self, nid: str) -> str:
        return nid

    def table(self) -> dict:
        return {}

    def group_key(self, nid: str) -> tuple:
        n = self.view.nodes[nid]
        return n.generation, n.kind, n.tracked

    def node(self, nid: str) -> Node:
        return self.view.nodes[nid]

    def edges(self, nid: str) -> list[Edge]:
        return self.by_src.get(nid, [])

    def count_in(self, drawn: list[str]) -> dict[str, int]:
        mine = set(drawn)
        counts: dict[str, int] = {}
        for e in self.view.edges:
            if e.dst in mine and e.src not in mine:
                counts[e.dst] = counts.get(e.dst, 0) + 1
        return counts


def _source(view):
    return _Whole(view) if isinstance(view, HeapView) else view


def summarise(view, max_nodes: int, depth: int | None = None,
              order: list[str] | None = None) -> HeapView:
    """VIEW (a HeapView or a source) cut down to at most MAX_NODES objects (plus "+N more" boxes)
    within DEPTH steps. ORDER, if given, says which objects to keep first (frames of one collection
    share it)."""
    src = _source(view)
    kept: list = []
    rest: dict[tuple, list] = {}  # (generation, kind) -> [how many, any tracked], in the order met

    def visit(x) -> None:
        if len(kept) < max_nodes:
            kept.append(x)
            return
        generation, kind, tracked = src.group_key(x)
        entry = rest.get((generation, kind))
        if entry is None:
            rest[generation, kind] = [1, tracked]
        else:
            entry[0] += 1
            entry[1] = entry[1] or tracked

    if order is None:
        reached = _traverse(src, depth, visit)
    else:
        known = set(src.ids())
        reached = 0
        for nid in order:
            if nid in known:
                visit(nid)
                reached += 1
    small = HeapView(src.describe, focus=list(src.focus), caption=src.caption, debug=src.debug,
                     notes=list(src.notes))
    drawn = {src.nid(x) for x in kept}
    more_out: dict[str, int] = {}
    more_in = src.count_in(kept)
    bundles: dict[tuple[str, str, bool], list[Edge]] = {}
    for x in sorted(kept, key=src.position):
        for e in src.edges(x):
            if e.dst in drawn:
                bundles.setdefault((e.src, e.dst, e.weak), []).append(e)
            else:
                more_out[e.src] = more_out.get(e.src, 0) + 1
    for x in kept:
        n = src.node(x)
        cut = more_out.get(n.id, 0), more_in.get(n.id, 0)
        small.nodes[n.id] = replace(n, more_out=cut[0], more_in=cut[1]) if any(cut) else n
    for (s, dst, weak), edges in bundles.items():
        if len(edges) <= PARALLEL:
            small.edges.extend(edges)
        else:
            small.edges.append(Edge(s, dst, f"×{len(edges)}", weak, marks=frozenset({"more"})))
    groups = _groups(rest)
    for group_id, (kind, generation, count, tracked) in groups.items():
        small.nodes[group_id] = Node(group_id, f"+{count} more {kind}", kind, None, generation, tracked,
                                     marks=frozenset({"more"}))
    beyond = src.size() - reached
    if beyond:
        where = f"beyond depth {depth}" if depth is not None else "not reached from the names asked for"
        small.nodes[BEYOND] = Node(BEYOND, f"+{beyond} more {where}", "beyond", None, "more", True,
                                   marks=frozenset({"more"}))
    small.roots = {name: nid for name, nid in src.roots.items() if nid in drawn}
    _notes(small, len(src.roots), len(kept), reached - len(kept), len(groups), beyond, depth)
    return small


def _notes(small: HeapView, roots: int, kept: int, rest: int, groups: int, beyond: int, depth) -> None:
    if rest:
        small.notes.append(f"showing {kept} of {kept + rest} objects: the other {rest} are "
                           f"counted in {groups} '+N more' boxes by generation and kind (--max-nodes draws more)")
    if beyond and depth is not None:
        small.notes.append(f"--depth {depth}: {beyond} objects further away are left out")
    elif beyond:  # (a live view also holds what refers to the names' objects from outside)
        small.notes.append(f"{beyond} objects that the names asked for do not reach are left out")
    cut = sum(n.more_out for n in small.nodes.values())
    if cut:
        small.notes.append(f"{cut} references lead to objects not drawn ('+N →' on the objects they leave)")
    hidden = roots - len(small.roots)
    if hidden:
        small.notes.append(f"{hidden} root name{'s' * (hidden != 1)} point{'s' * (hidden == 1)} "
                           f"at objects not drawn")


def walk(view: HeapView, depth: int | None = None) -> tuple[list[str], dict[str, int]]:
    """Breadth first from the names asked for, or else from gc.garbage, what the last collection
    found unreachable and the root names, then from whatever those never reach: the order
    objects are kept in, and each one's distance from where its walk started."""
    order: list[str] = []
    dist: dict[str, int] = {}
    _traverse(_Whole(view), depth, order.append, dist)
    return order, dist


def _traverse(src, depth: int | None, visit, dist=None) -> int:
    """The walk `walk` describes over SRC, calling VISIT on each object in order; returns how many."""
    dist = src.table() if dist is None else dist
    covered = src.table()
    out = src.targets
    count = 0

    def run(starts: list) -> None:
        nonlocal count
        queue = deque()
        for x in starts:
            if x not in dist:
                dist[x] = 0
                count += 1
                visit(x)
                queue.append(x)
        while queue:
            x = queue.popleft()
            d = dist[x]
            if depth is not None and d >= depth:
                continue
            for y in out(x):
                if y not in dist:
                    dist[y] = d + 1
                    count += 1
                    visit(y)
                    queue.append(y)
        if src.focus:
            return
        stack = [x for x in starts if x not in covered]
        for x in stack:
            covered[x] = 0
        while stack:
            for y in out(stack.pop()):
                if y not in covered:
                    covered[y] = 0
                    stack.append(y)

    run(src.seeds())
    if not src.focus:
        for x in src.ids():
            if x not in covered:
                run([x])
    return count


def _seeds(view: HeapView) -> list[str]:
    if view.focus:
        return list(view.focus)
    found = [nid for nid, n in view.nodes.items() if n.marks & {"garbage", "unreachable"}]
    return found + [view.roots[name] for name in sorted(view.roots)]


def _groups(rest: dict[tuple, list]) -> dict[str, tuple]:
    """One "+N more" box per generation and kind (or, past MAX_GROUPS, per generation):
    id -> (kind, generation, how many, any tracked)."""
    by_kind = {key: (key[1], count, tracked) for key, (count, tracked) in rest.items()}
    if len(by_kind) > MAX_GROUPS:
        merged: dict[tuple, tuple] = {}
        for (generation, _), (_, count, tracked) in by_kind.items():
            old = merged.get((generation, "objects"), ("objects", 0, False))
            merged[generation, "objects"] = ("objects", old[1] + count, old[2] or tracked)
        by_kind = merged
    out: dict[str, tuple] = {}
    for (generation, _), (kind, count, tracked) in by_kind.items():
        gid = _group_id(generation, kind)
        old = out.get(gid)
        out[gid] = (kind, generation, count + (old[2] if old else 0), tracked or bool(old and old[3]))
    return out


def _group_id(generation, kind: str) -> str:
    safe = "".join(c if c.isalnum() else "_" for c in f"{generation}_{kind}")
    return f"more_{safe}"
