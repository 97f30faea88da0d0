"""Pictures and explanations: graph, export, why, cycles, whatif (and collect --frames).

Each reads a `HeapView` from the backend (`backend.view(names)`) and never
changes the heap; the drawing, summarising and reasoning live in gcsh.render.
"""

from __future__ import annotations

import os

from ..errors import UserError
from .registry import GEN, INT, NAME, PATH, Arg, Option, choice, command
from ..render.table import table
from .result import Result, name_list

DRAWING_OPTIONS = (
    Option("--depth", "follow references at most N steps from the NAMEs (or the root names)", type=INT,
           metavar="N"),
    Option("--max-nodes", "draw at most N objects; the rest are counted in '+N more' boxes", type=INT,
           metavar="N"),
)
LISTED = 8  # names listed before "+N more"


def _names(names) -> str:
    return name_list(names, LISTED) if len(names) else "nothing"


def _limits(depth: int | None, max_nodes: int | None) -> None:
    if depth is not None and depth < 0:
        raise UserError(f"--depth must be 0 or more, got {depth}")
    if max_nodes is not None and max_nodes < 1:
        raise UserError(f"--max-nodes must be at least 1, got {max_nodes}")


def heap_view(ctx, names: list[str] | None = None, lazy: bool = False):
    """The backend's snapshot of the heap (or of what NAMES reach); LAZY: one that makes the nodes
    of only what a picture draws (for summarise)."""
    if not hasattr(ctx.backend, "view"):
        raise ctx.backend.unsupported("drawing the heap")
    return ctx.backend.view(names or None, lazy=lazy)


def view_data(view) -> dict:
    nodes = [{"id": n.id, "name": n.name, "kind": n.kind, "refcount": n.refcount, "generation": n.generation,
              "tracked": n.tracked, "root": n.root, "marks": sorted(n.marks)} for n in view.nodes.values()]
    edges = [{"src": e.src, "dst": e.dst, "label": e.label, "weak": e.weak} for e in view.edges]
    return {"nodes": nodes, "edges": edges, "roots": dict(view.roots), "notes": list(view.notes)}


def draw(ctx, names: list[str], output: str | None, depth: int | None, max_nodes: int | None) -> Result:
    from ..render.summarise import PICTURE_NODES, TEXT_NODES, summarise

    _limits(depth, max_nodes)
    if output is not None:
        from ..render.files import check_target
        output = os.path.expanduser(output)
        check_target(output)
    view = heap_view(ctx, names, lazy=True)
    small = summarise(view, max_nodes or (PICTURE_NODES if output else TEXT_NODES), depth)
    data = view_data(small)
    if output is None:
        from ..render.graph_text import text_lines
        return Result(data, text_lines(small))
    from ..render.files import write_picture
    from ..render.graph_text import count_line
    info = write_picture(small, output)
    data.update(info)
    how = f" ({info['engine']}, {info['seconds']:.2f} s)" if info["engine"] else ""
    return Result(data, [f"wrote {output}: {count_line(small)}{how}"] + [f"note: {n}" for n in small.notes])


@command("graph", topic="graph", summary="draw the heap, or what NAMEs reach, in the terminal or to a file",
         args=(Arg("NAME", NAME, "objects to start from (default: the whole heap)", optional=True,
                   variadic=True),),
         options=(Option("--output", "write a picture; the suffix picks .svg, .png, .pdf or .dot", type=PATH,
                         short="-o", metavar="FILE"),) + DRAWING_OPTIONS,
         examples=("graph", "graph a --depth 2", "graph -o heap.png", "graph a b -o cycle.svg",
                   "graph --max-nodes 40 -o big.pdf"),
         details="Each object shows its name, kind, refcount and generation; root names point into the heap, "
                 "weak references are dashed, untracked objects dashed and outside the generations, what "
                 "the last collection found unreachable is red, and what is unreachable now but not yet "
                 "collected (what `pending` lists) is purple. A large heap is summarised, never hung on: "
                 "the objects nearest the names are drawn and the rest counted in '+N more' boxes. Pictures "
                 "need Graphviz; without it the .dot source is written instead.")
