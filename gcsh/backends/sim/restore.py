"""Rebuilding a heap from a session file, trusting nothing in it.

`parse` refuses a file whose JSON would not fit in bounded memory before
parsing it (the number of values is counted at C speed first), then anything
that is not strict, unambiguous JSON. `build` fills a new heap's columns
directly, checking every field for its type and range; the result must pass
`invariants.problems` before `load` lets it replace the current heap.
"""

from __future__ import annotations

import json
from array import array

from ...syntax import MAX_LINE
from ...values import NAME_RE, Atom
from . import invariants
from .kernel.heap import Heap
from .kernel.journal import Journal
from .kernel.layout import (COLLECTING, FINALIZED, FREED, FREED_BY_GC, GC_KINDS, HEADS, INSTANCE_KINDS, KEYED,
                            PERMANENT, RESURRECTS, UNTRACKED, WEAKREFD, kind_code)
from .kernel.store import SLOT_NAMES
from .models import MODELS
from .persist import FORMAT, MAX_IDS, MAX_VALUES, VERSION, Invalid

MAX_INT = (1 << 63) - 1  # counters fit a C Py_ssize_t
MAX_REFCOUNT = (1 << 31) - 1  # what the refcount column holds
KINDS = GC_KINDS | {"int", "str"}
STATS_KEYS = ("collections", "collected", "uncollectable")
UNPLACED = COLLECTING  # while loading: tracked, but not yet found on a generation list
TOP_LEVEL = {"format", "version", "backend", "model", "ids", "objects", "generations", "roots", "garbage",
             "weakrefs", "referents", "callbacks", "instance_dicts", "type_names", "shared_keys", "freed_names",
             "collector"}
GC_FREED = "the collector freed it"


def parse(data: bytes) -> dict:
    """The file's JSON object; Invalid for anything that is not strict, unambiguous JSON, or that
    holds more values than a session file of the largest heap that can be saved."""
    values = data.count(b",") + data.count(b"[") + data.count(b"{")
    if values > MAX_VALUES:
        raise Invalid("", f"too large: about {values:,} values, more than the {MAX_VALUES:,} a session file holds")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise Invalid("", f"not valid UTF-8 (byte 0x{data[e.start]:02x} at offset {e.start})") from None
    try:
        doc = json.loads(text, object_pairs_hook=_no_duplicate_keys, parse_constant=_no_constant)
    except json.JSONDecodeError as e:
        raise Invalid("", f"not JSON: {e.msg} at line {e.lineno} column {e.colno}") from None
    except RecursionError:
        raise Invalid("", "not a session file: nested too deeply") from None
    except ValueError as e:  # a number too long to convert, a duplicate key, NaN
        raise Invalid("", f"not a session file: {_short(str(e), 100)}") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise Invalid("", "not a gcsh session file")
    version = doc.get("version")
    if type(version) is not int or version < 1:
        raise Invalid("version", f"expected a positive integer, got {_short(version)}")
    if version > VERSION:
        raise Invalid("", f"written by a newer gcsh (format version {version}; "
                          f"this gcsh reads version {VERSION})")
    return doc


def _no_duplicate_keys(pairs: list) -> dict:
    out = {}
    for k, v in pairs:
        if k in out:
            raise ValueError(f"duplicate key {_short(k)}")
        out[k] = v
    return out


def _no_constant(name: str):
    raise ValueError(f"{name} is not a number a session holds")


def build(doc: dict, emit=None) -> Heap:
    """A new heap from a parsed session file; Invalid names the first field that is wrong."""
    r = _Reader()
    r.only(doc, TOP_LEVEL, "")
    if r.field(doc, "backend", str, "") != "sim":
        raise Invalid("backend", "only simulator sessions can be loaded")
    version = r.field(doc, "model", str, "")
    if version not in MODELS:
        raise Invalid("model", f"unknown model {_short(version)} (one of: {', '.join(MODELS)})")
    heap = Heap(MODELS[version], emit)
    ids = r.integer(doc, "ids", "", 0, MAX_IDS)
    r.ids = ids
    _freed_slots(heap, ids)
    _load_objects(r, heap, r.field(doc, "objects", list, ""))
    _load_generations(r, heap, r.field(doc, "generations", list, ""))
    _load_names(r, heap, doc)
    _load_weakrefs(r, heap, doc)
    _load_collector(r, heap, r.field(doc, "collector", dict, ""))
    heap.nlive = sum(1 for g in heap.gen[HEADS:] if g != FREED)
    heap._grow_dirty()
    heap.journal = Journal(heap)  # the loaded heap is where its history starts
    found = invariants.problems(heap, limit=1)
    if found:
        raise Invalid("", f"inconsistent session: {_short(found[0], 160, quote=False)}")
    return heap


