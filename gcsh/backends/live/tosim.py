"""`snapshot [NAME...]`: a copy of the live heap in the simulator, to `del` and `collect` there.

The copy holds what the names reach, or every tracked object of the interpreter but
gcsh's own, with their types, references (in traversal order), refcounts and
generations. References from objects that are not copied (frames, C globals,
untracked containers, the objects left out) are what keeps an object alive from
outside a collection: the copy gives them to one untracked list bound to the root
`outside`, once per reference, so that refcounts stay the sum of the references
and the copy collects as the original would. `del outside` drops them all.

The columns of the simulated heap are filled in bulk, a column at a time (a
million objects take 3.5-4 s, three to four times what reading them costs);
`tests/test_live_snapshot.py` checks the result with the simulator's own
invariants.

What a copy cannot carry: values that are not objects of their own (ints, strs and
other atoms a container holds) become literals; types, modules and code are left
out of a copy by names; functions become plain objects with their references;
weakrefs keep their referent only if it was copied too.
"""

from __future__ import annotations

import gc
import operator
import sys
import time
import weakref
from bisect import bisect_right
from dataclasses import dataclass
from itertools import accumulate, chain, compress, repeat

from array import array

from ...values import Atom
from ..sim.kernel import build
from ..sim.kernel.layout import FINALIZED, HEADS, KEYED, UNTRACKED, kind_code
from .attributes import labels
from .gather import gather_all, gather_reach
from .pyexec import STATEMENT_NAMES
from .idmap import index_of
from .objects import HEAPTYPE, has_del, type_name
from .ownership import describe

OUTSIDE = "outside"
HAVE_GC = 1 << 14  # Py_TPFLAGS_HAVE_GC
IMMORTAL = 1 << 29  # a refcount above this is an immortal object's (3.12+): it can never be freed


@dataclass(frozen=True, eq=False)
class Literal(Atom):
    """A value that is not copied as an object of its own, shown as written. Equal only to
    itself: two different objects may have the same description."""

    __eq__ = object.__eq__
    __hash__ = object.__hash__

    def __str__(self) -> str:
        return str(self.value)


def _refcount_overhead() -> int:
    """What `map(sys.getrefcount, objs)` reports beyond the real count, besides the list itself."""
    probe = [object() for _ in range(4)]
    return min(map(sys.getrefcount, probe)) - 1


LABELS = [str(i) for i in range(4096)]  # positional labels of references whose names are unknown


def _labels(count: int) -> list[str]:
    return LABELS[:count] if count <= len(LABELS) else [str(i) for i in range(count)]


def sim_kind(tp: type) -> tuple[str, str | None]:
    """(the simulator's kind for objects of type TP, the type's name when it is not the kind's)."""
    name = type_name(tp)
    if tp in (list, dict, set, tuple, int, str):
        return tp.__name__, None
    if tp is frozenset:
        return "set", name
    if tp is weakref.ref:
        return "weakref", None
    if not tp.__flags__ & HAVE_GC:
        return name, None  # not a container: the simulator's kind is its type's name
    if tp.__flags__ & HEAPTYPE and not issubclass(tp, type) and has_del(tp):
        return "finalizer", name
    return "object", name


# How the references of each kind of object are read (codes, so that one pass picks them):
SELF, VALUES, REFERENTS, NONE = 0, 1, 2, 3  # the object itself (list, tuple, set), a dict's values,
# gc.get_referents (instances and other containers), nothing (weakrefs, atoms)


def _read_code(kind: str, tp: type) -> int:
    if kind in ("list", "tuple", "set"):
        return SELF
    if tp is dict:
        return VALUES
    if kind in ("object", "finalizer"):
        return REFERENTS
    return NONE


