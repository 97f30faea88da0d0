"""The live heap as a `HeapView`: the user's objects and what they reach, for the pictures.

Nodes are the user's objects (ids "n" + the record's creation number, stable for the
object's life) and the anonymous objects they reach (ids "a1", "a2"… in the order
found). Types, modules, functions and code are left out, and gcsh's own objects too;
so are objects past `LIMIT`: the notes count each of them. Values a container holds
that are not objects of their own (ints, strs) are written on its node, as in the
simulator's pictures. References from objects outside the picture are summarised on
one node per held object ("3 referrers outside"), found with one `gc.get_referrers`
call for the whole picture.
"""

from __future__ import annotations

import gc
import weakref

from ..view import Edge, HeapView, Node
from .objects import generation_label, generations, refcount
from .ownership import describe, is_machinery, is_own_frame

LIMIT = 200  # anonymous objects drawn at most
SUMMARY_LIMIT = 60


def build_view(backend, names: list[str] | None = None) -> HeapView:
    records = backend.records
    if names:
        start = [records.record_of(name) for name in names]
    else:
        start = records.alive()
    found = records.fetch(start)
    start = [rec for rec in start if rec.oid in found]
    view = HeapView(backend.describe(), debug=gc.get_debug())
    builder = _Builder(backend, view)
    builder.start([found[rec.oid] for rec in start])
    del found
    if names:
        view.focus = [f"n{rec.seq}" for rec in start]
    builder.walk()
    builder.outside()
    builder.finish_notes()
    return view


class _Builder:
    def __init__(self, backend, view: HeapView):
        self.backend = backend
        self.view = view
        self.ids: dict[int, str] = {}
        self.objs: list = []  # the objects drawn, in order (held only while the view is built)
        self.anonymous = 0
        self.left = {"machinery": 0, "gcsh": 0, "more": 0}
        self.gens = generations()
        self.bound = backend.records.bound_ids()
        self.garbage = {id(x) for x in gc.garbage}

    def node_id(self, obj: object) -> str | None:
        """The node for OBJ, made on first sight; None if it is left out of the picture."""
        i = self.ids.get(id(obj))
        if i is not None:
            return i
        rec = self.backend.records.by_id.get(id(obj))
        if rec is not None:
            i = f"n{rec.seq}"
        elif self.anonymous >= LIMIT:
            self.left["more"] += 1
            return None
        else:
            self.anonymous += 1
            i = f"a{self.anonymous}"
        self.ids[id(obj)] = i
        self.objs.append(obj)
        return i

    def start(self, roots: list) -> None:
        for obj in roots:
            self.node_id(obj)

    def walk(self) -> None:
        k = 0
        while k < len(self.objs):
            obj = self.objs[k]
            k += 1
            self._add(obj)

    def _add(self, obj: object) -> None:
        count = refcount(obj) - 2  # this view's list of objects, and walk's variable
        records = self.backend.records
        rec = records.by_id.get(id(obj))
        src = self.ids[id(obj)]
        literals = []
        for label, ref in _labelled(obj, rec):
            if _is_atom(ref):
                literals.append(f"{label}={describe(ref)}" if label != "member" else describe(ref))
                continue
            if is_machinery(ref) and records.by_id.get(id(ref)) is None:
                self.left["machinery"] += 1
                continue
            if self.backend._is_own(ref) or ref is self.backend.ns:
                self.left["gcsh"] += 1
                continue
            dst = self.node_id(ref)
            if dst is not None:
                self.view.edges.append(Edge(src, dst, label, weak=label == "weak"))
        marks = set()
        if id(obj) in self.garbage:
            marks.add("garbage")
        if gc.is_finalized(obj):
            marks.add("finalized")
        generation = generation_label(obj, self.gens)
        if generation == "permanent":
            marks.add("frozen")
        if type(obj) is weakref.ref and obj() is None:
            marks.add("dead")
        summary = " ".join(literals)
        if len(summary) > SUMMARY_LIMIT:
            summary = summary[:SUMMARY_LIMIT - 1] + "…"
        name = rec.name if rec is not None else records.handles.of(obj) if gc.is_tracked(obj) else describe(obj)
        kind = rec.kind if rec is not None else _kind(obj)
        self.view.nodes[src] = Node(src, name, kind, count, generation, gc.is_tracked(obj),
                                    root=id(obj) in self.bound, marks=frozenset(marks), summary=summary)
        if rec is not None and id(obj) in self.bound:
            self.view.roots[rec.name] = src

    def outside(self) -> None:
        """One summary node per drawn object that objects outside the picture also hold."""
        if not self.objs:
            return
        drawn = set(self.ids)
        counts: dict[int, int] = {}
        referrers = gc.get_referrers(*self.objs)  # one scan of the heap for the whole picture
        for holder in referrers:
            if id(holder) in drawn or holder is self.objs or holder is self.backend.ns \
                    or is_own_frame(holder) or self.backend._is_own(holder):
                continue
            targets = {id(r) for r in gc.get_referents(holder)}
            for i in targets & drawn:
                counts[i] = counts.get(i, 0) + 1
        del referrers, holder
        for i, n in counts.items():
            dst = self.ids[i]
            node = f"x{dst}"
            self.view.nodes[node] = Node(node, f"{n} referrer{'s' if n != 1 else ''} outside", "external", None,
                                         "untracked", False, marks=frozenset({"external", "more"}))
            self.view.edges.append(Edge(node, dst, f"×{n}" if n > 1 else ""))

    def finish_notes(self) -> None:
        words = {"machinery": "references to types, modules, functions and code left out",
                 "gcsh": "references to gcsh's own objects left out",
                 "more": f"objects not drawn (more than {LIMIT} besides the named ones)"}
        self.view.notes.extend(f"{n} {words[k]}" for k, n in self.left.items() if n)
        self.objs.clear()


def _is_atom(obj: object) -> bool:
    """A value drawn on its holder's node rather than as a node: not a container gc knows."""
    return not gc.is_tracked(obj) and type(obj) not in (dict, tuple) or type(obj) in (int, str, float, bool) \
        or obj is None


def _kind(obj: object) -> str:
    from .objects import kind_of
    return kind_of(obj)


def _labelled(obj: object, rec) -> list[tuple[str, object]]:
    """(label, referent) pairs, labelled as Python would reach them: [0], ['k'], .x, member, weak."""
    tp = type(obj)
    if tp is list or tp is tuple:
        return [(f"[{i}]", x) for i, x in enumerate(obj)]
    if tp is dict:
        return [(f"[{k!r}]", v) for k, v in obj.items()]
    if tp in (set, frozenset):
        return [("member", x) for x in obj]
    if tp is weakref.ref:
        target = obj()
        return ([("weak", target)] if target is not None else []) + \
            ([(".__callback__", obj.__callback__)] if obj.__callback__ is not None else [])
    refs = gc.get_referents(obj)
    labels: dict[int, str] = {}
    for attr in rec.attrs if rec is not None else ():
        value = getattr(obj, attr, None)
        if value is not None:
            labels.setdefault(id(value), f".{attr}")
    return [(labels.get(id(r), ""), r) for r in refs]
