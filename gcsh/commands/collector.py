"""Commands that run the collector or change its settings."""

from __future__ import annotations

from ..errors import UserError
from .registry import DEBUG_FLAGS, FLAG, GEN, INT, ONOFF, PATH, Arg, Option, choice, command
from .result import NAME_LIMIT, Result, freed_line, pylist

FLAG_ORDER = ("DEBUG_STATS", "DEBUG_COLLECTABLE", "DEBUG_UNCOLLECTABLE", "DEBUG_SAVEALL")
JSON_NAMES = 10_000  # names a JSON list holds before it stops (the `_count` beside it is complete); --all: all
ALL = Option("--all", "list every name (long lists are summarised: the first 10 and how many more)")


def flag_names(value: int) -> list[str]:
    names = [f for f in FLAG_ORDER if value & DEBUG_FLAGS[f]]
    rest = value & ~sum(DEBUG_FLAGS[f] for f in FLAG_ORDER)
    if rest < 0:  # a negative value (set_debug -1) sets every bit from some bit up, as a C int does
        return names + [f"bits {(rest & -rest).bit_length() - 1} and up"]
    return names + ([str(rest)] if rest else [])


def freed_data(ctx, data: dict, show_all: bool, key: str = "freed") -> dict:
    """DATA with its list of names (lazy in the backend) and their complete count beside it; for
    --json the names are made a list, complete up to JSON_NAMES (or with --all). Text output shows
    a few of them, so then none are made here."""
    names = data.get(key)
    if names is None:
        return data
    out = dict(data)
    if ctx.session.json_mode:
        out[key] = list(names if show_all else names[:JSON_NAMES])
    out[f"{key}_count"] = len(names)
    return out


def collect_lines(info: dict, show_all: bool = False) -> list[str]:
    head = (f"collect({info['generation']}): {info['unreachable']} unreachable "
            f"({info['collected']} collected, {info['uncollectable']} uncollectable)")
    return [head] + freed_line(info["freed"], None if show_all else NAME_LIMIT)


@command("collect", topic="collector", summary="collect a generation (default 2, everything)",
         args=(Arg("GEN", GEN, "the generation: 0, 1 or 2", optional=True, default=2),),
         options=(Option("--trace", "show each phase of the collection (sim)"),
                  Option("--frames", "write one picture per phase into DIR: 00-before.png … 05-end.png (sim)",
                         type=PATH, metavar="DIR"),
                  Option("--html", "write FILE: one page that steps through the phases (sim)", type=PATH,
                         metavar="FILE"), ALL),
         gc_api="gc.collect",
         examples=("collect", "collect 0", "collect 2 --trace", "collect 0 --frames frames",
                   "collect 0 --html collection.html", "collect --all"),
         details="Collecting generation GEN also collects the younger ones. The number shown first is what "
                 "gc.collect() returns: collected plus uncollectable objects. Long lists of names are "
                 "summarised (--all shows them all).")
def collect(ctx, gen, trace, frames, html, all):
    if html is not None:
        from .view import collect_with_page
        return collect_with_page(ctx, gen, html, trace, frames)
    if frames is not None:
        from .graph import collect_with_frames
        return collect_with_frames(ctx, gen, frames, trace, all)
    info = ctx.backend.collect(gen, trace)
    lines = []
    data = freed_data(ctx, info, all)
    if trace:
        from ..render.trace import LIMIT, trace_lines
        lines = trace_lines(info["trace"], None if all else LIMIT)
        data["trace"] = info["trace"].as_dicts()
    return Result(data, lines + collect_lines(info, all))


@command("enable", topic="collector", summary="turn automatic collection on", gc_api="gc.enable",
         examples=("enable",))
def enable(ctx):
    ctx.backend.set_enabled(True)
    return Result({"enabled": True}, ["automatic collection is on"])


@command("disable", topic="collector", summary="turn automatic collection off", gc_api="gc.disable",
         examples=("disable",))
def disable(ctx):
    ctx.backend.set_enabled(False)
    return Result({"enabled": False}, ["automatic collection is off"])


@command("isenabled", topic="state", summary="is automatic collection on?", gc_api="gc.isenabled",
         examples=("isenabled",))
def isenabled(ctx):
    on = ctx.backend.isenabled()
    return Result({"enabled": on}, [str(on)])


@command("flags", topic="state", summary="show or change the debug flags",
         args=(Arg("FLAG", FLAG, "DEBUG_X sets, +DEBUG_X adds, -DEBUG_X removes", optional=True, variadic=True),),
         aliases=("set_debug",), query_aliases=("get_debug",), gc_api="gc.set_debug, gc.get_debug",
         examples=("flags", "flags DEBUG_STATS", "flags +DEBUG_COLLECTABLE", "flags -DEBUG_SAVEALL", "flags 0",
                   "set_debug DEBUG_LEAK"),
         details="Flags: DEBUG_STATS (1), DEBUG_COLLECTABLE (2), DEBUG_UNCOLLECTABLE (4), DEBUG_SAVEALL (32) "
                 "and DEBUG_LEAK (38, all but STATS). With debug flags set, collections print the lines "
                 "CPython prints, on stderr.")