def load(sim, objs: list, gens: list, ids: list[int], names: dict[int, str], bound: dict[str, int],
         attrs: dict[int, list[str]] | None = None) -> dict:
    """Fill SIM's heap (emptied first) with OBJS (IDS: their ids). NAMES: id -> user name; BOUND: name -> id of
    the objects the user's root names hold. Returns what was copied, for the command's output.

    The work is done a column at a time with C-level maps: per object, about what
    gc.get_referents and a dict lookup per reference cost."""
    n = len(objs)
    raw = list(map(sys.getrefcount, objs))  # first, while `objs` is the only extra holder
    overhead = _refcount_overhead() + 1  # + the `objs` list's own reference
    types_col = list(map(type, objs))
    kind_of = {tp: sim_kind(tp) for tp in set(types_col)}
    kinds = list(map({tp: k for tp, (k, _) in kind_of.items()}.__getitem__, types_col))
    shown = list(map({tp: t for tp, (_, t) in kind_of.items()}.__getitem__, types_col))
    type_names = dict(compress(enumerate(shown), shown))
    codes = list(map({tp: _read_code(k, tp) for tp, (k, _) in kind_of.items()}.__getitem__, types_col))
    del types_col, shown
    index = index_of(ids)
    get = index.get
    special = list(compress(range(n), codes))  # all but lists, tuples and sets (code SELF is 0)
    weak = [i for i in special if kinds[i] == "weakref"]
    for i in [get(id(objs[i].__callback__)) for i in weak if objs[i].__callback__ is not None]:
        kinds[i], codes[i] = "function", NONE  # a callback: the simulator calls functions without references
        type_names.pop(i, None)
    reads = (tuple, _values, gc.get_referents, None)
    # each container's items taken once, as they are now: its length and its references must agree
    # even if it changes while the copy is made (a set gcsh itself adds to, say)
    raw_refs = [() if code == NONE else reads[code](obj) for code, obj in zip(codes, objs)]
    keys_col: dict[int, list] = {}
    for i in special:
        code = codes[i]
        if code == VALUES:
            keys_col[i] = _dict_labels(objs[i])
        elif code == REFERENTS:
            keys_col[i] = _attribute_labels(objs[i], raw_refs[i], (attrs or {}).get(ids[i], ()))
    flat, lengths, degree, literals = _convert(raw_refs, index)
    del raw_refs
    starts = array("i", accumulate(chain((0,), lengths[:-1])))
    refs_col = _Slices(flat, starts, lengths)
    weak = [(i, get(id(objs[i]())), get(id(objs[i].__callback__)) if objs[i].__callback__ is not None else None)
            for i in weak]
    finalized = [i for i in special if kinds[i] == "finalizer" and gc.is_finalized(objs[i])]
    dicts = _instance_dicts(sim, objs, kinds, refs_col, index, special)
    garbage = [i for i in map(get, map(id, gc.garbage)) if i is not None]
    roots = {name: get(oid) for name, oid in bound.items() if get(oid) is not None and names.get(oid) == name}
    held = [cb for _, _, cb in weak if cb is not None] + garbage + list(roots.values())  # a weakref holds its callback
    for i in held:
        degree[i] += 1
    user_names = {index.get(oid): name for oid, name in names.items() if index.get(oid) is not None}
    del objs, index, codes
    references = sum(degree)
    refcnt, outside = _refcounts(raw, overhead, degree, n)
    del raw

    heap = sim.heap
    _fill(heap, kinds, refcnt, flat, starts, lengths, literals, keys_col, gens, user_names, type_names)
    del flat
    build.bind_rows(heap, [i + HEADS for i in roots.values()])
    build.fill_tables(heap, instance_dict={i + HEADS: d + HEADS for i, d in dicts.items()})
    build.set_flags(heap, [i + HEADS for i in finalized], FINALIZED)
    weakrefable = _weakrefable()
    for i, target, cb in weak:
        wr, cb = i + HEADS, None if cb is None else cb + HEADS
        if target is not None and heap.kind_of(target + HEADS) in weakrefable:
            heap.add_weakref(wr, target + HEADS, cb)
        else:  # its referent was not copied: as if it were gone
            build.fill_tables(heap, referent={wr: None})
            if cb is not None:
                heap.edges_set(wr, [cb])
                build.fill_tables(heap, keys={wr: ["__callback__"]}, callback={wr: cb})
                build.set_flags(heap, [wr], KEYED)
    holder = _hold_outside(heap, outside, n)
    build.set_scalars(heap, count=gc.get_count(), threshold=gc.get_threshold(), enabled=gc.isenabled(),
                      garbage=[i + HEADS for i in garbage], long_lived_total=heap.count_of(2))
    build.start_history(heap)  # the copy is where the simulator's history starts
    return {"objects": n, "references": references, "literals": len(literals),
            "outside": len(outside), "outside_name": holder, "named": len(roots)}


