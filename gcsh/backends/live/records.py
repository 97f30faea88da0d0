"""The user's objects in the live backend, and how gcsh knows which of them are still alive.

The user's roots are the names of a namespace dict (the `py` statements' globals).
Every object ever bound to one of those names is a *record*: its name, its address
and what gcsh needs to follow it without keeping it alive. gcsh holds no strong
reference to an object that is not bound:

- an object that can be weakly referenced is followed by a weakref without a
  callback, which runs no code during a collection and changes nothing it does;
- lists, dicts, tuples, ints and strs cannot be weakly referenced (a subclass with a
  `__weakref__` slot could be, but it would not be the type the user asked for: a dict
  subclass is tracked from birth and never untracked, and every instance of a class
  references its class). gcsh follows these by address: after anything that may have
  freed them it looks for a live object at that address, among the tracked objects
  and what they reference, and accepts it only if it is made of the same things
  (`objects.fingerprint`). Objects in the permanent generation cannot be looked for,
  so a frozen, unbound list is taken to be alive until it is unfrozen.
"""

from __future__ import annotations

import gc
import itertools
import weakref

from ...errors import UserError
from .handles import Handles
from .objects import fingerprint, kind_of, quiet, type_name


class Tracker(weakref.ref):
    """gcsh's weak reference to a user's object. A subclass, so that it is never the object's
    shared basic weakref: `weakref.ref(x)` in the user's code still makes a new one."""

    __slots__ = ()


class Record:
    """One name gcsh gave. (Not a dataclass: see gcstate.GcSettings.)"""

    __slots__ = ("name", "oid", "seq", "kind", "type_name", "wr", "fingerprint", "attrs", "frozen", "resurrect")

    def __init__(self, name: str, oid: int, seq: int, kind: str, type_name: str, wr: weakref.ref | None,
                 fingerprint: tuple | None = None):
        self.name = name
        self.oid = oid  # id() while alive; never used to reach the object without checking it
        self.seq = seq  # creation order: lists of names are shown in this order, as the simulator does
        self.kind, self.type_name = kind, type_name
        self.wr = wr  # None: followed by address
        self.fingerprint = fingerprint
        self.attrs: list[str] = []  # attribute names gcsh set (edge labels)
        self.frozen = False  # in the permanent generation, where it cannot be looked for
        self.resurrect = False  # a Finalizer whose __del__ binds it to its name again


