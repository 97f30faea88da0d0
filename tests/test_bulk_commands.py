"""Bulk commands build what the equivalent alloc/link/del commands build, atomically."""

from __future__ import annotations

import io
import json

import pytest

from gcsh.backends.sim import persist
from gcsh.backends.sim.invariants import problems
from gcsh.runner import Session


def run(script: str, model: str = "3.11") -> Session:
    session = Session(io.StringIO(), io.StringIO(), model=model)
    session.run_text(script)
    return session


def state(session: Session) -> str:
    """Everything observable of the heap: its session file (names, ids, references, refcounts, lists in
    order, counts, free lists, statistics)."""
    return json.dumps(persist.dump(session.backend.heap), sort_keys=True)


def by_hand(entry: str, members: list[str], links: list[tuple[str, str]], bound: str) -> str:
    lines = [f"alloc {n}" for n in [entry, *members]]
    lines += [f"link {a} {b}" for a, b in links]
    lines += [f"del {n}" for n in [entry, *members] if n != bound]
    return "\n".join(lines)


@pytest.mark.parametrize("model", ["3.10", "3.11", "3.12", "3.13"])
@pytest.mark.parametrize("prelude", ["disable", "threshold 100000", "alloc x; link x x; del x; collect 0"])
@pytest.mark.parametrize("bulk, entry, members, links", [
    ("ring r 4", "r", ["r_1", "r_2", "r_3"], [("r", "r_1"), ("r_1", "r_2"), ("r_2", "r_3"), ("r_3", "r")]),
    ("ring r 1", "r", [], [("r", "r")]),
    ("chain c 3", "c", ["c_1", "c_2"], [("c", "c_1"), ("c_1", "c_2")]),
    ("tree t 2 2", "t", [f"t_{i}" for i in range(1, 7)],
     [("t", "t_1"), ("t", "t_2"), ("t_1", "t_3"), ("t_1", "t_4"), ("t_2", "t_5"), ("t_2", "t_6")]),
    ("rings k 2 3", "k", [f"k_{i}" for i in range(6)],
     [("k", "k_0"), ("k", "k_3"), ("k_0", "k_1"), ("k_1", "k_2"), ("k_2", "k_0"),
      ("k_3", "k_4"), ("k_4", "k_5"), ("k_5", "k_3")]),
])
def test_bulk_builds_what_commands_build(model, prelude, bulk, entry, members, links):
    built = run(f"{prelude}\n{bulk}", model)
    # allocate everything first, then link: the bulk command counts all allocations before any check
    manual = run(f"{prelude}\n" + by_hand(entry, members, links, entry), model)
    assert problems(built.backend.heap) == []
    assert state(built) == state(manual)


@pytest.mark.parametrize("model", ["3.11", "3.13"])
def test_one_automatic_collection_once_the_structure_is_complete(gcsh, model):
    r = gcsh("--json", "--model", model, "-c", "threshold 10; ring r 50; count")
    built, count = r.json[-2:]
    assert [a["generation"] for a in built.get("automatic", [])] == [0]
    assert built["automatic"][0]["unreachable"] == 0  # the ring is complete and r holds it
    assert count["result"]["count"] == [0, 1, 0]


def test_random_is_reproducible_and_sound():
    a, b = run("random g 50 --edges 120 --seed 4"), run("random g 50 --edges 120 --seed 4")
    assert state(a) == state(b)
    heap = a.backend.heap
    assert problems(heap) == []
    g = heap.find("g")
    assert [heap.name_of(op) for op in heap.items(g)] == [f"g_{i}" for i in range(50)]
    assert sum(len(heap.items(heap.find(f"g_{i}"))) for i in range(50)) == 120
    assert state(run("random g 50 --edges 120 --seed 5")) != state(a)


@pytest.mark.parametrize("script, message", [
    ("ring r 0", "a ring must be at least 1, got 0"),
    ("alloc r_2\nring r 4", "name 'r_2' is already taken"),
    ("alloc r\nchain r 3", "name 'r' is already taken"),
    ("tree t -1", "the depth must be at least 0"),
    ("tree t 2 0", "the fanout must be at least 1"),
    ("tree t 40 2", "more than the"),
    ("rings k 3 0", "a ring needs at least 1 object"),
    ("random g 10 --edges -1", "cannot be negative"),
    ("ring r 99999999", "more than the"),
])
def test_mistakes_change_nothing(script, message):
    session = run("alloc keep\n" + script)
    *_, last = script.splitlines()
    assert message in session.stderr.getvalue()
    before = run("alloc keep\n" + "\n".join(script.splitlines()[:-1]))
    assert state(session) == state(before), last


def test_generated_names_are_usable_and_reported(gcsh):
    r = gcsh("--json", "-c", "ring r 3; unlink r_2 r; referents r_1; del r; collect")
    results = r.json
    assert results[0]["result"] == {"shape": "ring", "name": "r", "objects": 3, "first": "r", "last": "r_2"}
    assert results[2]["result"]["referents"] == ["r_2"]
    assert results[3]["result"]["freed"] == ["r", "r_1", "r_2"]


def test_bulk_commands_are_sim_only_and_need_no_numpy():
    import subprocess
    import sys
    code = ("import sys, io; from gcsh.runner import Session; s = Session(io.StringIO(), io.StringIO()); "
            "s.run_text('ring r 2000; del r; collect'); print('numpy' in sys.modules, 'scipy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.split() == ["False", "False"], out.stderr


@pytest.mark.parametrize("fanout", ["2147483648", "99999999999", "18446744073709551616"])
def test_a_tree_of_depth_zero_takes_any_fanout(fanout):
    """Depth 0 is the root alone, whatever the fanout (it once overflowed a C int building nothing)."""
    s = run(f"tree e 0 {fanout}; count")
    assert s.stderr.getvalue() == "" and s.stdout.getvalue().splitlines()[-1] == "(1, 0, 0)"


def test_a_tree_too_large_says_so_without_a_wrong_size():
    s = run("tree t 2147483647 2")
    assert s.stderr.getvalue() == ("<command line>:1: error: a tree of depth 2,147,483,647 and fanout 2 is more than "
                                   "the 5,000,000 objects a bulk command builds\n")
