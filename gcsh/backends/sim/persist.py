"""Simulator sessions as JSON files: `save FILE` and `load FILE`.

A session file is one JSON object, never pickle (loading a file must never run
code). It holds the model, every live object with its id, name, kind,
refcount and references, the generation lists in order, the root names,
gc.garbage, weak references and the collector's settings and counters.
Ids are kept as they are, because anonymous names and the printed addresses
are made from them; freed ids come back as freed slots.

Loading trusts nothing: every field is checked for its type and range, the
sizes are bounded, and the rebuilt heap must pass `invariants.problems`
(refcounts equal to references, nothing dangling, each object on one list)
before it replaces the current heap. Any fault is one `UserError` line and
the current heap is left as it was.
"""

from __future__ import annotations

import json

from ...values import NAME_RE, Atom
from ...errors import UserError
from ...fileio import check_target, read_bytes, write_atomically
from ...syntax import MAX_LINE
from . import invariants
from .heap import COLLECTING, FREED, GC_KINDS, UNTRACKED, Heap
from .models import MODELS

FORMAT = "gcsh-session"
VERSION = 1
MAX_FILE_BYTES = 256 * 1024 * 1024
MAX_IDS = 1 << 22  # ids given out in one session: bounds the memory a file can ask for
MAX_INT = (1 << 63) - 1  # refcounts and counters fit a C Py_ssize_t
KINDS = GC_KINDS | {"int", "str"}
STATS_KEYS = ("collections", "collected", "uncollectable")
FREED_KIND, FREED_NAME = "freed", ""  # what the slot of an id freed before the save holds
UNPLACED = COLLECTING  # while loading: tracked, but not yet found on a generation list
TOP_LEVEL = {"format", "version", "backend", "model", "ids", "objects", "generations", "roots", "garbage",
             "weakrefs", "referents", "callbacks", "instance_dicts", "type_names", "shared_keys", "freed_names",
             "collector"}


class Invalid(Exception):
    """A field of the file is not what a session file holds; `where` names it."""

    def __init__(self, where: str, message: str):
        super().__init__(f"{where}: {message}" if where else message)


# ---------------------------------------------------------------- saving


def dump(heap: Heap) -> dict:
    """The session file's JSON object for a heap (between two commands)."""
    live = invariants.live_ids(heap)
    return {
        "format": FORMAT,
        "version": VERSION,
        "backend": "sim",
        "model": heap.model.version,
        "ids": invariants.size(heap),
        "objects": [_dump_object(heap, op) for op in live],
        "generations": [list(members) for members in heap.generations],
        "roots": [[name, op] for name, op in heap.roots.items()],
        "garbage": list(heap.garbage),
        "weakrefs": [[target, list(wrs)] for target, wrs in heap.weakrefs.items()],
        "referents": [[wr, target] for wr, target in heap.referent.items()],
        "callbacks": [[wr, cb] for wr, cb in heap.callback.items()],
        "instance_dicts": [[inst, d] for inst, d in heap.instance_dict.items()],
        "type_names": [[op, name] for op, name in heap.type_names.items()],
        "shared_keys": [[kind, list(names)] for kind, names in heap.shared_keys.items()],
        "freed_names": [[name, why] for name, why in heap.freed_names.items()],
        "collector": _dump_collector(heap),
    }


def _dump_object(heap: Heap, op: int) -> dict:
    record = {"id": op, "name": heap.name[op], "kind": heap.kind[op], "refcount": heap.refcnt[op]}
    refs, keys = heap.refs[op], heap.keys[op]
    if refs is not None:
        record["refs"] = [_dump_ref(x) for x in refs]
    if keys is not None:
        record["keys"] = list(keys)
    if heap.gen[op] == UNTRACKED:
        record["tracked"] = False
    if op in heap.finalized:
        record["finalized"] = True
    if op in heap.resurrects:
        record["resurrects"] = True
    return record


def _dump_ref(x):
    if type(x) is int:
        return x
    return {"int" if type(x.value) is int else "str": x.value}


