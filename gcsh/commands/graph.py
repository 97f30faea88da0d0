"""Pictures and explanations: graph, export, why, cycles, whatif (and collect --frames).

Each reads a `HeapView` from the backend (`backend.view(names)`) and never
changes the heap; the drawing, summarising and reasoning live in gcsh.render.
"""

from __future__ import annotations

import os

from ..errors import UserError
from .registry import GEN, INT, NAME, PATH, Arg, Option, choice, command
from .result import Result
from ..render.table import table

DRAWING_OPTIONS = (
    Option("--depth", "follow references at most N steps from the NAMEs (or the root names)", type=INT,
           metavar="N"),
    Option("--max-nodes", "draw at most N objects; the rest are counted in '+N more' boxes", type=INT,
           metavar="N"),
)
LISTED = 8  # names listed before "+N more"


def _names(names: list[str]) -> str:
    from ..render.labels import listing
    return listing(names, LISTED, "nothing")


def _limits(depth: int | None, max_nodes: int | None) -> None:
    if depth is not None and depth < 0:
        raise UserError(f"--depth must be 0 or more, got {depth}")
    if max_nodes is not None and max_nodes < 1:
        raise UserError(f"--max-nodes must be at least 1, got {max_nodes}")


def heap_view(ctx, names: list[str] | None = None):
    """The backend's snapshot of the heap (or of what NAMES reach)."""
    if not hasattr(ctx.backend, "view"):
        raise ctx.backend.unsupported("drawing the heap")
    return ctx.backend.view(names or None)


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
    view = heap_view(ctx, names)
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
                 "weak references are dashed, untracked objects dashed and outside the generations, and what "
                 "the last collection found unreachable is red. A large heap is summarised, never hung on: "
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


def _node(ctx, view, name: str):
    for n in view.nodes.values():
        if n.name == name:
            return n
    heap_view(ctx, [name])  # the backend's own error for an unknown or freed name
    raise UserError(f"unknown name {name!r}")


@command("why", topic="graph", summary="why NAME is alive: the references from a root that keep it",
         args=(Arg("NAME", NAME, "the object"),), examples=("why b",),
         details="Shows the shortest chain of strong references from a root name (or gc.garbage) to NAME. "
                 "An object nothing reaches is alive only through a reference cycle: why says which cycle, "
                 "and which collection will free it.")
def why(ctx, name):
    from ..render import explain

    view = heap_view(ctx)
    target = _node(ctx, view, name)
    chain = explain.chain_to(view, target.id)
    if chain is not None:
        steps = [{"via": via, "name": view.nodes[nid].name, "kind": view.nodes[nid].kind} for via, nid in chain]
        holder = steps[0]["via"]
        if len(steps) == 1 and holder == name:
            return Result({"name": name, "alive": True, "reachable": True, "chain": steps},
                          [f"{name} is alive: it is bound to the name {name}"])
        paths = [_start(holder)]
        for step in steps[1:]:
            paths.append(_follow(paths[-1], step["via"]))
        lines = [f"{name} is alive: reachable from {_holder(holder)}"]
        lines += table([(p, f"{s['kind']} {s['name']}") for p, s in zip(paths, steps)], indent="  ")
        return Result({"name": name, "alive": True, "reachable": True, "chain": steps}, lines)
    generation, outcome = explain.first_collection_freeing(view, target.id)
    verdict = _fate(target, generation, outcome)
    lines = [f"{name} is unreachable{': ' if generation is not None else ', '}{verdict}"]
    path = explain.held_by_cycle(view, target.id)
    cycle = next((c for c in explain.cycles(view) if target.id in c or (path and path[0] in c)), [])
    if len(cycle) == 1:
        holder = "it" if cycle[0] == target.id else f"it is held by {view.nodes[cycle[0]].name}, which"
        lines.append(f"  {holder} references itself: a cycle of one")
    elif cycle:
        members = [view.nodes[nid].name for nid in cycle]
        where = "it is in" if target.id in cycle else "it is held by"
        lines.append(f"  {where} a reference cycle of {len(cycle)}: {_names(members)}")
    if len(path) > 2:
        lines.append("  held through: " + " -> ".join(view.nodes[nid].name for nid in path))
    return Result({"name": name, "alive": True, "reachable": False, "generation": generation,
                   "verdict": verdict, "cycle": [view.nodes[nid].name for nid in cycle]}, lines)


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


def _fate(target, generation, outcome) -> str:
    """What the collector will do with an unreachable object (OUTCOME: a full collection's)."""
    if generation is not None:
        return f"the next collection of generation {generation} frees it"
    if target.id in outcome.uncollectable:
        return "uncollectable: a legacy finalizer (tp_del) holds it, so a collection moves it to gc.garbage"
    if target.id in outcome.saved:
        return "kept: DEBUG_SAVEALL makes a collection save it in gc.garbage"
    if target.id in outcome.unreachable:
        return "resurrected: a collection runs __del__, which stores it (or what holds it) in a root"
    if "frozen" in target.marks:
        return "frozen: collections skip the permanent generation (unfreeze, then collect)"
    return "held by frozen objects: collections skip them (unfreeze, then collect)"


# ---------------------------------------------------------------- cycles


@command("cycles", topic="graph", summary="the reference cycles (strongly connected components) and their sizes",
         aliases=("sccs",), examples=("cycles",),
         details="A cycle is a group of objects that all reach each other by strong references. Reachable "
                 "ones are in use; unreachable ones are what the cyclic collector exists for.")
