"""Rebuilding a heap from a session file, trusting nothing in it.

The file is parsed by sessionjson.py. `build` checks every field for its type
and range into columns and tables of its own, then hands them to a new heap
through the kernel's bulk writes (kernel/build.py); the result must pass
`invariants.problems` before `load` lets it replace the current heap.
"""

from __future__ import annotations

from array import array

from ...syntax import MAX_LINE
from ...values import NAME_RE, Atom
from . import invariants
from .kernel.heap import Heap
from .kernel import build as build_rows
from .kernel.layout import (COLLECTING, FINALIZED, FREED, FREED_BY_GC, GC_KINDS, HEADS, INSTANCE_KINDS, KEYED,
                            PERMANENT, RESURRECTS, UNTRACKED, WEAKREFD, kind_code)
from .kernel.store import SLOT_NAMES
from .models import MODELS
from .persist import MAX_IDS, Invalid
from .sessionjson import Reader, short

MAX_INT = (1 << 63) - 1  # counters fit a C Py_ssize_t
MAX_REFCOUNT = (1 << 31) - 1  # what the refcount column holds
KINDS = GC_KINDS | {"int", "str"}
STATS_KEYS = ("collections", "collected", "uncollectable")
UNPLACED = COLLECTING  # while loading: tracked, but not yet found on a generation list
TOP_LEVEL = {"format", "version", "backend", "model", "ids", "objects", "generations", "roots", "garbage",
             "weakrefs", "referents", "callbacks", "instance_dicts", "type_names", "shared_keys", "freed_names",
             "collector"}
GC_FREED = "the collector freed it"


def build(doc: dict, emit=None) -> Heap:
    """A new heap from a parsed session file; Invalid names the first field that is wrong."""
    r = Reader()
    r.only(doc, TOP_LEVEL, "")
    if r.field(doc, "backend", str, "") != "sim":
        raise Invalid("backend", "only simulator sessions can be loaded")
    version = r.field(doc, "model", str, "")
    if version not in MODELS:
        raise Invalid("model", f"unknown model {short(version)} (one of: {', '.join(MODELS)})")
    heap = Heap(MODELS[version], emit)
    r.ids = r.integer(doc, "ids", "", 0, MAX_IDS)
    c = r.contents = _Contents(r.ids)
    _load_objects(r, heap, r.field(doc, "objects", list, ""))
    _load_generations(r, r.field(doc, "generations", list, ""))
    _load_names(r, doc)
    _load_weakrefs(r, heap, doc)
    scalars = _load_collector(r, heap, r.field(doc, "collector", dict, ""))
    # all of it checked: into the heap, through the kernel's bulk writes
    build_rows.add_rows(heap, c.kind, c.refcnt, c.gen, c.estart, c.elen, c.pool, c.flags)
    for head, rows in c.lists.items():
        build_rows.link_rows(heap, head, rows)
    build_rows.name_rows(heap, c.names)
    build_rows.bind_rows(heap, list(c.roots.values()))
    build_rows.fill_tables(heap, **c.tables)
    build_rows.set_scalars(heap, **scalars)
    build_rows.start_history(heap)  # the loaded heap is where its history starts
    found = invariants.problems(heap, limit=1)
    if found:
        raise Invalid("", f"inconsistent session: {short(found[0], 160, quote=False)}")
    return heap


class _Contents:
    """What the file says, checked field by field, before any of it goes into the heap: the columns
    of its rows (row HEADS + id; every id starts freed), the generation lists, the names (row ->
    name) and the side tables, by the store's names for them."""

    def __init__(self, ids: int) -> None:
        self.kind = array("H", [kind_code("freed")]) * ids
        self.refcnt = array("i", bytes(4 * ids))
        self.gen = array("b", [FREED]) * ids
        self.flags = array("B", bytes(ids))
        self.estart = array("i", bytes(4 * ids))
        self.elen = array("i", bytes(4 * ids))
        self.pool = array("i")
        self.lists: dict[int, list[int]] = {}
        self.names: dict[int, str] = {}
        self.rows: dict[str, int] = {}  # name -> row: live and freed names are each given once
        self.garbage: list[int] = []
        self.roots: dict[str, int] = {}  # bound name -> row, in binding order
        self.tables: dict[str, dict] = {name: {} for name in (
            "keys", "attr_order", "referent", "weakrefs", "callback", "instance_dict", "type_names",
            "shared_keys", "shared_room")}

    def name(self, op: int) -> str:
        return self.names[op]


