"""The simulator's heap as a `HeapView`: what the pictures and explanations read.

Node ids are "n" + the object's id, which is never reused, so an object keeps
its id for its whole life and across pictures. A node's kind is the object's
type name (as `heap` and the debug lines give it). Edge labels read as Python:
`[0]` a list or tuple item, `['k']` a dict key, `.x` an attribute.
"""

from __future__ import annotations

from ...values import Atom
from array import array

from ..view import Edge, HeapView, Node
from .kernel.layout import FREED, HEADS, PERMANENT

SUMMARY_LIMIT = 60  # characters of literal items shown on a node


def node_id(op: int) -> str:
    return f"n{op - HEADS}"


def build_view(backend, names: list[str] | None = None, lazy: bool = False):
    """Every live object, or (with NAMES) what those names reach, strongly or weakly. LAZY: a
    `SimSource` instead, which makes the nodes of only the objects a picture draws."""
    source = SimSource(backend, names)
    return source if lazy else source.whole()


class SimSource:
    """The heap (or what NAMES reach) as the summariser walks it: rows for ids, nodes made on
    demand, a few bytes per row of scratch, so a picture of a huge heap costs what it draws."""

    caption = ""

    def __init__(self, backend, names: list[str] | None = None):
        from .analysis import unreachable_marks

        self.backend = backend
        heap = self.heap = backend.heap
        n = len(heap.kind)
        if names:
            start = [heap.find(name) for name in names]
            self.inside = _reach(heap, start)
        else:
            start = []
            self.inside = bytearray(g != FREED for g in heap.gen)
            self.inside[:HEADS] = bytes(min(HEADS, n))
        self.focus = [node_id(op) for op in start]
        self.start = start
        self.debug = heap.debug
        self.notes: list[str] = []
        self.describe = backend.describe()
        self.garbage = set(heap.garbage)
        self.unreachable = set(backend.last_unreachable)
        self.pending = unreachable_marks(heap)
        self.roots = {name: node_id(op) for name, op in heap.roots.items() if self.inside[op]}
        self.estart, self.elen, self.pool, self.referent = heap.estart, heap.elen, heap.pool, heap.referent
        self.keys: dict[tuple, tuple] = {}

    def ids(self):
        inside = self.inside
        return (op for op in range(HEADS, len(inside)) if inside[op])

    def size(self) -> int:
        return self.inside.count(1)

    def seeds(self) -> list[int]:
        if self.start:
            return list(self.start)
        found = sorted(op for op in self.garbage | self.unreachable if self.heap.alive(op))
        return found + [self.heap.roots[name] for name in sorted(self.heap.roots)]

    def targets(self, op: int) -> list[int]:  # _targets, inlined: the walk calls it for every object
        start = self.estart[op]
        out = [x for x in self.pool[start:start + self.elen[op]] if x >= 0]
        referent = self.referent.get(op)
        if referent is not None:
            out.append(referent)
        return out

    def position(self, op: int) -> int:
        return op

    def nid(self, op: int) -> str:
        return node_id(op)

    def table(self) -> "_RowTable":
        return _RowTable(len(self.inside))

    def group_key(self, op: int) -> tuple:
        """(generation, type name, tracked): what the '+N more' boxes count by."""
        heap = self.heap
        if op in heap.type_names:
            return self._group_key(heap.gen[op], heap.type_names[op])
        key = heap.gen[op], heap.kind[op]
        found = self.keys.get(key)
        if found is None:
            found = self.keys[key] = self._group_key(key[0], heap.type_name_of_kind(key[1]))
        return found

    def _group_key(self, gen: int, type_name: str) -> tuple:
        from .backend import GEN_LABELS
        from .kernel.loops import is_tracked
        return generation_label(self.heap, gen, GEN_LABELS), type_name, is_tracked(gen)

    def node(self, op: int) -> Node:
        from .backend import GEN_LABELS
        heap = self.heap
        name = heap.name_of(op)
        return Node(node_id(op), name, heap.type_name(op), heap.refcnt[op], generation_label(heap, heap.gen[op], GEN_LABELS),
                    heap.tracked(op), root=heap.roots.bound(op),
                    marks=_marks(heap, op, self.garbage, self.unreachable, self.pending), summary=_summary(heap, op))

    def edges(self, op: int) -> list[Edge]:
        return _edges(self.heap, op)

    def count_in(self, drawn: list[int]) -> dict[str, int]:
        """References from the objects not drawn to each drawn one (one pass over the references)."""
        heap, inside = self.heap, self.inside
        mine = bytearray(len(inside))
        for op in drawn:
            mine[op] = 1
        counts: dict[int, int] = {}
        estart, elen, pool = heap.estart, heap.elen, heap.pool
        for op in self.ids():
            if mine[op]:
                continue
            start = estart[op]
            for t in pool[start:start + elen[op]]:
                if t >= 0 and mine[t]:
                    counts[t] = counts.get(t, 0) + 1
        for op, target in self._weak_targets():
            if not mine[op] and mine[target]:
                counts[target] = counts.get(target, 0) + 1
        return {node_id(op): k for op, k in counts.items()}

    def _weak_targets(self):
        inside = self.inside
        return [(op, target) for op, target in self.referent.items() if target is not None and inside[op]]

    def whole(self) -> HeapView:
        """The view with every node and edge (what explanations and frames read)."""
        view = HeapView(self.describe, focus=list(self.focus), debug=self.debug)
        for op in self.ids():
            view.nodes[node_id(op)] = self.node(op)
            view.edges.extend(_edges(self.heap, op))
        view.roots = dict(self.roots)
        return view


