"""Commands that look at objects without changing anything."""

from __future__ import annotations

from ..render.table import table
from .registry import INT, NAME, Arg, Option, command
from .result import Result, pylist

# How much `heap` and `objects` print before they summarise the rest (`--all` prints everything;
# --json always has everything). A person reads this much; a pager shows it in the shell.
ROW_LIMIT = 50
ALL = Option("--all", "show every object, however many (the text stops at 50 otherwise)")


def _more(shown: int, total: int, command: str) -> str:
    return f"… and {total - shown:,} more ({command} --all shows them all; --json has them all)"


@command("objects", topic="inspect", summary="the tracked objects, per generation, in list order",
         args=(Arg("GEN", INT, "a generation (0, 1, 2); -1 or none for all", optional=True),),
         options=(ALL,), aliases=("get_objects",), gc_api="gc.get_objects",
         examples=("objects", "objects 0", "objects --all"),
         details="The order is the order of the collector's own lists, which collections change. Past 50 "
                 "objects the list is summarised; --all shows every one.")
def objects(ctx, gen, all):
    names = ctx.backend.get_objects(gen)
    text = pylist(names, None if all else ROW_LIMIT)
    return with_left_out(ctx, Result({"objects": names, "generation": gen}, [text]))


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
         options=(ALL,), examples=("heap", "heap --all"),
         details="The type is the kind alloc made (list, object, finalizer, weakref...), as graph and alloc "
                 "name it; --json also gives CPython's own type name. Past 50 objects the table is "
                 "summarised; --all shows every one.")
def heap(ctx, all):
    rows = ctx.backend.rows()
    if not rows:
        return Result({"objects": rows}, ["(empty heap)"])
    shown = rows if all else rows[:ROW_LIMIT]
    cells = [HEAP_COLUMNS]
    for r in shown:
        marks = [m for m, on in (("root", r.get("bound")), ("untracked", not r["tracked"]),
                                 ("finalized", r.get("finalized")), ("garbage", r.get("in_garbage")))
                 if on]
        cells.append((r["name"], r.get("kind") or r["type"], str(r["refcount"]), str(r["generation"]),
                      ",".join(marks)))
    lines = table(cells)
    if len(shown) < len(rows):
        lines.append(_more(len(shown), len(rows), "heap"))
    return Result({"objects": rows}, lines)
