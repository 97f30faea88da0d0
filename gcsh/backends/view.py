"""A snapshot of a heap for drawing and explaining: what renderers read.

Both backends produce a `HeapView` (`Backend.view(names)`); the text,
graphviz and explanation renderers read only this, never a backend's
internals. Node ids are stable short strings, never raw `id()` values.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Node:
    id: str  # stable short id ("n12")
    name: str  # the user's name, a generated name, or a short description
    kind: str  # list, dict, set, tuple, object, finalizer, legacy, weakref, function, int, str… or a type name
    refcount: int | None
    generation: int | str  # 0, 1, 2, "permanent", "untracked"
    tracked: bool
    root: bool = False  # bound to one of the user's names
    marks: frozenset[str] = frozenset()  # garbage, finalized, frozen, unreachable, resurrected, external
    summary: str = ""  # bounded extra text (a literal's value, a repr's start)


@dataclass(frozen=True)
class Edge:
    src: str
    dst: str
    label: str = ""  # list index, dict key, attribute name
    weak: bool = False  # a weak reference (dashed in pictures)


@dataclass
class HeapView:
    backend: str  # "sim 3.11", "live 3.11.7"
    nodes: dict[str, Node] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)
    roots: dict[str, str] = field(default_factory=dict)  # root name -> node id
    notes: list[str] = field(default_factory=list)  # what was summarised or left out, in words
