"""The vectorised collection path gives exactly what the reference phases give.

Random heaps (hypothesis) and the benchmark shapes, on both paths: the same
reachable list in the same order (objects moved back from `unreachable` last,
in walk order), the same unreachable list, and after whole collections the
same heap state, output and counters.
"""

from __future__ import annotations

import copy
import io
import random
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gcsh.backends.sim import collector, fastpath
from gcsh.backends.sim.backend import SimBackend
from gcsh.runner import Session

pytest.importorskip("numpy")
pytest.importorskip("scipy.sparse.csgraph")

KINDS = ("list", "list", "list", "dict", "object")


def reference_deduce(heap, young):
    gc_refs = collector.update_refs(heap, young)
    collector.subtract_refs(heap, young, gc_refs)
    reachable, unreachable = collector.move_unreachable(heap, young, gc_refs)
    return reachable, list(unreachable)


def fast_deduce(heap, young):
    reachable, unreachable = fastpath.deduce_unreachable(heap, young)
    return reachable, list(unreachable)


def random_heap(data_draw, model: str):
    """A heap built through the backend: objects, references (some backwards, some to
    literals), roots, and a few objects of an older generation."""
    draw = data_draw
    backend = SimBackend(lambda kind, text: None, model)
    backend.set_enabled(False)
    n = draw(st.integers(1, 40))
    for i in range(n):
        backend.alloc(f"o{i}", draw(st.sampled_from(KINDS)), [])
        if i == n // 3 and draw(st.booleans()):
            backend.collect(0)  # the first third moves to generation 1: references from there are external
    names = [f"o{i}" for i in range(n)]
    edges = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=3 * n))
    for src, dst in edges:
        backend.link(names[src], names[dst], f"k{dst}_{draw(st.integers(0, 2))}")
    for i in draw(st.lists(st.integers(0, n - 1), max_size=n, unique=True)):
        backend.delete([names[i]])
    return backend.heap


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data(), st.sampled_from(["3.10", "3.11", "3.13"]))
def test_deduce_unreachable_matches_the_reference_on_random_heaps(data, model):
    heap = random_heap(data.draw, model)
    tracked = [op for op in heap.by_name.values() if heap.tracked(op)]
    young = data.draw(st.permutations(tracked))  # any order: the order decides what moves back
    young = young[:data.draw(st.integers(0, len(young)))]
    assert fast_deduce(heap, young) == reference_deduce(heap, young)


def chain_heap(n: int, order: str, closed: bool, rooted: str):
    """A chain or ring of n lists allocated in some order relative to the chain's direction."""
    backend = SimBackend(lambda kind, text: None, "3.11")
    backend.set_enabled(False)
    positions = list(range(n))
    if order == "backwards":
        positions.reverse()
    elif order == "shuffled":
        random.Random(n).shuffle(positions)
    for p in positions:
        backend.alloc(f"c{p}", "list", [])
    for i in range(n - 1 + closed):
        backend.link(f"c{i}", f"c{(i + 1) % n}")
    for i in range(n):
        if not (rooted == "head" and i == 0) and not (rooted == "tail" and i == n - 1):
            backend.delete([f"c{i}"])
    return backend.heap


@pytest.mark.parametrize("order", ["forwards", "backwards", "shuffled"])
@pytest.mark.parametrize("closed", [False, True])
@pytest.mark.parametrize("rooted", ["head", "tail", "none"])
def test_long_chains_and_rings_in_every_allocation_order(order, closed, rooted):
    heap = chain_heap(3000, order, closed, rooted)
    young = list(heap.generations[0])
    assert fast_deduce(heap, young) == reference_deduce(heap, young)


def test_moved_back_objects_come_last_in_walk_order():
    # C -> B -> A allocated A, B, C and kept through C: A and B move to unreachable and back
    heap = chain_heap(3, "backwards", closed=False, rooted="head")
    young = list(heap.generations[0])
    reachable, unreachable = fast_deduce(heap, young)
    assert [heap.name[op] for op in reachable] == ["c0", "c1", "c2"]
    assert unreachable == []
    assert [heap.name[op] for op in young] == ["c2", "c1", "c0"]


# ---------------------------------------------------------------- whole collections, both paths


def heap_state(session) -> dict:
    heap = session.backend.heap
    state = copy.deepcopy({k: v for k, v in vars(heap).items() if k not in ("emit", "on_alloc", "on_safe_point", "model")})
    state["generations"] = [list(g) for g in heap.generations]
    state["freed_log"] = sorted(heap.freed_log)  # the freeing order is shown by --trace only
    return state


def run_both(script: str, model: str = "3.11") -> tuple:
    """(JSON lines, stderr, heap state after each line) of the script on the reference path,
    then on the fast one (a full collection empties the free lists: look before it, too)."""
    results = []
    saved = fastpath.MIN_OBJECTS
    try:
        for minimum in (float("inf"), 0):
            fastpath.MIN_OBJECTS = minimum
            out, err = io.StringIO(), io.StringIO()
            session = Session(out, err, model=model, json_mode=True, keep_going=True)
            states = []
            for number, line in enumerate(script.splitlines(), 1):
                session.run_line(line, "<test>", number)
                states.append(heap_state(session))
            results.append((out.getvalue().splitlines(), err.getvalue(), states))
    finally:
        fastpath.MIN_OBJECTS = saved
    return results


