"""Each command's journal mark, and `undo` / `redo` over the journal.

`checkpoint(backend, command)` is what the runner calls before a command: it
opens the command's part of the heap's journal (kernel/journal.py) and returns
the undo
the runner calls if the command fails or is interrupted, so that a command
leaves the heap whole or as it was, in time proportional to what it changed.
The command is closed (into the history) when the next one begins.
"""

from __future__ import annotations

from typing import Callable

from ...errors import UserError
from .kernel.journal import LIMIT

# Commands that only read the heap: interrupting them needs no undo (tests/test_faults_interrupt.py
# checks that each of them leaves the heap exactly as it was). A question answered by running the
# collector (why, whatif, pending) runs it in a trial that is rolled back whatever happens.
READ_ONLY = frozenset({"count", "stats", "objects", "referrers", "referents", "tracked", "finalized", "heap",
                       "freezecount", "isenabled", "help", "save", "graph", "export", "why", "cycles", "whatif",
                       "pending", "find", "retained", "dominators"})
# Commands that build a new heap aside and never touch the current one: undo puts the old one back.
REPLACE_HEAP = frozenset({"load", "reset", "model"})
# Commands that Ctrl-C never interrupts half-way: `source` runs commands that each take their own
# checkpoint; `backend` changes the session, not the heap; `undo` and `redo` walk the journal.
NEVER_UNDONE = frozenset({"source", "backend", "undo", "redo"})


_SPECIAL = {**dict.fromkeys(READ_ONLY, "read"), **dict.fromkeys(REPLACE_HEAP, "replace"),
            **dict.fromkeys(NEVER_UNDONE, "never")}  # (one look-up per command)


def checkpoint(backend, command: str, words: int = 0) -> Callable[[], None] | None:
    """The simulator's undo for one command, or None when Ctrl-C should wait for its end."""
    special = _SPECIAL.get(command)
    if special == "never":
        return None
    if special == "read":
        return _trials_closed(backend)
    heap, model, last_unreachable = backend.heap, backend.model, backend.last_unreachable
    if special == "replace":
        def put_back() -> None:
            backend.heap, backend.model, backend.last_unreachable = heap, model, last_unreachable
        return put_back
    journal = heap.journal
    serial = journal.begin(command)

    def roll_back() -> None:
        heap.collecting = False
        journal.take_back(serial)
        backend.heap, backend.model, backend.last_unreachable = heap, model, last_unreachable

    return roll_back


def trial_state(backend) -> tuple:
    """What a trial (analysis.trial) sets aside, and `close_trials` puts back."""
    heap = backend.heap
    return (len(heap.journal.outer), heap.emit, heap.events, len(heap.freed_log), backend.auto_reports,
            backend.last_unreachable, heap.collecting)


def close_trials(backend, state: tuple) -> None:
    """Roll back every trial opened since STATE was taken and put back what they set aside."""
    heap = backend.heap
    depth, heap.emit, heap.events, n, backend.auto_reports, backend.last_unreachable, heap.collecting = state
    heap.journal.end_trial(depth)
    del heap.freed_log[n:]


def _trials_closed(backend) -> Callable[[], None]:
    """The undo of a command that only reads: Ctrl-C may land in a trial's own clean-up (whatif,
    cycles, why run the collector in one), so the runner closes what it left open."""
    state = trial_state(backend)
    return lambda: close_trials(backend, state)


def undo(backend, n: int) -> dict:
    return _walk(backend, n, "undo")


def redo(backend, n: int) -> dict:
    return _walk(backend, n, "redo")


def _walk(backend, n: int, what: str) -> dict:
    """Undo (or redo) the last N commands; what was done, and how far each way one can go now."""
    journal = backend.heap.journal
    if n < 1:
        raise UserError(f"{what} takes a number of commands of at least 1, got {n}")
    done = journal.undo(n) if what == "undo" else journal.redo(n)
    if not done:
        raise UserError(nothing_left(journal, what))
    backend.last_unreachable = ()
    undo_left, redo_left = journal.depth()
    return {"undone" if what == "undo" else "redone": done, "can_undo": undo_left, "can_redo": redo_left,
            "dropped": journal.dropped}


def nothing_left(journal, what: str) -> str:
    if what == "redo":
        return "nothing to redo (redo follows undo, before any other change)"
    if journal.dropped:
        return (f"nothing more to undo: the {journal.dropped:,} oldest commands were dropped to keep the journal "
                f"within {LIMIT // (1024 * 1024)} MiB")
    return "nothing to undo (the heap is as it was when it was made, loaded or reset)"
