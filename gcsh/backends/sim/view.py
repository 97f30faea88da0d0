"""The simulator's heap as a `HeapView`: what the pictures and explanations read.

Node ids are "n" + the object's index in the heap, which is never reused, so an
object keeps its id for its whole life and across pictures. Edge labels read
as Python: `[0]` a list or tuple item, `['k']` a dict key, `.x` an attribute.
"""

from __future__ import annotations

from ...values import Atom
from ..view import Edge, HeapView, Node
from .heap import PERMANENT

SUMMARY_LIMIT = 60  # characters of literal items shown on a node


def node_id(op: int) -> str:
    return f"n{op}"


def build_view(backend, names: list[str] | None = None) -> HeapView:
    """Every live object, or (with NAMES) what those names reach, strongly or weakly."""
    from .backend import GEN_LABELS

    heap = backend.heap
    if names:
        focus = [heap.find(name) for name in names]
        ops = _reach(heap, focus)
    else:
        focus = []
        ops = sorted(heap.by_name.values())
    view = HeapView(backend.describe(), focus=[node_id(op) for op in focus], debug=heap.debug)
    garbage = set(heap.garbage)
    unreachable = backend.last_unreachable
    for op in ops:
        view.nodes[node_id(op)] = Node(
            node_id(op), heap.name[op], heap.kind[op], heap.refcnt[op], GEN_LABELS[heap.gen[op]],
            heap.tracked(op), root=heap.roots.get(heap.name[op]) == op,
            marks=_marks(heap, op, garbage, unreachable), summary=_summary(heap, op))
        view.edges.extend(_edges(heap, op))
    view.roots = {name: node_id(op) for name, op in heap.roots.items() if node_id(op) in view.nodes}
    return view


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
    out = [t for t in heap.refs[op] or () if type(t) is int]
    referent = heap.referent.get(op)
    if referent is not None:
        out.append(referent)
    return out


def _marks(heap, op: int, garbage: set[int], unreachable: set[int]) -> frozenset[str]:
    marks = []
    if op in garbage:
        marks.append("garbage")
    if op in heap.finalized:
        marks.append("finalized")
    if heap.gen[op] == PERMANENT:
        marks.append("frozen")
    if op in unreachable:
        marks.append("unreachable")
    if op in heap.resurrects:
        marks.append("resurrects")
    if heap.kind[op] == "weakref" and heap.referent.get(op) is None:
        marks.append("dead")
    return frozenset(marks)


def _labels(heap, op: int) -> list[str]:
    """One label per item of refs[op], written as Python would reach the item."""
    items, keys, kind = heap.refs[op] or [], heap.keys[op], heap.kind[op]
    if keys is not None:
        if kind == "dict":
            return [f"[{key!r}]" for key in keys]
        return [f".{key}" for key in keys]
    if kind == "set":
        return ["member"] * len(items)
    return [f"[{i}]" for i in range(len(items))]


def _edges(heap, op: int) -> list[Edge]:
    src = node_id(op)
    edges = [Edge(src, node_id(t), label) for t, label in zip(heap.refs[op] or (), _labels(heap, op))
             if type(t) is int]
    referent = heap.referent.get(op)
    if referent is not None:
        edges.append(Edge(src, node_id(referent), "weak", weak=True))
    return edges


def _summary(heap, op: int) -> str:
    """The literal items a container holds (ints and strs are values here, not objects)."""
    items = heap.refs[op] or ()
    if not any(isinstance(t, Atom) for t in items):
        return ""
    parts = [f"{label}={t}" if heap.kind[op] != "set" else str(t)
             for t, label in zip(items, _labels(heap, op)) if isinstance(t, Atom)]
    text = " ".join(parts)
    return text if len(text) <= SUMMARY_LIMIT else text[:SUMMARY_LIMIT - 1] + "…"