def _freed_slots(heap: Heap, ids: int) -> None:
    zeros = array("i", bytes(4 * ids))
    for column in (heap.refcnt, heap.gc_refs, heap.estart, heap.elen, heap.ecap):
        column.extend(zeros)
    heap.nxt.extend(array("i", [-1]) * ids)
    heap.prv.extend(array("i", [-1]) * ids)
    heap.gen.extend(array("b", [FREED]) * ids)
    heap.flags.extend(array("B", bytes(ids)))
    heap.kind.extend(array("H", [kind_code("freed")]) * ids)


def _load_objects(r: "_Reader", heap: Heap, records: list) -> None:
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
        if heap.names.given(name):
            raise Invalid(f"{where}.name", f"{name!r} is the name of two objects")
        kind = r.field(record, "kind", str, where)
        if kind not in KINDS:
            raise Invalid(f"{where}.kind", f"unknown kind {_short(kind)}")
        heap.kind[op] = kind_code(kind)
        heap.names.load(op, name)
        heap.refcnt[op] = r.integer(record, "refcount", where, 0, MAX_REFCOUNT)
        flags = 0
        if "refs" in record:
            items = [_load_ref(r, x, f"{where}.refs[{j}]") for j, x in enumerate(r.field(record, "refs", list, where))]
            heap.estart[op] = len(heap.pool)
            heap.elen[op] = heap.ecap[op] = len(items)
            heap.pool.extend(array("i", map(heap.encode, items)))
        if "keys" in record:
            heap.keys[op] = [_load_key(r, k, f"{where}.keys[{j}]")
                             for j, k in enumerate(r.field(record, "keys", list, where))]
            flags |= KEYED
            if kind in INSTANCE_KINDS and not heap.model.instance_dict:
                order = record.get("order", heap.keys[op])
                heap.attr_order[op] = [_load_key(r, k, f"{where}.order[{j}]")
                                       for j, k in enumerate(r.expect(order, list, f"{where}.order"))]
        elif "order" in record:
            raise Invalid(f"{where}.order", "an order of attributes without keys")
        if r.flag(record, "finalized", where):
            flags |= FINALIZED
        if r.flag(record, "resurrects", where):
            flags |= RESURRECTS
        heap.flags[op] = flags
        tracked = r.flag(record, "tracked", where, default=True)
        if tracked and kind not in GC_KINDS:
            raise Invalid(f"{where}.tracked", f"a {kind} is never tracked")
        heap.gen[op] = UNPLACED if tracked else UNTRACKED


def _load_ref(r: "_Reader", x, where: str):
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


def _load_key(r: "_Reader", key, where: str):
    if type(key) is int or (type(key) is str and len(key) <= MAX_LINE):
        return key
    raise Invalid(where, f"expected a string or an integer key, got {_short(key)}")


def _load_generations(r: "_Reader", heap: Heap, lists: list) -> None:
    if len(lists) != 4:
        raise Invalid("generations", "expected 4 lists (generations 0, 1, 2 and the permanent one)")
    nxt, prv = heap.nxt, heap.prv
    for g, members in zip((0, 1, 2, PERMANENT), lists):
        where = f"generations[{g}]"
        tail = g
        for j, op in enumerate(r.expect(members, list, where)):
            op = r.id_of(op, f"{where}[{j}]", heap)
            if heap.gen[op] != UNPLACED:
                listed = "twice" if heap.gen[op] != UNTRACKED else "but not tracked"
                raise Invalid(f"{where}[{j}]", f"{heap.name_of(op)} is listed {listed}")
            heap.gen[op] = g
            nxt[tail], prv[op], tail = op, tail, op
        nxt[tail], prv[g] = g, tail
    for op in range(HEADS, len(heap.gen)):
        if heap.gen[op] == UNPLACED:
            raise Invalid("generations", f"tracked object {heap.name_of(op)} is on no generation list")


