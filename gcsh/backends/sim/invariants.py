"""What must hold for a simulated heap between two commands.

`problems(heap)` lists every broken rule (empty when the heap is sound). The
property tests run it after each random command, and `load` runs it on a
session read from a file before accepting it, so a hostile or corrupted file
can never become the current heap.

The rules: refcount = references from live containers + root bindings +
gc.garbage holds; every tracked object is on exactly the list its generation
marker names, and the lists are well linked; nothing refers to a freed object;
counters are not negative; names, weak references and instance dicts agree
with each other. Everything is read through the heap's read API.
"""

from __future__ import annotations

from collections import Counter

from .kernel.layout import (FINALIZED, FREED, GC_KINDS, HEADS, INSTANCE_KINDS, KEYED, PERMANENT, RESURRECTS,
                            UNHASHABLE, UNTRACKED, WEAKREFABLE, WEAKREFD)

LIST_MARKERS = (0, 1, 2, PERMANENT)  # the lists objects live on between commands
WORKING_LISTS = range(4, HEADS)  # a collection's own lists: empty between commands
REF_HOLDERS = frozenset({"list", "dict", "set", "tuple", "weakref"}) | INSTANCE_KINDS
KEYED_KINDS = frozenset({"dict", "weakref"}) | INSTANCE_KINDS


def size(heap) -> int:
    return heap.size()


def live_ids(heap) -> list[int]:
    return heap.live()


def incoming(heap) -> Counter:
    """Strong references to each row: from live containers, root names and gc.garbage."""
    held: Counter = Counter()
    for op in heap.live():
        held.update(heap.rows_of(op))
    held.update(heap.roots.values())
    held.update(heap.garbage)
    return held


def reachable(heap, starts) -> set[int]:
    """Every row reachable from `starts` through strong references."""
    seen: set[int] = set()
    stack = [op for op in starts if type(op) is int]
    while stack:
        op = stack.pop()
        if op in seen:
            continue
        seen.add(op)
        stack.extend(x for x in heap.rows_of(op) if x not in seen)
    return seen


def cyclic_garbage(heap) -> list[int]:
    """Live objects that a full collection should have freed: those nothing keeps alive from
    outside the collector's view. Roots, gc.garbage, frozen objects and untracked objects all
    count as outside (the collector never looks into the last two)."""
    live = heap.live()
    outside = [op for op in live if heap.gen[op] in (PERMANENT, UNTRACKED)]
    kept = reachable(heap, [*heap.roots.values(), *heap.garbage, *outside])
    return [op for op in live if op not in kept]


def _who(heap, op: int) -> str:
    return heap.name_of(op) if heap.is_row(op) else f"id {op}"


def _hashable(x):
    return (type(x).__name__, x)


# ---------------------------------------------------------------- the rules


def problems(heap, limit: int = 20) -> list[str]:
    """Every broken rule, as short sentences (at most `limit`)."""
    found: list[str] = []
    for check in (_columns, _markers, _generation_lists, _references, _refcounts, _names, _weakrefs,
                  _instance_dicts, _class_tables, _flags, _collector_state):
        found.extend(check(heap))
        if len(found) >= limit or check in (_columns, _generation_lists) and found:
            break  # a heap whose columns or lists are broken cannot be checked further
    return found[:limit]


def _columns(heap) -> list[str]:
    n = len(heap.kind)
    out = [f"column {i} has {len(c)} entries, not {n}" for i, c in enumerate(heap._row_columns()) if len(c) != n]
    if out:
        return out
    pool, literals = len(heap.pool), len(heap.literals)
    for op in heap.live():
        start, k, cap = heap.estart[op], heap.elen[op], heap.ecap[op]
        if not (0 <= k <= cap and 0 <= start and start + cap <= pool):
            out.append(f"{heap.name_of(op)}'s references lie outside the edge pool")
            continue
        for x in heap.pool[start:start + k]:
            if x >= n or x < 0 and ~x >= literals:
                out.append(f"{heap.name_of(op)} refers to an unknown id {x}")
                break
    return out