def _dump_collector(heap: Heap) -> dict:
    return {"count": list(heap.count), "threshold": list(heap.threshold), "enabled": heap.enabled,
            "debug": heap.debug, "stats": [dict(e) for e in heap.stats], "callbacks": heap.callbacks_on,
            "long_lived_total": heap.long_lived_total, "long_lived_pending": heap.long_lived_pending,
            "gc_scheduled": heap.gc_scheduled, "free_lists": dict(heap.free)}


def to_text(heap: Heap) -> str:
    """The file's text: the header fields first, then one object per line (readable, diffable)."""
    doc = dump(heap)
    objects = doc.pop("objects")
    # ASCII only (json's escapes): any string round-trips, whatever characters it holds
    head = ",\n".join(f" {json.dumps(k)}: {json.dumps(v)}" for k, v in doc.items())
    body = ",\n".join("  " + json.dumps(o) for o in objects)
    return "{\n" + head + ',\n "objects": [\n' + body + ("\n" if body else "") + " ]\n}\n"


# ---------------------------------------------------------------- loading


def parse(data: bytes) -> dict:
    """The file's JSON object; Invalid for anything that is not strict, unambiguous JSON."""
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
    _fill_freed_slots(heap, ids)
    _load_objects(r, heap, r.field(doc, "objects", list, ""), ids)
    _load_generations(r, heap, r.field(doc, "generations", list, ""))
    _load_names(r, heap, doc)
    _load_weakrefs(r, heap, doc)
    _load_collector(r, heap, r.field(doc, "collector", dict, ""))
    found = invariants.problems(heap, limit=1)
    if found:
        raise Invalid("", f"inconsistent session: {_short(found[0], 160, quote=False)}")
    return heap


def _fill_freed_slots(heap: Heap, ids: int) -> None:
    heap.kind = [FREED_KIND] * ids
    heap.name = [FREED_NAME] * ids
    heap.refcnt = [0] * ids
    heap.refs = [None] * ids
    heap.keys = [None] * ids
    heap.gen = [FREED] * ids


def _load_objects(r: "_Reader", heap: Heap, records: list, ids: int) -> None:
    last = -1
    for i, record in enumerate(records):
        where = f"objects[{i}]"
        record = r.expect(record, dict, where)
        r.only(record, {"id", "name", "kind", "refcount", "refs", "keys", "tracked", "finalized", "resurrects"},
               where)
        op = r.integer(record, "id", where, 0, ids - 1)
        if op <= last:
            raise Invalid(f"{where}.id", "ids must be unique and in increasing order")
        last = op
        name = r.name(record, "name", where)
        if name in heap.by_name:
            raise Invalid(f"{where}.name", f"{name!r} is the name of two objects")
        kind = r.field(record, "kind", str, where)
        if kind not in KINDS:
            raise Invalid(f"{where}.kind", f"unknown kind {_short(kind)}")
        heap.kind[op], heap.name[op], heap.by_name[name] = kind, name, op
        heap.refcnt[op] = r.integer(record, "refcount", where, 0, MAX_INT)
        if "refs" in record:
            heap.refs[op] = [_load_ref(r, x, f"{where}.refs[{j}]", ids)
                             for j, x in enumerate(r.field(record, "refs", list, where))]
        if "keys" in record:
            heap.keys[op] = [_load_key(r, k, f"{where}.keys[{j}]")
                             for j, k in enumerate(r.field(record, "keys", list, where))]
        if r.flag(record, "finalized", where):
            heap.finalized.add(op)
        if r.flag(record, "resurrects", where):
            heap.resurrects.add(op)
        tracked = r.flag(record, "tracked", where, default=True)
        if tracked and kind not in GC_KINDS:
            raise Invalid(f"{where}.tracked", f"a {kind} is never tracked")
        heap.gen[op] = UNPLACED if tracked else UNTRACKED


