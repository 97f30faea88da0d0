"""Whose is an object: the user's, gcsh's own, or the rest of the interpreter's.

gcsh's own objects are everything reachable from the modules of gcsh and of
the libraries only gcsh uses (prompt_toolkit, pygments, wcwidth), plus the
objects a backend names as its own, without passing through the user's
objects or through another package's modules, classes and functions. They are
left out of what the live backend shows, and counted ("3 of gcsh's own not
shown"), never hidden silently.

Objects that are neither the user's nor gcsh's are shown by a short bounded
description: `<module numpy>`, `<dict of 3 items>`, `<function f>`.
"""

from __future__ import annotations

import gc
import sys
import types
from typing import Iterable

from ...interrupts import signal  # (its C core: see there)
from .objects import type_name

OWN_PACKAGES = frozenset({"gcsh", "prompt_toolkit", "pygments", "wcwidth"})
DESCRIPTION_LIMIT = 60
MACHINERY = (type, types.ModuleType, types.FunctionType, types.BuiltinFunctionType, types.CodeType,
             types.MethodType, types.MethodDescriptorType, types.WrapperDescriptorType,
             types.MethodWrapperType, types.GetSetDescriptorType, types.MemberDescriptorType,
             types.ClassMethodDescriptorType, staticmethod, classmethod, property, types.CellType)


def is_own_module(name: str | None) -> bool:
    return bool(name) and name.partition(".")[0] in OWN_PACKAGES


def _module_of(obj: object) -> str | None:
    if isinstance(obj, types.ModuleType):
        return obj.__name__
    if isinstance(obj, type):
        return obj.__dict__.get("__module__") if isinstance(obj.__dict__.get("__module__"), str) else None
    if isinstance(obj, (types.FunctionType, types.BuiltinFunctionType)):
        return getattr(obj, "__module__", None)
    return None


def _foreign(obj: object) -> bool:
    """A module, class or function of another package: gcsh's objects stop there."""
    if isinstance(obj, (types.ModuleType, type, types.FunctionType, types.BuiltinFunctionType)):
        return not is_own_module(_module_of(obj))
    return False


def is_machinery(obj: object) -> bool:
    """Types, modules, functions, code and descriptors: the interpreter's machinery."""
    return isinstance(obj, MACHINERY)


def own_ids(extra_roots: Iterable[object], stop: set[int]) -> set[int]:
    """Ids of gcsh's own objects: reachable from its modules and EXTRA_ROOTS, not through STOP ids
    (the user's objects) nor through other packages' modules, classes and functions."""
    roots = [m for name, m in list(sys.modules.items()) if is_own_module(name) and m is not None]
    roots.extend(extra_roots)
    seen: set[int] = set()
    stack = []
    for obj in roots:
        if id(obj) not in seen and id(obj) not in stop:
            seen.add(id(obj))
            stack.append(obj)
    del roots
    get_referents, is_tracked = gc.get_referents, gc.is_tracked
    while stack:
        for ref in get_referents(stack.pop()):
            i = id(ref)
            if i in seen or i in stop or not is_tracked(ref) or _foreign(ref):
                continue  # untracked objects (ints, strs, atomic dicts) are nobody's: never hidden
            seen.add(i)
            stack.append(ref)
    return seen


def describe(obj: object) -> str:
    """A short description of an object that is not one of the user's."""
    if type(obj) in (int, float, bool, complex) or obj is None:
        text = repr(obj)
    elif type(obj) in (str, bytes):
        text = repr(obj) if len(obj) <= DESCRIPTION_LIMIT - 2 else repr(obj[:DESCRIPTION_LIMIT - 8]) + "…"
    elif isinstance(obj, types.ModuleType):
        text = f"<module {obj.__name__}>"
    elif isinstance(obj, type):
        text = f"<class {obj.__qualname__}>"
    elif isinstance(obj, (types.FunctionType, types.BuiltinFunctionType, types.MethodType)):
        text = f"<{type_name(type(obj))} {getattr(obj, '__qualname__', '?')}>"
    elif isinstance(obj, types.FrameType):
        code = obj.f_code
        text = f"<frame of {code.co_name} at {code.co_filename.rpartition('/')[2]}:{obj.f_lineno}>"
    elif isinstance(obj, types.CodeType):
        text = f"<code {obj.co_name}>"
    elif type(obj) in (list, dict, set, frozenset, tuple):
        n = len(obj)
        text = f"<{type(obj).__name__} of {n} item{'s' if n != 1 else ''}>"
    else:
        text = f"<{type_name(type(obj))} object>"
    return text if len(text) <= DESCRIPTION_LIMIT else text[:DESCRIPTION_LIMIT - 2] + "…>"


def held_by_running_commands() -> list:
    """What gcsh's running frames hold (the line, its statements, the running command's parts) and
    gcsh's SIGINT handler: objects that die when the command ends. Called right after gc.freeze(),
    so that they can be kept alive: frozen with the rest, they would leave the permanent generation
    as they die, and `freezecount` would not say what `freeze` did. (The frame objects and their
    locals' mappings are made after the freeze: young, and dropped again.)"""
    held = []
    frame = sys._getframe(1)
    while frame is not None and is_own_frame(frame):
        held.extend(value for value in frame.f_locals.values() if gc.is_tracked(value))
        frame = frame.f_back
    del frame  # (a frame of the embedding program's, perhaps: never kept)
    handler = signal.getsignal(signal.SIGINT)
    if isinstance(handler, types.MethodType) and is_own_module(type(handler.__self__).__module__):
        held.append(handler)
    return held


def is_own_frame(obj: object) -> bool:
    """A frame of gcsh's own code (materialised frames can hold the user's objects for a moment)."""
    if not isinstance(obj, types.FrameType):
        return False
    filename = obj.f_code.co_filename
    return any(f"/{package}/" in filename for package in OWN_PACKAGES)