def _load_objects(r: "Reader", heap: Heap, records: list) -> None:
    c = r.contents
    keys, attr_order = c.tables["keys"], c.tables["attr_order"]
    last = -1
    for i, record in enumerate(records):
        where = f"objects[{i}]"
        record = r.expect(record, dict, where)
        r.only(record, {"id", "name", "kind", "refcount", "refs", "keys", "order", "tracked", "finalized",
                        "resurrects"}, where)
        oid = r.integer(record, "id", where, 0, r.ids - 1)
        if oid <= last:
            raise Invalid(f"{where}.id", "ids must be unique and in increasing order")
        last = oid
        op = oid + HEADS
        name = r.name(record, "name", where)
        if name in c.rows:
            raise Invalid(f"{where}.name", f"{name!r} is the name of two objects")
        kind = r.field(record, "kind", str, where)
        if kind not in KINDS:
            raise Invalid(f"{where}.kind", f"unknown kind {short(kind)}")
        c.kind[oid] = kind_code(kind)
        c.rows[name], c.names[op] = op, name
        c.refcnt[oid] = r.integer(record, "refcount", where, 0, MAX_REFCOUNT)
        flags = 0
        if "refs" in record:
            items = [_load_ref(r, x, f"{where}.refs[{j}]") for j, x in enumerate(r.field(record, "refs", list, where))]
            c.estart[oid] = len(heap.pool) + len(c.pool)
            c.elen[oid] = len(items)
            c.pool.extend(array("i", map(heap.encode, items)))
        if "keys" in record:
            keys[op] = [_load_key(r, k, f"{where}.keys[{j}]") for j, k in enumerate(r.field(record, "keys", list, where))]
            flags |= KEYED
            if kind in INSTANCE_KINDS and not heap.model.instance_dict:
                order = record.get("order", keys[op])
                attr_order[op] = [_load_key(r, k, f"{where}.order[{j}]")
                                  for j, k in enumerate(r.expect(order, list, f"{where}.order"))]
        elif "order" in record:
            raise Invalid(f"{where}.order", "an order of attributes without keys")
        if r.flag(record, "finalized", where):
            flags |= FINALIZED
        if r.flag(record, "resurrects", where):
            flags |= RESURRECTS
        c.flags[oid] = flags
        tracked = r.flag(record, "tracked", where, default=True)
        if tracked and kind not in GC_KINDS:
            raise Invalid(f"{where}.tracked", f"a {kind} is never tracked")
        c.gen[oid] = UNPLACED if tracked else UNTRACKED


def _load_ref(r: "Reader", x, where: str):
    if type(x) is int:
        if not 0 <= x < r.ids:
            raise Invalid(where, f"refers to id {x}, which this session never gave out")
        return x + HEADS
    x = r.expect(x, dict, where)
    if len(x) != 1 or not {"int", "str"} & x.keys():
        raise Invalid(where, 'expected an object id, {"int": N} or {"str": S}')
    if "int" in x:
        return Atom(r.integer(x, "int", where, None, None))
    return Atom(r.text(x, "str", where))


def _load_key(r: "Reader", key, where: str):
    if type(key) is int or (type(key) is str and len(key) <= MAX_LINE):
        return key
    raise Invalid(where, f"expected a string or an integer key, got {short(key)}")