def cycles(ctx):
    from ..render import explain

    view = heap_view(ctx)
    found = explain.cycles(view)
    alive = explain.reachable(view)
    outcomes = [explain.predict(view, g) for g in (0, 1, 2)] if any(c[0] not in alive for c in found) else []
    listed, lines = [], []
    for comp in found:
        members = [view.nodes[nid].name for nid in comp]
        entry = {"size": len(comp), "members": members, "reachable": comp[0] in alive, "freed_by": None}
        if entry["reachable"]:
            status = "reachable"
        else:
            entry["freed_by"] = next((g for g, o in enumerate(outcomes) if comp[0] in o.freed), None)
            fate = _fate(view.nodes[comp[0]], entry["freed_by"], outcomes[2])
            status = f"unreachable{': ' if entry['freed_by'] is not None else ', '}{fate}"
        listed.append(entry)
        if len(lines) < 20:
            lines.append(f"  {len(comp)} object{'s' * (len(comp) != 1)}: {_names(members)}  ({status})")
    head = f"{len(found)} reference cycle{'s' * (len(found) != 1)}" + (":" if found else "")
    more = [f"  +{len(found) - 20} more cycles"] if len(found) > 20 else []
    return Result({"cycles": listed, "count": len(found)}, [head] + lines + more)


# ---------------------------------------------------------------- whatif


@command("whatif", topic="graph", summary="what `del NAME...` and a collection would free, without doing it",
         args=(Arg("ACTION", choice({"del": "drop root names"}, "action"), "del"),
               Arg("NAME", NAME, "the root names to drop", variadic=True)),
         options=(Option("--gen", "the generation the collection after it collects (default 2)", type=GEN,
                         metavar="GEN", default=2),),
         examples=("whatif del a", "whatif del a b --gen 0"),
         details="Works out what refcounting would free at once, then what the collection would find "
                 "unreachable, run __del__ on, leave in gc.garbage and free. Nothing is changed.")
def whatif(ctx, action, name, gen):
    from ..render import explain

    view = heap_view(ctx)
    if len(set(name)) != len(name):
        raise UserError("the same name twice in one del")
    for n in name:
        if n not in view.roots:
            _node(ctx, view, n)
            raise UserError(f"{n!r} is not bound (it is kept alive only by references)")
    outcome = explain.predict(view, gen, name)
    already = set(explain.predict(view, gen).freed)
    label = {nid: view.nodes[nid].name for nid in view.nodes}

    def names(ids):
        return [label[i] for i in ids]

    new = [i for i in outcome.freed if i not in already]
    old = [i for i in outcome.freed if i in already]
    lines = [f"whatif del {' '.join(name)} (nothing is changed):",
             f"  del frees at once: {_names(names(outcome.freed_by_del))}",
             f"  then collect {gen} frees: {_names(names(new))}"
             + (f" (and {_names(names(old))}, garbage already)" if old else "")]
    if outcome.finalizers:
        lines.append(f"  __del__ would run for: {_names(names(outcome.finalizers))}")
    if outcome.resurrected:
        lines.append(f"  resurrected by __del__: {_names(names(outcome.resurrected))}")
    if outcome.uncollectable:
        lines.append("  uncollectable (legacy finalizers, and what they hold): "
                     + _names(names(outcome.uncollectable)))
    if outcome.saved:
        lines.append(f"  kept in gc.garbage (DEBUG_SAVEALL): {_names(names(outcome.saved))}")
    alive = len(view.nodes) - len(outcome.freed_by_del) - len(outcome.freed)
    lines.append(f"  still alive afterwards: {alive} object{'s' * (alive != 1)}")
    data = {"names": name, "generation": gen, "freed_by_del": names(outcome.freed_by_del),
            "freed": names(outcome.freed), "unreachable": names(outcome.unreachable),
            "uncollectable": names(outcome.uncollectable), "finalizers": names(outcome.finalizers),
            "resurrected": names(outcome.resurrected), "saved": names(outcome.saved)}
    return Result(data, lines)


# ---------------------------------------------------------------- collect --frames


def collect_with_frames(ctx, gen: int, directory: str, trace: bool) -> Result:
    """collect GEN, writing one picture per phase into DIRECTORY (sim: it needs the trace)."""
    from pathlib import Path

    from ..render.files import check_directory
    from ..render.frames import phase_views, write_frames
    from ..render.trace import trace_lines
    from .collector import collect_lines

    if ctx.backend.name != "sim":
        raise UserError("collect --frames needs the sim backend (the live collector cannot be watched phase "
                        "by phase)")
    directory = os.path.expanduser(directory)
    check_directory(Path(directory), create=True)
    before = heap_view(ctx)
    info = ctx.backend.collect(gen, True)
    files, problem = write_frames(phase_views(before, info["trace"], heap_view(ctx)), directory)
    shown = trace_lines(info["trace"]) if trace else []
    info = dict(info, frames=files)
    if not trace:
        del info["trace"]
    where = f"frames: {len(files)} pictures in {directory} ({Path(files[0]).name} … {Path(files[-1]).name})"
    if problem:
        where = f"frames: {len(files)} .dot sources in {directory}, not pictures: {problem}"
    return Result(info, shown + collect_lines(info) + [where])
