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
    # garbage (in gc.garbage), finalized, frozen, unreachable (found by the last collection),
    # resurrects (its __del__ stores it in a root), dead (a cleared weakref), external, more (a
    # summary of several objects); pictures of a collection add young, outside, reachable, freed…
    marks: frozenset[str] = frozenset()
    summary: str = ""  # bounded extra text (a literal's value, a repr's start)
    gc_refs: int | None = None  # the collector's working count, in pictures drawn during a collection
    more_out: int = 0  # in a summary: references from this object to objects not drawn
    more_in: int = 0  # in a summary: references to this object from objects not drawn


@dataclass(frozen=True)
class Edge:
    src: str
    dst: str
    label: str = ""  # list index, dict key, attribute name
    weak: bool = False  # a weak reference (dashed in pictures)
    marks: frozenset[str] = frozenset()  # in pictures of a collection: cleared, freed


@dataclass
class HeapView:
    backend: str  # "sim 3.11", "live 3.11.7"
    nodes: dict[str, Node] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)
    roots: dict[str, str] = field(default_factory=dict)  # root name -> node id
    notes: list[str] = field(default_factory=list)  # what was summarised or left out, in words
    focus: list[str] = field(default_factory=list)  # node ids of the names asked for (graph NAME...)
    caption: str = ""  # a picture's title (a phase of a collection)
    debug: int = 0  # gc.get_debug(): DEBUG_SAVEALL changes what a collection would free