def _markers(heap) -> list[str]:
    out = []
    valid = (*LIST_MARKERS, UNTRACKED, FREED)
    for op in range(HEADS, len(heap.kind)):
        g = heap.gen[op]
        name = heap.name_of(op)
        if g not in valid:
            out.append(f"{name} has an unknown generation marker {g!r} (is a collection still running?)")
        elif g in LIST_MARKERS and heap.kind_of(op) not in GC_KINDS:
            out.append(f"{name} is a {heap.kind_of(op)} but is tracked")
        if g == FREED and (heap.refcnt[op] != 0 or heap.elen[op]):
            out.append(f"freed object {name} still has a refcount or references")
        if g != FREED and heap.refcnt[op] < 0:
            out.append(f"{name} has a negative refcount {heap.refcnt[op]}")
        if g in (UNTRACKED, FREED) and (heap.nxt[op] != -1 or heap.prv[op] != -1):
            out.append(f"{name} is not tracked but is linked into a list")
    return out


def _generation_lists(heap) -> list[str]:
    out = []
    n = len(heap.kind)
    listed = 0
    for marker in (*LIST_MARKERS, *WORKING_LISTS):
        op, prev, steps = heap.nxt[marker], marker, 0
        while op != marker:
            if not HEADS <= op < n or heap.prv[op] != prev or steps > n:
                return out + [f"generation list {marker} is broken at {_who(heap, prev)}"]
            if heap.gen[op] != marker:
                out.append(f"{heap.name_of(op)} is on generation list {marker} but marked {heap.gen[op]}")
            prev, op, steps = op, heap.nxt[op], steps + 1
        if heap.prv[marker] != prev:
            out.append(f"generation list {marker} does not end where its head says")
        if marker in WORKING_LISTS and steps:
            out.append(f"a collection's list {marker} still holds {steps} objects")
        listed += steps
    marked = sum(1 for op in range(HEADS, n) if heap.gen[op] in LIST_MARKERS)
    if not out and listed != marked:
        out.append(f"{marked} objects are marked tracked but the generation lists hold {listed}")
    return out


def _references(heap) -> list[str]:
    out = []
    for op in heap.live():
        kind, items, keys = heap.kind_of(op), heap.items(op), heap.keys_of(op)
        name = heap.name_of(op)
        if items and kind not in REF_HOLDERS:
            out.append(f"{name} is a {kind} but holds references")
        if keys is not None and (kind not in KEYED_KINDS or len(keys) != len(items)):
            out.append(f"{name}: keys do not match its references")
        for x in items:
            if type(x) is not int:
                continue
            if heap.gen[x] == FREED:
                out.append(f"{name} refers to freed object {_who(heap, x)}")
            elif kind == "set" and heap.kind_of(x) in UNHASHABLE:
                out.append(f"set {name} holds unhashable {heap.name_of(x)}")
        if kind == "set" and len(set(map(_hashable, items))) != len(items):
            out.append(f"set {name} holds a member twice")
        if keys is not None and len(set(map(_hashable, keys))) != len(keys):
            out.append(f"{name} has a key twice")
        if kind == "weakref" and items != ([heap.callback[op]] if op in heap.callback else []):
            out.append(f"weakref {name} holds something other than its callback")
        if kind in INSTANCE_KINDS and heap.model.instance_dict and items and items != [heap.instance_dict.get(op)]:
            out.append(f"{name} holds attributes outside its __dict__ ({heap.model.version} keeps them there)")
    for what, ops in (("root", heap.roots.values()), ("gc.garbage", heap.garbage)):
        for x in ops:
            if not heap.is_row(x) or heap.gen[x] == FREED:
                out.append(f"{what} entry {x} is not a live object")
    return out


def _refcounts(heap) -> list[str]:
    held = incoming(heap)
    return [f"{heap.name_of(op)} has refcount {heap.refcnt[op]} but {held[op]} references"
            for op in heap.live() if heap.refcnt[op] != held[op]]


def _names(heap) -> list[str]:
    out = []
    live = heap.live()
    for op in live:
        name = heap.name_of(op)
        if heap.lookup(name) != op:
            out.append(f"live object {name} (id {op - HEADS}) is not found under its name")
    if len(heap) != len(live):
        out.append(f"the heap counts {len(heap)} live objects but holds {len(live)}")
    for name, op in heap.roots.items():
        if heap.is_row(op) and heap.name_of(op) != name:
            out.append(f"root {name!r} is bound to an object named {heap.name_of(op)!r}")
    return out


