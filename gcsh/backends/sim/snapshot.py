"""Checkpoints of the simulated heap, so that an interrupted command can be undone.

`capture(heap)` copies what a command can change; `restore(heap, state)` puts it
back in place. Ids are never reused and a freed object never changes again,
so a checkpoint needs only the live objects' mutable cells plus the number of
ids given out: ids allocated after the checkpoint are cut off on restore.

The cost is proportional to the live heap, not to the history of the session.
`checkpoint_wanted` decides when that cost is worth paying: for the commands
whose work grows with the heap, and for any command during which an automatic
collection may start. The other commands are short and are never interrupted
half-way: the runner defers Ctrl-C to their end.
"""

from __future__ import annotations

from dataclasses import dataclass
from operator import attrgetter
from typing import Callable

from .heap import Heap

# Columns indexed by id (kind and name never change once an id is given out), and the heap's
# other fields, as a checkpoint treats them.
ID_COLUMNS = ("kind", "refcnt", "refs", "keys", "gen", "name")
SHARED = ("model", "emit", "on_alloc")  # not state: wiring set when the heap is made
# The other fields, by how they are copied (deep enough that the command cannot change the copy).
SCALARS = ("enabled", "debug", "long_lived_total", "long_lived_pending", "collecting", "gc_scheduled",
           "callbacks_on")
SHALLOW = ("finalized", "resurrects", "referent", "callback", "instance_dict", "type_names", "by_name", "roots",
           "freed_names", "count", "threshold", "garbage", "freed_log", "free")
NESTED: dict[str, Callable] = {
    "weakrefs": lambda d: {target: list(wrs) for target, wrs in d.items()},
    "shared_keys": lambda d: {kind: list(names) for kind, names in d.items()},
    "generations": lambda gens: [g.copy() for g in gens],
    "stats": lambda stats: [dict(entry) for entry in stats],
    "journal": lambda journal: None if journal is None else list(journal),
}
_get_scalars, _get_shallow = attrgetter(*SCALARS), attrgetter(*SHALLOW)

# Commands that only read the heap: interrupting them needs no undo (tests/test_faults_interrupt.py
# checks that each of them leaves the heap exactly as it was).
READ_ONLY = frozenset({"count", "stats", "objects", "referrers", "referents", "tracked", "finalized", "heap",
                       "freezecount", "isenabled", "help", "save", "graph", "export", "why", "cycles", "whatif"})
# Commands whose work stays small however large the heap (a refcount cascade from `del` or `unlink`
# aside): Ctrl-C waits for their end rather than paying for a checkpoint, unless an automatic
# collection may start during them.
BOUNDED = frozenset({"alloc", "weakref", "link", "unlink", "del", "threshold", "flags", "enable", "disable",
                     "callbacks", "quit"})
# Commands that build a new heap aside and never touch the current one: undo puts the old one back.
REPLACE_HEAP = frozenset({"load", "reset", "model"})
# Commands that Ctrl-C never interrupts half-way: `source` runs commands that each take their own
# checkpoint; `backend` changes the session, not the heap.
NEVER_UNDONE = frozenset({"source", "backend"})


@dataclass
class HeapState:
    ids: int  # ids given out when the checkpoint was taken
    cells: dict[int, tuple]  # live id -> (refcnt, gen, refs, keys), the lists copied
    scalars: tuple
    shallow: list
    nested: dict[str, object]


def capture(heap: Heap) -> HeapState:
    refcnt, gen, refs, keys = heap.refcnt, heap.gen, heap.refs, heap.keys
    cells = {op: (refcnt[op], gen[op], _copy_list(refs[op]), _copy_list(keys[op])) for op in _live(heap)}
    return HeapState(len(heap.kind), cells, _get_scalars(heap), [v.copy() for v in _get_shallow(heap)],
                     {name: copy(getattr(heap, name)) for name, copy in NESTED.items()})


def restore(heap: Heap, state: HeapState) -> None:
    """Put the checkpoint back (once: the heap takes over the checkpoint's copies)."""
    for column in ID_COLUMNS:
        del getattr(heap, column)[state.ids:]
    refcnt, gen, refs, keys = heap.refcnt, heap.gen, heap.refs, heap.keys
    for op, (rc, g, r, k) in state.cells.items():
        refcnt[op], gen[op], refs[op], keys[op] = rc, g, r, k
    for names, values in ((SCALARS, state.scalars), (SHALLOW, state.shallow), (NESTED, state.nested.values())):
        for name, value in zip(names, values):
            setattr(heap, name, value)


def checkpoint_wanted(heap: Heap, command: str, words: int) -> bool:
    """Is a full checkpoint worth its cost? Unknown commands get one: safe by default."""
    return command not in BOUNDED or collection_may_start(heap, margin=2 * words + 4)


def collection_may_start(heap: Heap, margin: int) -> bool:
    """Could `margin` more allocations start an automatic collection (or is one already due)?"""
    return heap.gc_scheduled or (heap.enabled and heap.threshold[0] != 0
                                 and heap.count[0] + margin > heap.threshold[0])


def _live(heap: Heap):
    return heap.by_name.values()


def _copy_list(value):
    return None if value is None else list(value)


def backend_checkpoint(backend, command: str, words: int) -> Callable[[], None] | None:
    """The simulator's undo for one command, or None when Ctrl-C should wait for its end."""
    if command in NEVER_UNDONE:
        return None
    if command in READ_ONLY:
        return _nothing_to_undo
    heap, model, last_unreachable = backend.heap, backend.model, backend.last_unreachable
    state = None
    if command not in REPLACE_HEAP:
        if not checkpoint_wanted(heap, command, words):
            return None
        state = capture(heap)

    def undo() -> None:
        backend.heap, backend.model, backend.last_unreachable = heap, model, last_unreachable
        if state is not None:
            restore(heap, state)

    return undo


def _nothing_to_undo() -> None:
    pass
