"""Simulator sessions as JSON files: `save FILE` and `load FILE`.

A session file is one JSON object, never pickle (loading a file must never run
code). It holds the model, every live object with its id, name, kind,
refcount and references, the generation lists in order, the root names,
gc.garbage, weak references and the collector's settings and counters.
Ids are kept as they are, because anonymous names and the printed addresses
are made from them; freed ids come back as freed slots.

Loading trusts nothing (sessionjson.py, restore.py): the file's size and the number of JSON
values in it are bounded before it is parsed (so that parsing fits in bounded
memory), every field is checked for its type and range, and the rebuilt heap
must pass `invariants.problems` before it replaces the current heap. Any
fault is one `UserError` line and the current heap is left as it was.
"""

from __future__ import annotations

from ...errors import UserError
from ...fileio import check_target, read_bytes, write_atomically
from .kernel.heap import Heap
from ...values import NAME_RE
from .kernel.layout import FREED, FREED_BY_GC, HEADS, HIDDEN, PERMANENT, UNTRACKED

FORMAT = "gcsh-session"
VERSION = 1
MAX_FILE_BYTES = 160 * 1024 * 1024
MAX_VALUES = 8_000_000  # JSON values a file may hold: parsing them takes ~60 bytes each
MAX_IDS = 1 << 22  # ids given out in one session: bounds the memory a file can ask for


class Invalid(Exception):
    """A field of the file is not what a session file holds; `where` names it."""

    def __init__(self, where: str, message: str):
        super().__init__(f"{where}: {message}" if where else message)


# ---------------------------------------------------------------- saving


def _id(op: int) -> int:
    return op - HEADS


def dump(heap: Heap) -> dict:
    """The session file's JSON object for a heap (between two commands)."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "backend": "sim",
        "model": heap.model.version,
        "ids": heap.size(),
        "objects": [_dump_object(heap, op) for op in heap.live()],
        "generations": [[_id(op) for op in heap.objects(g)] for g in (0, 1, 2, PERMANENT)],
        # the tables in a canonical order (a dict's order is not part of the heap's state)
        "roots": [[name, _id(op)] for name, op in sorted(heap.roots.items())],
        "garbage": [_id(op) for op in heap.garbage],
        "weakrefs": [[_id(target), [_id(wr) for wr in wrs]] for target, wrs in sorted(heap.weakrefs.items())],
        "referents": [[_id(wr), None if target is None else _id(target)]
                      for wr, target in sorted(heap.referent.items())],
        "callbacks": [[_id(wr), _id(cb)] for wr, cb in sorted(heap.callback.items())],
        "instance_dicts": [[_id(inst), _id(d)] for inst, d in sorted(heap.instance_dict.items())],
        "type_names": [[_id(op), name] for op, name in sorted(heap.type_names.items()) if heap.alive(op)],
        # [class, its shared names, the room left in them]
        "shared_keys": [[kind, list(heap.shared_keys.get(kind, ())), heap.shared_keys_room(kind)]
                        for kind in sorted(heap.shared_keys.keys() | heap.shared_room.keys())],
        "freed_names": _freed_names(heap),
        "collector": _dump_collector(heap),
    }


def _freed_names(heap: Heap) -> list:
    """The names of freed objects that no live object has taken since: a later use says how it went."""
    out = []
    for op in range(HEADS, len(heap.kind)):
        if heap.gen[op] == FREED and not heap.flags[op] & HIDDEN and not heap.names.generated(op):
            name = heap.name_of(op)
            if heap.lookup(name) == op and NAME_RE.match(name):
                out.append([name, _how(heap, op)])
    return sorted(out)


def _how(heap: Heap, op: int) -> str:
    return "the collector freed it" if heap.flags[op] & FREED_BY_GC else "it was freed when its refcount reached 0"


def _dump_object(heap: Heap, op: int) -> dict:
    record = {"id": _id(op), "name": heap.name_of(op), "kind": heap.kind_of(op), "refcount": heap.refcnt[op]}
    items, keys = heap.items(op), heap.keys_of(op)
    if items:
        record["refs"] = [_id(x) if type(x) is int else {"int" if type(x.value) is int else "str": x.value}
                          for x in items]
    if keys is not None:
        record["keys"] = list(keys)
        order = heap.attr_order.get(op)
        if order is not None and order != keys:  # inline attributes set in another order than they are visited
            record["order"] = list(order)
    if heap.gen[op] == UNTRACKED:
        record["tracked"] = False
    if heap.is_finalized(op):
        record["finalized"] = True
    if heap.resurrects(op):
        record["resurrects"] = True
    return record


def _dump_collector(heap: Heap) -> dict:
    # 3.15's seconds spent per generation are left out: a save is the same however fast the machine ran
    stats = [{k: v for k, v in heap.stats_of(g).items() if k != "duration"} for g in range(3)]
    return {"count": list(heap.count), "threshold": list(heap.threshold), "enabled": heap.enabled,
            "debug": heap.debug, "stats": stats, "callbacks": heap.callbacks_on,
            "long_lived_total": heap.long_lived_total, "long_lived_pending": heap.long_lived_pending,
            "gc_scheduled": heap.gc_scheduled, "free_lists": heap.free_lists()}


def to_text(heap: Heap) -> str:
    """The file's text: the header fields first, then one object per line (readable, diffable)."""
    import json  # (not at start-up: only saving needs it)

    doc = dump(heap)
    objects = doc.pop("objects")
    # ASCII only (json's escapes): any string round-trips, whatever characters it holds
    head = ",\n".join(f" {json.dumps(k)}: {json.dumps(v)}" for k, v in doc.items())
    body = ",\n".join("  " + json.dumps(o) for o in objects)
    return "{\n" + head + ',\n "objects": [\n' + body + ("\n" if body else "") + " ]\n}\n"


def estimated_values(heap: Heap) -> int:
    """About how many JSON values the heap's session file holds (what loading it will parse)."""
    return 8 * len(heap) + len(heap.pool) + 64


def parse(data: bytes) -> dict:
    """The file's JSON object, checked (sessionjson.py)."""
    from .sessionjson import parse
    return parse(data)


def build(doc: dict, emit=None) -> Heap:
    """A new heap from a parsed session file, checked field by field (restore.py)."""
    from .restore import build
    return build(doc, emit)


# ---------------------------------------------------------------- the commands' work


def save(backend, path: str) -> dict:
    heap = backend.heap
    if heap.size() > MAX_IDS:
        raise UserError(f"this session has made {heap.size():,} objects ({len(heap):,} alive); a session file "
                        f"holds at most {MAX_IDS:,} ids (reset, or save earlier)")
    values = estimated_values(heap)
    if values > MAX_VALUES:
        raise UserError(f"this heap of {len(heap):,} objects needs about {values:,} values in a session file, "
                        f"which holds at most {MAX_VALUES:,} "
                        f"(about {MAX_VALUES // 9:,} objects of one reference each)")
    check_target(path)  # before the work: a mistyped path fails at once
    data = to_text(heap).encode("ascii")
    write_atomically(path, data)
    return {"file": path, "objects": len(heap), "model": heap.model.version, "version": VERSION,
            "bytes": len(data)}


def load(backend, path: str) -> dict:
    """Read, check and rebuild; only a complete, sound heap replaces the backend's."""
    data = read_bytes(path, MAX_FILE_BYTES, "a session file")
    try:
        heap = build(parse(data), backend.emit)
    except Invalid as e:
        raise UserError(f"{path}: cannot load: {e}") from None
    backend.replace_heap(heap)
    return {"file": path, "objects": len(heap), "model": heap.model.version, "version": VERSION}

