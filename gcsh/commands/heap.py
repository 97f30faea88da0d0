"""Commands that build and change the heap."""

from __future__ import annotations

from .collector import ALL, freed_data
from .registry import ITEM, KIND, NAME, NEWNAME, ROOT, Arg, Atom, Option, WORD, command
from .result import NAME_LIMIT, Result, freed_line


def _object_line(info: dict) -> str:
    where = f"generation {info['generation']}" if info["tracked"] else "untracked"
    return f"{info['name']}: {info['kind']}, refcount {info['refcount']}, {where}"


@command("alloc", topic="heap", summary="create an object bound to a root name",
         args=(Arg("NAME", NEWNAME, "the root name for the new object"),
               Arg("KIND", KIND, "what to create (default: list)", optional=True, default="list"),
               Arg("ITEM", ITEM, "initial items: names, integers or quoted strings", optional=True, variadic=True)),
         options=(Option("--resurrect", "a finalizer whose __del__ stores the object in a root again"),),
         examples=("alloc a", "alloc d dict", "alloc t tuple a 1 \"s\"", "alloc f finalizer --resurrect"),
         details="Items go in as the kind takes them: list items, dict values (keyed by the item's name), "
                 "set members, tuple items, instance attributes. Allocating a GC object adds 1 to count0 "
                 "and may start an automatic collection.")
def alloc(ctx, name, kind, item, resurrect):
    info = ctx.backend.alloc(name, kind, item or [], resurrect)
    return Result(info, [_object_line(info)])


@command("weakref", topic="heap", summary="create a weak reference to an object",
         args=(Arg("NAME", NEWNAME, "the root name for the weakref"),
               Arg("TARGET", NAME, "the object it refers to")),
         options=(Option("--callback", "give it a callback that reports when it is called"),),
         examples=("weakref w a", "weakref w a --callback"),
         details="Weak references do not add to the target's refcount. Lists and dicts, as in CPython, "
                 "cannot be weakly referenced.")
def weakref(ctx, name, target, callback):
    info = ctx.backend.weakref(name, target, callback)
    extra = " with a callback" if callback else ""
    return Result(info, [f"{name}: weak reference to {target}{extra}"])


@command("link", topic="heap", summary="make SRC reference DST",
         args=(Arg("SRC", NAME, "the container"), Arg("DST", ITEM, "what it will reference"),
               Arg("KEY", WORD, "dict key or attribute name (default: DST's name)", optional=True)),
         examples=("link a b", "link a a", "link d b key", "link a b other"),
         details="A list appends DST, a dict stores it under KEY, a set adds it, an instance sets the "
                 "attribute KEY. Tuples are immutable.")
def link(ctx, src, dst, key):
    info = ctx.backend.link(src, dst, key)
    count = f"  ({info['dst']}: refcount {info['refcount']})" if info.get("refcount") is not None else ""
    return Result(info, [f"{src} -> {info['dst']} [{info['key']}]{count}"])


@command("unlink", topic="heap", summary="remove one reference from SRC to DST",
         args=(Arg("SRC", NAME, "the container"), Arg("DST", ITEM, "what it references")),
         options=(ALL,), examples=("unlink a b",))
def unlink(ctx, src, dst, all):
    info = ctx.backend.unlink(src, dst)
    lines = [f"{src} -/-> {info['dst']}" + (f"  ({info['dst']}: refcount {info['refcount']})"
                                          if info["refcount"] else "")]
    return Result(freed_data(ctx, info, all), lines + freed_line(info.get("freed", []), None if all else NAME_LIMIT))


@command("del", topic="heap", summary="drop root names; what reaches refcount 0 is freed at once",
         args=(Arg("NAME", ROOT, "names to drop", variadic=True),), options=(ALL,),
         examples=("del a", "del a b", "del r --all"),
         details="Like Python's del statement: the name stops referring to the object. An object whose "
                 "refcount falls to 0 is freed immediately, and so is everything only it held; an object "
                 "in a reference cycle stays alive until the collector finds it.")
def del_(ctx, name, all):
    info = ctx.backend.delete(name)
    lines = [f"{n}: unbound, still alive (refcount {rc})" for n, rc in info["alive"].items()]
    return Result(freed_data(ctx, info, all), lines + freed_line(info["freed"], None if all else NAME_LIMIT))


@command("reset", topic="heap", summary="start again with an empty heap (same backend and model)",
         examples=("reset",))
def reset(ctx):
    ctx.backend.reset()
    return Result({}, [f"empty heap ({ctx.backend.describe()})"])
