"""The `fast` extra: the loops package compiled by numba, used where it pays.

`loops_for(heap)` gives the module whose functions a collection should call:
the loops package itself (plain Python over the array columns), or a namespace
of the same functions `numba.njit(cache=True)`-compiled from a second copy of
each of its modules (a span operation compiled from its loop form). numba
accepts `array.array` columns as they are, so both run on the same storage and
give the same results (tests/test_sim_accel.py checks it on random heaps).

numba's import and cache load cost about half a second to a second, once per
process: the compiled copy is loaded when a heap first reaches FIRST_USE live
objects (where the plain loops would take that long), and used from then on
for heaps of LOADED_USE objects or more. GCSH_ACCEL=always / never overrides
that (tests, benchmarks). The compiled code is cached in the user's cache
directory, since site-packages may be read-only.
"""

from __future__ import annotations

import os

from . import loops

FIRST_USE = 200_000  # live objects at which loading numba pays for itself
LOADED_USE = 2_000  # live objects from which the compiled loops are used once loaded
MODES = ("auto", "always", "never")

_mode = os.environ.get("GCSH_ACCEL", "auto")
_compiled = None  # the compiled module, False when numba cannot be imported, None: not tried yet


def set_mode(mode: str) -> None:
    if mode not in MODES:
        raise ValueError(f"GCSH_ACCEL must be one of {', '.join(MODES)}")
    global _mode
    _mode = mode


def mode() -> str:
    return _mode


def available() -> bool:
    """Can the compiled loops be had (loading them if need be)?"""
    return bool(load())


def loaded() -> bool:
    return bool(_compiled)


def loops_for(heap):
    """The loops module a collection of HEAP should run: compiled or plain."""
    if _mode == "never":
        return loops
    alive = heap.nlive
    if _compiled:
        return _compiled if alive >= LOADED_USE or _mode == "always" else loops
    if _compiled is None and (_mode == "always" or alive >= FIRST_USE):
        return load() or loops
    return loops


def _address_space_limited() -> bool:
    try:
        import resource
    except ImportError:  # not POSIX
        return False
    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    return soft != resource.RLIM_INFINITY


def load():
    """Import numba and compile (or load from the cache) a copy of the loops; False without numba."""
    global _compiled
    if _compiled is not None:
        return _compiled
    if _address_space_limited():  # LLVM and OpenBLAS abort the process when short of memory,
        _compiled = False  # where the plain loops raise MemoryError, which gcsh undoes
        return False
    try:
        if "NUMBA_CACHE_DIR" not in os.environ:
            os.environ["NUMBA_CACHE_DIR"] = cache_dir()
        import numba
    except Exception:  # not installed, or broken: the plain loops do the same work
        _compiled = False
        return False
    import importlib.util
    import types

    package = loops.__name__
    compiled = types.ModuleType(package)
    vars(compiled).update((k, v) for k, v in vars(loops).items() if not isinstance(v, types.FunctionType))
    copies = {}
    for short in loops.MODULES:  # in order: what a module imports from another is compiled already
        spec = importlib.util.find_spec(f"{package}.{short}")
        module = copies[spec.name] = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        loop_forms = getattr(module, "LOOP_FORMS", {})  # the loops numba compiles, for spans' C-speed forms
        for name, value in list(vars(module).items()):
            if name.startswith("_") or not isinstance(value, types.FunctionType):
                continue
            if value.__module__ == spec.name:
                inline = "always" if name in loops.INLINE else "never"
                value = numba.njit(cache=True, nogil=True, inline=inline)(loop_forms.get(name, value))
                setattr(compiled, name, value)
            elif value.__module__ in copies:  # imported from another loop module: its compiled copy
                value = getattr(copies[value.__module__], name)
            else:
                continue
            setattr(module, name, value)
    _compiled = compiled
    return compiled


def cache_dir() -> str:
    try:
        from platformdirs import user_cache_dir
        base = user_cache_dir("gcsh")
    except ImportError:
        base = os.path.join(os.path.expanduser("~"), ".cache", "gcsh")
    return os.path.join(base, "numba")
