"""`graph` in the terminal, and the summaries of heaps too big to draw."""

import json
import random

from gcsh.render.summarise import PICTURE_NODES, summarise

CYCLE = "alloc a; alloc b; link a b; link b a"


def lines_of(session, text):
    s = session()
    assert s.run_text(text), s.err()
    return s.out().splitlines()


def test_cycle_in_the_terminal(session):
    out = lines_of(session, f"{CYCLE}; graph")
    shown = "\n".join(out[-6:])
    assert "sim 3.11: 2 objects, 2 references" in shown
    assert "generation 0" in shown
    assert "a  list  refcount 2  root" in shown
    assert "[0] -> b" in shown and "[0] -> a" in shown


def test_marks_weak_edges_and_untracked_in_text(session):
    out = "\n".join(lines_of(session, "alloc o object; weakref w o; alloc t tuple 1 'x'; alloc g; link g g; "
                                      "del g; flags DEBUG_SAVEALL; collect; graph"))
    assert "weak ~> o" in out
    assert "untracked (the collector never looks at these)" in out
    assert "[0]=1 [1]='x'" in out
    assert "in gc.garbage" in out and "unreachable in the last collection" in out


def test_graph_of_names_follows_only_what_they_reach(session):
    out = "\n".join(lines_of(session, f"{CYCLE}; alloc c; alloc d; link c d; graph c"))
    assert "c  list" in out and "d  list" in out and "a  list" not in out


def test_depth_cut_is_marked(session):
    chain = "; ".join(f"alloc c{i}" for i in range(6)) + "; " + "; ".join(f"link c{i} c{i + 1}" for i in range(5))
    s = session(json_mode=True)
    assert s.run_text(f"{chain}; graph c0 --depth 2")
    result = json.loads(s.out().splitlines()[-1])["result"]
    names = [n["name"] for n in result["nodes"]]
    assert names[:3] == ["c0", "c1", "c2"] and "c3" not in names
    assert "+3 more beyond depth 2" in names
    assert any("--depth 2: 3 objects further away are left out" in n for n in result["notes"])
    text = "\n".join(lines_of(session, f"{chain}; graph c0 --depth 2"))
    assert "… +1 more -> (not drawn)" in text  # on c2, the object the cut leaves


def test_bad_limits(session):
    s = session()
    assert not s.run_text("alloc a; graph --depth -1")
    assert "--depth must be 0 or more" in s.err()
    s = session()
    assert not s.run_text("alloc a; graph --max-nodes 0")
    assert "--max-nodes must be at least 1" in s.err()


def test_a_long_ring_is_cut_and_every_cut_is_counted(session):
    n = 300
    text = "; ".join(f"alloc r{i}" for i in range(n)) + "; " + \
        "; ".join(f"link r{i} r{(i + 1) % n}" for i in range(n)) + "; del " + " ".join(f"r{i}" for i in range(1, n))
    s = session()
    assert s.run_text(text)
    view = s.backend.view()
    small = summarise(view, 50)
    drawn = [nid for nid, node in small.nodes.items() if "more" not in node.marks]
    assert len(drawn) == 50
    assert [small.nodes[nid].name for nid in drawn[:3]] == ["r0", "r1", "r2"]  # from the root, in order
    boxes = [node for node in small.nodes.values() if "more" in node.marks]
    assert [b.name for b in boxes] == ["+250 more list"]
    assert sum(node.more_out for node in small.nodes.values()) == 1  # r49 -> r50
    assert small.nodes["n0"].more_in == 1  # r299 -> r0
    assert any("showing 50 of 300 objects" in note for note in small.notes)


def test_garbage_is_never_dropped_silently(session):
    """objgraph draws only what is reachable; a summary keeps unreachable cycles in view."""
    roots = "; ".join(f"alloc k{i}" for i in range(100))
    s = session()
    assert s.run_text(f"{roots}; alloc x; alloc y; link x y; link y x; del x y")
    small = summarise(s.backend.view(), 20)
    assert sum(1 for n in small.nodes.values() if "more" not in n.marks) == 20
    assert any(n.name == "+82 more list" for n in small.nodes.values())  # counted, if not drawn
    s = session()
    assert s.run_text(f"flags DEBUG_SAVEALL; alloc x; alloc y; link x y; link y x; del x y; collect; {roots}")
    small = summarise(s.backend.view(), 20)
    names = {n.name for n in small.nodes.values()}
    assert {"x", "y"} <= names  # in gc.garbage: drawn first, with the roots


def random_heap(n, seed):
    rng = random.Random(seed)
    lines = [f"alloc o{i} {rng.choice(['list', 'dict', 'object', 'list'])}" for i in range(n)]
    lines += [f"link o{rng.randrange(n)} o{rng.randrange(n)}" for _ in range(2 * n)]
    lines += [f"del o{i}" for i in range(n) if rng.random() < 0.9]
    return "\n".join(lines)


def test_a_thousand_object_heap_is_summarised(session):
    s = session(keep_going=True)
    s.run_text(random_heap(1000, 3))
    s.run_text("graph")
    out = s.out()
    assert "note: showing 60 of" in out and "'+N more' boxes" in out
    small = summarise(s.backend.view(), PICTURE_NODES)
    drawn = [n for n in small.nodes.values() if "more" not in n.marks]
    counted = sum(int(n.name.split()[0][1:]) for n in small.nodes.values() if "more" in n.marks)
    assert len(drawn) == PICTURE_NODES and len(drawn) + counted == len(s.backend.view().nodes)
    ids = set(small.nodes)
    assert all(e.src in ids and e.dst in ids for e in small.edges)


def test_graph_json_lists_nodes_and_edges(gcsh):
    r = gcsh("--json", "-c", f"{CYCLE}; graph")
    result = r.last["result"]
    assert [n["name"] for n in result["nodes"]] == ["a", "b"]
    assert {(e["src"], e["dst"], e["label"]) for e in result["edges"]} == {("n0", "n1", "[0]"), ("n1", "n0", "[0]")}
    assert result["roots"] == {"a": "n0", "b": "n1"}