def _weakrefs(heap) -> list[str]:
    out = []
    live = set(heap.live())
    weakrefs = {op for op in live if heap.kind_of(op) == "weakref"}
    if set(heap.referent) != weakrefs:
        out.append("the weak reference table does not list exactly the live weakrefs")
    listed: Counter = Counter()
    for target, wrs in heap.weakrefs.items():
        listed.update(wrs)
        if target not in live or heap.kind_of(target) not in WEAKREFABLE:
            out.append(f"weakrefs listed for {_who(heap, target)}, which cannot be weakly referenced now")
        elif not heap.flags[target] & WEAKREFD:
            out.append(f"{heap.name_of(target)} has weakrefs but is not marked as weakly referenced")
        out.extend(f"weakref {heap.name_of(wr)} is listed for {target} but refers elsewhere"
                   for wr in wrs if heap.referent.get(wr) != target)
    out += [f"{heap.name_of(op)} is marked as weakly referenced but has no weakrefs" for op in live
            if heap.flags[op] & WEAKREFD and op not in heap.weakrefs]
    for wr, target in heap.referent.items():
        if target is not None and listed[wr] != 1:
            out.append(f"weakref {_who(heap, wr)} is listed {listed[wr]} times for its referent")
    for wr, cb in heap.callback.items():
        if wr not in weakrefs or cb not in live or heap.kind_of(cb) != "function" or heap.items(wr) != [cb]:
            out.append(f"the callback of weakref {wr - HEADS} is not a live function it holds")
    return out


def _instance_dicts(heap) -> list[str]:
    out = []
    live = set(heap.live())
    owners: Counter = Counter(heap.instance_dict.values())
    for inst, d in heap.instance_dict.items():
        if inst not in live or heap.kind_of(inst) not in INSTANCE_KINDS or d not in live or heap.kind_of(d) != "dict":
            out.append(f"instance dict entry {inst} -> {d} does not join a live instance to a live dict")
        elif owners[d] > 1 or heap.items(inst)[:1] != [d]:
            out.append(f"{heap.name_of(d)} is not the own __dict__ of {heap.name_of(inst)}")
        elif not heap.model.instance_dict and heap.shared_keys_room(heap.kind_of(inst)):
            out.append(f"{heap.name_of(inst)} has a __dict__ while its class's shared keys have room")
    return out


def _class_tables(heap) -> list[str]:
    """Each class's shared attribute names (3.11+), and the keys table."""
    out = []
    for kind, names in heap.shared_keys.items():
        if kind not in INSTANCE_KINDS:
            out.append(f"shared keys recorded for {kind!r}, which is not a class of instances")
        elif len(set(names)) != len(names) or not all(type(n) is str for n in names):
            out.append(f"the shared keys of {kind} are not distinct names")
    for kind, room in heap.shared_room.items():  # (a copy of a live heap may name more than it could hold)
        if room < 0 or room and len(heap.shared_keys.get(kind, ())) + room > heap.model.shared_keys_max:
            out.append(f"the shared keys of {kind} hold more than {heap.model.shared_keys_max} names and room")
    for op, order in heap.attr_order.items():
        keys = heap.keys.get(op)
        if keys is None or sorted(map(str, order)) != sorted(map(str, keys)) or op in heap.instance_dict:
            out.append(f"the attribute order of {_who(heap, op)} is not an order of its inline attributes")
    live = set(heap.live())
    out += [f"keys are recorded for {_who(heap, op)}, which is not a live object" for op in heap.keys
            if op not in live]
    return out


def _flags(heap) -> list[str]:
    out = []
    for op in heap.live():
        flags, kind = heap.flags[op], heap.kind_of(op)
        if flags & FINALIZED and kind not in ("finalizer", "legacy"):
            out.append(f"finalized object {heap.name_of(op)} is not a finalizer")
        if flags & RESURRECTS and kind != "finalizer":
            out.append(f"resurrecting object {heap.name_of(op)} is not a finalizer")
        if bool(flags & KEYED) != (op in heap.keys):
            out.append(f"{heap.name_of(op)}'s keys flag disagrees with the keys table")
    return out


def _collector_state(heap) -> list[str]:
    out = [f"count{i} is negative: {c}" for i, c in enumerate(heap.count) if c < 0]
    out += [f"generation {i // 3} has a negative statistic" for i, v in enumerate(heap.stats) if v < 0]
    if heap.collecting:
        out.append("a collection is marked as running between commands")
    if heap.long_lived_total < 0 or heap.long_lived_pending < 0:
        out.append("a long-lived counter is negative")
    for slot, (n, cap) in enumerate(zip(heap.free, heap.caps)):
        if not 0 <= n <= cap:
            out.append(f"free list {slot} holds {n} objects (0..{cap})")
    return out
