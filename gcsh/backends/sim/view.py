"""The simulator's heap as a `HeapView`: what the pictures and explanations read.

Node ids are "n" + the object's id, which is never reused, so an object keeps
its id for its whole life and across pictures. A node's kind is the object's
type name (as `heap` and the debug lines give it). Edge labels read as Python:
`[0]` a list or tuple item, `['k']` a dict key, `.x` an attribute.
"""

from __future__ import annotations

from ...values import Atom
from ..view import Edge, HeapView, Node
from .kernel.layout import HEADS, PERMANENT

SUMMARY_LIMIT = 60  # characters of literal items shown on a node


def node_id(op: int) -> str:
    return f"n{op - HEADS}"


def build_view(backend, names: list[str] | None = None) -> HeapView:
    """Every live object, or (with NAMES) what those names reach, strongly or weakly."""
    from .backend import GEN_LABELS

    heap = backend.heap
    if names:
        focus = [heap.find(name) for name in names]
        ops = _reach(heap, focus)
    else:
        focus = []
        ops = heap.live()
    view = HeapView(backend.describe(), focus=[node_id(op) for op in focus], debug=heap.debug)
    garbage = set(heap.garbage)
    unreachable = set(backend.last_unreachable)
    roots = heap.roots
    for op in ops:
        name = heap.name_of(op)
        view.nodes[node_id(op)] = Node(
            node_id(op), name, heap.type_name(op), heap.refcnt[op], _generation(heap, op, GEN_LABELS),
            heap.tracked(op), root=roots.get(name) == op,
            marks=_marks(heap, op, garbage, unreachable), summary=_summary(heap, op))
        view.edges.extend(_edges(heap, op))
    view.roots = {name: node_id(op) for name, op in roots.items() if node_id(op) in view.nodes}
    return view


def _generation(heap, op: int, labels: dict):
    """The picture's cluster: the generation, or (the incremental collector) which old space."""
    g = heap.gen[op]
    if heap.model.incremental and g in (1, 2):
        return f"generation 2: old[{g - 1}], {'visited' if g == heap.gen_heads()[1] else 'pending'}"
    return labels[g]


def _reach(heap, start: list[int]) -> list[int]:
    seen = dict.fromkeys(start)
    stack = list(start)
    while stack:
        op = stack.pop()
        for target in _targets(heap, op):
            if target not in seen:
                seen[target] = None
                stack.append(target)
    return sorted(seen)


def _targets(heap, op: int) -> list[int]:
    out = heap.rows_of(op)
    referent = heap.weakref_target(op)
    if referent is not None:
        out.append(referent)
    return out


def _marks(heap, op: int, garbage: set[int], unreachable: set[int]) -> frozenset[str]:
    marks = []
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