def _load_generations(r: "Reader", lists: list) -> None:
    if len(lists) != 4:
        raise Invalid("generations", "expected 4 lists (generations 0, 1, 2 and the permanent one)")
    c = r.contents
    gen = c.gen
    for g, members in zip((0, 1, 2, PERMANENT), lists):
        where = f"generations[{g}]"
        rows = c.lists[g] = []
        for j, op in enumerate(r.expect(members, list, where)):
            op = r.id_of(op, f"{where}[{j}]")
            if gen[op - HEADS] != UNPLACED:
                listed = "twice" if gen[op - HEADS] != UNTRACKED else "but not tracked"
                raise Invalid(f"{where}[{j}]", f"{c.name(op)} is listed {listed}")
            gen[op - HEADS] = g
            rows.append(op)
    if UNPLACED in gen:
        op = gen.index(UNPLACED) + HEADS
        raise Invalid("generations", f"tracked object {c.name(op)} is on no generation list")


def _load_names(r: "Reader", doc: dict) -> None:
    c = r.contents
    roots = c.roots
    for j, pair in enumerate(r.field(doc, "roots", list, "")):
        name, op = r.pair(pair, f"roots[{j}]")
        name = r.expect(name, str, f"roots[{j}][0]")
        if name in roots:
            raise Invalid(f"roots[{j}]", f"{short(name)} is bound twice")
        op = r.id_of(op, f"roots[{j}][1]")
        if c.rows.get(name) != op:  # a name is bound to the object of that name, as gcsh binds them
            raise Invalid(f"roots[{j}]", f"{short(name)} is bound to id {op - HEADS}, whose name is "
                                         f"{short(c.names.get(op, '?'))}")
        roots[name] = op
    c.garbage = [r.id_of(op, f"garbage[{j}]") for j, op in enumerate(r.field(doc, "garbage", list, ""))]
    freed = (oid + HEADS for oid in range(r.ids) if c.gen[oid] == FREED)
    for j, pair in enumerate(r.field(doc, "freed_names", list, "")):
        name, why = r.pair(pair, f"freed_names[{j}]")
        if type(name) is not str or not NAME_RE.match(name) or len(name) > MAX_LINE:
            raise Invalid(f"freed_names[{j}][0]", f"not a valid name: {short(name)}")
        why = r.line(why, f"freed_names[{j}][1]")
        if name in c.rows:
            raise Invalid(f"freed_names[{j}]", f"{name!r} is both live and listed as freed")
        slot = next(freed, None)  # the name goes to a freed slot, which says how it went
        if slot is None:
            raise Invalid("freed_names", "more freed names than freed ids")
        c.rows[name], c.names[slot] = slot, name
        c.flags[slot - HEADS] = FREED_BY_GC if why == GC_FREED else 0


