"""The simulator backend: the gc module's API over a simulated heap."""

from __future__ import annotations

from typing import Callable

from ...errors import UserError
from ...values import Atom
from ..base import Backend
from . import checkpoint as checkpoints
from .kernel import collector
from .kernel.heap import Heap
from .kernel.layout import (COLLECTING, FINALIZED, FREED, KINDS, PERMANENT, RESURRECTS, TYPE_NAMES, UNREACHABLE,
                            UNTRACKED, WEAKREFABLE, address, handle)
from ..gcargs import objects_generations
from .models import MODELS, default_model, resolve
from .freed import FreedNames

CALLED = ("object", "finalizer", "legacy")  # made by calling their class (a call ends in a safe point)

GEN_LABELS = {0: 0, 1: 1, 2: 2, PERMANENT: "permanent", COLLECTING: "collecting", UNREACHABLE: "collecting",
              UNTRACKED: "untracked", FREED: "freed"}
JSON_NAMES = 10_000  # names a JSON answer lists before it stops (the count is always complete)


class SimBackend(Backend):
    name = "sim"

    def __init__(self, emit: Callable[[str, str], None], model: str | None = None):
        super().__init__(emit)
        self.model = MODELS[resolve(model or default_model()) or model]
        self.heap = self._new_heap()
        self.auto_reports: list[collector.Report] = []
        self.last_unreachable = ()  # rows the last collection found unreachable, for pictures

    def _new_heap(self, heap: Heap | None = None) -> Heap:
        heap = Heap(self.model, self.emit) if heap is None else heap
        heap.on_alloc = self._on_alloc
        heap.on_safe_point = self._safe_point
        return heap

    def describe(self) -> str:
        return f"sim {self.model.version}"

    def close(self) -> None:
        self.heap.dispose()  # (its cycles: gcsh gone, nothing of it is left for a collection to find)

    # ------------------------------------------------------------ automatic collection

    def _on_alloc(self) -> None:
        heap = self.heap
        if not collector.should_collect(heap):
            return
        if self.model.deferred_collection:
            heap.gc_scheduled = True  # 3.12+: run at the next safe point
        else:
            self._auto_collect()  # 3.10/3.11: right inside the allocation

    def _auto_collect(self, run=collector.collect_generations) -> None:
        report = run(self.heap)
        if report is not None:
            self.auto_reports.append(report)
            self.last_unreachable = report.unreachable_ids
            freed = self.freed_names(report.freed)
            self.emit("event", f"automatic collection of generation {report.generation}: "
                               f"{report.unreachable} unreachable" + (f"; freed {freed.listing()}" if freed else ""))

    def _safe_point(self) -> None:
        """3.12+: a scheduled collection runs at the next safe point (see end_command)."""
        self.heap.gc_scheduled = False
        self._auto_collect(collector.run_scheduled)

    def begin_command(self) -> None:
        if self.auto_reports:
            self.auto_reports = []
        heap = self.heap
        if heap.freed_log:
            del heap.freed_log[:]
        if heap.stack:
            del heap.stack[:]

    def end_command(self) -> list[dict]:
        if self.heap.gc_scheduled:
            self._safe_point()
        if self.heap.stack:
            del self.heap.stack[:]
        return [self.report_dict(r) for r in self.auto_reports] if self.auto_reports else []

    checkpoint = checkpoints.checkpoint  # (backend, command, words): a method, one call less per command

    def freed_names(self, ops=None) -> FreedNames:
        """Names of freed objects, in allocation order (the order they were freed in is in --trace).
        Objects CPython makes and drops within one operation (`x:callbacks`) are left out."""
        return FreedNames(self.heap, self.heap.freed_log if ops is None else ops)

    # ------------------------------------------------------------ status

    def status(self) -> dict:
        h = self.heap
        return {"backend": "sim", "model": self.model.version, "enabled": h.enabled, "count": h.get_count(),
                "threshold": list(h.threshold), "debug": h.debug, "frozen": h.count_of(PERMANENT),
                "objects": len(h)}

    def names(self) -> list[str]:
        heap = self.heap
        return list(dict.fromkeys([*heap.roots, *(name for name, op in heap.names.explicit() if heap.alive(op))]))

    # ------------------------------------------------------------ building the heap

    def _resolve_items(self, items: list) -> list:
        return [item if isinstance(item, Atom) else self.heap.find(item) for item in items]

    def _check_new_name(self, name: str) -> None:
        heap = self.heap
        op = heap.live_row(name)
        if op is not None and heap.roots.bound(op):
            raise UserError(f"name {name!r} is already bound to a {heap.kind_of(op)}; "
                            f"del it first or choose another name")
        if op is not None:
            raise UserError(f"name {name!r} still belongs to an unbound object awaiting collection; "
                            f"collect first or choose another name")

    def alloc(self, name: str, kind: str, items: list, resurrect: bool = False) -> dict:
        heap = self.heap
        self._check_new_name(name)
        resolved = self._resolve_items(items) if items else items
        if kind in ("int", "str"):
            if resolved:
                raise UserError(f"an {kind} holds no items")
        if resurrect and kind != "finalizer":
            raise UserError("--resurrect needs the finalizer kind")
        if kind == "set":
            for item in resolved:
                heap.check_hashable(item)
        if kind == "tuple" and not resolved:
            raise UserError("the empty tuple is a shared singleton in CPython, never a new object: "
                            "give the tuple at least one item")
        held = heap.hold(resolved) if resolved else None
        try:
            op = heap.new_object(kind, name, size=len(resolved))
            if kind == "tuple":
                heap.edges_set(op, resolved)
                for item in resolved:
                    heap.incref(item)
                # 3.14.1+: a tuple none of whose items is a GC object (a tuple, even an untracked
                # one, counts as one: 3.14.2 and 3.15.0rc1 track `(inner,)`) is born untracked
                if not (self.model.tuples_untracked_at_creation and not any(heap.is_gc(t) for t in resolved)):
                    heap.track(op)
            else:
                if kind in ("list", "set", "object", "finalizer", "legacy") or (
                        kind == "dict" and self.model.dicts_always_tracked):
                    heap.track(op)
                # bound first, as `x = Object(); x.a = a` is: in 3.10 the first attribute
                # allocates the instance's dict, and a collection there must see x referenced
                heap.bind(name, op)
                heap.stack[:] = [op]  # the new object is on the stack where a collection runs next
                if heap.gc_scheduled and kind in CALLED:
                    heap.safe_point()  # `x = Object()` is a call: a safe point before any attribute
                if resolved:
                    for item in resolved:
                        heap.store(op, item)
                    heap.stack[:] = [op]
            if resurrect:
                heap.set_flag(op, RESURRECTS)
            if kind == "tuple":
                heap.bind(name, op)
                heap.stack[:] = [op]
        finally:
            if held:
                heap.release(held)
        return self.describe_object(op)

    def weakref(self, name: str, target: str, with_callback: bool) -> dict:
        heap = self.heap
        self._check_new_name(name)
        t = heap.find(target)
        if heap.kind_of(t) not in WEAKREFABLE:
            raise UserError(f"cannot create weak reference to '{heap.type_name(t)}' object")
        basic = [wr for wr in heap.weakrefs_to(t) if wr not in heap.callback]
        if basic and not with_callback:
            raise UserError(f"{target} already has a weak reference without a callback, {heap.name_of(basic[0])}: "
                            f"CPython's weakref.ref({target}) gives that same object back "
                            f"(add --callback for a new one)")
        held = heap.hold([t])
        try:
            cb = None
            if with_callback:
                cb = heap.new_object("function", f"{name}.__callback__")
                heap.track(cb)
                heap.add_ref(cb, 1)
            # weakref.ref(target, callback) takes its arguments as a tuple (the type has no
            # vectorcall): 3.14.1+ count it while the weakref is made (earlier versions' free lists
            # hide it), so it can be what schedules a collection
            args = heap.open_transient()
            wr = heap.new_object("weakref", name)
            heap.track(wr)
            heap.close_transient(args)
            heap.add_weakref(wr, t, cb)
            heap.bind(name, wr)
            heap.stack[:] = [wr]  # the call's result, on the stack at the call's safe point
        finally:
            heap.release(held)
        return self.describe_object(wr)

    def link(self, src: str, dst, key=None) -> dict:
        heap = self.heap
        s = heap.find(src)
        item = dst if isinstance(dst, Atom) else heap.find(dst)
        heap.check_store(s, item, key)
        if heap.store_allocates(s):  # an automatic collection may run in the store: hold both
            held = heap.hold([s, item])
            try:
                label = heap.store(s, item, key)
            finally:
                heap.release(held)
        else:
            label = heap.store(s, item, key)
        return {"src": src, "dst": heap.label(item), "key": label,
                "refcount": heap.refcnt[item] if type(item) is int else None}

    def unlink(self, src: str, dst) -> dict:
        heap = self.heap
        s = heap.find(src)
        item = dst if isinstance(dst, Atom) else heap.find(dst)
        label = heap.remove(s, item)
        alive = type(item) is int and heap.alive(item)
        return {"src": src, "dst": heap.label(item), "key": label,
                "refcount": heap.refcnt[item] if alive else 0, "freed": self.freed_names()}

    def delete(self, names: list[str]) -> dict:
        heap = self.heap
        for name in names:
            if name not in heap.roots:
                heap.find(name)  # raises for unknown or freed names
                raise UserError(f"{name!r} is not bound (it is kept alive only by references)")
        if len(set(names)) != len(names):
            raise UserError("the same name twice in one del")
        ops = [heap.roots.pop(name) for name in names]
        heap.release(ops)
        alive = {heap.name_of(op): heap.refcnt[op] for op in ops if heap.alive(op)}
        return {"freed": self.freed_names(), "alive": alive}

    # ------------------------------------------------------------ collecting

    def collect(self, generation: int, trace: bool = False) -> dict:
        from .kernel.trace import Trace
        tracer = Trace(self.heap.name_of) if trace else None
        report = collector.collect(self.heap, generation, tracer)
        self.last_unreachable = report.unreachable_ids
        result = self.report_dict(report, limit=None)
        if tracer is not None:
            result["trace"] = tracer
        return result

    def report_dict(self, report: collector.Report, limit: int | None = JSON_NAMES) -> dict:
        """A collection's result; `freed` is the lazy list of names (capped at LIMIT names when
        given: automatic collections' reports go straight to JSON)."""
        freed = self.freed_names(report.freed)
        return {"generation": report.generation, "unreachable": report.unreachable,
                "collected": report.collected, "uncollectable": report.uncollectable,
                "freed": freed if limit is None else freed[:limit], "freed_count": len(freed),
                "elapsed": report.elapsed, "automatic": report.automatic}

    def set_enabled(self, on: bool) -> None:
        self.heap.enabled = on

    def isenabled(self) -> bool:
        return self.heap.enabled

    def get_debug(self) -> int:
        return self.heap.debug

    def set_debug(self, value: int) -> None:
        self.model.check_debug(value)
        self.heap.debug = value

    def get_threshold(self) -> list[int]:
        return list(self.heap.threshold)

    def set_threshold(self, values: list[int]) -> None:
        if not values:
            raise UserError(self.model.set_threshold_error)
        for v in values:
            self.model.check_threshold(v)
        for i, v in enumerate(values):
            if not (self.model.incremental and i == 2):  # old[1]'s threshold: read back as 0
                self.heap.threshold[i] = v

    def get_count(self) -> list[int]:
        return self.heap.get_count()

    def get_stats(self) -> list[dict]:
        return [self.heap.stats_of(g) for g in range(3)]

    def get_objects(self, generation: int | None) -> list[str]:
        heap = self.heap
        return [heap.name_of(op) for g in objects_generations(generation) for h in heap.object_lists(g)
                for op in heap.objects(h)]

    def referrers(self, names: list[str]) -> list[str]:
        """gc.get_referrers: tracked objects of generations 0-2 whose traverse visits a target."""
        heap = self.heap
        targets = {heap.find(n) for n in names}
        return [heap.name_of(op) for g in heap.gen_heads() for op in heap.objects(g)
                if not targets.isdisjoint(heap.rows_of(op))]

    def referents(self, names: list[str]) -> list[str]:
        heap = self.heap
        out = []
        for n in names:
            op = heap.find(n)
            if heap.is_gc(op):
                out.extend(heap.label(t) for t in heap.traverse(op))
        return out

    def is_tracked(self, name: str) -> bool:
        return self.heap.tracked(self.heap.find(name))

    def is_finalized(self, name: str) -> bool:
        return self.heap.is_finalized(self.heap.find(name))

    def freeze(self) -> int:
        heap = self.heap
        for g in (0, 1, 2):
            for op in list(heap.objects(g)):
                heap.put(heap.GEN, op, PERMANENT)
            heap.list_merge(g, PERMANENT)
            heap.count[g] = 0
        heap.interpreter_space = "permanent"  # the interpreter's own objects, its namespace among them
        return heap.count_of(PERMANENT)

    def unfreeze(self) -> int:
        heap = self.heap
        moved = list(heap.objects(PERMANENT))
        oldest = heap.gen_heads()[1] if self.model.incremental else 2  # incremental: old[visited]
        for op in moved:
            heap.put(heap.GEN, op, oldest)
        heap.list_merge(PERMANENT, oldest)
        if heap.interpreter_space == "permanent":
            heap.interpreter_space = "visited"
        return len(moved)

    def freeze_count(self) -> int:
        return self.heap.count_of(PERMANENT)

    def callbacks(self, on: bool | None) -> bool:
        if on is not None:
            self.heap.callbacks_on = on
        return self.heap.callbacks_on

    def garbage(self, clear: bool) -> list[str]:
        heap = self.heap
        names = [heap.name_of(op) for op in heap.garbage]
        if clear:
            held = heap.garbage
            heap.attr_set("garbage", [])
            heap.release(held)
        return names

    # ------------------------------------------------------------ the whole heap

    def describe_object(self, op: int) -> dict:
        heap = self.heap
        name = heap.names.name_of(op)
        kind = KINDS[heap.kind[op]]
        g = heap.gen[op]
        return {"name": name, "kind": kind, "type": heap.type_names.get(op) or TYPE_NAMES.get(kind, kind),
                "refcount": heap.refcnt[op], "generation": self.generation_label(op, g),
                "tracked": g <= COLLECTING or g == UNREACHABLE, "finalized": bool(heap.flags[op] & FINALIZED),
                "bound": heap.roots.bound(op), "address": address(op), "handle": handle(op)}

    def generation_label(self, op: int, g: int | None = None):
        """What gc.get_objects(g) says of OP (G: its generation marker, if the caller has it); the
        incremental collector's old generation is 2, its two spaces named."""
        if g is None:
            g = self.heap.gen[op]
        if self.model.incremental and g in (1, 2):
            return "2 (visited)" if g == self.heap.gen_heads()[1] else "2 (pending)"
        return GEN_LABELS[g]

    def rows(self) -> list[dict]:
        return [self.describe_object(op) for op in self.heap.live()]

    def view(self, names: list[str] | None = None, lazy: bool = False):
        from .view import build_view
        return build_view(self, names, lazy)

    def replace_heap(self, heap: Heap) -> None:
        """Make a heap built aside (by `load` or `snapshot`) the current one, with its model."""
        self.model, self.heap, self.last_unreachable = heap.model, self._new_heap(heap), ()

    def reset(self) -> None:
        self.heap = self._new_heap()
        self.last_unreachable = ()

    def set_model(self, version: str) -> None:
        self.model = MODELS[resolve(version) or version]
        self.reset()

    # ------------------------------------------------------------ the journal, and questions answered with it

    def undo(self, n: int) -> dict:
        return checkpoints.undo(self, n)

    def redo(self, n: int) -> dict:
        return checkpoints.redo(self, n)

    def cycles(self) -> list[list[str]]:
        from .analysis import cycles
        return cycles(self.heap)

    def pending(self) -> dict:
        from .analysis import pending
        return pending(self)

    def find(self, type_name: str, limit: int) -> dict:
        from .analysis import find
        return find(self.heap, type_name, limit)

    def dominators(self, name: str | None, limit: int) -> dict:
        from .analysis import dominator_view
        return dominator_view(self, name, limit)

    def why(self, name: str) -> dict:
        from .analysis import why
        return why(self, name)

    def whatif(self, names: list[str], generation: int) -> dict:
        from .analysis import whatif
        return whatif(self, names, generation)

    def cycle_fates(self, names: list[str]) -> dict:
        from .analysis import cycle_fates
        return cycle_fates(self, names)

    def freed_by(self, names: list[str]) -> dict:
        from .analysis import freed_by
        return freed_by(self, names)

