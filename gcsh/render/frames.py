"""`collect GEN --frames DIR`: one picture per phase of a collection.

The frames are built from the heap before the collection, the collector's
trace (gc_refs after update_refs and subtract_refs, the reachable and
unreachable lists, finalizers, weakrefs) and the heap after it, so the
objects keep their ids, their clusters and (nearly) their places from frame
to frame while the colours tell the story:

    00-before  01-update_refs  02-subtract_refs  03-move_unreachable  04-finalizers  05-end
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ..backends.sim.kernel.trace import NAMESPACE_NAME
from ..backends.view import Edge, HeapView, Node
from ..errors import UserError
from .files import NotDrawn, check_directory, write_picture
from .labels import listing as _names
from .summarise import PICTURE_NODES, summarise, walk


class _Story:
    """The before view, restyled phase by phase."""

    def __init__(self, before: HeapView, steps):
        self.before = before
        if hasattr(steps, "as_dicts"):  # the collector's typed trace, read in its declared JSON form
            steps = steps.as_dicts()
        self.ids = {n.name: nid for nid, n in before.nodes.items()}
        self.steps: dict[str, dict] = {}
        for step in steps:
            self.steps.setdefault(step["phase"], step)  # the first run of each phase
        start = self.steps.get("start", {})  # none: an increment that only marked, or had no budget
        self.generation = start.get("generation")
        self.young = self._ids(start.get("young", []))
        self.visited = start.get("visited")  # the incremental collector's visited space (0, 1), or None
        self.namespace = bool(start.get("namespace"))  # the names' namespace was examined too

    def _ids(self, names) -> list[str]:
        return [self.ids[name] for name in names if name in self.ids]

    def frame(self, caption: str, marks: dict[str, set[str]], gc_refs: dict[str, int] | None = None,
              cleared: set[str] = frozenset()) -> HeapView:
        view = HeapView(self.before.backend, roots=dict(self.before.roots), caption=caption,
                        debug=self.before.debug, notes=list(self.before.notes))
        for nid, n in self.before.nodes.items():
            extra = marks.get(nid, set())
            refs = (gc_refs or {}).get(n.name)
            view.nodes[nid] = replace(n, marks=(n.marks - {"unreachable", "pending"}) | extra, gc_refs=refs)
        view.edges = [replace(e, marks=e.marks | {"cleared"}) if e.weak and e.src in cleared else e
                      for e in self.before.edges]
        return view

    def marked(self, groups: list[tuple[list[str], str]]) -> dict[str, set[str]]:
        marks: dict[str, set[str]] = {}
        for ids, mark in groups:
            for nid in ids:
                marks.setdefault(nid, set()).add(mark)
        return marks


def phase_views(before: HeapView, steps, after: HeapView) -> list[tuple[str, HeapView]]:
    """(phase, view) for each frame of the collection that STEPS (the trace of `collect --trace`:
    a kernel Trace, or its `as_dicts()` form) recorded."""
    story = _Story(before, steps)
    if story.generation is None:
        return _idle_frames(story, after)
    g, young = story.generation, story.young
    merged = "generation 0" if g == 0 else f"generations 0–{g}"
    if story.visited is not None:
        pending = f"old[{1 - story.visited}]"
        merged = ("the young generation", f"the increment: the young generation and what it took from {pending}",
                  "every generation: young, old[0] and old[1]")[g]
    frames = [("before", story.frame(
        f"0. before collect({g}): the {len(young)} tracked objects of {merged} are about to be examined",
        story.marked([(young, "young")])))]

    update = story.steps["update_refs"]["gc_refs"]
    frames.append(("update_refs", story.frame(
        "1. update_refs: each object's gc_refs starts as its refcount", story.marked([(young, "young")]),
        update)))

    subtract = story.steps["subtract_refs"]["gc_refs"]
    outside = [story.ids[name] for name, n in subtract.items() if n > 0 and name in story.ids]
    names = f" (the names too: {NAMESPACE_NAME} is in the set)" if story.namespace else ""
    frames.append(("subtract_refs", story.frame(
        f"2. subtract_refs: minus one for each reference from inside the set{names}; "
        f"gc_refs > 0 means held from outside: {_names([before.nodes[i].name for i in outside])}",
        story.marked([(young, "young"), (outside, "outside")]), subtract)))

    move = story.steps["move_unreachable"]
    reachable, unreachable = story._ids(move["reachable"]), story._ids(move["unreachable"])
    frames.append(("move_unreachable", story.frame(
        f"3. move_unreachable: what the held objects reach survives; unreachable: {_names(move['unreachable'])}",
        story.marked([(reachable, "reachable"), (unreachable, "unreachable")]), subtract)))

    frames.append(("finalizers", _finalizer_frame(story, reachable, unreachable, subtract)))
    frames.append(("end", _end_frame(story, after)))
    return frames


def _finalizer_frame(story: _Story, reachable: list[str], unreachable: list[str], gc_refs: dict) -> HeapView:
    steps = story.steps
    legacy = steps.get("move_legacy_finalizers", {}).get("uncollectable", [])
    weakrefs = steps.get("handle_weakrefs", {})
    ran = steps.get("finalize_garbage", {}).get("finalized", [])
    resurrected = steps.get("handle_resurrected_objects", {}).get("resurrected", [])
    said = []
    if legacy:
        said.append(f"legacy finalizers make {_names(legacy)} uncollectable")
    if weakrefs.get("cleared"):
        said.append(f"weakrefs cleared: {_names(weakrefs['cleared'])}")
    if weakrefs.get("called"):
        said.append(f"callbacks called: {_names(weakrefs['called'])}")
    if ran:
        said.append(f"__del__ ran for {_names(ran)}")
    if resurrected:
        said.append(f"resurrected: {_names(resurrected)}")
    caption = "4. finalizers: " + ("; ".join(said) if said else "no weakrefs to clear and no __del__ to run")
    marks = story.marked([(reachable, "reachable"), (unreachable, "unreachable"),
                          (story._ids(legacy), "uncollectable"), (story._ids(ran), "ran"),
                          (story._ids(resurrected), "resurrected")])
    return story.frame(caption, marks, gc_refs, cleared=set(story._ids(weakrefs.get("cleared", []))))


def _idle_frames(story: _Story, after: HeapView) -> list[tuple[str, HeapView]]:
    """collect(1) in the incremental collector when it examines nothing: the first increment of a
    scavenge marks what the roots reach instead; without budget it does nothing at all."""
    mark = story.steps.get("mark_at_start")
    if mark:
        caption = (f"1. mark_at_start: a scavenge begins; what the roots reach moves to old[{mark['visited']}], "
                   f"the visited space ({mark['marked']:,} objects with the interpreter's own); nothing is collected")
    else:
        caption = (f"1. assess_work_to_do: work_to_do is {story.steps['assess_work_to_do']['work_to_do']:,}, "
                   f"below 0: this increment examines nothing")
    before = story.frame("0. before collect(1): an increment of the old generation", {})
    end = HeapView(after.backend, roots=dict(after.roots), caption=caption, debug=after.debug, notes=list(after.notes))
    end.nodes, end.edges = dict(after.nodes), list(after.edges)
    return [("before", before), ("end", end)]


def _end_frame(story: _Story, after: HeapView) -> HeapView:
    """The heap after the collection, with what it freed drawn as ghosts."""
    end = story.steps.get("delete_garbage", {})
    freed = [nid for nid in story.before.nodes if nid not in after.nodes]
    survivors = story.steps.get("untrack", {})
    to = survivors.get("to", story.generation)
    verb = "kept in gc.garbage (DEBUG_SAVEALL)" if end.get("saved") else "tp_clear broke the cycles"
    where = f"generation {to}" if story.visited is None else f"old[{story.visited}], the visited space"
    if story.visited is not None and not any("visited" in str(n.generation) for n in after.nodes.values()):
        where += "; the scavenge is over: all are pending again"
    caption = (f"5. delete_garbage: {verb}; freed: {_names([story.before.nodes[i].name for i in freed])}; "
               f"survivors moved to {where}")
    if survivors.get("untracked"):
        caption += f" (untracked, holding nothing trackable: {_names(survivors['untracked'])})"
    view = HeapView(after.backend, roots=dict(after.roots), caption=caption, debug=after.debug,
                    notes=list(after.notes))
    view.nodes = dict(after.nodes)
    for nid in story._ids(story.steps.get("handle_resurrected_objects", {}).get("resurrected", [])):
        if nid in view.nodes:  # found unreachable, yet alive: say why
            n = view.nodes[nid]
            view.nodes[nid] = replace(n, marks=(n.marks - {"unreachable"}) | {"resurrected"})
    for nid in freed:
        n = story.before.nodes[nid]
        view.nodes[nid] = Node(nid, n.name, n.kind, None, "freed", n.tracked, marks=frozenset({"freed"}))
    view.edges = list(after.edges)
    ghosts = set(freed)
    view.edges += [Edge(e.src, e.dst, e.label, e.weak, frozenset({"freed"})) for e in story.before.edges
                   if (e.src in ghosts or e.dst in ghosts) and e.src in view.nodes and e.dst in view.nodes]
    return view


def shared_order(frames: list[tuple[str, HeapView]]) -> list[str]:
    """Which objects a summarised frame keeps first, the same in every frame: what the collection
    finds unreachable, then the rest of what it examines, then everything else."""
    views = dict(frames)
    examined = views.get("move_unreachable")  # none when an increment examined nothing
    found = [nid for nid, n in examined.nodes.items() if "unreachable" in n.marks] if examined else []
    young = [nid for nid, n in views["before"].nodes.items() if "young" in n.marks]
    order, _ = walk(replace(views["before"], focus=found + young))
    taken = set(order)
    return order + [nid for nid in walk(views["before"])[0] if nid not in taken]


def write_frames(frames: list[tuple[str, HeapView]], directory: str,
                 max_nodes: int = PICTURE_NODES) -> tuple[list[str], str | None]:
    """Write the frames as DIR/NN-phase.png; if Graphviz cannot draw them, as .dot sources.
    Returns (files, why they are not pictures or None)."""
    folder = Path(directory)
    check_directory(folder, create=True)
    try:
        folder.mkdir(exist_ok=True)
    except (OSError, ValueError) as e:  # a name too long for the file system, or one it cannot encode
        raise UserError(f"{directory!r}: cannot make the directory: {getattr(e, 'strerror', None) or e}") from None
    order = shared_order(frames)
    files, problem = [], None
    for i, (phase, view) in enumerate(frames):
        path = folder / f"{i:02d}-{phase}.{'dot' if problem else 'png'}"
        try:
            write_picture(summarise(view, max_nodes, order=order), str(path))
            files.append(str(path))
        except NotDrawn as e:
            problem = e.reason
            files.append(str(e.dot_path))
    return files, problem
