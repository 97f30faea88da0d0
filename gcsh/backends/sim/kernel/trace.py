"""The typed trace of one collection: one event per phase, in gc_collect_main's order.

Each event is a class with `__slots__` and a declared schema (FIELDS: name ->
what it holds). Objects are rows; `Trace.named(rows)` gives a lazy sequence
of their names (len and slicing, so a renderer shows ten of a million names
without making the rest). `collect --trace` and `--frames`, `why`, `whatif`
and `pending` all read these events; `as_dict` is their JSON form.

Schema values: "rows" a list of rows, "refs" a list of (row, gc_refs),
"moves" a list of (row, what, by) steps of move_unreachable, "int", "bool".
"""

from __future__ import annotations


NAMESPACE = -2  # the module's namespace, in a step of the walk (a full collection of 3.14.0-3.14.4)
NAMESPACE_NAME = "__main__.__dict__"


class Event:
    __slots__ = ()
    PHASE = ""
    FIELDS: dict[str, str] = {}

    def __init__(self, **values) -> None:
        for name in self.FIELDS:
            setattr(self, name, values.get(name))

    @property
    def phase(self) -> str:
        return self.PHASE + (" (again, after finalizers)" if getattr(self, "again", False) else "")

    def as_dict(self, name_of) -> dict:
        out = {"phase": self.phase}
        for name, what in self.FIELDS.items():
            value = getattr(self, name)
            if name == "again" or (name == "namespace" and not value):  # (said only where it is true)
                continue
            if what == "rows":
                value = [name_of(op) for op in value]
            elif what == "refs":
                value = {name_of(op): n for op, n in value}
            elif what == "moves":
                value = [[name_of(op), MOVES[how]] + ([NAMESPACE_NAME if by == NAMESPACE else name_of(by)]
                                                      if how == 2 else []) for op, how, by in value]
            out[name] = value
        return out


MOVES = ("reachable", "unreachable", "back")


def _event(name: str, phase: str, fields: dict[str, str]) -> type:
    return type(name, (Event,), {"__slots__": tuple(fields), "PHASE": phase, "FIELDS": fields})


# VISITED: the incremental collector's visited space (0 or 1: old[0] or old[1]); None in the generational one
# NAMESPACE: the module's namespace was examined with the rest (it holds the names: see incremental.py)
Start = _event("Start", "start", {"generation": "int", "young": "rows", "visited": "int", "namespace": "bool"})
UpdateRefs = _event("UpdateRefs", "update_refs", {"again": "bool", "gc_refs": "refs"})
SubtractRefs = _event("SubtractRefs", "subtract_refs", {"again": "bool", "gc_refs": "refs"})
MoveUnreachable = _event("MoveUnreachable", "move_unreachable",
                         {"again": "bool", "reachable": "rows", "unreachable": "rows", "moves": "moves"})
Budget = _event("Budget", "assess_work_to_do", {"work_to_do": "int"})
Mark = _event("Mark", "mark_at_start", {"marked": "int", "work_to_do": "int", "visited": "int"})
Increment = _event("Increment", "increment", {"young": "rows", "taken": "rows", "work_to_do": "int", "visited": "int"})
Untrack = _event("Untrack", "untrack", {"untracked": "rows", "survivors": "rows", "to": "int"})
LegacyFinalizers = _event("LegacyFinalizers", "move_legacy_finalizers",
                          {"uncollectable": "rows", "unreachable": "rows"})
# LATE (3.15): only the weakrefs with callbacks are cleared here, the others by ClearWeakrefs after the finalizers
HandleWeakrefs = _event("HandleWeakrefs", "handle_weakrefs",
                        {"cleared": "rows", "called": "rows", "freed": "int", "late": "bool"})
ClearWeakrefs = _event("ClearWeakrefs", "clear_weakrefs", {"cleared": "rows"})
FinalizeGarbage = _event("FinalizeGarbage", "finalize_garbage", {"finalized": "rows"})
Resurrected = _event("Resurrected", "handle_resurrected_objects",
                     {"resurrected": "rows", "to": "int", "still": "rows"})
DeleteGarbage = _event("DeleteGarbage", "delete_garbage", {"garbage": "rows", "freed": "rows", "saved": "bool"})
Result = _event("Result", "result", {"collected": "int", "final": "int", "weakrefs": "int",
                                     "uncollectable": "rows", "to": "int", "garbage": "rows"})


class Trace(list):
    """The events of one collection, and how to name its rows. Without DETAIL the phases of
    deduce_unreachable (every object's gc_refs, every step of the walk) are left out: what a
    question about the outcome needs, at the cost of the outcome's size."""

    def __init__(self, name_of=None, detail: bool = True) -> None:
        super().__init__()
        self.name_of = name_of
        self.detail = detail

    def first(self, cls):
        return next((e for e in self if type(e) is cls), None)

    def named(self, rows) -> "Named":
        return Named(rows, self.name_of)

    def as_dicts(self) -> list[dict]:
        return [e.as_dict(self.name_of) for e in self]


class Named:
    """Names of rows, made when asked for: len(), iteration, indexing and slicing."""

    __slots__ = ("rows", "name_of")

    def __init__(self, rows, name_of) -> None:
        self.rows, self.name_of = rows, name_of

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self.name_of(op) for op in self.rows[i]]
        return self.name_of(self.rows[i])

    def __iter__(self):
        return map(self.name_of, self.rows)

    def __bool__(self) -> bool:
        return len(self.rows) > 0