def _load_weakrefs(r: "Reader", heap: Heap, doc: dict) -> None:
    c = r.contents
    tables = c.tables
    referent, weakrefs = tables["referent"], tables["weakrefs"]
    for j, pair in enumerate(r.field(doc, "referents", list, "")):
        wr, target = r.pair(pair, f"referents[{j}]")
        wr = r.id_of(wr, f"referents[{j}][0]")
        if wr in referent:
            raise Invalid(f"referents[{j}]", f"weakref {c.name(wr)} appears twice")
        referent[wr] = None if target is None else r.id_of(target, f"referents[{j}][1]")
    for j, pair in enumerate(r.field(doc, "weakrefs", list, "")):
        target, wrs = r.pair(pair, f"weakrefs[{j}]")
        target = r.id_of(target, f"weakrefs[{j}][0]")
        if target in weakrefs:
            raise Invalid(f"weakrefs[{j}]", f"{c.name(target)} appears twice")
        weakrefs[target] = tuple(r.id_of(wr, f"weakrefs[{j}][1][{k}]")
                                 for k, wr in enumerate(r.expect(wrs, list, f"weakrefs[{j}][1]")))
        c.flags[target - HEADS] |= WEAKREFD
    for what, table in (("callbacks", tables["callback"]), ("instance_dicts", tables["instance_dict"])):
        for j, pair in enumerate(r.field(doc, what, list, "")):
            key, value = r.pair(pair, f"{what}[{j}]")
            key = r.id_of(key, f"{what}[{j}][0]")
            if key in table:
                raise Invalid(f"{what}[{j}]", f"{c.name(key)} appears twice")
            table[key] = r.id_of(value, f"{what}[{j}][1]")
    for inst in tables["instance_dict"]:
        tables["attr_order"].pop(inst, None)  # its attributes are the dict's
    for j, pair in enumerate(r.field(doc, "type_names", list, "")):
        op, name = r.pair(pair, f"type_names[{j}]")
        op = r.id_of(op, f"type_names[{j}][0]")
        tables["type_names"][op] = r.line(name, f"type_names[{j}][1]")
    for j, entry in enumerate(r.field(doc, "shared_keys", list, "")):
        where = f"shared_keys[{j}]"
        entry = r.expect(entry, list, where)
        if len(entry) not in (2, 3):  # (files of earlier versions give no room: it is the maximum less the names)
            raise Invalid(where, "expected [class, names] or [class, names, room]")
        kind = r.expect(entry[0], str, f"{where}[0]")
        names = tuple(r.expect(name, str, f"{where}[1][{k}]")
                      for k, name in enumerate(r.expect(entry[1], list, f"{where}[1]")))
        if names:
            tables["shared_keys"][kind] = names
        if len(entry) == 3:
            tables["shared_room"][kind] = r.integer({"room": entry[2]}, "room", where, 0, heap.model.shared_keys_max)


def _load_collector(r: "Reader", heap: Heap, c: dict) -> dict:
    """The collector's scalar state, checked, by the store's names for it."""
    r.only(c, {"count", "threshold", "enabled", "debug", "stats", "callbacks", "long_lived_total",
               "long_lived_pending", "gc_scheduled", "free_lists"}, "collector")
    model = heap.model
    out = {"count": r.integers(c, "count", "collector", 0, MAX_INT),
           "threshold": r.integers(c, "threshold", "collector", None, None),
           "enabled": r.field(c, "enabled", bool, "collector"),
           "callbacks_on": r.field(c, "callbacks", bool, "collector"),
           "gc_scheduled": r.field(c, "gc_scheduled", bool, "collector"),
           "debug": r.integer(c, "debug", "collector", 0, None),
           "garbage": r.contents.garbage}
    for t in out["threshold"]:
        r.checked(model.check_threshold, t, "collector.threshold")
    r.checked(model.check_debug, out["debug"], "collector.debug")
    out["long_lived_total"] = r.integer(c, "long_lived_total", "collector", 0, MAX_INT)
    out["long_lived_pending"] = r.integer(c, "long_lived_pending", "collector", 0, MAX_INT)
    free = list(heap.free)
    for slot, n in r.field(c, "free_lists", dict, "collector").items():
        if slot not in SLOT_NAMES[:len(free)]:
            raise Invalid("collector.free_lists", f"unknown free list {short(slot)}")
        free[SLOT_NAMES.index(slot)] = r.integer({slot: n}, slot, "collector.free_lists", 0, MAX_INT)
    out["free"] = free
    stats_in = r.field(c, "stats", list, "collector")
    if len(stats_in) != 3:
        raise Invalid("collector.stats", "expected 3 entries, one per generation")
    stats = list(heap.stats)
    for g, entry in enumerate(stats_in):
        where = f"collector.stats[{g}]"
        entry = r.expect(entry, dict, where)
        r.only(entry, set(STATS_KEYS) | {"candidates"}, where)
        stats[3 * g:3 * g + 3] = [r.integer(entry, k, where, 0, MAX_INT) for k in STATS_KEYS]
        if "candidates" in entry:  # 3.15
            stats[9 + g] = r.integer(entry, "candidates", where, 0, MAX_INT)
    out["stats"] = stats
    return out
