"""What must hold for a simulated heap between two commands.

`problems(heap)` lists every broken rule (empty when the heap is sound). The
property tests run it after each random command, and `load` runs it on a
session read from a file before accepting it, so a hostile or corrupted file
can never become the current heap.

The rules: refcount = references from live containers + root bindings +
gc.garbage holds; every tracked object is on exactly the list its generation
marker names; nothing refers to a freed object; counters are not negative;
names, weak references and instance dicts agree with each other.

The heap's columns are read through the small functions at the top, so that a
change of the heap's layout touches them only.
"""

from __future__ import annotations

from collections import Counter

from .heap import COLLECTING, FREED, GC_KINDS, INSTANCE_KINDS, PERMANENT, UNHASHABLE, UNTRACKED, WEAKREFABLE, Heap

LIST_MARKERS = (0, 1, 2, PERMANENT)  # markers that name one of `heap.generations`
REF_HOLDERS = frozenset({"list", "dict", "set", "tuple", "weakref"}) | INSTANCE_KINDS
KEYED = frozenset({"dict", "weakref"}) | INSTANCE_KINDS


# ---------------------------------------------------------------- reading the columns


def size(heap: Heap) -> int:
    """How many ids have ever been given out (ids are never reused)."""
    return len(heap.kind)


def is_freed(heap: Heap, op: int) -> bool:
    return heap.gen[op] == FREED


def live_ids(heap: Heap) -> list[int]:
    return [op for op, g in enumerate(heap.gen) if g != FREED]


def object_refs(heap: Heap, op: int) -> list:
    return heap.refs[op] or []


def id_refs(heap: Heap, op: int) -> list[int]:
    """The ids among op's referents (literal values left out)."""
    return [x for x in object_refs(heap, op) if type(x) is int]


def incoming(heap: Heap) -> Counter:
    """Strong references to each id: from live containers, root names and gc.garbage."""
    held: Counter = Counter()
    for op in live_ids(heap):
        held.update(id_refs(heap, op))
    held.update(heap.roots.values())
    held.update(heap.garbage)
    return held


def reachable(heap: Heap, starts) -> set[int]:
    """Every id reachable from `starts` through strong references."""
    seen: set[int] = set()
    stack = [op for op in starts if type(op) is int]
    while stack:
        op = stack.pop()
        if op in seen:
            continue
        seen.add(op)
        stack.extend(x for x in id_refs(heap, op) if x not in seen)
    return seen


def free_list_slots(heap: Heap) -> set[str]:
    """The free lists the model keeps: one per kind, and one per tuple length."""
    model = heap.model
    return {k for k in model.free_lists if k != "tuple"} | {f"tuple{n}" for n in range(1, model.tuple_free_list_sizes)}


def cyclic_garbage(heap: Heap) -> list[int]:
    """Live objects that a full collection should have freed: those nothing keeps alive from
    outside the collector's view. Roots, gc.garbage, frozen objects and untracked objects all
    count as outside (the collector never looks into the last two)."""
    outside = [op for op in live_ids(heap) if heap.gen[op] in (PERMANENT, UNTRACKED)]
    kept = reachable(heap, [*heap.roots.values(), *heap.garbage, *outside])
    return [op for op in live_ids(heap) if op not in kept]


def _who(heap: Heap, op: int) -> str:
    """An object as messages name it: its name, or its id when its slot has none."""
    return heap.name[op] if 0 <= op < size(heap) and heap.name[op] else f"id {op}"


def _hashable(x):
    return (type(x).__name__, x)


# ---------------------------------------------------------------- the rules


def problems(heap: Heap, limit: int = 20) -> list[str]:
    """Every broken rule, as short sentences (at most `limit`)."""
    found: list[str] = []
    for check in (_columns, _markers, _generation_lists, _references, _refcounts, _names, _weakrefs,
                  _instance_dicts, _class_tables, _flags, _collector_state):
        found.extend(check(heap))
        if len(found) >= limit or check is _columns and found:
            break  # a heap whose columns disagree cannot be checked further
    return found[:limit]