def _load_ref(r: "_Reader", x, where: str, ids: int):
    if type(x) is int:
        if not 0 <= x < ids:
            raise Invalid(where, f"refers to id {x}, which this session never gave out")
        return x
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
    for g, members in enumerate(lists):
        where = f"generations[{g}]"
        target = heap.generations[g]
        for j, op in enumerate(r.expect(members, list, where)):
            op = r.id_of(op, f"{where}[{j}]", heap)
            if heap.gen[op] != UNPLACED:
                listed = "twice" if heap.gen[op] != UNTRACKED else "but not tracked"
                raise Invalid(f"{where}[{j}]", f"{heap.name[op]} is listed {listed}")
            heap.gen[op] = g
            target[op] = None
    for op, g in enumerate(heap.gen):
        if g == UNPLACED:
            raise Invalid("generations", f"tracked object {heap.name[op]} is on no generation list")


def _load_names(r: "_Reader", heap: Heap, doc: dict) -> None:
    for j, pair in enumerate(r.field(doc, "roots", list, "")):
        name, op = r.pair(pair, f"roots[{j}]")
        name = r.expect(name, str, f"roots[{j}][0]")
        if name in heap.roots:
            raise Invalid(f"roots[{j}]", f"{_short(name)} is bound twice")
        heap.roots[name] = r.id_of(op, f"roots[{j}][1]", heap)
    heap.garbage = [r.id_of(op, f"garbage[{j}]", heap) for j, op in enumerate(r.field(doc, "garbage", list, ""))]
    for j, pair in enumerate(r.field(doc, "freed_names", list, "")):
        name, why = r.pair(pair, f"freed_names[{j}]")
        if type(name) is not str or not NAME_RE.match(name) or len(name) > MAX_LINE:
            raise Invalid(f"freed_names[{j}][0]", f"not a valid name: {_short(name)}")
        heap.freed_names[name] = r.line(why, f"freed_names[{j}][1]")
    if len(heap.freed_names) > MAX_IDS:
        raise Invalid("freed_names", f"more than {MAX_IDS} names")


def _load_weakrefs(r: "_Reader", heap: Heap, doc: dict) -> None:
    for j, pair in enumerate(r.field(doc, "referents", list, "")):
        wr, target = r.pair(pair, f"referents[{j}]")
        wr = r.id_of(wr, f"referents[{j}][0]", heap)
        if wr in heap.referent:
            raise Invalid(f"referents[{j}]", f"weakref {heap.name[wr]} appears twice")
        heap.referent[wr] = None if target is None else r.id_of(target, f"referents[{j}][1]", heap)
    for j, pair in enumerate(r.field(doc, "weakrefs", list, "")):
        target, wrs = r.pair(pair, f"weakrefs[{j}]")
        target = r.id_of(target, f"weakrefs[{j}][0]", heap)
        if target in heap.weakrefs:
            raise Invalid(f"weakrefs[{j}]", f"{heap.name[target]} appears twice")
        heap.weakrefs[target] = [r.id_of(wr, f"weakrefs[{j}][1][{k}]", heap)
                                 for k, wr in enumerate(r.expect(wrs, list, f"weakrefs[{j}][1]"))]
    for what, table in (("callbacks", heap.callback), ("instance_dicts", heap.instance_dict)):
        for j, pair in enumerate(r.field(doc, what, list, "")):
            key, value = r.pair(pair, f"{what}[{j}]")
            key = r.id_of(key, f"{what}[{j}][0]", heap)
            if key in table:
                raise Invalid(f"{what}[{j}]", f"{heap.name[key]} appears twice")
            table[key] = r.id_of(value, f"{what}[{j}][1]", heap)
    for j, pair in enumerate(r.field(doc, "type_names", list, "")):
        op, name = r.pair(pair, f"type_names[{j}]")
        op = r.id_of(op, f"type_names[{j}][0]", heap)
        heap.type_names[op] = r.line(name, f"type_names[{j}][1]")
    for j, pair in enumerate(r.field(doc, "shared_keys", list, "")):
        kind, names = r.pair(pair, f"shared_keys[{j}]")
        heap.shared_keys[r.expect(kind, str, f"shared_keys[{j}][0]")] = [
            r.expect(name, str, f"shared_keys[{j}][1][{k}]")
            for k, name in enumerate(r.expect(names, list, f"shared_keys[{j}][1]"))]
    if heap.instance_dict and not heap.model.instance_dict:
        raise Invalid("instance_dicts", f"CPython {heap.model.version} keeps no separate instance dicts")