def _attribute_labels(obj: object, refs, attrs) -> list[str]:
    """An instance's references labelled by the attributes that hold them (attributes.labels: read
    without making CPython build the instance's __dict__), by position where the name is not
    known; each label once."""
    found = labels(obj, refs, list(attrs) + sorted(STATEMENT_NAMES))
    positions = _labels(len(refs))
    out = [name or label for name, label in zip(found, positions)]
    if len(set(out)) != len(out):  # one name twice: positions keep them apart
        out = [name if name and found.count(name) == 1 else label for name, label in zip(found, positions)]
        if len(set(out)) != len(out):
            out = positions
    return out


def _values(d: dict) -> tuple:
    return tuple(d.values())


def _dict_labels(d: dict) -> list[str]:
    keys = list(d)
    if not all(map(isinstance, keys, repeat(str))):
        keys = [k if type(k) is str else f"{describe(k)} #{i}" for i, k in enumerate(keys)]  # unique
    return keys


class _Slices:
    """Object i's references, read from the flat list when asked for (only a few objects are)."""

    def __init__(self, flat: list, starts: array, lengths: array) -> None:
        self.flat, self.starts, self.lengths = flat, starts, lengths

    def __getitem__(self, i: int) -> list:
        return self.flat[self.starts[i]:self.starts[i] + self.lengths[i]]


def _convert(raw_refs: list, index) -> tuple[list, array, list[int], dict]:
    """Every object's references, laid end to end, as positions in the copy (and, at the
    positions of what is not copied, literals: one per object), each object's number of
    references, and how many references each position receives: one flat pass."""
    flat, degree, misses = index.convert(raw_refs)
    lengths = array("i", map(len, raw_refs))
    literals: dict[int, Atom] = {}
    if misses:  # what is not copied: one literal per object, put in place at C speed but the last step
        ends = list(accumulate(lengths))
        missing = _at(raw_refs, ends, misses, len(flat))
        ids = list(map(id, missing))
        literals = {i: _literal(x) for i, x in dict(zip(ids, missing)).items()}
        del missing
        for k, lit in zip(misses, map(literals.__getitem__, ids)):
            flat[k] = lit
    return flat, lengths, degree, literals


def _at(parts: list, ends: list[int], offsets: list[int], total: int) -> list:
    """The objects at these offsets of all the parts laid end to end (few: found one by one)."""
    if len(offsets) * 8 > total:
        return list(map(list(chain.from_iterable(parts)).__getitem__, offsets))
    out, listed = [], {}
    for k in offsets:
        i = bisect_right(ends, k)
        part = parts[i]
        if type(part) not in (list, tuple):  # a set or a dict's values: listed once
            part = listed[i] if i in listed else listed.setdefault(i, list(part))
        out.append(part[k - (ends[i - 1] if i else 0)])
    return out


def _refcounts(raw: list[int], overhead: int, degree: list[int], n: int) -> tuple[list[int], list[int]]:
    """Each copy's refcount (references inside the copy, plus those from outside), and the ids
    the `outside` list must hold, once per reference from outside."""
    external = list(map(operator.sub, map(operator.sub, raw, repeat(overhead, n)), degree))
    outside: list[int] = []
    for i in compress(range(n), external):
        e = 1 if raw[i] > IMMORTAL else max(external[i], 0)  # immortal (3.12+): never freed; < 0: no real count
        external[i] = e
        outside.extend(repeat(i, e))
    return list(map(operator.add, degree, external)), outside


def _groups(gens: list) -> dict:
    """Positions by generation marker: a range each when every marker comes in one run, as
    `gather_all` makes them (C-level counting then), lists otherwise."""
    runs, start = {}, 0
    for marker in dict.fromkeys(gens):  # the markers, in order of first appearance
        count = gens.count(marker)
        if gens[start:start + count].count(marker) != count:
            break
        runs[marker] = range(start, start + count)
        start += count
    else:
        return runs
    groups: dict = {}
    for i, marker in enumerate(gens):
        groups.setdefault(marker, []).append(i)
    return groups


def _literal(obj: object) -> Atom:
    """An int or str as the simulator writes values; anything else described, equal only to itself.
    (Made without the dataclass's __init__: there may be a few hundred thousand of them.)"""
    tp = type(obj)
    if tp is str and len(obj) <= 40 or tp is int and -10**40 < obj < 10**40:
        lit = object.__new__(Atom)
    elif tp is str:  # the commonest literal of all: most of an interpreter's strs are long names, docs
        lit, obj = object.__new__(Literal), repr(obj[:30]) + "…"
    else:
        lit, obj = object.__new__(Literal), describe(obj)
    object.__setattr__(lit, "value", obj)
    return lit


