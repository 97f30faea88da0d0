"""Leak hunting without collecting: `find` (the objects of a type, with handles) and `pending`
(what a full collection would free now)."""

from __future__ import annotations

from ..errors import UserError
from .registry import INT, NAME, WORD, Arg, Option, command, did_you_mean
from .result import Result

SHOWN_GROUPS = 10  # kinds of group `pending` lists before "… and N more"


def _limit(what: str) -> Option:
    return Option("--limit", f"{what} (default 10)", type=INT, metavar="N", default=10)


def _check_limit(limit: int) -> None:
    if limit < 0:
        raise UserError(f"--limit must be 0 or more, got {limit}")


def _size(n) -> str:
    return "? bytes" if n is None else f"{n:,} bytes"


@command("find", topic="inspect", summary="the objects of a type, with handles (@1f) other commands accept",
         args=(Arg("TYPE", WORD, "a type's name, short (Parser) or qualified (mymodule.Parser)"),),
         options=(_limit("list at most N objects"),),
         examples=("find Parser", "find list --limit 3"),
         details="Lists the tracked objects of that type with their names, or handles for those without "
                 "one (`@1f`: accepted wherever a name is: why @1f, referrers @1f, graph @1f), their "
                 "sizes (sys.getsizeof in the live backend), generations and how many there are, named objects "
                 "first. Nothing is collected first; gcsh's own objects are left out. With --json: `type`, "
                 "`count`, `size` (total bytes; live only) and `objects`, each with `name` (its handle if "
                 "it has none), `handle`, `type`, `size` and `generation`.")
def find(ctx, type, limit):
    _check_limit(limit)
    info = ctx.backend.find(type, limit)
    known = info.pop("known", None)
    if info["count"] == 0 and known is not None:
        raise UserError(f"no object of type {type!r}{did_you_mean(type, known)}")
    size = info.get("size")
    head = f"{type}: {info['count']:,} object{'s' * (info['count'] != 1)}" + \
        (f", {size:,} bytes" if size is not None else "")
    lines = [head]
    for o in info["objects"]:
        name = o["name"] if o["name"] == o["handle"] or not o.get("handle") else f"{o['name']} ({o['handle']})"
        lines.append(f"  {name}  {o['type']}" + (f"  {_size(o['size'])}" if o.get("size") is not None else "")
                     + f"  generation {o['generation']}")
    if info["count"] > len(info["objects"]):
        lines.append(f"  … and {info['count'] - len(info['objects']):,} more (--limit N lists more)")
    return Result(info, lines)


@command("pending", topic="collector", summary="what a full collection would free now, without collecting",
         examples=("pending",),
         details="Finds the objects that gc.collect() would find unreachable now, grouped by what they hold "
                 "(a group is objects that reference each other), groups of the same make-up counted "
                 "together, finalizers (__del__) and legacy finalizers (tp_del) marked. Nothing is "
                 "collected and the collector's state (counts, statistics, callbacks, gc.garbage) is "
                 "not touched, in both backends. With --json: `unreachable` (what gc.collect() would return), "
                 "`finalizers` and `legacy` (how many of them), `kinds` (each with `types`, its members' "
                 "types, * marking __del__ and ! a legacy finalizer; `groups`, how many such groups; "
                 "`examples`, the names or handles of the first five) and `objects` (those examples).")
def pending(ctx):
    info = ctx.backend.pending()
    n = info["unreachable"]
    lines = [f"a full collection would find {n:,} object{'s' * (n != 1)} unreachable now (nothing collected)"
             + (":" if info["kinds"] else "")]
    for kind in info["kinds"][:SHOWN_GROUPS]:
        shown = [", ".join(g) if kind["groups"] == 1 else " ".join(g) for g in kind["examples"]]
        more = kind["groups"] - len(shown)
        listed = ", ".join(shown) + (f", … and {more:,} more" if more else "")
        times = f"{kind['groups']:,} × " if kind["groups"] > 1 else ""
        lines.append(f"  {times}[{', '.join(kind['types'])}]: {'e.g. ' if more or times else ''}{listed}")
    if len(info["kinds"]) > SHOWN_GROUPS:
        lines.append(f"  … and {len(info['kinds']) - SHOWN_GROUPS:,} more kinds of group (--json has them all)")
    if info["finalizers"]:
        lines.append(f"  {info['finalizers']:,} with __del__ (marked *): their __del__ runs, then they are freed "
                     f"unless it resurrects them")
    if info["legacy"]:
        lines.append(f"  {info['legacy']:,} with a legacy finalizer (marked !): uncollectable, they go to "
                     f"gc.garbage with what they hold")
    from .graph import collection_off, collects_automatically
    if n and not collects_automatically(ctx.backend):
        lines.append(f"  {collection_off(ctx.backend)}: they stay until an explicit collect")
    return Result(info, lines)



def _retained_words(e: dict) -> str:
    n = e["objects"]
    size = f", {e['retained']:,} bytes" if e.get("retained") is not None else ""
    return f"{n:,} object{'s' * (n != 1)}{size}"


def _label(e: dict) -> str:
    return e["name"] if not e.get("handle") or e["name"] == e["handle"] else f"{e['name']} ({e['handle']})"


@command("retained", topic="inspect", summary="what would go if NAME went: the objects and bytes it retains",
         args=(Arg("NAME", NAME, "the object (a name or a handle)"),),
         options=(_limit("list at most N of the biggest it holds alone"),),
         examples=("retained cache", "retained @1f"),
         details="The objects only NAME keeps alive (those it dominates: every path to them from a root "
                 "passes through it), NAME included, with their sizes (sys.getsizeof of each tracked "
                 "object in the live backend; the simulator counts objects), then the biggest of them "
                 "with what each retains. Nothing is changed.")
def retained(ctx, name, limit):
    _check_limit(limit)
    info = ctx.backend.dominators(name, max(limit, 1))  # NAME itself comes back even with --limit 0
    top = info["roots"][0]
    top["dominated"] = top["dominated"][:limit]
    lines = [f"{name} retains {_retained_words(top)}"]
    lines += [f"  {_label(e)}  {e['type']}  {_retained_words(e)}" for e in top["dominated"]]
    return Result(dict(top, name=name), lines)


@command("dominators", topic="inspect", summary="the dominator tree: what holds what alone, largest first",
         args=(Arg("NAME", NAME, "start from this object (default: the objects you named)", optional=True),),
         options=(_limit("at most N entries per level"),),
         examples=("dominators", "dominators cache"),
         details="As heapy shows it: each object with the objects it retains (it dominates them: every path "
                 "from a root to them passes through it) and their size, the biggest first; under each, the "
                 "biggest objects it holds alone. Computed over the whole heap with Cooper, Harvey and "
                 "Kennedy's algorithm; nothing is changed.")
def dominators(ctx, name, limit):
    _check_limit(limit)
    info = ctx.backend.dominators(name, limit)
    lines = []

    def walk(e: dict, depth: int) -> None:
        lines.append(f"{'  ' * depth}{_label(e)}  {e['type']}  {_retained_words(e)}")
        for k in e["dominated"]:
            walk(k, depth + 1)

    for e in info["roots"]:
        walk(e, 0)
    del walk  # (it calls itself through its closure: a cycle, garbage in a live heap, unless let go)
    return Result(info, lines or ["(nothing)"])
