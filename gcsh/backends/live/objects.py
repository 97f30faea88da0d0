"""Real objects: what `alloc` makes in the live backend, and facts read off any object.

`alloc` makes the built-in types themselves (list, dict, set, tuple, int, str)
and instances of two plain classes, `Object` and `Finalizer`, so that the
collector treats them exactly as it treats a program's own objects. Nothing
here keeps an object alive or changes it: the facts are read with
`sys.getrefcount`, `gc.get_referents` and `type`, never with `__dict__`,
which CPython 3.11+ would create on first access.
"""

from __future__ import annotations

import gc
import sys
import weakref
from contextlib import contextmanager
from typing import Callable, Iterator

HEAPTYPE = 1 << 9  # Py_TPFLAGS_HEAPTYPE: a class made by a class statement
FunctionType = type(lambda: None)


class Object:
    """An instance of a plain class (`alloc NAME object`)."""


class Finalizer:
    """An instance whose class has `__del__` (`alloc NAME finalizer`); `__del__` tells the
    live backends, which say that it ran (and may resurrect the instance)."""

    def __del__(self) -> None:
        for listener in list(FINALIZER_LISTENERS):
            listener(self)


# Functions called with a Finalizer whose __del__ is running (one per live backend).
FINALIZER_LISTENERS: list[Callable[[object], None]] = []


@contextmanager
def quiet() -> Iterator[None]:
    """gcsh's own bookkeeping allocates (lists of objects, sets of ids): no automatic collection
    may start because of it, or looking at the heap would change it. Its temporaries are freed
    before the end, which takes count0 back down as well."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def type_name(tp: type) -> str:
    """The type's name as CPython prints it (tp_name): `list`, `Object`, `numpy.ndarray`."""
    if tp.__flags__ & HEAPTYPE or tp.__module__ == "builtins":
        return tp.__name__
    return f"{tp.__module__}.{tp.__name__}"


def kind_of(obj: object) -> str:
    """The word gcsh uses for an object's kind (as `alloc` names them), else its type's name."""
    tp = type(obj)
    if tp is Object:
        return "object"
    if tp is Finalizer:
        return "finalizer"
    if tp in (list, dict, set, tuple, int, str):
        return tp.__name__
    if tp is weakref.ref:
        return "weakref"
    if tp is FunctionType:
        return "function"
    if tp.__flags__ & HEAPTYPE and not isinstance(obj, type):
        return "finalizer" if has_del(tp) else "object"
    return type_name(tp)


def has_del(tp: type) -> bool:
    return any("__del__" in vars(base) for base in tp.__mro__ if base is not object)


def is_gc(obj: object) -> bool:
    """Can the collector track objects of this type? (tracked now or not)."""
    return gc.is_tracked(obj) or type(obj) in (dict, tuple)


def weakrefable(obj: object) -> bool:
    try:
        weakref.ref(obj)
    except TypeError:
        return False
    return True


def fingerprint(obj: object) -> tuple:
    """What an object is made of, for recognising it by address: the identities of what it
    references, and the hash of an int or str (never the object itself: that would keep
    it alive). A new object put at the address of a dead one almost never matches."""
    value = hash(obj) if type(obj) in (int, str) else None
    return tuple(map(id, gc.get_referents(obj))), value


_OVERHEAD = 0  # references held by `refcount` itself and its caller's local; measured below


def refcount(obj: object) -> int:
    """OBJ's reference count without the references this call and its caller's local hold.

    Call it as `refcount(x)` with `x` a local variable of the caller: that is how the
    overhead is measured (it differs between CPython versions)."""
    return sys.getrefcount(obj) - _OVERHEAD


def _calibrate() -> int:
    holder = [object()]
    obj = holder[0]
    return refcount(obj) - 1  # the holder is the one real reference


_OVERHEAD = _calibrate()


def generations() -> dict[int, int]:
    """id -> generation for every tracked object of generations 0-2 (ids only: nothing is held)."""
    out: dict[int, int] = {}
    with quiet():
        for g in (0, 1, 2):
            out.update(dict.fromkeys(map(id, gc.get_objects(g)), g))
    return out


def generation_label(obj: object, index: dict[int, int] | None) -> int | str:
    """0, 1, 2, "permanent" (tracked but frozen) or "untracked"."""
    if not gc.is_tracked(obj):
        return "untracked"
    g = (index if index is not None else generations()).get(id(obj))
    return "permanent" if g is None else g