def _instance_dicts(sim, objs: list, kinds: list[str], refs_col: list, index, special: list[int]) -> dict[int, int]:
    """3.10: an instance's separate __dict__, which the simulator must know (reading __dict__ is
    safe there; from 3.11 on it would make CPython create one)."""
    if not (sim.model.instance_dict and sys.version_info < (3, 11)):
        return {}
    out = {}
    for i in (i for i in special if kinds[i] in ("object", "finalizer")):
        refs = refs_col[i]
        d = getattr(objs[i], "__dict__", None) if type(objs[i]).__flags__ & HEAPTYPE else None
        if refs and d is not None and refs[0] == index.get(id(d)):
            out[i] = refs[0]
    return out


def _fill(heap, kinds, refcnt, flat, starts, lengths, literals, keys_col, gens, user_names, type_names) -> None:
    """The columns, in bulk, and the generation lists in list order (rows start at HEADS: the heap
    is new). Only the user's names are stored; the others are computed from the rows."""
    codes = {kind: kind_code(kind) for kind in set(kinds)}
    if literals:  # literal entries become the pool's negative entries
        encoded = {id(lit): heap.encode(lit) for lit in literals.values()}
        flat = [x if type(x) is int else encoded[id(x)] for x in flat]
    build.add_rows(heap, array("H", map(codes.__getitem__, kinds)), array("i", refcnt), array("b", gens), starts,
                   lengths, _rows(flat))
    build.fill_tables(heap, keys={i + HEADS: keys for i, keys in keys_col.items()},
                      type_names={i + HEADS: name for i, name in type_names.items()})
    build.set_flags(heap, [i + HEADS for i in keys_col], KEYED)
    build.name_rows(heap, {i + HEADS: name for i, name in user_names.items()})
    for marker, members in _groups(gens).items():
        if marker != UNTRACKED:
            build.link_rows(heap, marker, [m + HEADS for m in members])
    widest = max((len(k) for k in keys_col.values()), default=0)
    # 3.11+ instances visit their values in the order of these names
    build.fill_tables(heap, shared_keys={kind: tuple(_labels(widest)) for kind in ("object", "finalizer")})


def _rows(flat: list) -> array:
    """Positions in the copy (>= 0) as rows (+ HEADS); literal entries (< 0) as they are (with numpy
    if it is loaded already: importing it would add its objects to the interpreter being copied)."""
    numpy = sys.modules.get("numpy")
    if numpy is None:
        return array("i", [x + HEADS if x >= 0 else x for x in flat])
    entries = numpy.array(flat, dtype=numpy.int64)
    entries[entries >= 0] += HEADS
    return array("i", entries.astype(numpy.int32).tobytes())


def _hold_outside(heap, outside: list[int], n: int) -> str | None:
    """One untracked list, bound to the root `outside`, holding every reference from outside."""
    if not outside:
        return None
    name = OUTSIDE if heap.live_row(OUTSIDE) is None else f"{OUTSIDE}_{n}"
    on_alloc, heap.on_alloc = heap.on_alloc, None  # its allocation must not start a collection
    try:
        holder = heap.new_object("list", name)
    finally:
        heap.on_alloc = on_alloc
    heap.edges_set(holder, [i + HEADS for i in outside])
    heap.bind(name, holder)
    return name


def _weakrefable() -> frozenset:
    from ..sim.kernel.layout import WEAKREFABLE
    return WEAKREFABLE


def copy_heap(backend, sim, names: list[str] | None) -> dict:
    """The `snapshot` command: gather, load, and say what was copied and how long it took."""
    start = time.perf_counter()
    from ..sim.models import default_model
    model = default_model()
    if sim.model.version != model:
        sim.set_model(model)  # the copy is of this interpreter's heap: simulate this version
    previous = sim.heap
    sim.reset()  # the previous copy goes first: a copy must never see the simulator's own state
    previous.dispose()
    del previous
    objs, gens, ids = gather_reach(backend, names) if names else gather_all(backend)
    user = {rec.oid: rec.name for rec in backend.records.by_id.values()}
    bound = {name: id(backend.ns[name]) for name in backend.records.user_names()}
    attrs = {rec.oid: list(rec.attrs) for rec in backend.records.by_id.values() if rec.attrs}
    info = load(sim, objs, gens, ids, user, bound, attrs)
    info["seconds"] = time.perf_counter() - start
    info["scope"] = "reach" if names else "all"
    info["model"] = model
    return info
