"""Building large structures of lists in one step: chains, rings, trees, random graphs.

Each builder checks everything first, then appends all the objects to the
heap's columns at once: the same state as the equivalent `alloc`/`link`/`del`
commands would leave (same refcounts, references and generation-0 order), at
C speed rather than a command per object. The objects get stable generated
names: the entry object is NAME (bound to the root name NAME), the others
NAME_1, NAME_2, … (chain, ring, tree: by position) or NAME_0 … (the members of
`rings` and `random`, whose entry NAME is a separate list holding them).

The new objects count as N allocations (count0 rises by N); if that makes an
automatic collection due, it runs once the structure is complete.
"""

from __future__ import annotations

import random as _random
from collections import Counter
from itertools import chain as _chain, repeat

from ...errors import UserError
from .heap import Heap

MAX_OBJECTS = 5_000_000  # ~1.7 GB of simulated heap: a typo should not exhaust memory


def _check_size(what: str, n: int, least: int = 1) -> None:
    if n < least:
        raise UserError(f"{what} must be at least {least}, got {n}")
    if n > MAX_OBJECTS:
        raise UserError(f"{what} of {n:,} objects is more than the {MAX_OBJECTS:,} a bulk command builds")


def _check_names(heap: Heap, names: list[str]) -> None:
    if not (heap.by_name.keys().isdisjoint(names) and heap.roots.keys().isdisjoint(names)):
        first = next(name for name in names if name in heap.by_name or name in heap.roots)
        raise UserError(f"name {first!r} is already taken; choose another NAME")


def _names(name: str, first: int, stop: int) -> list[str]:
    return [f"{name}_{i}" for i in range(first, stop)]


def _add_lists(heap: Heap, names: list[str], rows: list[list[int] | None], root: int) -> None:
    """Append tracked lists named NAMES holding ROWS (ids of the new lists, None for an empty
    list, as `alloc` leaves it), bind the one at position ROOT to its name, count the allocations."""
    start = len(heap.kind)
    n = len(names)
    ids = range(start, start + n)
    indegree = Counter(_chain.from_iterable(filter(None, rows)))
    refcnt = list(map(indegree.get, ids, repeat(0)))
    heap.kind.extend(repeat("list", n))
    heap.refcnt.extend(refcnt)
    heap.refs.extend(rows)
    heap.keys.extend(repeat(None, n))
    heap.gen.extend(repeat(0, n))
    heap.name.extend(names)
    heap.by_name.update(zip(names, ids))
    if not heap.freed_names.keys().isdisjoint(names):  # names of freed objects, given out again
        for name in names:
            heap.freed_names.pop(name, None)
    heap.generations[0].update(dict.fromkeys(ids))
    heap.bind(names[root], start + root)
    slot = heap.free_list_of("list")
    reused = min(n, heap.free.get(slot, 0)) if slot else 0  # as new_object: free lists first
    if reused:
        heap.free[slot] -= reused
    heap.count[0] += n - reused
    if heap.on_alloc is not None:
        heap.on_alloc()  # an automatic collection, if one is due now


def chain(heap: Heap, name: str, n: int, closed: bool = False) -> dict:
    """NAME -> NAME_1 -> ... -> NAME_{n-1} (and back to NAME when closed: a ring)."""
    _check_size("a ring" if closed else "a chain", n)
    names = [name] + _names(name, 1, n)
    _check_names(heap, names)
    s = len(heap.kind)
    rows = [[i] for i in range(s + 1, s + n)] + [[s] if closed else None]
    _add_lists(heap, names, rows, 0)
    return {"shape": "ring" if closed else "chain", "name": name, "objects": n, "first": name, "last": names[-1]}


def tree(heap: Heap, name: str, depth: int, fanout: int) -> dict:
    """A complete tree: each node holds FANOUT children, DEPTH levels below the root NAME."""
    if depth < 0:
        raise UserError(f"the depth must be at least 0, got {depth}")
    if fanout < 1:
        raise UserError(f"the fanout must be at least 1, got {fanout}")
    n, level = 0, 1
    for _ in range(depth + 1):
        n += level
        level *= fanout
        _check_size("a tree", n)
    names = [name] + _names(name, 1, n)
    _check_names(heap, names)
    parents = n - level // fanout  # the nodes above the last level
    s = len(heap.kind)
    rows = [list(range(s + i * fanout + 1, s + i * fanout + fanout + 1)) for i in range(parents)]
    rows += repeat(None, n - parents)
    _add_lists(heap, names, rows, 0)
    return {"shape": "tree", "name": name, "objects": n, "first": name, "last": names[-1],
            "depth": depth, "fanout": fanout}


def rings(heap: Heap, name: str, count: int, size: int) -> dict:
    """NAME holds the first member of each of COUNT rings of SIZE lists (NAME_0 ...)."""
    if size < 1:
        raise UserError(f"a ring needs at least 1 object, got {size}")
    _check_size("rings", count * size + 1, 2)
    members = count * size
    names = [name] + _names(name, 0, members)
    _check_names(heap, names)
    s = len(heap.kind) + 1  # the first member's id
    rows = [list(range(s, s + members, size)) or None]
    rows += [[s + i + 1 if (i + 1) % size else s + i + 1 - size] for i in range(members)]
    _add_lists(heap, names, rows, 0)
    return {"shape": "rings", "name": name, "objects": members + 1, "first": names[1], "last": names[-1],
            "rings": count, "size": size}


def random_graph(heap: Heap, name: str, n: int, edges: int, seed: int) -> dict:
    """NAME holds N lists NAME_0 ...; reference k goes from NAME_{k mod N} to a random member."""
    _check_size("a random graph", n + 1, 2)
    if edges < 0:
        raise UserError(f"the number of edges cannot be negative, got {edges}")
    if edges > MAX_OBJECTS:
        raise UserError(f"{edges:,} edges is more than the {MAX_OBJECTS:,} a bulk command builds")
    names = [name] + _names(name, 0, n)
    _check_names(heap, names)
    s = len(heap.kind) + 1  # the first member's id
    targets = _random.Random(seed).choices(range(s, s + n), k=edges)
    rows = [list(range(s, s + n))] + [targets[k::n] or None for k in range(n)]
    _add_lists(heap, names, rows, 0)
    return {"shape": "random", "name": name, "objects": n + 1, "first": names[1], "last": names[-1],
            "edges": edges, "seed": seed}