def _columns(heap: Heap) -> list[str]:
    n = size(heap)
    lengths = {c: len(getattr(heap, c)) for c in ("kind", "refcnt", "refs", "keys", "gen", "name")}
    return [f"column {c} has {m} entries, not {n}" for c, m in lengths.items() if m != n]


def _markers(heap: Heap) -> list[str]:
    out = []
    for op, g in enumerate(heap.gen):
        if g == COLLECTING:
            out.append(f"{heap.name[op]} is still in a collection's hands")
        elif g not in (*LIST_MARKERS, UNTRACKED, FREED):
            out.append(f"{heap.name[op]} has an unknown generation marker {g!r}")
        elif g in LIST_MARKERS and heap.kind[op] not in GC_KINDS:
            out.append(f"{heap.name[op]} is a {heap.kind[op]} but is tracked")
        if g == FREED and (heap.refcnt[op] != 0 or heap.refs[op]):
            out.append(f"freed object {heap.name[op]} still has a refcount or references")
        if g != FREED and heap.refcnt[op] < 0:
            out.append(f"{heap.name[op]} has a negative refcount {heap.refcnt[op]}")
    return out


def _generation_lists(heap: Heap) -> list[str]:
    out = []
    if len(heap.generations) != len(LIST_MARKERS):
        return [f"{len(heap.generations)} generation lists, not {len(LIST_MARKERS)}"]
    listed = 0
    for marker, members in zip(LIST_MARKERS, heap.generations):
        listed += len(members)
        for op in members:
            if not 0 <= op < size(heap):
                out.append(f"generation list {marker} holds an unknown id {op}")
            elif heap.gen[op] != marker:
                out.append(f"{heap.name[op]} is on generation list {marker} but marked {heap.gen[op]}")
    marked = sum(1 for g in heap.gen if g in LIST_MARKERS)
    if not out and listed != marked:
        out.append(f"{marked} objects are marked tracked but the generation lists hold {listed}")
    return out


def _references(heap: Heap) -> list[str]:
    out = []
    n = size(heap)
    for op in live_ids(heap):
        kind, refs, keys = heap.kind[op], heap.refs[op], heap.keys[op]
        if refs and kind not in REF_HOLDERS:
            out.append(f"{heap.name[op]} is a {kind} but holds references")
        if (keys is not None) != (kind in KEYED and refs is not None) or keys is not None and len(keys) != len(refs):
            out.append(f"{heap.name[op]}: keys do not match its references")
        for x in id_refs(heap, op):
            if not 0 <= x < n:
                out.append(f"{heap.name[op]} refers to an unknown id {x}")
            elif is_freed(heap, x):
                out.append(f"{heap.name[op]} refers to freed object {_who(heap, x)}")
            elif kind == "set" and heap.kind[x] in UNHASHABLE:
                out.append(f"set {heap.name[op]} holds unhashable {heap.name[x]}")
        if kind == "set" and len(set(map(_hashable, refs or ()))) != len(refs or ()):
            out.append(f"set {heap.name[op]} holds a member twice")
        if keys is not None and len(set(map(_hashable, keys))) != len(keys):
            out.append(f"{heap.name[op]} has a key twice")
        if kind == "weakref" and (refs or []) != ([heap.callback[op]] if op in heap.callback else []):
            out.append(f"weakref {heap.name[op]} holds something other than its callback")
        if kind in INSTANCE_KINDS and heap.model.instance_dict and refs and refs != [heap.instance_dict.get(op)]:
            out.append(f"{heap.name[op]} holds attributes outside its __dict__ ({heap.model.version} keeps them there)")
    for what, ops in (("root", heap.roots.values()), ("gc.garbage", heap.garbage)):
        for x in ops:
            if not 0 <= x < n or is_freed(heap, x):
                out.append(f"{what} entry {x} is not a live object")
    return out


def _refcounts(heap: Heap) -> list[str]:
    held = incoming(heap)
    return [f"{heap.name[op]} has refcount {heap.refcnt[op]} but {held[op]} references"
            for op in live_ids(heap) if heap.refcnt[op] != held[op]]


