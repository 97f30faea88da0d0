"""Pictures show garbage: what is unreachable now but not yet collected has its own mark and colour
in every `graph` (text, dot, pictures, notebook, the live page), in both backends, found without
collecting; and a picture of a huge simulated heap makes the nodes of only what it draws."""

import io
import json
import random

import pytest

from gcsh.backends.sim.analysis import unreachable_marks
from gcsh.backends.sim.view import SimSource
from gcsh.commands.graph import view_data
from gcsh.render.summarise import summarise
from gcsh.runner import Session

from tests.test_leaks import live_json

GARBAGE = "disable; alloc a; alloc d finalizer; link a d; link d a; alloc x; link x x; del a d x; alloc c; alloc e; link c e"


def random_heap(seed: int) -> Session:
    r = random.Random(seed)
    s = Session(io.StringIO(), io.StringIO(), model="3.11")
    n = r.randint(3, 30)
    cmds = ["disable"] + [f"alloc o{i} " + r.choice(["list", "dict", "object", "finalizer", "tuple", "set",
                                                      "legacy"]) for i in range(n)]
    cmds += [f"link o{r.randrange(n)} o{r.randrange(n)}" for _ in range(2 * n)]
    if r.random() < 0.3:
        cmds.append(f"weakref w o{r.randrange(n)}")
    if r.random() < 0.2:
        cmds.append("freeze")
    cmds += [f"del o{r.randrange(n)}" for _ in range(n // 2)]
    if r.random() < 0.5:
        cmds.append("collect 0")
    s.run_text("\n".join(cmds))
    return s


def test_text_graph_marks_what_a_collection_would_free(session):
    s = session()
    assert s.run_text(GARBAGE + "; graph"), s.err()
    rows = {line.split()[0]: line for line in s.out().splitlines()[-9:] if line.startswith("  ") and
            not line.startswith("      ")}
    assert all("unreachable now, not yet collected" in rows[n] for n in "adx")
    assert not any("unreachable now" in rows[n] for n in "ce")
    s = session(json_mode=True)
    assert s.run_text(GARBAGE + "; graph; collect; graph")
    before, _, after = (json.loads(line)["result"] for line in s.out().splitlines()[-3:])
    assert sorted(n["name"] for n in before["nodes"] if "pending" in n["marks"]) == ["a", "d", "x"]
    assert not any("pending" in n["marks"] for n in after["nodes"])


def test_the_mark_is_what_pending_lists_on_random_heaps():
    for seed in range(120):
        s = random_heap(seed)
        marks = unreachable_marks(s.sim.heap)
        found = {s.sim.heap.handle(op) for op in range(len(marks)) if marks[op] == 1}
        assert found == {o["handle"] for o in s.sim.pending()["objects"]}, seed


def test_marking_changes_nothing(session):
    s = session(json_mode=True)
    assert s.run_text(GARBAGE + "; count; stats; graph; count; stats; heap")
    c0, st0, _, c1, st1, heap = (json.loads(line)["result"] for line in s.out().splitlines()[-6:])
    assert c0 == c1 and st0 == st1 and {r["name"] for r in heap["objects"]} >= {"c", "e"}


def test_the_picture_and_its_legend_name_the_mark(session):
    pytest.importorskip("graphviz")
    from gcsh.render.graphviz_out import dot_source
    s = session()
    assert s.run_text(GARBAGE)
    dot = dot_source(summarise(s.sim.view(), 40))
    assert "unreachable now, not yet collected (what pending lists)" in dot and "#9333ea" in dot
    assert dot.count("unreachable now<") == 3  # on a, d and x
    s = session()
    assert s.run_text("alloc a; link a a")
    assert "unreachable now" not in dot_source(summarise(s.sim.view(), 40))


def test_frames_of_a_collection_tell_their_own_story(session):
    from gcsh.render.frames import phase_views
    s = session()
    assert s.run_text(GARBAGE)
    before = s.sim.view()
    assert any("pending" in n.marks for n in before.nodes.values())
    info = s.sim.collect(2, True)
    frames = phase_views(before, info["trace"], s.sim.view())
    assert not any("pending" in n.marks for _, view in frames for n in view.nodes.values())


def test_the_live_page_picture_shows_the_mark(session):
    import shutil
    if not shutil.which("dot"):
        pytest.skip("needs Graphviz's dot")
    from gcsh.web.picture import drawable, svg_text
    s = session()
    assert s.run_text(GARBAGE)
    svg = svg_text(drawable(s.sim.view()))
    assert "unreachable now, not yet collected (what pending lists)" in svg and "#9333ea" in svg


def test_lazy_source_draws_what_the_whole_view_draws():
    for seed in range(90):
        s = random_heap(seed)
        names = s.sim.names()[:2] if seed % 3 == 0 else None
        for max_nodes in (2, 7, 60):
            for depth in (None, 1, 2):
                whole = summarise(s.sim.view(names), max_nodes, depth)
                lazy = summarise(s.sim.view(names, lazy=True), max_nodes, depth)
                assert view_data(whole) == view_data(lazy), (seed, max_nodes, depth)
                assert [(n.id, n.more_out, n.more_in, n.tracked) for n in whole.nodes.values()] == \
                       [(n.id, n.more_out, n.more_in, n.tracked) for n in lazy.nodes.values()]


def test_a_big_heap_makes_the_nodes_of_only_what_is_drawn(session, monkeypatch):
    made = []
    node = SimSource.node
    monkeypatch.setattr(SimSource, "node", lambda self, op: made.append(op) or node(self, op))
    s = session(json_mode=True)
    assert s.run_text("disable; ring r 20000; ring q 50; del q; graph --max-nodes 30")
    result = json.loads(s.out().splitlines()[-1])["result"]
    assert len(made) == 30
    drawn = [n for n in result["nodes"] if "more" not in n["marks"]]
    assert len(drawn) == 30 and sum(int(n["name"].split()[0][1:]) for n in result["nodes"]
                                    if "more" in n["marks"]) == 20050 - 30


def test_live_graph_marks_unnamed_garbage_without_collecting():
    out = live_json("disable; collect; py for i in range(40): x = []; x.append(x)\npy del x\n"
                    "alloc kept; link kept kept; graph --max-nodes 100; count; collect")
    graph, count, collect = (o["result"] for o in out[-3:])
    marked = [n for n in graph["nodes"] if "pending" in n["marks"]]
    assert len(marked) == 40 and all(n["kind"] == "list" for n in marked)
    assert not any("pending" in n["marks"] for n in graph["nodes"] if n["name"] == "kept")
    assert collect["unreachable"] == 40  # the picture collected nothing