class _RowTable:
    """A dict from rows to small ints (a distance, a flag) in 4 bytes a row."""

    def __init__(self, n: int):
        self.cells = array("i", [-1]) * n

    def __contains__(self, op: int) -> bool:
        return self.cells[op] >= 0

    def __getitem__(self, op: int) -> int:
        return self.cells[op]

    def __setitem__(self, op: int, value: int) -> None:
        self.cells[op] = value


def generation_label(heap, g: int, labels: dict):
    """The picture's cluster: the generation, or (the incremental collector) which old space."""
    if heap.model.incremental and g in (1, 2):
        return f"generation 2: old[{g - 1}], {'visited' if g == heap.gen_heads()[1] else 'pending'}"
    return labels[g]


def _reach(heap, start: list[int]) -> bytearray:
    """A byte per row, 1 for what START reaches (itself included)."""
    seen = bytearray(len(heap.kind))
    stack = list(start)
    for op in start:
        seen[op] = 1
    while stack:
        for target in _targets(heap, stack.pop()):
            if not seen[target]:
                seen[target] = 1
                stack.append(target)
    return seen


def _targets(heap, op: int) -> list[int]:
    out = heap.rows_of(op)
    referent = heap.weakref_target(op)
    if referent is not None:
        out.append(referent)
    return out


def _marks(heap, op: int, garbage: set[int], unreachable: set[int], pending) -> frozenset[str]:
    marks = []
    if pending[op] == 1:
        marks.append("pending")
    if op in garbage:
        marks.append("garbage")
    if heap.is_finalized(op):
        marks.append("finalized")
    if heap.gen[op] == PERMANENT:
        marks.append("frozen")
    if op in unreachable:
        marks.append("unreachable")
    if heap.resurrects(op):
        marks.append("resurrects")
    if heap.kind_of(op) == "weakref" and heap.weakref_target(op) is None:
        marks.append("dead")
    return frozenset(marks)


def _labels(heap, op: int, items: list) -> list[str]:
    """One label per item of OP, written as Python would reach the item."""
    keys, kind = heap.keys_of(op), heap.kind_of(op)
    if keys is not None:
        if kind == "dict":
            return [f"[{key!r}]" for key in keys]
        return [f".{key}" for key in keys]
    if kind == "set":
        return ["member"] * len(items)
    return [f"[{i}]" for i in range(len(items))]


def _edges(heap, op: int) -> list[Edge]:
    src = node_id(op)
    items = heap.items(op)
    edges = [Edge(src, node_id(t), label) for t, label in zip(items, _labels(heap, op, items)) if type(t) is int]
    referent = heap.weakref_target(op)
    if referent is not None:
        edges.append(Edge(src, node_id(referent), "weak", weak=True))
    return edges


def _summary(heap, op: int) -> str:
    """The literal items a container holds (ints and strs are values here, not objects)."""
    items = heap.items(op)
    if not any(isinstance(t, Atom) for t in items):
        return ""
    set_kind = heap.kind_of(op) == "set"
    parts = [f"{label}={t}" if not set_kind else str(t)
             for t, label in zip(items, _labels(heap, op, items)) if isinstance(t, Atom)]
    text = " ".join(parts)
    return text if len(text) <= SUMMARY_LIMIT else text[:SUMMARY_LIMIT - 1] + "…"
