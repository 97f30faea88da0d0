"""Commands that look at objects without changing anything."""

from __future__ import annotations

from ..errors import UserError
from .registry import INT, NAME, Arg, command
from .result import Result, pylist


@command("objects", topic="inspect", summary="the tracked objects, per generation, in list order",
         args=(Arg("GEN", INT, "a generation (0, 1, 2); -1 or none for all", optional=True),),
         aliases=("get_objects",), gc_api="gc.get_objects", examples=("objects", "objects 0"),
         details="The order is the order of the collector's own lists, which collections change.")
def objects(ctx, gen):
    names = ctx.backend.get_objects(gen)
    return with_left_out(ctx, Result({"objects": names, "generation": gen}, [pylist(names)]))


@command("referrers", topic="inspect", summary="tracked objects that directly reference NAME",
         args=(Arg("NAME", NAME, "the objects to look for", variadic=True),),
         aliases=("get_referrers",), gc_api="gc.get_referrers", examples=("referrers a",),
         details="Like gc.get_referrers: only tracked containers in generations 0-2 are found; frozen and "
                 "untracked holders are invisible.")
def referrers(ctx, name):
    found = ctx.backend.referrers(name)
    return with_left_out(ctx, Result({"referrers": found}, [pylist(found)]))


@command("referents", topic="inspect", summary="what NAME directly references, in traversal order",
         args=(Arg("NAME", NAME, "the objects whose referents to list", variadic=True),),
         aliases=("get_referents",), gc_api="gc.get_referents", examples=("referents a",),
         details="Like gc.get_referents: what each object's tp_traverse visits (a list from its last item).")
def referents(ctx, name):
    found = ctx.backend.referents(name)
    return with_left_out(ctx, Result({"referents": found}, [pylist(found)]))


LEFT_OUT_WORDS = {"names": "{n} from the shell's names (root bindings)", "gcsh": "{n} of gcsh's own objects",
                  "other": "{n} objects outside the user's heap"}


def with_left_out(ctx, result: Result) -> Result:
    """Add what the backend left out of the answer (counted, never hidden silently)."""
    left = {k: n for k, n in ctx.backend.left_out().items() if n}
    if left:
        result.data["left_out"] = left
        result.add("(not shown: " + ", ".join(LEFT_OUT_WORDS.get(k, "{n} " + k).format(n=n)
                                              for k, n in left.items()) + ")")
    return result


@command("tracked", topic="inspect", summary="is NAME tracked by the collector?",
         args=(Arg("NAME", NAME, "the object"),), aliases=("is_tracked",), gc_api="gc.is_tracked",
         examples=("tracked a",))
def tracked(ctx, name):
    on = ctx.backend.is_tracked(name)
    return Result({"name": name, "tracked": on}, [str(on)])


@command("finalized", topic="inspect", summary="has NAME's finalizer run?",
         args=(Arg("NAME", NAME, "the object"),), aliases=("is_finalized",), gc_api="gc.is_finalized",
         examples=("finalized a",))
def finalized(ctx, name):
    on = ctx.backend.is_finalized(name)
    return Result({"name": name, "finalized": on}, [str(on)])


HEAP_COLUMNS = ("name", "type", "refcount", "generation", "flags")


@command("heap", topic="inspect", summary="every object: name, type, refcount, generation, flags",
         examples=("heap",))
def heap(ctx):
    rows = ctx.backend.rows()
    table = [HEAP_COLUMNS]
    for r in rows:
        marks = [m for m, on in (("root", r.get("bound")), ("untracked", not r["tracked"]),
                                 ("finalized", r.get("finalized")), ("garbage", r.get("in_garbage")))
                 if on]
        table.append((r["name"], r["type"], str(r["refcount"]), str(r["generation"]), ",".join(marks)))
    widths = [max(len(row[i]) for row in table) for i in range(len(HEAP_COLUMNS))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in table]
    if not rows:
        lines = ["(empty heap)"]
    return Result({"objects": rows}, lines)
