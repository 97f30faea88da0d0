"""Shared by the reliability tests: sessions with captured output, and heap snapshots.

A snapshot is the session file's JSON object (`persist.dump`): everything the
simulator keeps, so two equal snapshots mean two heaps nobody can tell apart.
"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import gcsh.backends.sim as sim_package

from gcsh.backends.sim import invariants, persist
from gcsh.runner import Session

MODELS = ("3.10", "3.11", "3.12", "3.13", "3.14.0", "3.14.2", "3.14", "3.15")
# Commands that are not one change but many: `source` runs a file's commands, each atomic, and
# the ones before a failing command stay done (as in any script).
NOT_ATOMIC = frozenset({"source"})


def atomic(text: str) -> bool:
    """Should TEXT (one statement) change nothing when it fails?"""
    return ";" not in text and text.split()[:1] != [] and text.split()[0] not in NOT_ATOMIC


class Captured(io.StringIO):
    def lines(self) -> list[str]:
        return self.getvalue().splitlines()


def session(model: str = "3.11", **options) -> Session:
    options.setdefault("keep_going", True)
    s = Session(Captured(), Captured(), model=model, **options)
    return s


def snapshot(s: Session) -> str:
    return json.dumps(persist.dump(s.sim.heap), sort_keys=True)


def sound(s: Session) -> list[str]:
    return invariants.problems(s.sim.heap)


def run(s: Session, text: str) -> tuple[bool, list[str]]:
    """Run TEXT; (did every statement succeed, the new stderr lines)."""
    seen = len(s.stderr.lines())
    ok = s.run_text(text, "<test>")
    return ok, s.stderr.lines()[seen:]


# A heap with something of everything: cycles, a finalizer that resurrects, weak references with
# and without callbacks, a legacy finalizer in gc.garbage, frozen objects, an untracked dict.
RICH = """\
alloc a object; alloc b finalizer --resurrect; link a b; link b a
weakref w a --callback; weakref v b
alloc t tuple a 1 "x"; alloc d dict; link d t
alloc g legacy; link g g
alloc l list 1 2; alloc s set; link s t
alloc f finalizer; link f f
del a b g t f; collect
alloc p; alloc q; link p q; link q p; freeze; del p q
alloc r; alloc r2 dict r; link r r2; del r
alloc m; link m m; del m
threshold 900 12 11; flags DEBUG_UNCOLLECTABLE; callbacks on
"""


SIM_DIR = str(Path(sim_package.__file__).parent)


class FailAt:
    """A trace function that raises EXCEPTION (KeyboardInterrupt: Ctrl-C; MemoryError: an
    allocation that failed) at the k-th line the simulator runs for a command, counting from
    `begin_command` (the checkpoint is taken before; k = None: only count)."""

    def __init__(self, k: int | None, exception: type = KeyboardInterrupt):
        self.k, self.lines, self.armed, self.exception = k, 0, False, exception

    def __call__(self, frame, event, arg):
        if not frame.f_code.co_filename.startswith(SIM_DIR):
            return None
        self.armed = self.armed or frame.f_code.co_name == "begin_command"
        return self.line if self.armed else None

    def line(self, frame, event, arg):
        if event == "line":
            self.lines += 1
            if self.lines == self.k:
                raise self.exception
        return self.line

    def run(self, s, text):
        sys.settrace(self)
        try:
            return run(s, text)
        finally:
            sys.settrace(None)
