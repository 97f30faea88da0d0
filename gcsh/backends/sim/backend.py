"""The simulator backend: the gc module's API over a simulated heap."""

from __future__ import annotations

from typing import Callable

from ...values import Atom
from ...errors import UserError
from ..base import Backend
from . import collector, snapshot
from .heap import COLLECTING, FREED, PERMANENT, UNTRACKED, Heap, address
from .models import MODELS, OBJECTS_NEGATIVE, OBJECTS_TOO_BIG, default_model

GEN_LABELS = {0: 0, 1: 1, 2: 2, PERMANENT: "permanent", COLLECTING: "collecting",
              UNTRACKED: "untracked", FREED: "freed"}


class SimBackend(Backend):
    name = "sim"

    def __init__(self, emit: Callable[[str, str], None], model: str | None = None):
        super().__init__(emit)
        self.model = MODELS[model or default_model()]
        self.heap = self._new_heap()
        self.auto_reports: list[collector.Report] = []
        self.last_unreachable: set[int] = set()  # what the last collection found, for pictures

    def _new_heap(self) -> Heap:
        heap = Heap(self.model, self.emit)
        heap.on_alloc = self._on_alloc
        heap.on_safe_point = self._safe_point
        return heap

    def describe(self) -> str:
        return f"sim {self.model.version}"

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
            self.last_unreachable = set(report.unreachable_ids)
            self.emit("event", f"automatic collection of generation {report.generation}: "
                               f"{report.unreachable} unreachable" + self._freed_suffix(report.freed))

    def _safe_point(self) -> None:
        """3.12+: a scheduled collection runs at the next safe point (see end_command)."""
        self.heap.gc_scheduled = False
        self._auto_collect(collector.run_scheduled)

    def begin_command(self) -> None:
        self.auto_reports = []
        self.heap.freed_log.clear()

    def end_command(self) -> list[dict]:
        heap = self.heap
        if heap.gc_scheduled:
            self._safe_point()
        return [self._report_dict(r) for r in self.auto_reports]

    def checkpoint(self, command: str, words: int):
        return snapshot.backend_checkpoint(self, command, words)

    def freed_names(self, ops: list[int] | None = None) -> list[str]:
        """Names of freed objects, in allocation order (the order they were freed in is in --trace).
        Objects CPython makes and drops within one operation (`x:callbacks`, a name no one can
        type) are left out."""
        ops = self.heap.freed_log if ops is None else ops
        names = self.heap.name
        return [names[op] for op in sorted(ops) if ":" not in names[op]]

    def _freed_suffix(self, ops: list[int]) -> str:
        return "; freed " + ", ".join(self.freed_names(ops)) if ops else ""

    # ------------------------------------------------------------ status

    def status(self) -> dict:
        h = self.heap
        return {"backend": "sim", "model": self.model.version, "enabled": h.enabled, "count": list(h.count),
                "threshold": list(h.threshold), "debug": h.debug, "frozen": len(h.generations[PERMANENT]),
                "objects": len(h.by_name)}

    def names(self) -> list[str]:
        return list(self.heap.by_name)

    # ------------------------------------------------------------ building the heap

    def _resolve_items(self, items: list) -> list:
        return [item if isinstance(item, Atom) else self.heap.find(item) for item in items]

    def _check_new_name(self, name: str) -> None:
        heap = self.heap
        if name in heap.roots:
            raise UserError(f"name {name!r} is already bound to a {heap.kind[heap.roots[name]]}; "
                            f"del it first or choose another name")
        if name in heap.by_name:
            raise UserError(f"name {name!r} still belongs to an unbound object awaiting collection; "
                            f"collect first or choose another name")

    def alloc(self, name: str, kind: str, items: list, resurrect: bool = False) -> dict:
        heap = self.heap
        self._check_new_name(name)
        resolved = self._resolve_items(items)
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
        with heap.held(resolved):
            op = heap.new_object(kind, name, size=len(resolved))
            if kind == "tuple":
                heap.refs[op] = list(resolved)
                for item in resolved:
                    heap.incref(item)
                if not (self.model.tuples_untracked_at_creation
                        and not any(heap.may_be_tracked(t) for t in resolved)):
                    heap.track(op)
            else:
                if kind in ("list", "set", "object", "finalizer", "legacy") or (
                        kind == "dict" and self.model.dicts_always_tracked):
                    heap.track(op)
                # bound first, as `x = Object(); x.a = a` is: in 3.10 the first attribute
                # allocates the instance's dict, and a collection there must see x referenced
                heap.bind(name, op)
                for item in resolved:
                    heap.store(op, item)
            if resurrect:
                heap.resurrects.add(op)
            if name not in heap.roots:
                heap.bind(name, op)
        return self.describe_object(op)

    def weakref(self, name: str, target: str, with_callback: bool) -> dict:
        heap = self.heap
        self._check_new_name(name)
        t = heap.find(target)
        if heap.kind[t] not in ("set", "object", "finalizer", "legacy", "function"):
            raise UserError(f"cannot create weak reference to '{heap.type_name(t)}' object")
        basic = [wr for wr in heap.weakrefs.get(t, ()) if wr not in heap.callback]
        if basic and not with_callback:
            raise UserError(f"{target} already has a weak reference without a callback, {heap.name[basic[0]]}: "
                            f"CPython's weakref.ref({target}) gives that same object back "
                            f"(add --callback for a new one)")
        with heap.held([t]):
            cb = None
            if with_callback:
                cb = heap.new_object("function", f"{name}.__callback__")
                heap.track(cb)
                heap.refcnt[cb] = 1
            wr = heap.new_object("weakref", name)
            heap.track(wr)
            heap.add_weakref(wr, t, cb)
            heap.bind(name, wr)
        return self.describe_object(wr)

    def link(self, src: str, dst, key=None) -> dict:
        heap = self.heap
        s = heap.find(src)
        item = dst if isinstance(dst, Atom) else heap.find(dst)
        heap.check_store(s, item, key)
        with heap.held([s, item]):
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
        alive = {heap.name[op]: heap.refcnt[op] for op in ops if heap.alive(op)}
        return {"freed": self.freed_names(), "alive": alive}

    # ------------------------------------------------------------ collecting

    def collect(self, generation: int, trace: bool = False) -> dict:
        tracer = collector.Trace() if trace else None
        report = collector.collect(self.heap, generation, tracer)
        self.last_unreachable = set(report.unreachable_ids)
        result = self._report_dict(report)
        if tracer is not None:
            result["trace"] = self._trace_dicts(tracer)
        return result

    def _report_dict(self, report: collector.Report) -> dict:
        return {"generation": report.generation, "unreachable": report.unreachable,
                "collected": report.collected, "uncollectable": report.uncollectable,
                "freed": self.freed_names(report.freed), "elapsed": report.elapsed,
                "automatic": report.automatic}

    def _trace_dicts(self, tracer: collector.Trace) -> list[dict]:
        names = self.heap.name

        def convert(value):
            if isinstance(value, dict):
                return {names[k]: v for k, v in value.items()}
            if isinstance(value, list):
                return [names[op] if type(op) is int else convert(op) for op in value]
            if isinstance(value, tuple):  # a step of the walk: (op, what[, by])
                return [names[x] if type(x) is int else x for x in value]
            return value

        return [{"phase": phase, **{k: convert(v) for k, v in details.items()}} for phase, details in tracer.steps]

    def set_enabled(self, on: bool) -> None:
        self.heap.enabled = on

    def isenabled(self) -> bool:
        return self.heap.enabled

    def get_debug(self) -> int:
        return self.heap.debug

    def set_debug(self, value: int) -> None:
        self.heap.debug = value

    def get_threshold(self) -> list[int]:
        return list(self.heap.threshold)

    def set_threshold(self, values: list[int]) -> None:
        if not values:
            raise UserError(self.model.set_threshold_error)
        for i, v in enumerate(values):
            self.heap.threshold[i] = v

    def get_count(self) -> list[int]:
        return list(self.heap.count)

    def get_stats(self) -> list[dict]:
        return [dict(entry) for entry in self.heap.stats]

    def get_objects(self, generation: int | None) -> list[str]:
        heap = self.heap
        if generation is None or generation == -1:
            gens = (0, 1, 2)
        elif generation < -1:
            raise UserError(OBJECTS_NEGATIVE)
        elif generation > 2:
            raise UserError(OBJECTS_TOO_BIG)
        else:
            gens = (generation,)
        return [heap.name[op] for g in gens for op in heap.generations[g]]

    def referrers(self, names: list[str]) -> list[str]:
        """gc.get_referrers: tracked objects of generations 0-2 whose traverse visits a target."""
        heap = self.heap
        targets = {heap.find(n) for n in names}
        found = []
        for g in (0, 1, 2):
            for op in heap.generations[g]:
                if any(t in targets for t in heap.traverse(op)):
                    found.append(heap.name[op])
        return found

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
        return self.heap.find(name) in self.heap.finalized

    def freeze(self) -> int:
        heap = self.heap
        for g in (0, 1, 2):
            heap.place(heap.take(g), PERMANENT)
            heap.count[g] = 0
        return len(heap.generations[PERMANENT])

    def unfreeze(self) -> int:
        heap = self.heap
        moved = heap.take(PERMANENT)
        heap.place(moved, 2)
        return len(moved)

    def freeze_count(self) -> int:
        return len(self.heap.generations[PERMANENT])

    def callbacks(self, on: bool | None) -> bool:
        if on is not None:
            self.heap.callbacks_on = on
        return self.heap.callbacks_on

    def garbage(self, clear: bool) -> list[str]:
        heap = self.heap
        names = [heap.name[op] for op in heap.garbage]
        if clear:
            held, heap.garbage = heap.garbage, []
            heap.release(held)
        return names

    # ------------------------------------------------------------ the whole heap

    def describe_object(self, op: int) -> dict:
        heap = self.heap
        return {"name": heap.name[op], "kind": heap.kind[op], "type": heap.type_name(op),
                "refcount": heap.refcnt[op], "generation": GEN_LABELS[heap.gen[op]],
                "tracked": heap.tracked(op), "finalized": op in heap.finalized,
                "bound": heap.name[op] in heap.roots, "address": address(op)}

    def rows(self) -> list[dict]:
        heap = self.heap
        return [self.describe_object(op) for op in heap.by_name.values()]

    def view(self, names: list[str] | None = None):
        from .view import build_view
        return build_view(self, names)

    def replace_heap(self, heap: Heap) -> None:
        """Make a heap built aside (by `load`) the current one, with its model."""
        heap.on_alloc = self._on_alloc
        self.model, self.heap, self.last_unreachable = heap.model, heap, set()

    def reset(self) -> None:
        self.heap = self._new_heap()
        self.last_unreachable = set()

    def set_model(self, version: str) -> None:
        self.model = MODELS[version]
        self.reset()
