"""Many rows at once: a bulk command's lists, a session file's objects, a copy of a live heap.

The store writes one object at a time, each write journaled. These write whole
columns at C speed instead, and are the only other code that writes the state:

* rows added here are new, so they need no journal entry (rolling back cuts the
  columns back to their length); the few writes to rows that already existed
  (the old tail of a generation list, its head) go through the store's `put`;
* `load` and a copy of a live heap fill a heap nobody has seen yet, then start
  its history (`start_history`): nothing before that can be undone.
"""

from __future__ import annotations

from array import array

from .journal import Journal
from .layout import FREED


def add_rows(store, kinds: array, refcnt: array, gens: array, starts: array, lengths: array, pool: array,
             flags: array | None = None) -> int:
    """Append len(KINDS) rows (kind codes, refcounts, generation markers, each row's first entry in the
    pool and its number of references, and their flags, none if not given) and POOL to the edge pool;
    returns the first new row. The rows are on no list yet (link them with `link_rows` or
    `append_run`)."""
    first, n = len(store.kind), len(kinds)
    store.kind.extend(kinds)
    store.refcnt.extend(refcnt)
    store.gc_refs.extend(array("i", bytes(4 * n)))
    store.gen.extend(gens)
    store.flags.extend(array("B", bytes(n)) if flags is None else flags)
    store.nxt.extend(array("i", [-1]) * n)
    store.prv.extend(array("i", [-1]) * n)
    store.estart.extend(starts)
    store.elen.extend(lengths)
    store.ecap.extend(lengths)
    store.pool.extend(pool)
    store.nlive += n - gens.count(FREED)
    store._grow_dirty()
    return first


def append_run(store, head: int, first: int, stop: int) -> None:
    """Rows FIRST..STOP-1, new and consecutive, join the tail of HEAD's list in row order."""
    nxt, prv = store.nxt, store.prv
    tail = prv[head]
    nxt[first:stop] = array("i", range(first + 1, stop + 1))
    nxt[stop - 1] = head
    prv[first:stop] = array("i", range(first - 1, stop - 1))
    prv[first] = tail
    store.put(store.NXT, tail, first)  # (journaled: the tail and the head were there before)
    store.put(store.PRV, head, stop - 1)


def link_rows(store, head: int, rows: list[int]) -> None:
    """ROWS, in order, become the list at HEAD (of a heap being filled: nothing to journal)."""
    if not rows:
        return
    nxt, prv = store.nxt, store.prv
    for a, b in zip(rows, rows[1:]):
        nxt[a], prv[b] = b, a
    nxt[head], prv[rows[0]] = rows[0], head
    nxt[rows[-1]], prv[head] = head, rows[-1]


def set_flags(store, rows, bit: int) -> None:
    """Set BIT in the flags of ROWS (new rows)."""
    flags = store.flags
    for op in rows:
        flags[op] |= bit


def fill_tables(store, **tables: dict) -> None:
    """Side tables of new rows, by the store's attribute names: fill_tables(store, keys={row: [...]})."""
    for name, entries in tables.items():
        getattr(store, name).update(entries)


def name_rows(store, names: dict[int, str]) -> None:
    """The user's names of new rows (the first row of a name keeps it)."""
    given, load = store.names.given, store.names.load
    for op, name in names.items():
        if not given(name):
            load(op, name)


def bind_rows(store, rows: list[int]) -> None:
    """Bind ROWS, in order, each under its name (new rows, named already)."""
    store.roots.load(rows)


def set_scalars(store, **values) -> None:
    """The collector's scalar state (counts, thresholds, free lists, statistics, gc.garbage…), by the
    store's names for it: set_scalars(store, count=[0, 0, 0], enabled=True)."""
    for name, value in values.items():
        current = getattr(store, name)
        if type(current) is array:
            current[:] = array(current.typecode, value)
        elif type(current) is list:
            current[:] = value
        else:
            setattr(store, name, value)


def start_history(store) -> None:
    """What the store holds now is where `undo` stops."""
    store.journal = Journal(store)
