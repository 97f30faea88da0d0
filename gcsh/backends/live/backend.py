"""The live backend: the gc module's API over real objects of the interpreter gcsh runs in.

The same methods as the simulator's backend, with the same return shapes, so
that every command handler works unchanged. The user's names live in a
namespace dict (shared with `py` statements); `records.Records` follows the
objects without keeping them alive; `capture.Output` routes the collector's
stderr lines and the events of a command, in order; `gcstate.GcSettings`
puts the gc module back as it was found when the user leaves.

Observing does not disturb: no collection runs that the user did not ask for,
gcsh's own objects are counted but never shown as the user's, and referrers
come from one `gc.get_referrers` call per command.
"""

from __future__ import annotations

import atexit
import builtins
import gc
import platform
from contextlib import contextmanager
from typing import Callable, Iterator

from ...errors import UserError
from ..base import Backend
from . import census, objects, pyexec
from .building import HeapBuilding
from .capture import Output
from .gcfunctions import GcFunctions
from .gcstate import GcSettings, stats_now
from .objects import FINALIZER_LISTENERS, generation_label, quiet, refcount
from .ownership import own_ids
from .records import Record, Records


class LiveBackend(HeapBuilding, GcFunctions, Backend):
    name = "live"

    def __init__(self, emit: Callable[[str, str], None], namespace: dict | None = None,
                 warm_up: Callable[[], None] | None = None):
        """WARM_UP loads what the commands above will use, before the clean start (see _clean_start)."""
        super().__init__(emit)
        self._warm_up = warm_up
        # the names' dict holds a module, as a program's globals do: CPython never untracks it,
        # so once it is old it stays old (were it young, it would be part of `collect 0`)
        self.ns = namespace if namespace is not None else {"__name__": "__main__", "__builtins__": builtins}
        self.owns_process = namespace is None  # gcsh's own process: nothing of a program's is in its heap yet
        self.records = Records(self.ns)
        self.records.sync()  # an embedding program's locals are the user's first roots
        self.output = Output(emit)
        self.output.name_of = self._name_at
        self.original: GcSettings | None = None  # what gc was like when the user came in
        self.away: GcSettings | None = None  # the user's own settings while in another backend
        self.callbacks_on = False
        self.user_enabled = gc.isenabled()  # automatic collection as the user wants it
        self.closed = False
        self._frozen_own: list[list] = []  # per freeze: gcsh's objects it froze, kept so that they stay frozen
        self._freed_log: list[str] = []  # names freed during the current command
        self._freed_at: dict[int, str] = {}  # address -> name, for the debug lines of this command
        self._stats_mark: list[int] | None = None  # stats_now() at the last command boundary
        self._manual = [[0, 0, 0] for _ in range(3)]  # collections, collected, uncollectable by `collect`
        self._generations: dict[int, int] | None = None
        self._after: list | None = None  # gc.get_objects() right after the user's last action
        self._own: set[int] | None = None
        self._left_out: dict[str, int] = {}
        self._census = None  # the counts `growth` compares with
        self.own_extra: set[int] = set()  # ids of objects gcsh made outside its own reach (embed's locals dict)
        self._seq = 0
        self.cycle_garbage: set[str] = set()  # the unreachable ones among the cycles `cycles` found last
        FINALIZER_LISTENERS.append(self._on_finalizer)
        atexit.register(self.close)

    def describe(self) -> str:
        return f"live {platform.python_version()}"

    # ------------------------------------------------------------ entering and leaving

    def resume(self) -> None:
        if self.closed:
            raise UserError("this live backend has been closed")
        if self.original is not None:
            return
        self.original = GcSettings.read()
        self.user_enabled = self.original.enabled
        if self.away is not None:
            mine = [self._log_callback] if self.callbacks_on else []
            GcSettings(self.away.enabled, self.away.debug, self.away.threshold,
                       self.original.callbacks + self.away.callbacks + mine).apply()
            self.user_enabled = self.away.enabled
        gc.disable()  # while gcsh itself works: see _acting
        if self.owns_process:
            self.owns_process = False
            _clean_start(self._warm_up)
        self._mark_stats(stats_now())

    def _mark_stats(self, stats: list[int]) -> None:
        """Keep STATS as the mark, in the list kept from the start (see begin_command)."""
        if self._stats_mark is None:
            self._stats_mark = stats
        else:
            self._stats_mark[:] = stats

    def suspend(self) -> None:
        """Leave: keep the user's settings aside and put gc back as it was found."""
        if self.original is None:
            return
        now = GcSettings.read()
        extra = [cb for cb in now.callbacks if cb not in self.original.callbacks and cb != self._log_callback]
        self.away = GcSettings(self.user_enabled, now.debug, now.threshold, extra)
        original, self.original = self.original, None
        original.apply()
        warning = original.restore_frozen()
        if gc.get_freeze_count() == 0:
            for rec in self.records.by_id.values():
                rec.frozen = False
        if warning:
            self.emit("event", warning)

    def close(self) -> None:
        if self.closed:
            return
        self.suspend()
        self.closed = True
        self._frozen_own.clear()  # (they hold the session: a cycle once gcsh is gone)
        self.output.name_of = None  # (a method of this backend's: a cycle too)
        if self._on_finalizer in FINALIZER_LISTENERS:
            FINALIZER_LISTENERS.remove(self._on_finalizer)
        atexit.unregister(self.close)

    @contextmanager
    def _acting(self, snapshot: bool = False) -> Iterator[None]:
        """The user's own action (making, linking, dropping objects, a py statement): automatic
        collection is on or off as the user set it. The rest of the time it is off, so that
        gcsh's own allocations (parsing, output, the prompt) never start a collection of the
        user's heap: what the user sees collected is what the user's actions caused."""
        if self.original is None:  # not the current backend (an embedding program's call)
            yield
            return
        if self.user_enabled:
            gc.enable()
        try:
            yield
        finally:
            _safe_point()
            self.user_enabled = gc.isenabled()
            gc.disable()
        if snapshot and self.records.by_id:  # what is alive now, before gcsh makes objects of its own
            self._after = gc.get_objects()  # (see Records.settle; _settle lets go of it)

    # ------------------------------------------------------------ command boundaries

    def begin_command(self) -> None:
        self._after = None  # never kept from one command to the next: it holds every object
        # the per-command state is emptied in place, not made anew: what a command makes and the next
        # one drops would be frozen by a `freeze` between them, then freed, and the count would move
        self._freed_log.clear()
        self._freed_at.clear()
        self._generations = None
        self._own = None
        self._left_out = {}
        for row in self._manual:
            row[0] = row[1] = row[2] = 0
        stats = stats_now()
        if self._stats_mark is not None and stats[0::3] != self._stats_mark[0::3]:
            dead = self._settle()
            if dead:
                self.emit("event", "freed since the last command, by an automatic collection: " + ", ".join(dead))
            self._freed_log.clear()
        self._mark_stats(stats)

    def end_command(self) -> list[dict]:
        stats = stats_now()
        mark = None if self._stats_mark is None else self._stats_mark[:]
        self._mark_stats(stats)
        if mark is None or self.original is None:  # left for the simulator: its collections are not ours
            return []
        automatic = []
        for g in range(3):
            counts = [stats[3 * g + i] - mark[3 * g + i] - self._manual[g][i] for i in range(3)]
            if counts[0] > 0:
                automatic.append({"generation": g, "collections": counts[0], "unreachable": counts[1] + counts[2],
                                  "collected": counts[1], "uncollectable": counts[2], "freed": [],
                                  "automatic": True})
        if automatic:
            reported = set(self._freed_log)
            dead = [n for n in self._settle() if n not in reported]
            automatic[-1]["freed"] = dead
            for entry in automatic:
                times = f"{entry['collections']} automatic collections" if entry["collections"] > 1 \
                    else "automatic collection"
                freed = "; freed " + ", ".join(entry["freed"]) if entry["freed"] else ""
                self.emit("event", f"{times} of generation {entry['generation']}: "
                                   f"{entry['unreachable']} unreachable{freed}")
        return automatic

    def freed_names(self, ops=None) -> list[str]:
        return list(self._freed_log)

    def _settle(self, accept_changes: bool = False) -> list[str]:
        """Forget the user's objects that died; their names, in creation order."""
        tracked, self._after = self._after, None
        dead = self.records.settle(accept_changes, tracked)
        del tracked
        for rec in dead:
            self._freed_at[rec.oid] = rec.name
        names = [rec.name for rec in dead]
        self._freed_log.extend(names)
        return names

    def _name_at(self, address: int) -> str | None:
        rec = self.records.by_id.get(address)
        return rec.name if rec is not None else self._freed_at.get(address)

    # ------------------------------------------------------------ status

    def status(self) -> dict:
        return {"backend": "live", "model": platform.python_version(), "enabled": self.user_enabled,
                "count": list(gc.get_count()), "threshold": list(gc.get_threshold()), "debug": gc.get_debug(),
                "frozen": gc.get_freeze_count(), "objects": len(self.records.by_id)}

    def names(self) -> list[str]:
        bound = self.records.user_names()
        return bound + [n for n in self.records.by_name if n not in bound] + self.records.handles.given()

    # ------------------------------------------------------------ the whole heap

    def _describe(self, rec: Record, obj: object, held: int, fresh: bool = False) -> dict:
        """The simulator's describe_object for a real object. HELD: references the caller holds."""
        if fresh:  # just made, and no collection since: it is where allocation puts it
            generation = 0 if gc.is_tracked(obj) else "untracked"
        else:
            generation = generation_label(obj, self._generation_index())
        return {"name": rec.name, "kind": rec.kind, "type": rec.type_name, "refcount": refcount(obj) - held,
                "generation": generation, "tracked": gc.is_tracked(obj), "finalized": gc.is_finalized(obj),
                "bound": id(obj) in self.records.bound_ids(), "address": hex(id(obj)),
                "in_garbage": any(g is obj for g in gc.garbage)}

    def _generation_index(self) -> dict[int, int]:
        if self._generations is None:
            self._generations = objects.generations()
        return self._generations

    def rows(self) -> list[dict]:
        recs = self.records.alive()
        found = self.records.fetch(recs)
        rows = []
        for rec in recs:
            obj = found.get(rec.oid)
            if obj is not None:
                rows.append(self._describe(rec, obj, held=2))  # the `found` dict and this loop's variable
        return rows

    def reset(self) -> None:
        with self.output.capturing(), self._acting():
            for name in self.records.user_names():
                del self.ns[name]
            self.records.clear()

    def view(self, names: list[str] | None = None, lazy: bool = False):
        from .heapview import build_view  # a bounded view already: LAZY changes nothing
        with quiet():
            return build_view(self, names)

    # ------------------------------------------------------------ gcsh's own objects

    def _own_ids(self) -> set[int]:
        """gcsh's own objects, found once per command (see ownership.own_ids)."""
        if self._own is None:
            stop = set(self.records.by_id) | self.records.bound_ids()
            with quiet():
                self._own = own_ids([self, self.emit], stop)  # emit: the session, and the simulator beside
        return self._own

    def _is_own(self, obj: object) -> bool:
        i = id(obj)
        return (i in self.own_extra or i in self._own_ids()) and self.records.name_of(obj) is None

    def _own_count(self, objs) -> int:
        own = self._own_ids()
        return sum(1 for obj in objs if id(obj) in own)

    # ------------------------------------------------------------ live-only

    def run_python(self, source: str) -> dict:
        """`py STATEMENT` in the user's namespace; names it binds become the user's objects."""
        with self.output.capturing():
            enabled = self.user_enabled
            try:
                with self._acting(snapshot=True), self._explicit_collections():
                    printed, value = pyexec.execute(self.ns, source)
            except pyexec.PythonError as e:
                for line in e.printed:
                    self.emit("event", line)
                self.records.sync()
                freed = self._settle(accept_changes=True)
                raise UserError(e.message + (f" (freed: {', '.join(freed)})" if freed else "")
                                + pyexec.collection_change(enabled, self.user_enabled)) from None
            except KeyboardInterrupt:
                self.records.sync()
                self._settle(accept_changes=True)
                raise
            renamed = self.records.sync()
            for change in renamed:
                self.emit("event", f"renamed {change}: the name now means a new object")
            self._settle(accept_changes=True)
        return {"statement": source, "output": printed, "value": value, "freed": list(self._freed_log)}

    @contextmanager
    def _explicit_collections(self) -> Iterator[None]:
        """While a py statement runs, a gc callback tells its own gc.collect() calls from automatic
        collections, so that they are reported as collections the user made: an automatic one
        starts only when gen0's count is over a nonzero threshold with collection on."""
        manual, event = self._manual, self.output.event
        started: list = []

        def callback(phase: str, info: dict) -> None:
            if phase == "start":
                count, threshold = gc.get_count()[0], gc.get_threshold()[0]
                started.append(not (gc.isenabled() and threshold and count > threshold))
            elif started and started.pop():
                counts = manual[info["generation"]]
                counts[0] += 1
                counts[1] += info["collected"]
                counts[2] += info["uncollectable"]
                unreachable = info["collected"] + info["uncollectable"]
                event(f"explicit collection of generation {info['generation']} by the statement's code: "
                      f"{unreachable} unreachable")

        gc.callbacks.append(callback)
        try:
            yield
        finally:
            if callback in gc.callbacks:
                gc.callbacks.remove(callback)
            del callback, started

    def types(self, limit: int) -> tuple[list[dict], int]:
        """The most common types among tracked objects, and how many of gcsh's own were left out."""
        with quiet():
            counts, own = census.count_types(self._own_ids())
        return census.most_common(counts, limit), own

    def growth(self, limit: int) -> tuple[list[dict], int]:
        """Types that have more objects than at the last call (all of them the first time)."""
        with quiet():
            counts, own = census.count_types(self._own_ids())
        grown = census.growth(counts, self._census, limit)
        self._census = counts
        return grown, own

    def pending(self) -> dict:
        """What a full collection would free now, found without collecting (see leaks.py)."""
        from .leaks import pending
        return pending(self)

    def is_pending(self, name: str) -> bool:
        from .leaks import is_pending
        return is_pending(self, name)

    def find(self, type_name: str, limit: int) -> dict:
        from .leaks import find
        return find(self, type_name, limit)

    def dominators(self, name: str | None, limit: int) -> dict:
        from .leaks import dominator_view
        return dominator_view(self, name, limit)

    def cycles(self) -> list[list[str]]:
        from .leaks import cycles
        return cycles(self)

    def cycle_fates(self, names: list[str]) -> dict:
        """For the first members of the cycles just found: (unreachable, the collection that frees it)."""
        return {name: (name in self.cycle_garbage, 2 if name in self.cycle_garbage else None) for name in names}

    def snapshot(self, sim, names: list[str] | None) -> dict:
        """Copy the live heap (or what NAMES reach) into the simulator SIM."""
        from .tosim import copy_heap
        for name in names or ():
            self.records.find(name)  # unknown names fail before anything changes
        with quiet():
            return copy_heap(self, sim, names)

    def _on_finalizer(self, obj: object) -> None:
        rec = self.records.by_id.get(id(obj))
        if rec is None:
            return
        name = rec.name
        if rec.resurrect and name not in self.records.user_names():
            self.ns[name] = obj
            self.output.event(f"{name}.__del__() ran and stored {name} in a root: resurrected")
        else:
            self.output.event(f"{name}.__del__() ran")


# ---------------------------------------------------------------- helpers


def _clean_start(warm_up: Callable[[], None] | None) -> None:
    """The first entry into the live backend of gcsh's own process, before the user has made
    anything: load what gcsh will use (its first use would move the counters by hundreds and start
    a collection the user did not cause), then collect gcsh's start-up garbage and zero the
    counters, so that the user's heap starts as plain python's."""
    if warm_up is not None:
        warm_up()
    from . import heapview  # noqa: F401  (loaded now, not during the user's first command)
    debug = gc.get_debug()
    gc.set_debug(0)  # quietly: none of this is the user's
    gc.collect()
    gc.set_debug(debug)


def _safe_point() -> None:
    """A Python call: CPython 3.12+ runs a collection that an allocation scheduled at the next
    such point, and this one is still inside the user's action."""
