"""Commands of the live backend only: Python statements, type counts, and copying the heap."""

from __future__ import annotations

from .registry import INT, NAME, Arg, ArgType, command
from ..render.table import table
from .result import Result, freed_line

PYTHON = ArgType("python", lambda word: word.text, "a Python statement (the rest of the line)")
LIVE = ("live",)


@command("py", topic="heap", summary="run a line of Python in the live namespace (its names are your roots)",
         args=(Arg("STATEMENT", PYTHON, "Python: the rest of the line, semicolons and # included"),),
         examples=("py import numpy as np", "py a = np.array([1, 2, 3])", "py x = []; x.append(x)",
                   "py len(x)"),
         details="The statement runs in the namespace that holds the shell's names, so `alloc a` then "
                 "`py a.append(1)` changes the same list, and a name the statement binds is one of your "
                 "objects like any other: del, collect, referrers and graph know it. An expression shows "
                 "its value (without keeping it in `_`). A statement that raises shows the error in one "
                 "line; the names it had bound are taken back.",
         backends=LIVE)
def py(ctx, statement):
    info = ctx.backend.run_python(statement)
    lines = list(info["output"])
    if info["value"] is not None:
        lines.append(info["value"])
    return Result(info, lines + freed_line(info["freed"]))


def _counts_lines(rows: list[dict], own: int, delta: bool) -> list[str]:
    if not rows:
        return ["(nothing)" if not delta else "(nothing grew)"]
    lines = table([(r["type"], str(r["count"])) + ((f"{r['delta']:+d}",) if delta else ()) for r in rows],
                  right=(1, 2))
    return lines + ([f"(not shown: {own} of gcsh's own objects)"] if own else [])


@command("types", topic="inspect", summary="the most common types among the tracked objects",
         args=(Arg("N", INT, "how many types (default 10)", optional=True, default=10),),
         examples=("types", "types 20"),
         details="Counts what gc.get_objects() returns now, by type, without collecting first (a "
                 "collection would change what you are looking at). gcsh's own objects are not "
                 "counted; the last line says how many there were.",
         backends=LIVE)
def types(ctx, n):
    rows, own = ctx.backend.types(n)
    return Result({"types": rows, "left_out": {"gcsh": own}}, _counts_lines(rows, own, delta=False))


@command("growth", topic="inspect", summary="the types with more objects than at the last call",
         args=(Arg("N", INT, "how many types (default 10)", optional=True, default=10),),
         examples=("growth",),
         details="The first call counts from zero; each later one shows what grew since the one before: "
                 "run it, let the program (or your py statements) work, run it again. No collection is "
                 "run first, so garbage still waiting for the collector counts too.",
         backends=LIVE)
def growth(ctx, n):
    rows, own = ctx.backend.growth(n)
    return Result({"growth": rows, "left_out": {"gcsh": own}}, _counts_lines(rows, own, delta=True))


@command("snapshot", topic="shell", summary="copy the live heap into the simulator, to try del and collect there",
         args=(Arg("NAME", NAME, "copy only what these names reach (default: every tracked object)",
                   optional=True, variadic=True),),
         examples=("snapshot", "snapshot a b"),
         details="The simulator's heap is replaced by a copy of this one: types, references, refcounts and "
                 "generations. References from objects that were not copied keep their targets alive "
                 "through one list bound to the root `outside`, so the copy collects as the original "
                 "would. The simulator switches to this interpreter's version. Then 'backend sim' to "
                 "work on the copy.",
         backends=LIVE)
def snapshot(ctx, name):
    info = ctx.backend.snapshot(ctx.session.sim, name or None)
    what = "what " + ", ".join(name) + " reach" if name else "every tracked object"
    lines = [f"copied {what} into the simulator (CPython {info['model']}): {info['objects']} objects, "
             f"{info['references']} references, in {info['seconds']:.2f} s"]
    if info["outside_name"]:
        lines.append(f"{info['outside']} references from outside the copy are held by the root "
                     f"'{info['outside_name']}'")
    lines.append("type 'backend sim' to work on the copy")
    return Result(info, lines)
