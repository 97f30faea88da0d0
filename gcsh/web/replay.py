"""The last collection, for the live page to step through.

Observers run after a command, so the page cannot watch a collection as it happens. Instead it keeps
the simulated heap as it was after the previous command (in the form `save` writes). When a command
has run exactly one collection, the page replays it on a copy of that heap with the trace on, and
offers the step-through page only if the replay ends exactly where the real heap is: the same
objects, lists and counters. Replaying is deterministic, so a `collect` always matches; a
collection that ran inside another command (an automatic one during `alloc`) does not, and the page
says so rather than show something else.

Heaps larger than RECORD_LIMIT objects are not kept from one command to the next (memory); the
page draws the simulator from the same copy (`copy`, `rebuilt`), off the shell's thread.
"""

from __future__ import annotations

from dataclasses import dataclass

RECORD_LIMIT = 20_000  # objects


@dataclass
class Recorded:
    generation: int
    model: str
    before: dict  # the heap before the command (persist.dump)
    after: dict  # and after it


class Recorder:
    def __init__(self) -> None:
        self._prior: dict | None = None
        self._prior_stats: list[dict] | None = None
        self._summary: dict | None = None
        self.note = "no collection since the page was opened: run collect"

    def after_command(self, backend, dump: dict | None) -> Recorded | None:
        """Called after each command (the shell's thread) with the backend and, in the simulator, its heap
        as `copy` took it: a collection to replay, or None."""
        if backend.name != "sim" or dump is None:
            self._prior = self._prior_stats = None
            return None
        stats = backend.get_stats()
        before, before_stats = self._prior, self._prior_stats
        now = dump if len(dump["objects"]) <= RECORD_LIMIT else None
        self._prior, self._prior_stats = now, stats
        if before_stats is None:
            return None
        ran = [s["collections"] - p["collections"] for s, p in zip(stats, before_stats)]
        if sum(ran) <= 0 or any(n < 0 for n in ran):  # none, or a new heap (reset, load, model)
            return None
        if sum(ran) > 1:
            self.note = (f"the last command ran {sum(ran)} collections; run collect to step through one")
            return None
        if before is None or now is None:
            self.note = f"the heap has more than {RECORD_LIMIT:,} objects: use collect --html FILE"
            return None
        return Recorded(ran.index(1), backend.model.version, before, now)

    def page(self, recorded: Recorded, nonce: str = "") -> str | None:
        """The step-through page of RECORDED, replayed (on the drawing thread: only copies are touched)."""
        from ..backends.sim import persist
        from ..render.frames import phase_views
        from .stepthrough import page_html

        scratch = rebuilt(recorded.before)
        before = scratch.view()
        info = scratch.collect(recorded.generation, True)
        if persist.dump(scratch.heap) != recorded.after:
            self._summary = None
            self.note = ("the last collection ran inside another command (an automatic one): "
                         "run collect to step through one")
            return None
        frames = phase_views(before, info["trace"], scratch.view())
        g = recorded.generation
        self._summary = {"generation": g, "unreachable": info["unreachable"], "freed": info["freed"][:20],
                         "phases": len(frames)}
        self.note = f"collect({g}): {info['unreachable']} unreachable"
        return page_html(frames, f"collect({g}) on sim {recorded.model}: the last collection, phase by phase", nonce)

    def summary(self) -> dict | None:
        return None if self._summary is None else {**self._summary, "note": self.note}


def copy(backend) -> tuple[dict, set]:
    """The simulator's heap as `save` writes it, and what the last collection found: all a picture of it
    needs, taken in time linear in the heap but far cheaper than a `HeapView` (the drawing thread makes
    that from the copy, so the shell goes on at once)."""
    from ..backends.sim import persist
    return persist.dump(backend.heap), set(backend.last_unreachable)


def rebuilt(dump: dict, unreachable: set = frozenset()):
    """A simulator of its own over a copy (`copy`); touching it touches nothing of the shell's."""
    from ..backends.sim import persist
    from ..backends.sim.backend import SimBackend

    scratch = SimBackend(_quiet, dump["model"])
    scratch.replace_heap(persist.build(dump, _quiet))
    scratch.last_unreachable = set(unreachable)
    return scratch


def _quiet(kind: str, text: str) -> None:
    """A replay prints nothing: its debug lines and events were shown when it really ran."""