def graph(ctx, name, output, depth, max_nodes):
    return draw(ctx, name, output, depth, max_nodes)


@command("export", topic="graph", summary="write a picture of the heap to FILE (graph -o FILE)",
         args=(Arg("FILE", PATH, "the picture: .svg, .png, .pdf or .dot"),
               Arg("NAME", NAME, "objects to start from (default: the whole heap)", optional=True,
                   variadic=True)),
         options=DRAWING_OPTIONS, examples=("export heap.svg", "export cycle.png a"))
def export(ctx, file, name, depth, max_nodes):
    return draw(ctx, name, file, depth, max_nodes)


# ---------------------------------------------------------------- why

CHAIN_ENDS = 6  # steps shown at each end of a long chain; the middle is counted


@command("why", topic="graph", summary="why NAME is alive: the references from a root that keep it",
         args=(Arg("NAME", NAME, "the object"),), examples=("why b",),
         details="Shows the shortest chain of strong references from a root name (or gc.garbage) to NAME "
                 "(a long chain shows its ends and how many steps lie between). An object nothing reaches is "
                 "alive only through a reference cycle: why says which cycle, and which collection will free "
                 "it, knowing whether automatic collection is on.")
def why(ctx, name):
    backend = ctx.backend
    if hasattr(backend, "why"):
        info = backend.why(name)
    else:
        from ..render.explain import why_from_view
        info = why_from_view(backend, name)
    if info["reachable"]:
        return Result(info, _chain_lines(name, info))
    verdict = info["verdict"]
    generation = info.get("generation")
    if generation is not None and not collects_automatically(backend):
        verdict = f"it stays until an explicit collect ({collection_off(backend)}); collect {generation} frees it"
        info = dict(info, verdict=verdict)
    lines = [f"{name} is unreachable{': ' if generation is not None else ', '}{verdict}"]
    cycle = info.get("cycle") or []
    if info.get("cycle_size") == 1:
        holder = "it" if info.get("in_cycle") else f"it is held by {cycle[0]}, which"
        lines.append(f"  {holder} references itself: a cycle of one")
    elif cycle:
        where = "it is in" if info.get("in_cycle") else "it is held by"
        size = info["cycle_size"]
        more = size - min(len(cycle), LISTED)
        members = ", ".join(cycle[:LISTED]) + (f", … and {more:,} more" if more else "")
        lines.append(f"  {where} a reference cycle of {size:,}: {members}")
    path = info.get("held_through") or []
    if len(path) > 2:
        lines.append("  held through: " + " -> ".join(path))
    return Result(info, lines)


def collects_automatically(backend) -> bool:
    return backend.isenabled() and backend.get_threshold()[0] != 0


def collection_off(backend) -> str:
    """Why no automatic collection will come, in words (when collects_automatically is False)."""
    return f"automatic collection is {'off' if not backend.isenabled() else 'off: threshold 0 is 0'}"


def _chain_lines(name: str, info: dict) -> list[str]:
    """The chain as Python expressions (a long chain: its ends, each step from its holder's name)."""
    steps = info["chain"]
    holder = steps[0]["via"]
    if len(steps) == 1 and holder == name:
        return [f"{name} is alive: it is bound to the name {name}"]
    whole = not any("elided" in step for step in steps)
    paths = [_start(holder)]
    for prev, step in zip(steps, steps[1:]):
        if "elided" in step:
            paths.append(None)
        elif whole or len(paths) < CHAIN_ENDS and paths[-1] is not None:
            paths.append(_follow(paths[-1], step["via"]))
        else:
            paths.append(_follow(prev["name"], step["via"]))
    shown = [(p, f"{s['kind']} {s['name']}") for p, s in zip(paths, steps) if p is not None]
    aligned = iter(table(shown, indent="  "))  # one width for the columns, the elision line apart
    lines = [f"{name} is alive: reachable from {_holder(holder)}"]
    for p, s in zip(paths, steps):
        lines.append(f"  … {s['elided']:,} more steps …" if p is None else next(aligned))
    return lines


