"""An object's references: a slice of one edge pool, as a list's ob_item or a dict's entries.

Row OP's items are pool[estart[OP] : estart[OP] + elen[OP]], room for ecap[OP]; a slot
that is full moves to the pool's end, twice as big (list_resize's over-allocation, in
spirit). An entry >= 0 is a row, ~k is literal k (an int or str held by a container).
Every write is journaled through the store's `put`.
"""

from __future__ import annotations

from array import array

from .layout import PAGE_SHIFT

_ZEROS = [array("i", bytes(4 * n)) for n in range(9)]  # the empty room a small slot gets (read, never written)


class EdgePool:
    """The edge pool's operations of `Store` (mixed into it: every attribute is the store's)."""


    def encode(self, item) -> int:
        if type(item) is int:
            return item
        k = self.literal_ids.get(item)
        if k is None:
            k = len(self.literals)
            self.literals.append(item)  # first: a rollback cuts the list, and the index with it
            self.literal_ids[item] = k
        return ~k

    def decode(self, entry: int):
        return entry if entry >= 0 else self.literals[~entry]

    def _room(self, op: int, more: int) -> int:
        """Make room for MORE items in OP's slot (moving it to the pool's end, twice as big, when
        full); returns the slot's start."""
        start, n, cap = self.estart[op], self.elen[op], self.ecap[op]
        if n + more <= cap:
            return start
        new_cap = max(2 * cap, n + more, 2)
        pool = self.pool
        new = len(pool)
        if n:
            pool.extend(pool[start:start + n])
        pool.extend(_ZEROS[new_cap - n] if new_cap - n < len(_ZEROS) else array("i", bytes(4 * (new_cap - n))))
        if len(pool) >> PAGE_SHIFT >= len(self.dirty[-1]):
            self._grow_pool_dirty()
        self.put(self.ESTART, op, new)
        self.put(self.ECAP, op, new_cap)
        return new

    def edge_append(self, op: int, item) -> None:
        n = self.elen[op]
        start = self.estart[op] if n < self.ecap[op] else self._room(op, 1)
        self.put(self.POOL, start + n, self.encode(item))
        self.put(self.ELEN, op, n + 1)

    def edge_insert(self, op: int, i: int, item) -> None:
        start = self._room(op, 1)
        n = self.elen[op]
        pool = self.pool
        for k in range(start + n, start + i, -1):
            self.put(self.POOL, k, pool[k - 1])
        self.put(self.POOL, start + i, self.encode(item))
        self.put(self.ELEN, op, n + 1)

    def edge_set(self, op: int, i: int, item) -> None:
        self.put(self.POOL, self.estart[op] + i, self.encode(item))

    def edge_delete(self, op: int, i: int) -> None:
        start, n = self.estart[op], self.elen[op]
        pool = self.pool
        for k in range(start + i, start + n - 1):
            self.put(self.POOL, k, pool[k + 1])
        self.put(self.ELEN, op, n - 1)

    def edges_set(self, op: int, items: list) -> None:
        """OP's items become ITEMS (a new object's, or a bulk copy's)."""
        self.put(self.ELEN, op, 0)
        start = self._room(op, len(items))
        for k, item in enumerate(items):
            self.put(self.POOL, start + k, self.encode(item))
        self.put(self.ELEN, op, len(items))
