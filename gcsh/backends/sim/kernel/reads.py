"""The read API of the simulated heap: what every other module asks of the store.

    size() live() alive(op) tracked(op) generation(op) kind_of(op) type_name(op)
    refcount(op) items(op) keys_of(op) traverse(op) objects(g) count_of(g)
    name_of(op) lookup(name) is_finalized(op) resurrects(op) weakref_target(wr)
    weakrefs_to(op) callback_of(wr) gen_heads() get_count() stats_of(g) free_lists()

Nothing here writes.
"""

from __future__ import annotations

from . import loops
from .layout import FINALIZED, FREED, HEADS, KINDS, LIST, NGC, RESURRECTS, TUPLE, TYPE_NAMES, WEAKREFD

# Free-list slots: 0 lists, 1 dicts, 1 + n tuples of length n.
SLOT_NAMES = ["list", "dict"] + [f"tuple{n}" for n in range(1, 64)]


class ReadAPI:
    """The reads of `Store` (mixed into it: every attribute is the store's)."""


    def size(self) -> int:
        """How many ids have been given out (ids are never reused)."""
        return len(self.kind) - HEADS

    def live(self):
        """Every live object's row, oldest first."""
        gen = self.gen
        return [op for op in range(HEADS, len(gen)) if gen[op] != FREED]

    def is_row(self, op) -> bool:
        return type(op) is int and HEADS <= op < len(self.kind)

    def alive(self, op: int) -> bool:
        return self.gen[op] != FREED

    def tracked(self, op: int) -> bool:
        return loops.is_tracked(self.gen[op])

    def generation(self, op: int) -> int:
        return self.gen[op]

    def kind_of(self, op: int) -> str:
        return KINDS[self.kind[op]]

    def is_gc(self, op) -> bool:
        return type(op) is int and self.kind[op] < NGC

    def may_be_tracked(self, op) -> bool:
        return type(op) is int and loops.may_be_tracked(self.kind, self.gen, op)

    def type_name(self, op: int) -> str:
        kind = KINDS[self.kind[op]]
        return self.type_names.get(op) or TYPE_NAMES.get(kind, kind)

    def type_name_of_kind(self, code: int) -> str:
        kind = KINDS[code]
        return TYPE_NAMES.get(kind, kind)

    def refcount(self, op: int) -> int:
        return self.refcnt[op]

    def items(self, op: int) -> list:
        """OP's references (rows, and literal Atoms) in storage order."""
        start = self.estart[op]
        entries = self.pool[start:start + self.elen[op]]
        if not self.literals:
            return entries.tolist()
        literals = self.literals
        return [x if x >= 0 else literals[~x] for x in entries]

    def rows_of(self, op: int) -> list[int]:
        """The rows among OP's references."""
        start = self.estart[op]
        return [x for x in self.pool[start:start + self.elen[op]] if x >= 0]

    def keys_of(self, op: int):
        return self.keys.get(op)

    def traverse(self, op: int) -> list:
        """What tp_traverse visits, in CPython's order (lists and tuples from the last item)."""
        items = self.items(op)
        if self.kind[op] in (LIST, TUPLE):
            items.reverse()
        return items

    def objects(self, g: int):
        """The rows on list G, in list order."""
        nxt = self.nxt
        op = nxt[g]
        while op != g:
            yield op
            op = nxt[op]

    def gen_heads(self) -> tuple[int, int, int]:
        """GEN_HEAD(0..2): the generations, or (3.14.0-3.14.4) young, old[visited], old[pending]."""
        if self.model.incremental:
            return 0, 1 + self.visited_space, 2 - self.visited_space
        return 0, 1, 2

    def object_lists(self, g: int) -> tuple[int, ...]:
        """The lists gc.get_objects(g) reads, in order (the incremental collector has no generation
        1: its old generation is old[0] then old[1])."""
        if self.model.incremental:
            return ((0,), (), (1, 2))[g]
        return (g,)

    def get_count(self) -> list[int]:
        """gc.get_count(): (young, old[visited], old[pending]) in the incremental collector."""
        return [self.count[h] for h in self.gen_heads()]

    def count_of(self, g: int) -> int:
        return loops.list_size(self.nxt, g)

    def name_of(self, op: int) -> str:
        return self.names.name_of(op)

    def lookup(self, name: str) -> int | None:
        return self.names.lookup(name)

    def label(self, item) -> str:
        return self.names.name_of(item) if type(item) is int else str(item)

    def is_finalized(self, op: int) -> bool:
        return bool(self.flags[op] & FINALIZED)

    def resurrects(self, op: int) -> bool:
        return bool(self.flags[op] & RESURRECTS)

    def weakref_target(self, wr: int):
        return self.referent.get(wr)

    def weakrefs_to(self, op: int) -> tuple:
        return self.weakrefs.get(op, ()) if self.flags[op] & WEAKREFD else ()

    def callback_of(self, wr: int):
        return self.callback.get(wr)

    def stats_of(self, g: int) -> dict:
        s = self.stats
        entry = {"collections": s[3 * g], "collected": s[3 * g + 1], "uncollectable": s[3 * g + 2]}
        if self.model.stats_candidates:
            entry.update(candidates=s[9 + g], duration=s[12 + g])
        return entry

    def free_lists(self) -> dict[str, int]:
        """How many dead objects each free list holds (the non-empty ones)."""
        return {SLOT_NAMES[i]: n for i, n in enumerate(self.free) if n}