def _holder(holder: str) -> str:
    from ..render.explain import GARBAGE, OUTSIDE
    if holder == GARBAGE:
        return "gc.garbage"
    if holder == OUTSIDE:
        return "a reference from outside your heap"
    return f"the name {holder}"


def _start(holder: str) -> str:
    from ..render.explain import GARBAGE, OUTSIDE
    return {GARBAGE: "gc.garbage[…]", OUTSIDE: "(outside)"}.get(holder, holder)


def _follow(path: str, via: str) -> str:
    """The Python expression one reference further: a[0], a['k'], a.x (a set member has none)."""
    return path + via if via[:1] in "[." else f"{path} -{via}->"


# ---------------------------------------------------------------- cycles


@command("cycles", topic="graph", summary="the reference cycles (strongly connected components) and their sizes",
         aliases=("sccs",), options=(Option("--all", "list every cycle and every member"),), examples=("cycles",),
         details="A cycle is a group of objects that all reach each other by strong references. Reachable "
                 "ones are in use; unreachable ones are what the cyclic collector exists for.")
def cycles(ctx, all):
    backend = ctx.backend
    found = backend.cycles()
    firsts = [c[0] for c in found]
    if hasattr(backend, "cycle_fates"):  # the simulator: which collection frees each cycle
        fates = backend.cycle_fates(firsts)
    else:
        fates = {name: (False, None) for name in firsts}
    garbage = {name for name, (unreachable, _) in fates.items() if unreachable}
    freed_by = {name: g for name, (_, g) in fates.items()}
    listed, lines = [], []
    automatic = collects_automatically(backend)
    shown = len(found) if all else LISTED_CYCLES
    for comp in found:
        entry = {"size": len(comp), "members": list(comp if all else comp[:JSON_MEMBERS]),
                 "reachable": comp[0] not in garbage, "freed_by": freed_by.get(comp[0])}
        if entry["reachable"]:
            status = "reachable"
        elif entry["freed_by"] is not None and not automatic:
            status = f"unreachable: stays until an explicit collect {entry['freed_by']} (automatic collection is off)"
        elif entry["freed_by"] is not None:
            status = f"unreachable: the next collection of generation {entry['freed_by']} frees it"
        else:
            status = "unreachable, but no collection frees it (legacy finalizer, resurrection or DEBUG_SAVEALL)"
        listed.append(entry)
        if len(lines) < shown:
            members = name_list(comp, None if all else LISTED)
            lines.append(f"  {len(comp):,} object{'s' * (len(comp) != 1)}: {members}  ({status})")
    head = f"{len(found):,} reference cycle{'s' * (len(found) != 1)}" + (":" if found else "")
    more = [f"  … and {len(found) - shown:,} more cycles (cycles --all lists them)"] if len(found) > shown else []
    return Result({"cycles": listed, "count": len(found)}, [head] + lines + more)


LISTED_CYCLES = 20
JSON_MEMBERS = 10_000


# ---------------------------------------------------------------- whatif


@command("whatif", topic="graph", summary="what `del NAME...` and a collection would free, without doing it",
         args=(Arg("ACTION", choice({"del": "drop root names"}, "action"), "del"),
               Arg("NAME", NAME, "the root names to drop", variadic=True)),
         options=(Option("--gen", "the generation the collection after it collects (default 2)", type=GEN,
                         metavar="GEN", default=2),),
         examples=("whatif del a", "whatif del a b --gen 0"), backends=("sim",),
         details="Runs the del and the collection for real on a checkpoint of the heap, notes what "
                 "refcounting freed at once, what the collection found unreachable, ran __del__ on, left in "
                 "gc.garbage and freed, then rolls everything back: nothing is changed. What the names reach "
                 "that would stay alive is counted by the root that still holds it (another name, gc.garbage, "
                 "or in a copy of the live heap the references from outside the copy), as `why` finds it.")