def _load_names(r: "_Reader", heap: Heap, doc: dict) -> None:
    for j, pair in enumerate(r.field(doc, "roots", list, "")):
        name, op = r.pair(pair, f"roots[{j}]")
        name = r.expect(name, str, f"roots[{j}][0]")
        if name in heap.roots:
            raise Invalid(f"roots[{j}]", f"{_short(name)} is bound twice")
        op = r.id_of(op, f"roots[{j}][1]", heap)
        if heap.lookup(name) != op:  # a name is bound to the object of that name, as gcsh binds them
            raise Invalid(f"roots[{j}]", f"{_short(name)} is bound to id {op - HEADS}, whose name is "
                                         f"{_short(heap.name_of(op))}")
        heap.roots.load([op])
    heap.garbage = [r.id_of(op, f"garbage[{j}]", heap) for j, op in enumerate(r.field(doc, "garbage", list, ""))]
    freed = (op for op in range(HEADS, len(heap.gen)) if heap.gen[op] == FREED)
    for j, pair in enumerate(r.field(doc, "freed_names", list, "")):
        name, why = r.pair(pair, f"freed_names[{j}]")
        if type(name) is not str or not NAME_RE.match(name) or len(name) > MAX_LINE:
            raise Invalid(f"freed_names[{j}][0]", f"not a valid name: {_short(name)}")
        why = r.line(why, f"freed_names[{j}][1]")
        if heap.names.given(name):
            raise Invalid(f"freed_names[{j}]", f"{name!r} is both live and listed as freed")
        slot = next(freed, None)  # the name goes to a freed slot, which says how it went
        if slot is None:
            raise Invalid("freed_names", "more freed names than freed ids")
        heap.names.load(slot, name)
        heap.flags[slot] = FREED_BY_GC if why == GC_FREED else 0


def _load_weakrefs(r: "_Reader", heap: Heap, doc: dict) -> None:
    for j, pair in enumerate(r.field(doc, "referents", list, "")):
        wr, target = r.pair(pair, f"referents[{j}]")
        wr = r.id_of(wr, f"referents[{j}][0]", heap)
        if wr in heap.referent:
            raise Invalid(f"referents[{j}]", f"weakref {heap.name_of(wr)} appears twice")
        heap.referent[wr] = None if target is None else r.id_of(target, f"referents[{j}][1]", heap)
    for j, pair in enumerate(r.field(doc, "weakrefs", list, "")):
        target, wrs = r.pair(pair, f"weakrefs[{j}]")
        target = r.id_of(target, f"weakrefs[{j}][0]", heap)
        if target in heap.weakrefs:
            raise Invalid(f"weakrefs[{j}]", f"{heap.name_of(target)} appears twice")
        heap.weakrefs[target] = tuple(r.id_of(wr, f"weakrefs[{j}][1][{k}]", heap)
                                      for k, wr in enumerate(r.expect(wrs, list, f"weakrefs[{j}][1]")))
        heap.flags[target] |= WEAKREFD
    for what, table in (("callbacks", heap.callback), ("instance_dicts", heap.instance_dict)):
        for j, pair in enumerate(r.field(doc, what, list, "")):
            key, value = r.pair(pair, f"{what}[{j}]")
            key = r.id_of(key, f"{what}[{j}][0]", heap)
            if key in table:
                raise Invalid(f"{what}[{j}]", f"{heap.name_of(key)} appears twice")
            table[key] = r.id_of(value, f"{what}[{j}][1]", heap)
    for inst in heap.instance_dict:
        heap.attr_order.pop(inst, None)  # its attributes are the dict's
    for j, pair in enumerate(r.field(doc, "type_names", list, "")):
        op, name = r.pair(pair, f"type_names[{j}]")
        op = r.id_of(op, f"type_names[{j}][0]", heap)
        heap.type_names[op] = r.line(name, f"type_names[{j}][1]")
    for j, entry in enumerate(r.field(doc, "shared_keys", list, "")):
        where = f"shared_keys[{j}]"
        entry = r.expect(entry, list, where)
        if len(entry) not in (2, 3):  # (files of earlier versions give no room: it is the maximum less the names)
            raise Invalid(where, "expected [class, names] or [class, names, room]")
        kind = r.expect(entry[0], str, f"{where}[0]")
        names = tuple(r.expect(name, str, f"{where}[1][{k}]")
                      for k, name in enumerate(r.expect(entry[1], list, f"{where}[1]")))
        if names:
            heap.shared_keys[kind] = names
        if len(entry) == 3:
            heap.shared_room[kind] = r.integer({"room": entry[2]}, "room", where, 0, heap.model.shared_keys_max)


