"""Leak questions over the real heap, answered without collecting and without changing gc's state.

`pending` finds what `gc.collect()` would free now the way the collector does (subtract the
references the tracked objects hold on each other; what is left with references from outside
is reachable, and so is what it reaches), with `sys.getrefcount` and `gc.get_referents` over
`gc.get_objects()`. Automatic collection is off meanwhile and every temporary is dropped before
the end, so counts, statistics, callbacks and gc.garbage are as they were.
"""

from __future__ import annotations

import gc
import sys
from array import array
from bisect import bisect_left
from collections import Counter

from ..graphs import groups, kinds, strong_components
from .objects import has_del, quiet, type_name

_REFCOUNT_EXTRA = 0  # what getrefcount sees beyond the real references when called as below


def _refcounts(objs: list) -> list[int]:
    return [n - _REFCOUNT_EXTRA for n in map(sys.getrefcount, objs)]


def _calibrate() -> int:
    one = []
    holder = [one]
    del one
    objs = [holder[0]]  # as in _refcounts: held by the list of objects, then by getrefcount's argument
    return _refcounts(objs)[0] - 1


_REFCOUNT_EXTRA = _calibrate()


def unreachable_rows(objs: list) -> tuple[list[int], list[list[int]]]:
    """Indices of OBJS (every tracked object) that a full collection would find unreachable."""
    index = {id(o): i for i, o in enumerate(objs)}
    refs = _refcounts(objs)
    get_referents, lookup = gc.get_referents, index.get
    children = []
    for o in objs:
        kids = [j for j in map(lookup, map(id, get_referents(o))) if j is not None]
        for j in kids:
            refs[j] -= 1
        children.append(kids)
    seen = bytearray(len(objs))
    stack = [i for i, n in enumerate(refs) if n > 0]
    for i in stack:
        seen[i] = 1
    while stack:
        for j in children[stack.pop()]:
            if not seen[j]:
                seen[j] = 1
                stack.append(j)
    unreachable = [i for i in range(len(objs)) if not seen[i]]
    return unreachable, children


class Unreachable:
    """What a full collection would find unreachable now, as `unreachable_rows` finds it but in
    a few bytes per object (no lists of children: each object's referents are asked for twice and
    looked up by bisection in the sorted ids), so that a picture of a small part of a huge heap
    stays small; `id(obj) in` it tells. Made holding no object of the heap, under quiet(): the
    objects stay alive, so the ids stay theirs."""

    def __init__(self):
        objs = gc.get_objects()
        objs.sort(key=id)
        keys = self.keys = array("Q", map(id, objs))
        n = len(keys)
        refs = _refcounts(objs)
        get_referents = gc.get_referents
        for o in objs:
            for r in get_referents(o):
                j = bisect_left(keys, id(r))
                if j < n and keys[j] == id(r):
                    refs[j] -= 1
        seen = self.seen = bytearray(n)
        stack = array("q", (i for i, k in enumerate(refs) if k > 0))
        del refs
        for i in stack:
            seen[i] = 1
        while stack:
            for r in get_referents(objs[stack.pop()]):
                j = bisect_left(keys, id(r))
                if j < n and keys[j] == id(r) and not seen[j]:
                    seen[j] = 1
                    stack.append(j)
        del objs

    def __contains__(self, address: int) -> bool:
        j = bisect_left(self.keys, address)
        return j < len(self.keys) and self.keys[j] == address and not self.seen[j]

    def first(self, limit: int, skip) -> list:
        """The first LIMIT of them in gc.get_objects() order, less those SKIP(obj) is true for."""
        out = []
        if self.seen.count(0):
            for obj in gc.get_objects():
                if id(obj) in self and not skip(obj):
                    out.append(obj)
                    if len(out) >= limit:
                        break
        return out


def pending(backend, examples: int = 5) -> dict:
    """What gc.collect() would find unreachable now, as groups of objects that hold each other,
    groups of the same make-up counted together (the first EXAMPLES of each named or given handles)."""
    with quiet():
        objs = gc.get_objects()
        rows, children = unreachable_rows(objs)
        types = {i: type(objs[i]) for i in rows}
        finalizer = {tp: has_del(tp) for tp in set(types.values())}

        def word(i: int) -> str:
            return type_name(types[i]) + ("*" if finalizer[types[i]] else "")

        found = kinds(groups(rows, children), word, examples)
        shown = []
        out = []
        for key, some, count in found:
            names = []
            for g in some:
                names.append([_name(backend, objs[i]) for i in g])
                shown += [dict(_identity(backend, objs[i]), finalizer=finalizer[types[i]], legacy=False) for i in g]
            out.append({"types": list(key), "groups": count, "examples": names})
        n_final = sum(1 for i in rows if finalizer[types[i]])
        del objs, children, types
    return {"unreachable": len(rows), "kinds": out, "finalizers": n_final, "legacy": 0, "objects": shown}


def _name(backend, obj: object) -> str:
    return backend.records.name_of(obj) or backend.records.handles.of(obj)


