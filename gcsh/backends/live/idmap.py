"""From object ids to positions in a copy of the heap, for millions of references at once.

`index_of(ids)` (the ids of the copy's objects, in order) gives an index with `get(id)` for single lookups and `convert(parts)` for
all the references of all the objects: their positions (or -1 for an object outside the
copy) and how many references each position receives. Above `NUMPY_FROM` objects it sorts
the ids with numpy, when numpy is installed (an optional dependency, imported only here):
a sorted search is several times faster than a million dict lookups at random addresses.
"""

from __future__ import annotations

from collections import Counter
from itertools import chain, compress, repeat
import operator

NUMPY_FROM = 100_000


def index_of(ids: list[int]):
    if len(ids) >= NUMPY_FROM:
        try:
            import numpy
        except ImportError:
            pass
        else:
            return SortedIndex(numpy, ids)
    return DictIndex(ids)


class DictIndex:
    def __init__(self, ids: list[int]):
        self.n = len(ids)
        self.positions = dict(zip(ids, range(self.n)))

    def get(self, oid: int) -> int | None:
        return self.positions.get(oid)

    def convert(self, parts: list) -> tuple[list, list[int], list[int]]:
        """(positions of every reference in order, -1 outside; references per position; the
        flat offsets of the references outside the copy)."""
        flat = list(map(self.positions.get, map(id, chain.from_iterable(parts)), repeat(-1)))
        counts = Counter(flat)
        degree = list(map(counts.get, range(self.n), repeat(0)))
        misses = list(compress(range(len(flat)), map(operator.eq, flat, repeat(-1))))
        return flat, degree, misses


class SortedIndex:
    def __init__(self, np, ids: list[int]):
        self.np = np
        self.n = len(ids)
        array = np.array(ids, dtype=np.int64)
        self.order = np.argsort(array, kind="stable")
        self.sorted = array[self.order]

    def get(self, oid: int) -> int | None:
        k = int(self.np.searchsorted(self.sorted, oid))
        return int(self.order[k]) if k < self.n and self.sorted[k] == oid else None

    def convert(self, parts: list) -> tuple[list, list[int], list[int]]:
        np = self.np
        total = sum(map(len, parts))
        ids = np.fromiter(map(id, chain.from_iterable(parts)), dtype=np.int64, count=total)
        at = np.searchsorted(self.sorted, ids)
        np.minimum(at, self.n - 1, out=at)
        hit = self.sorted[at] == ids
        targets = np.where(hit, self.order[at], -1)
        degree = np.bincount(targets[hit], minlength=self.n).tolist()
        return targets.tolist(), degree, np.flatnonzero(~hit).tolist()