def flags(ctx, flag):
    value = ctx.backend.get_debug()
    if ctx.word == "set_debug" and not flag:
        raise UserError("set_debug() missing required argument 'flags' (pos 1)")
    if flag:
        bare = [bits for sign, bits in flag if sign == "="]
        if bare:
            value = 0
            for bits in bare:
                value |= bits
        for sign, bits in flag:
            value = value | bits if sign == "+" else value & ~bits if sign == "-" else value
        ctx.backend.set_debug(value)
    names = flag_names(value)
    return Result({"flags": names, "value": value}, [f"{'|'.join(names) or 'no flags'} ({value})"])


@command("threshold", topic="state", summary="show or set the three thresholds",
         args=(Arg("T0", INT, "generation 0: allocations before a collection (0 turns it off)", optional=True),
               Arg("T1", INT, "generation 1: generation-0 collections before a generation-1 one", optional=True),
               Arg("T2", INT, "generation 2: generation-1 collections before a full one", optional=True)),
         aliases=("set_threshold",), query_aliases=("get_threshold",),
         gc_api="gc.set_threshold, gc.get_threshold",
         examples=("threshold", "threshold 5", "threshold 700 10 10"))
def threshold(ctx, t0, t1, t2):
    values = [v for v in (t0, t1, t2) if v is not None]
    if ctx.word == "set_threshold" and not values:
        ctx.backend.set_threshold([])  # raises CPython's own error for the modelled version
    if values:
        ctx.backend.set_threshold(values)
    t = ctx.backend.get_threshold()
    return Result({"threshold": t}, [str(tuple(t))])


@command("count", topic="state", summary="the three collection counters", query_aliases=("get_count",),
         gc_api="gc.get_count", examples=("count",),
         details="count0 goes up by one for each GC object allocated and down by one for each freed (never "
                 "below 0), except that a list, dict or short tuple reused from, or kept on, CPython's free "
                 "lists leaves it alone (a full collection empties them); "
                 "count1 counts generation-0 collections, count2 generation-1 collections.")
def count(ctx):
    c = ctx.backend.get_count()
    return Result({"count": c}, [str(tuple(c))])


@command("stats", topic="state", summary="per-generation statistics", query_aliases=("get_stats",),
         gc_api="gc.get_stats", examples=("stats",))
def stats(ctx):
    s = ctx.backend.get_stats()
    lines = [f"generation {g}: {e['collections']} collections, {e['collected']} collected, "
             f"{e['uncollectable']} uncollectable" for g, e in enumerate(s)]
    return Result({"stats": s}, lines)


@command("freeze", topic="collector", summary="move every tracked object to the permanent generation",
         gc_api="gc.freeze", examples=("freeze",))
def freeze(ctx):
    n = ctx.backend.freeze()
    return Result({"freeze_count": n}, [f"{n} objects in the permanent generation"])


@command("unfreeze", topic="collector", summary="move the permanent generation back into generation 2",
         gc_api="gc.unfreeze", examples=("unfreeze",))
def unfreeze(ctx):
    n = ctx.backend.unfreeze()
    return Result({"unfrozen": n}, [f"{n} objects moved back to generation 2"])


@command("freezecount", topic="state", summary="how many objects are frozen",
         query_aliases=("get_freeze_count",), gc_api="gc.get_freeze_count", examples=("freezecount",))
def freezecount(ctx):
    n = ctx.backend.freeze_count()
    return Result({"freeze_count": n}, [str(n)])


@command("callbacks", topic="collector", summary="log the collector's start and stop callbacks",
         args=(Arg("STATE", ONOFF, "on or off", optional=True),), gc_api="gc.callbacks",
         examples=("callbacks on", "callbacks off", "callbacks"))
def callbacks(ctx, state):
    on = ctx.backend.callbacks(None if state is None else state == "on")
    return Result({"callbacks": on}, [f"callbacks {'on' if on else 'off'}"])


@command("garbage", topic="collector", summary="show, or clear, gc.garbage",
         args=(Arg("ACTION", choice({"clear": "empty the list"}, "action"), "clear", optional=True),),
         options=(ALL,), gc_api="gc.garbage", examples=("garbage", "garbage clear", "garbage --all"))
def garbage(ctx, action, all):
    names = ctx.backend.garbage(action == "clear")
    freed = ctx.backend.freed_names() if action == "clear" else []
    limit = None if all else NAME_LIMIT
    lines = [pylist(names, limit)] if action != "clear" else [f"cleared {len(names)} objects from gc.garbage"]
    data = freed_data(ctx, freed_data(ctx, {"garbage": names, "freed": freed}, all), all, "garbage")
    return Result(data, lines + freed_line(freed, limit))