def _load_collector(r: "_Reader", heap: Heap, c: dict) -> None:
    r.only(c, {"count", "threshold", "enabled", "debug", "stats", "callbacks", "long_lived_total",
               "long_lived_pending", "gc_scheduled", "free_lists"}, "collector")
    heap.count = r.integers(c, "count", "collector", 0, MAX_INT)
    heap.threshold = r.integers(c, "threshold", "collector", None, None)  # as big as `threshold` takes
    heap.enabled = r.field(c, "enabled", bool, "collector")
    heap.callbacks_on = r.field(c, "callbacks", bool, "collector")
    heap.gc_scheduled = r.field(c, "gc_scheduled", bool, "collector")
    heap.debug = r.integer(c, "debug", "collector", 0, None)
    heap.long_lived_total = r.integer(c, "long_lived_total", "collector", 0, MAX_INT)
    heap.long_lived_pending = r.integer(c, "long_lived_pending", "collector", 0, MAX_INT)
    for slot, n in r.field(c, "free_lists", dict, "collector").items():
        heap.free[slot] = r.integer({slot: n}, slot, "collector.free_lists", 0, MAX_INT)  # caps: invariants
    stats = r.field(c, "stats", list, "collector")
    if len(stats) != 3:
        raise Invalid("collector.stats", "expected 3 entries, one per generation")
    for g, entry in enumerate(stats):
        where = f"collector.stats[{g}]"
        entry = r.expect(entry, dict, where)
        r.only(entry, set(STATS_KEYS), where)
        heap.stats[g] = {k: r.integer(entry, k, where, 0, MAX_INT) for k in STATS_KEYS}


class _Reader:
    """Typed access to the parsed JSON; every mistake names the field it is in."""

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
        """An id that names a live object of the file."""
        if type(value) is not int:
            raise Invalid(where, f"expected an object id, got {_short(value)}")
        if not 0 <= value < len(heap.gen) or heap.gen[value] == FREED:
            raise Invalid(where, f"id {_short(value)} is not an object of this session")
        return value


_TYPE_WORDS = {dict: "an object", list: "a list", str: "a string", int: "an integer", bool: "true or false"}


def _short(value, limit: int = 40, quote: bool = True) -> str:
    """A value as it may appear in a one-line message: repr'd, and cut if long."""
    text = repr(value) if quote else str(value)
    if len(text) > limit:
        text = text[:limit - 1] + "…"
    return text.replace("\n", " ")


# ---------------------------------------------------------------- the commands' work


def save(backend, path: str) -> dict:
    heap = backend.heap
    if invariants.size(heap) > MAX_IDS:
        raise UserError(f"this session has made {invariants.size(heap)} objects; a session file holds at most "
                        f"{MAX_IDS} (reset, or save earlier)")
    check_target(path)  # before the work: a mistyped path fails at once
    data = to_text(heap).encode("ascii")
    write_atomically(path, data)
    return {"file": path, "objects": len(heap.by_name), "model": heap.model.version, "version": VERSION,
            "bytes": len(data)}


def load(backend, path: str) -> dict:
    """Read, check and rebuild; only a complete, sound heap replaces the backend's."""
    data = read_bytes(path, MAX_FILE_BYTES, "a session file")
    try:
        heap = build(parse(data), backend.emit)
    except Invalid as e:
        raise UserError(f"{path}: cannot load: {e}") from None
    backend.replace_heap(heap)
    return {"file": path, "objects": len(heap.by_name), "model": heap.model.version, "version": VERSION}