def whatif(ctx, action, name, gen):
    if len(set(name)) != len(name):
        raise UserError("the same name twice in one del")
    out = ctx.backend.whatif(name, gen)
    lines = [f"whatif del {' '.join(name)} (nothing is changed):",
             f"  del frees at once: {_names(out['freed_by_del'])}",
             f"  then collect {gen} frees: {_names(out['new'])}"
             + (f" (and {_names(out['already'])}, garbage already)" if out["already"] else "")
             + (f" (the incremental collector's collect 1 {out['idle']})" if out["idle"] else "")]
    if out["finalizers"]:
        lines.append(f"  __del__ would run for: {_names(out['finalizers'])}")
    if out["resurrected"]:
        lines.append(f"  resurrected by __del__: {_names(out['resurrected'])}")
    if out["uncollectable"]:
        lines.append("  uncollectable (legacy finalizers, and what they hold): " + _names(out["uncollectable"]))
    if out["saved"]:
        lines.append(f"  kept in gc.garbage (DEBUG_SAVEALL): {_names(out['saved'])}")
    alive = out["alive_after"]
    lines.append(f"  still alive afterwards: {alive:,} object{'s' * (alive != 1)}")
    kept = out["kept"]
    if kept:
        count = sum(k["objects"] for k in kept)
        lines.append(f"  of what {' '.join(name)} reach{'es' * (len(name) == 1)}, {count:,} object{'s' * (count != 1)} "
                     f"stay{'s' * (count == 1)} alive, held by:")
        for k in kept[:LISTED]:
            more = k["objects"] - len(k["examples"])
            examples = ", ".join(k["examples"]) + (f", … and {more:,} more" if more else "")
            lines.append(f"    {_kept_by(k['holder'])}: {k['objects']:,} ({examples})")
        if len(kept) > LISTED:
            lines.append(f"    … and {len(kept) - LISTED:,} more holders")
    data = {k: v for k, v in out.items() if k not in ("new", "already", "alive_after")}
    data.update(names=name, generation=gen)
    return Result(data, lines)


def _kept_by(holder) -> str:
    from ..render.explain import GARBAGE, OUTSIDE
    if holder is None:
        return "nothing reaches them, yet no collection frees them (legacy finalizers or resurrection)"
    if holder == GARBAGE:
        return "gc.garbage"
    if holder == OUTSIDE or holder.startswith(OUTSIDE + "_"):
        return f"the name {holder} (references from outside the copy: the live program holds them)"
    return f"the name {holder}"


# ---------------------------------------------------------------- collect --frames


def collect_with_frames(ctx, gen: int, directory: str, trace: bool, show_all: bool = False) -> Result:
    """collect GEN, writing one picture per phase into DIRECTORY (sim: it needs the trace)."""
    from pathlib import Path

    from ..render.files import check_directory
    from ..render.frames import phase_views, write_frames
    from ..render.trace import LIMIT, trace_lines
    from .collector import collect_lines, freed_data

    if ctx.backend.name != "sim":
        raise UserError("collect --frames needs the sim backend (the live collector cannot be watched phase "
                        "by phase)")
    directory = os.path.expanduser(directory)
    check_directory(Path(directory), create=True)
    before = heap_view(ctx)
    info = ctx.backend.collect(gen, True)
    files, problem = write_frames(phase_views(before, info["trace"], heap_view(ctx)), directory)
    shown = trace_lines(info["trace"], None if show_all else LIMIT) if trace else []
    data = freed_data(ctx, info, show_all)
    data["frames"] = files
    if trace:
        data["trace"] = info["trace"].as_dicts()
    else:
        del data["trace"]
    where = f"frames: {len(files)} pictures in {directory} ({Path(files[0]).name} … {Path(files[-1]).name})"
    if problem:
        where = f"frames: {len(files)} .dot sources in {directory}, not pictures: {problem}"
    return Result(data, shown + collect_lines(info, show_all) + [where])