SCRIPT_PARTS = [
    "alloc a{i}", "alloc d{i} dict", "alloc o{i} object", "alloc f{i} finalizer", "alloc t{i} tuple a{j} 1",
    "link a{i} a{j}", "link a{j} a{i}", "link d{i} a{j}", "link o{i} a{j}", "link a{i} f{j}", "link a{i} t{j}",
    "del a{i}", "del a{j}", "del d{i}", "del o{i}", "del f{i}", "del t{i}",
    "collect 0", "collect 1", "collect", "ring r{i} {k}", "chain c{i} {k}", "rings k{i} {k} 3", "tree t{i} 2 3",
    "random g{i} {k} --edges {k} --seed {j}", "del r{i}", "del c{i}", "del k{i}", "del g{i}",
    "weakref w{i} o{j}", "weakref w{i} o{j} --callback", "del w{i}", "flags DEBUG_SAVEALL", "flags 0",
    "garbage clear", "freeze", "unfreeze", "threshold 40", "link a{i} 5", "alloc f{i} finalizer --resurrect",
    "alloc l{i} legacy", "link l{i} a{j}", "link a{i} l{j}", "del l{i}", "link f{i} a{j}", "link a{i} w{j}",
    "flags DEBUG_LEAK", "flags +DEBUG_STATS",
]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(SCRIPT_PARTS), st.integers(0, 6), st.integers(0, 6),
                          st.integers(1, 30)), min_size=1, max_size=60),
       st.sampled_from(["3.10", "3.11", "3.12", "3.13"]))
def test_whole_collections_match_the_reference(parts, model):
    script = "\n".join(part.format(i=i, j=j, k=k) for part, i, j, k in parts) + "\ncollect 1\ncollect\n"
    (lines_ref, err_ref, state_ref), (lines_fast, err_fast, state_fast) = run_both(script, model)
    assert state_fast == state_ref
    assert _without_elapsed(lines_fast) == _without_elapsed(lines_ref)
    assert re.sub(r"[\d.]+s elapsed", "", err_fast) == re.sub(r"[\d.]+s elapsed", "", err_ref)


def _without_elapsed(lines):
    import json
    out = []
    for line in lines:
        obj = json.loads(line)
        for holder in (obj.get("result") or {}, *obj.get("automatic", [])):
            holder.pop("elapsed", None)
        out.append(obj)
    return out


@pytest.mark.parametrize("build", ["random g 3000 --seed 2", "rings k 750 4; del k", "ring r 3000; del r",
                                   "ring r 3000", "tree t 10; del t", "random g 3000 --edges 9000; del g"])
def test_benchmark_shapes_match_the_reference(build):
    script = f"disable; {build}\ncollect 0\nalloc late\ncollect 1\ncollect\n"
    ref, fast = run_both(script, "3.11")
    assert fast[2] == ref[2]


def test_small_sets_and_traced_collections_use_the_reference_path(monkeypatch):
    calls = []
    monkeypatch.setattr(fastpath, "deduce_unreachable", lambda *a: calls.append(a))
    session = Session(io.StringIO(), io.StringIO(), model="3.11")
    session.run_text("alloc a; link a a; del a; collect")
    monkeypatch.setattr(fastpath, "MIN_OBJECTS", 0)
    session.run_text("alloc b; link b b; del b; collect --trace")
    assert calls == []


@pytest.mark.parametrize("script", [
    "alloc a; alloc f finalizer --resurrect; link a f; link f a; del a f; collect 0; collect",
    "alloc f finalizer; link f f; del f; collect 0",
    "alloc o object; alloc p object; link o p; link p o; weakref w o --callback; del o p; collect 0",
    "alloc o object; link o o; weakref w o; link o w; del o w; collect 0",
    "alloc l legacy; alloc a; link l a; link a l; del l a; collect 0; garbage",
    "flags DEBUG_SAVEALL; alloc a; link a a; del a; collect 1; garbage clear; collect 0",
    "alloc s str; alloc a; link a a; link a s; del a s; collect 0",
    # plain garbage holding literals and objects outside the set
    "alloc a; link a a; link a 5; link a 'x'; del a; collect 0",
    "alloc keep; alloc a; link a keep; link a a; link a 7; del a; collect 1",
    "alloc keep; alloc t tuple keep 3; alloc a; link a t; link a a; del a t; collect 0",
])
def test_garbage_of_every_kind(script):
    ref, fast = run_both(script.replace("; ", "\n"), "3.11")
    assert fast[2] == ref[2] and _without_elapsed(fast[0]) == _without_elapsed(ref[0])
