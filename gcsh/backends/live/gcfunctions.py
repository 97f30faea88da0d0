"""The live backend's gc module functions: collect, the settings, get_objects, referrers and
referents, freeze, callbacks and gc.garbage.

Each calls the real function once and translates objects into the user's names;
gcsh's own objects are counted apart and never shown as the user's.
"""

from __future__ import annotations

import gc
import time

from ...errors import UserError
from .. import gcargs
from .objects import type_name
from .ownership import describe, held_by_running_commands, is_own_frame


class GcFunctions:
    """The gc-module half of LiveBackend (mixed into it: it uses its records, output and _acting)."""

    # ------------------------------------------------------------ collecting

    def collect(self, generation: int, trace: bool = False) -> dict:
        if trace:
            raise UserError("collect --trace needs the sim backend: the real collector cannot be stopped "
                            "between its phases (try 'snapshot', then 'backend sim')")
        with self.output.capturing():
            before = gc.get_stats()[generation]
            start = time.perf_counter()
            unreachable = gc.collect(generation)
            self._after = gc.get_objects() if self.records.by_id else None  # before anything new
            elapsed = time.perf_counter() - start
            after = gc.get_stats()[generation]
            counts = [after[k] - before[k] for k in ("collections", "collected", "uncollectable")]
            for i, n in enumerate(counts):
                self._manual[generation][i] += n
            freed = self._settle()
        return {"generation": generation, "unreachable": unreachable, "collected": counts[1],
                "uncollectable": counts[2], "freed": freed, "elapsed": elapsed, "automatic": False}

    def set_enabled(self, on: bool) -> None:
        self.user_enabled = on  # applied during the user's actions (see _acting)

    def isenabled(self) -> bool:
        return self.user_enabled

    def get_debug(self) -> int:
        return gc.get_debug()

    def set_debug(self, value: int) -> None:
        gcargs.check_debug(value)
        gc.set_debug(value)

    def get_threshold(self) -> list[int]:
        return list(gc.get_threshold())

    def set_threshold(self, values: list[int]) -> None:
        for value in values:
            gcargs.check_threshold(value)
        try:
            gc.set_threshold(*values)
        except TypeError as e:  # no threshold at all: this interpreter's own words
            raise UserError(str(e)) from None

    def get_count(self) -> list[int]:
        return list(gc.get_count())

    def get_stats(self) -> list[dict]:
        return gc.get_stats()

    def get_objects(self, generation: int | None) -> list[str]:
        gcargs.objects_generations(generation)
        tracked = gc.get_objects(generation)
        names = self._names_of(tracked)
        own = self._own_count(tracked)
        self._left_out = {"other": len(tracked) - len(names) - own, "gcsh": own}
        return names

    def _names_of(self, objs) -> list[str]:
        by_id = self.records.by_id
        out = []
        for obj in objs:
            rec = by_id.get(id(obj))
            if rec is not None and rec.type_name == type_name(type(obj)):
                out.append(rec.name)
        return out

    # ------------------------------------------------------------ looking at objects

    def _label(self, obj: object) -> str:
        name = self.records.name_of(obj)
        if name is not None:
            return name
        text = describe(obj)
        return f"{self.records.handles.of(obj)} {text}" if gc.is_tracked(obj) else text

    def _shown(self, found: list, temporaries: set[int]) -> list[str]:
        """Labels of FOUND, leaving out (and counting) gcsh's own: the namespace that holds the
        user's names, frames of gcsh's code, its other objects. TEMPORARIES, the containers
        of the query itself, are not part of any heap: they are dropped without a count."""
        shown, names, own = [], 0, 0
        for obj in found:
            if id(obj) in temporaries:
                continue
            if obj is self.ns:
                names += 1
            elif is_own_frame(obj) or self._is_own(obj):
                own += 1
            else:
                shown.append(self._label(obj))
        self._left_out = {"names": names, "gcsh": own}
        return shown

    def referrers(self, names: list[str]) -> list[str]:
        targets = [self.records.find(n) for n in names]
        with self.output.capturing():
            found = gc.get_referrers(*targets)  # one scan of the heap for all of them
            shown = self._shown(found, {id(targets)})
            del found, targets
        return shown

    def referents(self, names: list[str]) -> list[str]:
        targets = [self.records.find(n) for n in names]
        return self._shown(gc.get_referents(*targets), set())

    def left_out(self) -> dict:
        return dict(self._left_out)

    def is_tracked(self, name: str) -> bool:
        return gc.is_tracked(self.records.find(name))

    def is_finalized(self, name: str) -> bool:
        return gc.is_finalized(self.records.find(name))

    def freeze(self) -> int:
        gc.freeze()
        self._frozen_own.append(held_by_running_commands())  # until unfreeze (see there)
        for rec in self.records.by_id.values():
            rec.frozen = True
        return gc.get_freeze_count()

    def unfreeze(self) -> int:
        n = gc.get_freeze_count()
        gc.unfreeze()
        self._frozen_own.clear()
        for rec in self.records.by_id.values():
            rec.frozen = False
        return n

    def freeze_count(self) -> int:
        return gc.get_freeze_count()

    def callbacks(self, on: bool | None) -> bool:
        if on is not None and on != self.callbacks_on:
            if on:
                gc.callbacks.append(self._log_callback)
            elif self._log_callback in gc.callbacks:
                gc.callbacks.remove(self._log_callback)
            self.callbacks_on = on
        return self.callbacks_on

    def _log_callback(self, phase: str, info: dict) -> None:
        self.output.event(f"gc callback: {phase} {info}")

    def garbage(self, clear: bool) -> list[str]:
        names = [self._label(obj) for obj in gc.garbage]
        if clear:
            with self.output.capturing():
                with self._acting(snapshot=True):
                    del gc.garbage[:]
                self._settle()
        return names
