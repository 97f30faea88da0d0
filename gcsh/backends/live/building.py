"""The live backend's commands that build and change the heap: alloc, weakref, link, unlink, del.

Each makes or changes real objects inside the backend's `_acting()` (the user's
collector settings apply; gcsh's own state is out of the way), then asks the
records what was freed, so a `del` reports the refcount cascade as it
happened.
"""

from __future__ import annotations

import weakref
from typing import Callable

from ...errors import UserError
from ...values import Atom
from .containers import INSTANCE_KINDS, attr_name, check_hashable, check_store, dict_key, remove, store
from .gcstate import stats_now
from .objects import Finalizer, Object, kind_of, refcount
from .records import Record


class HeapBuilding:
    """The building half of LiveBackend (mixed into it: it uses its records, output and _acting)."""

    def _check_new_name(self, name: str) -> None:
        if name.startswith("__") and name.endswith("__"):  # __builtins__: every `py` needs it
            raise UserError(f"name {name!r} is reserved: dunder names of the namespace belong to Python")
        if name in self.records.user_names():
            raise UserError(f"name {name!r} is already bound to a {kind_of(self.ns[name])}; "
                            f"del it first or choose another name")
        rec = self.records.by_name.get(name)
        if rec is not None:
            if self.records.fetch([rec]):
                raise UserError(f"name {name!r} still belongs to an unbound object awaiting collection; "
                                f"collect first or choose another name")
            self.records.forget(rec, "freed")

    def _item(self, item) -> tuple[str, object, bool]:
        """(label, object, is a literal) for an item: a name's object, or an int or str value."""
        if isinstance(item, Atom):
            return str(item), item.value, True
        return item, self.records.find(item), False

    def alloc(self, name: str, kind: str, items: list, resurrect: bool = False) -> dict:
        self._check_new_name(name)
        if kind == "legacy":
            raise UserError("the legacy kind needs the sim backend: a legacy finalizer (tp_del) is a C-level "
                            "feature with no class to make one from Python")
        if kind in ("int", "str") and items:
            raise UserError(f"an {kind} holds no items")
        if resurrect and kind != "finalizer":
            raise UserError("--resurrect needs the finalizer kind")
        resolved = [self._item(item) for item in items]
        if kind == "set":
            for label, obj, _ in resolved:
                check_hashable(obj, label)
        attrs = list(dict.fromkeys(attr_name(*item) for item in resolved)) if kind in INSTANCE_KINDS else []
        with self.output.capturing():
            before = stats_now()[0::3]
            with self._acting():
                obj = self._make(kind, name, resolved)
                del resolved
                self.ns[name] = obj
            rec = self.records.register(name, obj)
            rec.resurrect = resurrect
            rec.attrs = attrs
            fresh = stats_now()[0::3] == before
            info = self._describe(rec, obj, held=1, fresh=fresh)
        return info

    def _make(self, kind: str, name: str, items: list[tuple[str, object, bool]]) -> object:
        values = [obj for _, obj, _ in items]
        if kind == "list":
            return values
        if kind == "dict":
            return {dict_key(label, obj, literal): obj for label, obj, literal in items}
        if kind == "set":
            return set(values)
        if kind == "tuple":
            return tuple(values)
        if kind in INSTANCE_KINDS:
            inst = Object() if kind == "object" else Finalizer()
            for label, obj, literal in items:
                setattr(inst, attr_name(label, obj, literal), obj)
            return inst
        self._seq += 1
        if kind == "int":
            return int(str(1000 + self._seq))  # made at run time: not one of the cached small ints
        return "".join((name, " value"))  # made at run time: not interned

    def weakref(self, name: str, target: str, with_callback: bool) -> dict:
        self._check_new_name(name)
        obj = self.records.find(target)
        callback = self._weakref_callback(name) if with_callback else None
        with self.output.capturing():
            try:
                with self._acting():
                    wr = weakref.ref(obj, callback)
                    self.ns[name] = wr
            except TypeError as e:
                raise UserError(str(e)) from None
            del obj
            rec = self.records.register(name, wr)
            return self._describe(rec, wr, held=1, fresh=True)

    def _weakref_callback(self, name: str) -> Callable:
        output = self.output

        def callback(ref):
            output.event(f"weakref callback of {name} called: referent is dead")

        return callback

    def link(self, src: str, dst, key=None) -> dict:
        s = self.records.find(src)
        label, item, literal = self._item(dst)
        check_store(s, src, item, label, key)
        with self.output.capturing():
            with self._acting(snapshot=True):
                where = store(s, item, label, literal, key)
            rec = self.records.by_id.get(id(s))
            if rec is not None and kind_of(s) in INSTANCE_KINDS and where not in rec.attrs:
                rec.attrs.append(where)
            self.records.refresh(s)
            del s
            self._settle()  # storing under a dict key or attribute may have dropped an old value
            count = None if literal else refcount(item)
            del item
        return {"src": src, "dst": label, "key": where, "refcount": count}

    def unlink(self, src: str, dst) -> dict:
        s = self.records.find(src)
        label, item, literal = self._item(dst)
        with self.output.capturing():
            with self._acting(snapshot=True):
                where = remove(s, src, item, label, literal, self.records.by_id.get(id(s)))
                self.records.refresh(s)
                del s
                count = 0 if literal else refcount(item)  # 0: this local was the last reference
                del item
            self._settle()
            freed = list(self._freed_log)
        return {"src": src, "dst": label, "key": where, "refcount": count, "freed": freed}

    def delete(self, names: list[str]) -> dict:
        bound = self.records.user_names()
        for name in names:
            if name not in bound:
                self.records.find(name)  # raises for unknown or freed names
                raise UserError(f"{name!r} is not bound (it is kept alive only by references)")
        if len(set(names)) != len(names):
            raise UserError("the same name twice in one del")
        with self.output.capturing():
            recs, left = [], {}  # left: refcount once the names are gone, for objects gcsh cannot look for
            for name in names:
                obj = self.ns[name]
                rec = self.records.by_id.get(id(obj)) or self.records.register(name, obj)
                self.records.refresh(obj)  # what it is made of now, to know it again unbound
                left[rec.oid] = left.get(rec.oid, refcount(obj)) - 1
                if rec not in recs:
                    recs.append(rec)
            del obj
            with self._acting(snapshot=True):  # no iterator for one name: `del a` allocates nothing
                if len(names) == 1:
                    del self.ns[names[0]]
                else:
                    for name in names:
                        del self.ns[name]
            self._settle()
            for rec in recs:  # a frozen list, say, is not found among the tracked objects
                if rec.frozen and rec.wr is None and left[rec.oid] == 0 and rec.oid in self.records.by_id:
                    self.records.forget(rec, "freed")
                    self._freed_log.append(rec.name)
            alive = self._refcounts([rec for rec in recs if rec.oid in self.records.by_id], left)
        return {"freed": list(self._freed_log), "alive": alive}

    def _refcounts(self, recs: list[Record], unseen: dict[int, int] | None = None) -> dict[str, int]:
        """name -> refcount of each of RECS; UNSEEN gives those that cannot be looked for (frozen)."""
        found = self.records.fetch(recs)
        out = {}
        for rec in recs:
            obj = found.get(rec.oid)
            if obj is not None:
                out[rec.name] = refcount(obj) - 1  # -1: the `found` dict's reference
            elif unseen is not None and rec.oid in unseen:
                out[rec.name] = unseen[rec.oid]
        return out