def _names(heap: Heap) -> list[str]:
    out = []
    for op in live_ids(heap):
        if heap.by_name.get(heap.name[op]) != op:
            out.append(f"live object {heap.name[op]} (id {op}) is not found under its name")
    if len(heap.by_name) != len(live_ids(heap)) and not out:
        out.append(f"{len(heap.by_name)} names for {len(live_ids(heap))} live objects")
    for name, op in heap.roots.items():
        if 0 <= op < size(heap) and heap.name[op] != name:
            out.append(f"root {name!r} is bound to an object named {heap.name[op]!r}")
    out.extend(f"{name!r} is both live and listed as freed" for name in heap.freed_names if name in heap.by_name)
    return out


def _weakrefs(heap: Heap) -> list[str]:
    out = []
    live = set(live_ids(heap))
    weakrefs = {op for op in live if heap.kind[op] == "weakref"}
    if set(heap.referent) != weakrefs:
        out.append("the weak reference table does not list exactly the live weakrefs")
    listed: Counter = Counter()
    for target, wrs in heap.weakrefs.items():
        listed.update(wrs)
        if target not in live or heap.kind[target] not in WEAKREFABLE:
            out.append(f"weakrefs listed for {_who(heap, target)}, which cannot be weakly referenced now")
        out.extend(f"weakref {heap.name[wr]} is listed for {target} but refers elsewhere"
                   for wr in wrs if heap.referent.get(wr) != target)
    for wr, target in heap.referent.items():
        if target is not None and listed[wr] != 1:
            out.append(f"weakref {heap.name[wr]} is listed {listed[wr]} times for its referent")
    for wr, cb in heap.callback.items():
        if wr not in weakrefs or cb not in live or heap.kind[cb] != "function" or heap.refs[wr] != [cb]:
            out.append(f"the callback of weakref {wr} is not a live function it holds")
    return out


def _instance_dicts(heap: Heap) -> list[str]:
    out = []
    live = set(live_ids(heap))
    owners: Counter = Counter(heap.instance_dict.values())
    for inst, d in heap.instance_dict.items():
        if inst not in live or heap.kind[inst] not in INSTANCE_KINDS or d not in live or heap.kind[d] != "dict":
            out.append(f"instance dict entry {inst} -> {d} does not join a live instance to a live dict")
        elif owners[d] > 1 or not heap.refs[inst] or heap.refs[inst][0] != d:
            out.append(f"{heap.name[d]} is not the own __dict__ of {heap.name[inst]}")
    return out


def _class_tables(heap: Heap) -> list[str]:
    """Type names copied from a live heap, and each class's shared attribute names (3.11+)."""
    live = set(live_ids(heap))
    out = [f"a type name is recorded for {op}, which is not a live object" for op in heap.type_names
           if op not in live]
    for kind, names in heap.shared_keys.items():
        if kind not in INSTANCE_KINDS:
            out.append(f"shared keys recorded for {kind!r}, which is not a class of instances")
        elif len(set(names)) != len(names) or not all(type(n) is str for n in names):
            out.append(f"the shared keys of {kind} are not distinct names")
    return out


def _flags(heap: Heap) -> list[str]:
    live = set(live_ids(heap))
    out = [f"finalized object {_who(heap, op)} is not a live finalizer" for op in heap.finalized
           if op not in live or heap.kind[op] not in ("finalizer", "legacy")]
    out += [f"resurrecting object {_who(heap, op)} is not a live finalizer" for op in heap.resurrects
            if op not in live or heap.kind[op] != "finalizer"]
    return out


def _collector_state(heap: Heap) -> list[str]:
    out = [f"count{i} is negative: {c}" for i, c in enumerate(heap.count) if c < 0]
    out += [f"generation {i} has a negative statistic" for i, e in enumerate(heap.stats)
            if any(v < 0 for v in e.values())]
    if heap.collecting:
        out.append("a collection is marked as running between commands")
    if heap.long_lived_total < 0 or heap.long_lived_pending < 0:
        out.append("a long-lived counter is negative")
    slots = free_list_slots(heap)
    for slot, n in heap.free.items():
        if slot not in slots:
            out.append(f"unknown free list {slot!r}")
        elif not 0 <= n <= heap.free_list_cap(slot):
            out.append(f"free list {slot} holds {n} objects (0..{heap.free_list_cap(slot)})")
    return out