def _load_collector(r: "_Reader", heap: Heap, c: dict) -> None:
    r.only(c, {"count", "threshold", "enabled", "debug", "stats", "callbacks", "long_lived_total",
               "long_lived_pending", "gc_scheduled", "free_lists"}, "collector")
    heap.count[:] = array("q", r.integers(c, "count", "collector", 0, MAX_INT))
    heap.threshold[:] = r.integers(c, "threshold", "collector", None, None)
    for t in heap.threshold:
        r.checked(heap.model.check_threshold, t, "collector.threshold")
    heap.enabled = r.field(c, "enabled", bool, "collector")
    heap.callbacks_on = r.field(c, "callbacks", bool, "collector")
    heap.gc_scheduled = r.field(c, "gc_scheduled", bool, "collector")
    heap.debug = r.integer(c, "debug", "collector", 0, None)
    r.checked(heap.model.check_debug, heap.debug, "collector.debug")
    heap.long_lived_total = r.integer(c, "long_lived_total", "collector", 0, MAX_INT)
    heap.long_lived_pending = r.integer(c, "long_lived_pending", "collector", 0, MAX_INT)
    for slot, n in r.field(c, "free_lists", dict, "collector").items():
        if slot not in SLOT_NAMES[:len(heap.free)]:
            raise Invalid("collector.free_lists", f"unknown free list {_short(slot)}")
        heap.free[SLOT_NAMES.index(slot)] = r.integer({slot: n}, slot, "collector.free_lists", 0, MAX_INT)
    stats = r.field(c, "stats", list, "collector")
    if len(stats) != 3:
        raise Invalid("collector.stats", "expected 3 entries, one per generation")
    for g, entry in enumerate(stats):
        where = f"collector.stats[{g}]"
        entry = r.expect(entry, dict, where)
        r.only(entry, set(STATS_KEYS) | {"candidates"}, where)
        heap.stats[3 * g:3 * g + 3] = [r.integer(entry, k, where, 0, MAX_INT) for k in STATS_KEYS]
        if "candidates" in entry:  # 3.15
            heap.stats[9 + g] = r.integer(entry, "candidates", where, 0, MAX_INT)


class _Reader:
    """Typed access to the parsed JSON; every mistake names the field it is in."""

    ids = 0

    def expect(self, value, kind: type, where: str):
        if type(value) is not kind:  # `type is`, so that true is not taken for 1
            raise Invalid(where, f"expected {_TYPE_WORDS[kind]}, got {_short(value)}")
        return value

    def field(self, record: dict, key: str, kind: type, where: str):
        path = f"{where}.{key}" if where else key
        if key not in record:
            raise Invalid(path, "missing")
        return self.expect(record[key], kind, path)

    def only(self, record: dict, allowed: set, where: str) -> None:
        extra = sorted(set(record) - allowed)
        if extra:
            raise Invalid(where, f"unknown field {_short(extra[0])}")

    def integer(self, record: dict, key: str, where: str, low: int | None, high: int | None) -> int:
        value = self.field(record, key, int, where)
        path = f"{where}.{key}" if where else key
        if low is not None and value < low:
            raise Invalid(path, f"{_short(value)} is less than {low}")
        if high is not None and value > high:
            raise Invalid(path, f"{_short(value)} is more than {high}")
        return value

    def integers(self, record: dict, key: str, where: str, low: int | None, high: int | None) -> list[int]:
        values = self.field(record, key, list, where)
        if len(values) != 3:
            raise Invalid(f"{where}.{key}", "expected 3 integers")
        return [self.integer({key: v}, key, where, low, high) for v in values]

    def checked(self, check, value: int, where: str) -> None:
        try:
            check(value)
        except Exception as e:  # the model's own words (CPython's OverflowError)
            raise Invalid(where, f"{_short(value)}: {e}") from None

    def text(self, record: dict, key: str, where: str) -> str:
        value = self.field(record, key, str, where)
        if len(value) > MAX_LINE:
            raise Invalid(f"{where}.{key}", f"a string of {len(value)} characters is longer than gcsh makes")
        return value

    def line(self, value, where: str) -> str:
        """A short line of printable text (it may appear in messages)."""
        if type(value) is not str or len(value) > 200 or not value.isprintable():
            raise Invalid(where, "expected a short line of printable text")
        return value

    def name(self, record: dict, key: str, where: str) -> str:
        value = self.text(record, key, where)
        if not NAME_RE.match(value):
            raise Invalid(f"{where}.{key}", f"not a valid name: {_short(value)}")
        return value

    def flag(self, record: dict, key: str, where: str, default: bool = False) -> bool:
        return self.field(record, key, bool, where) if key in record else default

    def pair(self, value, where: str) -> tuple:
        value = self.expect(value, list, where)
        if len(value) != 2:
            raise Invalid(where, "expected a pair")
        return value[0], value[1]

    def id_of(self, value, where: str, heap: Heap) -> int:
        """The row of an id that names a live object of the file."""
        if type(value) is not int:
            raise Invalid(where, f"expected an object id, got {_short(value)}")
        op = value + HEADS
        if not 0 <= value < self.ids or heap.gen[op] == FREED:
            raise Invalid(where, f"id {_short(value)} is not an object of this session")
        return op


_TYPE_WORDS = {dict: "an object", list: "a list", str: "a string", int: "an integer", bool: "true or false"}


def _short(value, limit: int = 40, quote: bool = True) -> str:
    """A value as it may appear in a one-line message: repr'd, and cut if long."""
    text = repr(value) if quote else str(value)
    if len(text) > limit:
        text = text[:limit - 1] + "…"
    return text.replace("\n", " ")
