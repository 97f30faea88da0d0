"""Building large structures of lists in one step: chains, rings, trees, random graphs.

Each builder checks everything first, then appends all the objects to the
heap's columns at once (whole arrays, at C speed): the same state as the
equivalent `alloc`/`link`/`del` commands would leave (same refcounts,
references and generation-0 order). The objects' names are one range record,
computed when asked for: the entry object is NAME (bound to the root name
NAME), the others NAME_1, NAME_2, … (chain, ring, tree: by position) or
NAME_0 … (the members of `rings` and `random`, whose entry NAME is a separate
list holding them).

The new objects count as N allocations (count0 rises by N); if that makes an
automatic collection due, it runs once the structure is complete.
"""

from __future__ import annotations

import random as _random
from array import array

from ...errors import UserError
from .kernel import build
from .kernel.heap import Heap
from .kernel.layout import FREED, GEN0, LIST

MAX_OBJECTS = 5_000_000  # ~250 MB of simulated heap: a typo should not exhaust memory


def _amount(n: int) -> str:
    """N for an error line: a number of a huge argument's digits (more than str() converts) is cut."""
    return f"{n:,}" if n.bit_length() <= 64 else "more than 2**64"


def _check_size(what: str, n: int, least: int = 1) -> None:
    if n < least:
        raise UserError(f"{what} must be at least {least}, got {n}")
    if n > MAX_OBJECTS:
        raise UserError(f"{what} of {_amount(n)} objects is more than the {MAX_OBJECTS:,} a bulk command builds")


def _check_names(heap: Heap, base: str, first: int, last: int) -> None:
    """No live object, and no root, may already have NAME or one of NAME_first … NAME_last."""

    def taken(name: str) -> bool:
        if name == base:
            return True
        stem, _, digits = name.rpartition("_")
        return stem == base and digits.isdigit() and first <= int(digits) <= last and str(int(digits)) == digits

    clash = next((name for name in heap.roots if taken(name)), None)
    if clash is None:
        clash = next((name for name, op in heap.names.explicit() if heap.alive(op) and taken(name)), None)
    if clash is None and heap.live_row(base) is not None:
        clash = base
    for index in heap.names.bases.get(base, ()):
        start, stop, _, shift = heap.names.ranges[index]
        a, b = max(start + 1, start + shift + first), min(stop, start + shift + last + 1)
        if clash is None and a < b and heap.gen[a:b].count(FREED) != b - a:
            clash = next(f"{base}_{op - start - shift}" for op in range(a, b) if heap.gen[op] != FREED)
    if clash is not None:
        raise UserError(f"name {clash!r} is already taken; choose another NAME")


def _add_lists(heap: Heap, name: str, shift: int, pool: array, lengths: array) -> int:
    """Append len(LENGTHS) tracked lists: list i holds the next LENGTHS[i] entries of POOL (rows),
    named by one range (row first + shift + i is NAME_i), the first bound to NAME. Returns the
    first row."""
    s, n = len(heap.kind), len(lengths)
    refcnt = array("i", bytes(4 * n))
    for t in pool:
        refcnt[t - s] += 1
    estart = array("i", bytes(4 * n))
    offset = len(heap.pool)
    for i, k in enumerate(lengths):
        estart[i] = offset
        offset += k
    build.add_rows(heap, array("H", [LIST]) * n, refcnt, array("b", bytes(n)), estart, lengths, pool)
    build.append_run(heap, GEN0, s, s + n)
    heap.names.give_range(s, s + n, name, shift)
    heap.bind(name, s)
    reused = min(n, heap.free[0])  # as new_object: the list free list first
    heap.free[0] -= reused
    heap.count[0] += n - reused
    if heap.on_alloc is not None:
        heap.on_alloc()  # an automatic collection, if one is due now
    return s


def chain(heap: Heap, name: str, n: int, closed: bool = False) -> dict:
    """NAME -> NAME_1 -> ... -> NAME_{n-1} (and back to NAME when closed: a ring)."""
    _check_size("a ring" if closed else "a chain", n)
    _check_names(heap, name, 1, n - 1)
    s = len(heap.kind)
    pool = array("i", range(s + 1, s + n))
    lengths = array("i", [1]) * (n - 1) + array("i", [1 if closed else 0])
    if closed:
        pool.append(s)
    _add_lists(heap, name, 0, pool, lengths)
    last = f"{name}_{n - 1}" if n > 1 else name
    return {"shape": "ring" if closed else "chain", "name": name, "objects": n, "first": name, "last": last}


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
        if n > MAX_OBJECTS:  # (the whole tree may be far larger: stop counting here)
            raise UserError(f"a tree of depth {_amount(depth)} and fanout {_amount(fanout)} is more than the {MAX_OBJECTS:,} "
                            f"objects a bulk command builds")
    _check_names(heap, name, 1, n - 1)
    parents = n - level // fanout  # the nodes above the last level (none at depth 0, whatever the fanout)
    s = len(heap.kind)
    lengths = (array("i", [fanout]) * parents if parents else array("i")) + array("i", bytes(4 * (n - parents)))
    _add_lists(heap, name, 0, array("i", range(s + 1, s + n)), lengths)
    last = f"{name}_{n - 1}" if n > 1 else name
    return {"shape": "tree", "name": name, "objects": n, "first": name, "last": last,
            "depth": depth, "fanout": fanout}


def rings(heap: Heap, name: str, count: int, size: int) -> dict:
    """NAME holds the first member of each of COUNT rings of SIZE lists (NAME_0 ...)."""
    if size < 1:
        raise UserError(f"a ring needs at least 1 object, got {size}")
    _check_size("rings", count * size + 1, 2)
    members = count * size
    _check_names(heap, name, 0, members - 1)
    s = len(heap.kind) + 1  # the first member's row
    pool = array("i", range(s, s + members, size))
    pool.extend(array("i", (s + i + 1 if (i + 1) % size else s + i + 1 - size for i in range(members))))
    lengths = array("i", [count]) + array("i", [1]) * members
    _add_lists(heap, name, 1, pool, lengths)
    return {"shape": "rings", "name": name, "objects": members + 1, "first": f"{name}_0",
            "last": f"{name}_{members - 1}", "rings": count, "size": size}


def random_graph(heap: Heap, name: str, n: int, edges: int, seed: int) -> dict:
    """NAME holds N lists NAME_0 ...; reference k goes from NAME_{k mod N} to a random member."""
    _check_size("a random graph", n + 1, 2)
    if edges < 0:
        raise UserError(f"the number of edges cannot be negative, got {edges}")
    if edges > MAX_OBJECTS:
        raise UserError(f"{edges:,} edges is more than the {MAX_OBJECTS:,} a bulk command builds")
    _check_names(heap, name, 0, n - 1)
    s = len(heap.kind) + 1  # the first member's row
    targets = _random.Random(seed).choices(range(s, s + n), k=edges)
    pool = array("i", range(s, s + n))
    lengths = array("i", [n])
    if edges <= n:  # member k holds reference k, if there is one
        pool.extend(array("i", targets))
        lengths.extend(array("i", [1]) * edges + array("i", bytes(4 * (n - edges))))
    else:
        for k in range(n):
            mine = targets[k::n]
            pool.extend(array("i", mine))
            lengths.append(len(mine))
    _add_lists(heap, name, 1, pool, lengths)
    return {"shape": "random", "name": name, "objects": n + 1, "first": f"{name}_0", "last": f"{name}_{n - 1}",
            "edges": edges, "seed": seed}