def find(backend, wanted: str, limit: int) -> dict:
    """Tracked objects whose type's short or qualified name is WANTED, gcsh's own left out."""
    with quiet():
        objs = gc.get_objects()
        by_type = Counter(map(type, objs))
        types = [tp for tp in by_type if type_name(tp) == wanted or tp.__name__ == wanted
                 or f"{tp.__module__}.{tp.__qualname__}" == wanted]
        if not types:
            known = sorted({type_name(tp) for tp in by_type} | {tp.__name__ for tp in by_type})
            del objs
            return {"type": wanted, "count": 0, "objects": [], "known": known}
        del objs
        own = backend._own_ids()
        chosen = set(types)
        named = backend.records.by_id
        found, generation = [], {}
        # this function's own containers are tracked too: never among what it finds (FOUND would
        # hold itself: a cycle, garbage in the heap it looks at)
        mine = {id(found), id(generation), id(chosen), id(own)}
        mine.add(id(mine))
        for g in (0, 1, 2):  # gc.get_objects() is these three, in this order
            part = [o for o in gc.get_objects(g) if type(o) in chosen and id(o) not in own and id(o) not in mine]
            generation.update(dict.fromkeys(map(id, part), g))
            found += part
            del part
        found.sort(key=lambda o: id(o) not in named)  # named objects first (a stable sort)
        size = sum(map(sys.getsizeof, found))
        shown = [dict(_identity(backend, o), generation=generation[id(o)]) for o in found[:max(limit, 0)]]
        count = len(found)
        del found, generation, mine
    return {"type": wanted, "count": count, "size": size, "objects": shown}


def _identity(backend, obj: object) -> dict:
    """What a listing says of one object: its name (or handle), handle, type and size."""
    handle = backend.records.handles.of(obj)
    return {"name": backend.records.name_of(obj) or handle, "handle": handle, "type": type_name(type(obj)), "size": sys.getsizeof(obj)}


def cycles(backend) -> list[list[str]]:
    """The reference cycles among the user's objects, what they reach (types, modules and functions
    aside) and the unreachable objects: strongly connected components, largest first."""
    from .ownership import is_machinery
    with quiet():
        objs = gc.get_objects()
        rows, children = unreachable_rows(objs)
        index = {id(o): i for i, o in enumerate(objs)}
        keep = set(rows)
        stack = [index[r.oid] for r in backend.records.by_id.values()
                 if r.oid in index and not is_machinery(objs[index[r.oid]])]
        keep.update(stack)
        while stack:
            for j in children[stack.pop()]:
                if j not in keep and not is_machinery(objs[j]):
                    keep.add(j)
                    stack.append(j)
        comps = strong_components(sorted(keep), children)
        out = [[_name(backend, objs[i]) for i in c] for c in comps]
        garbage = set(rows)
        backend.cycle_garbage = {names[0] for names, c in zip(out, comps) if c[0] in garbage}
        del objs, children, index
    return out


def dominator_view(backend, name: str | None, limit: int) -> dict:
    """Retained sizes over the tracked objects (sys.getsizeof of each), from a root that holds what
    something outside the tracked objects refers to: NAME's retained objects and the biggest it
    dominates, or (no NAME) the user's objects by what they retain."""
    from ..graphs import dominators, retained
    target = backend.records.find(name) if name is not None else None
    with quiet():
        objs = gc.get_objects()
        index = {id(o): i for i, o in enumerate(objs)}
        rows, children = unreachable_rows(objs)
        refs = _refcounts(objs)
        for kids in children:
            for j in kids:
                refs[j] -= 1
        n = len(objs)
        children.append([i for i in range(n) if refs[i] > 0])
        idom, order = dominators(n + 1, children, n)
        count, size = retained(idom, order, [sys.getsizeof(o) for o in objs] + [0])
        if target is not None:
            t = index.get(id(target))
            if t is None:
                raise_untracked(name)
            tops = [t]
        else:
            tops = [index[r.oid] for r in backend.records.by_id.values() if r.oid in index]
        tree = {}
        for v in range(n):
            d = idom[v]
            if d in tops or (target is not None and d != -1):
                tree.setdefault(d, []).append(v)

        def entry(v, depth):
            kids = sorted(tree.get(v, ()), key=lambda k: -size[k])[:limit] if depth < 2 else []
            return dict(_identity(backend, objs[v]), objects=count[v], retained=size[v],
                        dominated=[entry(k, depth + 1) for k in kids])

        out = [entry(v, 0) for v in sorted(tops, key=lambda k: -size[k])[:limit if target is None else 1]]
        del objs, index, children, entry  # (entry calls itself through its closure: a cycle, unless let go)
    return {"name": name, "roots": out}


def raise_untracked(name: str):
    from ...errors import UserError
    raise UserError(f"{name} is not tracked by the collector: it retains only itself")


def is_pending(backend, name: str) -> bool:
    """Would a full collection now find NAME's object unreachable?"""
    address = id(backend.records.find(name))  # its id only: a reference held here would keep it reachable
    with quiet():
        objs = gc.get_objects()
        rows, _ = unreachable_rows(objs)
        found = any(id(objs[i]) == address for i in rows)
        del objs
    return found
