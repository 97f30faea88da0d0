"""The attribute names that hold an instance's references, read without changing the heap.

From 3.11 on, an instance keeps its attributes inline until something asks for its `__dict__`:
reading `obj.__dict__` (or `vars`, `dir`) would make CPython build that dict, a new tracked object,
and so change the heap being looked at. So the names are found another way:

* the type of the instance (the `__class__` reference every heap type's instance has);
* `__slots__`, through the classes' member descriptors;
* a `__dict__` that gc.get_referents already shows (it exists: 3.10 always, 3.11+ once built),
  recognised by every key reading back as that very value;
* otherwise the instance's inline values, matched against what plain attribute reads give for the
  names the class's own code uses (`co_names` of its methods, `__static_attributes__` on 3.13+),
  the names gcsh set itself, and the names used by `py` statements.

Reads are made only where they run no Python code: not on a class with its own `__getattribute__`
or `__getattr__`, never for a name the class defines (a property, a descriptor). A read finds the
inline value without building anything, and getattr's default keeps a missing one from raising.
"""

from __future__ import annotations

import types

_MISSING = object()
_CODE_HOLDERS = (staticmethod, classmethod)


def labels(obj: object, refs: list, extra: tuple | list = ()) -> list[str | None]:
    """One label per referent in REFS (gc.get_referents(OBJ)): an attribute name, `__class__`,
    `__dict__`, or None where it is not known. EXTRA: more candidate names."""
    tp = type(obj)
    out: list[str | None] = [None] * len(refs)
    for i, r in enumerate(refs):
        if r is tp:
            out[i] = "__class__"
            break
    if not _plain_reads(tp):
        return out
    classes = tp.__mro__[:-1]  # object defines nothing an instance's references are held by
    defined = set()
    for klass in classes:
        defined.update(vars(klass))
    by_id: dict[int, list[str]] = {}

    def note(name: str, value) -> None:
        if value is not _MISSING:
            by_id.setdefault(id(value), []).append(name)

    for klass in classes:
        for name, descr in vars(klass).items():
            if type(descr) is types.MemberDescriptorType and _first(classes, name) is klass:
                note(name, getattr(obj, name, _MISSING))
    for name in _candidates(classes, extra):
        if name not in defined:
            note(name, getattr(obj, name, _MISSING))
    for i, r in enumerate(refs):
        if out[i] is not None:
            continue
        if type(r) is dict and _is_own_dict(obj, r, defined):
            out[i] = "__dict__"
            continue
        names = by_id.get(id(r))
        if names:
            out[i] = names.pop(0)
    del by_id, defined
    return out


def _plain_reads(tp: type) -> bool:
    """Does reading an attribute of TP's instances run only CPython's generic lookup?"""
    if not isinstance(tp, type) or tp.__getattribute__ is not object.__getattribute__:
        return False
    return not any("__getattr__" in vars(klass) for klass in tp.__mro__)


def _first(classes: tuple, name: str):
    for klass in classes:
        if name in vars(klass):
            return klass
    return None


def _is_own_dict(obj: object, d: dict, defined: set) -> bool:
    """Is D, a referent of OBJ, OBJ's own __dict__? Every key reads back as its value (a dict held
    as an attribute's value would read back as itself, not as its items)."""
    if not d:
        return False
    for key, value in d.items():
        if type(key) is not str or key in defined or getattr(obj, key, _MISSING) is not value:
            return False
    return True


def _candidates(classes: tuple, extra) -> dict[str, None]:
    """Attribute names the classes' own code uses, then EXTRA, each once, in that order. (Built
    from literals, never by calling list() or dict(): an object those make and a free list takes
    back moves gc's count0 for good.)"""
    names: dict[str, None] = {}
    for klass in classes:
        for name in vars(klass).get("__static_attributes__", ()):
            names[name] = None
        for value in vars(klass).values():
            if isinstance(value, _CODE_HOLDERS):
                value = value.__func__
            elif isinstance(value, property):
                for part in (value.fget, value.fset):
                    code = getattr(part, "__code__", None)
                    if code is not None:
                        _code_names(code, names)
                continue
            code = getattr(value, "__code__", None) if isinstance(value, types.FunctionType) else None
            if code is not None:
                _code_names(code, names)
    for name in extra:
        names[name] = None
    return names


def _code_names(code: types.CodeType, into: dict) -> None:
    """The names CODE (and the code nested in it) looks up as attributes or globals."""
    stack = [code]
    while stack:
        c = stack.pop()
        for name in c.co_names:
            into[name] = None
        stack.extend(k for k in c.co_consts if isinstance(k, types.CodeType))
    del stack