class Records:
    def __init__(self, namespace: dict):
        self.ns = namespace
        self.by_name: dict[str, Record] = {}
        self.by_id: dict[int, Record] = {}
        self.freed: dict[str, str] = {}  # name -> how it went, for error messages
        self.by_address = 0  # how many records have no weakref (see settle)
        self._seq = itertools.count()
        self.handles = Handles()  # the unnamed objects gcsh has printed

    # ------------------------------------------------------------ names and bindings

    def user_names(self) -> list[str]:
        """The namespace's names that are the user's (dunder names are Python's)."""
        return [n for n in self.ns if not (n.startswith("__") and n.endswith("__"))]

    def bound_ids(self) -> set[int]:
        return {id(self.ns[n]) for n in self.user_names()}

    def register(self, name: str, obj: object) -> Record:
        """A new user object, called NAME (or found again, if it is already a record)."""
        rec = self.by_id.get(id(obj))
        if rec is not None:
            return rec
        old = self.by_name.get(name)
        if old is not None:
            self.rename(old)
        try:
            wr = Tracker(obj)
        except TypeError:
            wr = None
        rec = Record(name, id(obj), next(self._seq), kind_of(obj), type_name(type(obj)), wr,
                     None if wr is not None else fingerprint(obj))
        self.by_name[name] = rec
        self.by_id[rec.oid] = rec
        self.by_address += wr is None
        self.freed.pop(name, None)
        return rec

    def rename(self, rec: Record) -> str:
        """A name now belongs to a new object: the old, still living one gets NAME_1, NAME_2…"""
        for i in itertools.count(1):
            new = f"{rec.name}_{i}"
            if new not in self.by_name and new not in self.ns:
                break
        del self.by_name[rec.name]
        rec.name = new
        self.by_name[new] = rec
        return new

    def sync(self) -> list[str]:
        """Register the objects the namespace binds that are not records yet; returns the old
        names that had to be renamed because their name now means a new object."""
        renamed = []
        for name in self.user_names():
            obj = self.ns[name]
            if id(obj) in self.by_id:
                continue
            old = self.by_name.get(name)
            if old is not None:
                renamed.append(f"{name} -> {self.rename(old)}")
            self.register(name, obj)
        return renamed

    def forget(self, rec: Record, how: str) -> None:
        self.by_name.pop(rec.name, None)
        if self.by_id.pop(rec.oid, None) is not None and rec.wr is None:
            self.by_address -= 1
        self.freed[rec.name] = how

    def clear(self) -> None:
        self.by_name.clear()
        self.by_id.clear()
        self.freed.clear()
        self.by_address = 0

    # ------------------------------------------------------------ finding objects

    def find(self, name: str) -> object:
        """The object a name means: a bound name, a record that is no longer bound, or a handle."""
        if name[:1] == "@":
            return self.handles.resolve(name)
        if name in self.ns and name in self.user_names():
            return self.ns[name]
        rec = self.by_name.get(name)
        if rec is None:
            if name in self.freed:
                raise UserError(f"{name!r} no longer exists: {self.freed[name]}")
            raise UserError(f"unknown name {name!r}")
        obj = self.fetch([rec]).get(rec.oid)
        if obj is None:
            self.forget(rec, "freed")
            raise UserError(f"{name!r} no longer exists: it was freed")
        return obj

    def record_of(self, name: str) -> Record:
        """The record of a name (a bound name's object is registered on the way)."""
        obj = self.find(name)
        return self.by_id.get(id(obj)) or self.register(name, obj)

    def name_of(self, obj: object) -> str | None:
        rec = self.by_id.get(id(obj))
        return rec.name if rec is not None else None

    def fetch(self, recs: list[Record]) -> dict[int, object]:
        """id -> object for those of RECS that are alive (weakrefs, bindings, or by address)."""
        found: dict[int, object] = {}
        bound = {id(self.ns[n]): self.ns[n] for n in self.user_names()}
        lost: dict[int, Record] = {}
        for rec in recs:
            if rec.oid in bound:
                found[rec.oid] = bound[rec.oid]
            elif rec.wr is not None:
                obj = rec.wr()
                if obj is not None:
                    found[rec.oid] = obj
            else:
                lost[rec.oid] = rec
        if lost:
            for i, obj in search(set(lost), bound.values()).items():
                rec = lost[i]
                if type_name(type(obj)) == rec.type_name and fingerprint(obj) == rec.fingerprint:
                    found[i] = obj
        return found

    def alive(self) -> list[Record]:
        """Every record, in creation order (alive as far as gcsh knows)."""
        return sorted(self.by_id.values(), key=lambda r: r.seq)

    # ------------------------------------------------------------ who died

    def settle(self, accept_changes: bool = False, tracked: list | None = None) -> list[Record]:
        """Forget the records whose objects have died since the last look; returns them.

        TRACKED: gc.get_objects() taken right after what may have freed objects, before gcsh
        made any of its own (so no new object can be at a dead one's address). With it, an
        object whose weakref the collector cleared but that a finalizer brought back to life
        is seen to be alive. With ACCEPT_CHANGES (after a `py` statement, which may have
        changed anything), an object found at its address counts as alive even if it is now
        made of other things."""
        bound = self.bound_ids()
        self.renew_weakrefs()
        dead, lost, cleared = [], {}, {}
        for rec in list(self.by_id.values()):
            if rec.oid in bound:
                continue
            if rec.wr is not None:
                if rec.wr() is None:
                    cleared[rec.oid] = rec
            elif not rec.frozen:
                lost[rec.oid] = rec
        if cleared:
            survivors = {id(obj): obj for obj in tracked or () if id(obj) in cleared}
            for i, rec in cleared.items():
                obj = survivors.get(i)
                if obj is not None and type_name(type(obj)) == rec.type_name:
                    rec.wr = Tracker(obj)  # resurrected: the collector had cleared its weakrefs
                else:
                    dead.append(rec)
            del survivors, obj
        if lost:
            found = search(set(lost), [self.ns[n] for n in self.user_names()], tracked)
            for i, rec in lost.items():
                obj = found.get(i)
                same = obj is not None and type_name(type(obj)) == rec.type_name
                if same and not accept_changes and fingerprint(obj) != rec.fingerprint:
                    same = False
                if same:
                    rec.fingerprint = fingerprint(obj)
                else:
                    dead.append(rec)
            del found, obj
        dead.sort(key=lambda r: r.seq)
        for rec in dead:
            self.forget(rec, "freed")
        return dead

    def renew_weakrefs(self) -> None:
        """A bound object whose weakref was cleared came back to life (a finalizer stored it
        while the collector was clearing weakrefs): follow it with a new one."""
        for name in self.user_names():
            obj = self.ns[name]
            rec = self.by_id.get(id(obj))
            if rec is not None and rec.wr is not None and rec.wr() is None:
                rec.wr = Tracker(obj)

    def refresh(self, obj: object) -> None:
        """OBJ was changed by gcsh itself: remember what it is made of now."""
        rec = self.by_id.get(id(obj))
        if rec is not None and rec.wr is None:
            rec.fingerprint = fingerprint(obj)


def search(ids: set[int], roots, tracked: list | None = None) -> dict[int, object]:
    """Live objects with the given ids: among the tracked objects (TRACKED, if given), then among
    what they and ROOTS reference (untracked dicts and tuples, ints, strs), a level further."""
    with quiet():
        return _search(ids, roots, tracked)


def _search(ids: set[int], roots, tracked: list | None) -> dict[int, object]:
    found: dict[int, object] = {}
    objs = tracked if tracked is not None else gc.get_objects()
    for obj in objs:
        if id(obj) in ids:
            found[id(obj)] = obj
    level = list(roots) + objs
    del objs
    for _ in range(3):  # an int in an untracked tuple in an untracked dict is three levels down
        missing = ids.difference(found)
        if not missing or not level:
            break
        referents = gc.get_referents(*level)
        level = []
        for obj in referents:
            if id(obj) in missing:
                found[id(obj)] = obj
            elif type(obj) in (dict, tuple) and not gc.is_tracked(obj):
                level.append(obj)
        del referents
    return found
