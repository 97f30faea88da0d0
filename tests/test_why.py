"""why, cycles and whatif: explanations that must agree with what the collector then does."""

import json

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from gcsh.render import explain


def result_of(session, text, **kw):
    s = session(json_mode=True, **kw)
    ok = s.run_text(text)
    return ok, json.loads(s.out().splitlines()[-1]), s


def test_why_shows_the_chain_from_a_root(session):
    ok, last, s = result_of(session, "alloc c; alloc a; alloc d dict; link c a; link a d; alloc o object; "
                                     "link d o k; alloc s set; link o s attr; del a d o s; why s")
    assert ok
    chain = last["result"]["chain"]
    assert [step["name"] for step in chain] == ["c", "a", "d", "o", "s"]
    assert [step["via"] for step in chain] == ["c", "[0]", "[0]", "['k']", ".attr"]
    s = session()
    s.run_text("alloc c; alloc a; alloc d dict; link c a; link a d; alloc o object; link d o k; "
               "alloc s set; link o s attr; del a d o s; why s")
    assert "s is alive: reachable from the name c" in s.out()
    assert "c[0][0]['k'].attr  set s" in s.out()


def test_why_for_a_root_and_for_gc_garbage(session):
    s = session()
    assert s.run_text("alloc a; why a; flags DEBUG_SAVEALL; alloc g; alloc h; link g h; link g g; del g h; "
                      "collect; why h")
    out = s.out()
    assert "a is alive: it is bound to the name a" in out
    assert "h is alive: reachable from gc.garbage" in out


@pytest.mark.parametrize("setup, name, expected", [
    ("alloc x; link x x; del x", "x", "x is unreachable: the next collection of generation 0 frees it"),
    ("alloc a; collect 0; alloc b; link a b; link b a; del a b", "b",
     "b is unreachable: the next collection of generation 1 frees it"),
    ("alloc a; link a a; alloc b; link a b; del a b", "b",
     "b is unreachable: the next collection of generation 0 frees it"),
    ("alloc L legacy; link L L; del L", "L", "L is unreachable, uncollectable"),
    ("alloc f finalizer --resurrect; link f f; del f", "f", "f is unreachable, resurrected"),
    ("alloc x; link x x; del x; freeze", "x", "x is unreachable, frozen"),
    ("alloc x; link x x; freeze; alloc y; link x y; del x y", "y", "y is unreachable, held by frozen objects"),
    ("flags DEBUG_SAVEALL; alloc x; link x x; del x", "x", "x is unreachable, kept: DEBUG_SAVEALL"),
])
def test_why_for_unreachable_objects(session, setup, name, expected):
    s = session()
    assert s.run_text(f"{setup}; why {name}"), s.err()
    assert expected in s.out()


def test_why_names_the_cycle_that_holds_an_object(session):
    s = session()
    assert s.run_text("alloc a; alloc b; link a b; link b a; alloc c; alloc d; link b c; link c d; "
                      "del a b c d; why d")
    assert "it is held by a reference cycle of 2: a, b" in s.out()
    assert "held through: a -> b -> c -> d" in s.out() or "held through: b -> c -> d" in s.out()


def test_why_unknown_and_freed_names(session):
    s = session()
    assert not s.run_text("why nosuch")
    assert "unknown name 'nosuch'" in s.err()
    s = session()
    assert not s.run_text("alloc a; del a; why a")
    assert "'a' no longer exists" in s.err()


def test_cycles_lists_components_largest_first(session):
    ok, last, _ = result_of(session, "alloc a; alloc b; alloc c; link a b; link b c; link c a; alloc x; "
                                     "link x x; alloc p; alloc q; link p q; del x; cycles")
    cycles = last["result"]["cycles"]
    assert [(c["size"], sorted(c["members"]), c["reachable"]) for c in cycles] == [
        (3, ["a", "b", "c"], True), (1, ["x"], False)]
    assert cycles[1]["freed_by"] == 0


def test_cycles_on_a_deep_ring_needs_no_recursion(session):
    n = 3000  # deeper than Python's default recursion limit
    s = session()
    text = "\n".join([f"alloc r{i}" for i in range(n)] + [f"link r{i} r{(i + 1) % n}" for i in range(n)]
                     + ["del " + " ".join(f"r{i}" for i in range(n))])
    assert s.run_text(text)
    view = s.backend.view()
    assert [len(c) for c in explain.cycles(view)] == [n]
    assert explain.chain_to(view, "n1500") is None
    assert len(explain.held_by_cycle(view, "n5")) == 0  # in the cycle itself
    assert [len(c) for c in s.backend.cycles()] == [n]  # the simulator's own, over its columns


def test_whatif_predicts_without_changing_anything(session):
    s = session(json_mode=True)
    assert s.run_text("alloc a; alloc b; link a b; link b a; alloc c; link a c; alloc f finalizer; link f f; "
                      "link c f; del c f; count; heap; objects 0")
    before = s.out().splitlines()[-3:]
    stats = s.backend.get_stats()
    assert s.run_text("whatif del a b; whatif del a --gen 0")
    lines = s.out().splitlines()
    first, second = json.loads(lines[-2])["result"], json.loads(lines[-1])["result"]
    assert first["freed_by_del"] == [] and sorted(first["freed"]) == ["a", "b", "c", "f"]
    assert first["finalizers"] == ["f"]
    assert second["freed"] == []  # b still holds a
    assert s.run_text("count; heap; objects 0")
    assert s.out().splitlines()[-3:] == before
    assert s.backend.get_stats() == stats


@pytest.mark.parametrize("text, message", [
    ("alloc a; alloc b; link a b; whatif del b", "'b' is bound"),
    ("alloc a; link a a; alloc b; link a b; del b; whatif del b", "'b' is not bound"),
    ("whatif del nosuch", "unknown name 'nosuch'"),
    ("alloc a; whatif del a a", "the same name twice"),
    ("alloc a; whatif free a", "unknown action 'free'"),
])
def test_whatif_bad_input(session, text, message):
    s = session()
    ok = s.run_text(text)
    if message == "'b' is bound":
        assert ok and "del frees at once: nothing" in s.out()
    else:
        assert not ok and message in s.err()


# ---------------------------------------------------------------- predictions match the collector

KINDS = ["list", "list", "dict", "set", "object", "finalizer", "finalizer --resurrect", "legacy", "tuple"]


@st.composite
def heaps(draw):
    """A random command script: objects of every kind, references, weakrefs, dels, collections."""
    n = draw(st.integers(2, 9))
    lines = []
    for i in range(n):
        kind = draw(st.sampled_from(KINDS))
        items = " ".join(f"o{draw(st.integers(0, i - 1))}" for _ in range(draw(st.integers(0, 2)))) if i else ""
        lines.append(f"alloc o{i} {kind} {items}" if kind.split()[0] == "tuple" else f"alloc o{i} {kind}")
    for _ in range(draw(st.integers(0, 3 * n))):
        lines.append(f"link o{draw(st.integers(0, n - 1))} o{draw(st.integers(0, n - 1))}")
    for _ in range(draw(st.integers(0, 2))):
        lines.append(f"weakref w{len(lines)} o{draw(st.integers(0, n - 1))}"
                     + draw(st.sampled_from(["", " --callback"])))
    for _ in range(draw(st.integers(0, 3))):
        lines.append(draw(st.sampled_from(["collect 0", "collect 1", "collect", "freeze", "unfreeze",
                                           "flags DEBUG_SAVEALL", "flags 0"])))
        lines.append(f"del o{draw(st.integers(0, n - 1))}")
    return lines


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(script=heaps(), data=st.data())
def test_whatif_agrees_with_doing_it(session, script, data):
    model = data.draw(st.sampled_from(["3.10", "3.11", "3.12", "3.13"]))
    s = session(model=model, keep_going=True)
    s.run_text("\n".join(script))
    roots = sorted(s.backend.heap.roots)
    names = data.draw(st.lists(st.sampled_from(roots), unique=True, max_size=4)) if roots else []
    gen = data.draw(st.integers(0, 2))
    heap = s.backend.heap
    saveall = heap.debug & 32
    outcome = s.backend.whatif(names, gen)

    real = session(model=model, keep_going=True, json_mode=True)
    real.run_text("\n".join(script))

    def result(command):
        assert real.run_text(command)
        return json.loads(real.out().splitlines()[-1])["result"]

    freed_by_del = result(f"del {' '.join(names)}")["freed"] if names else []
    garbage_before = set(result("garbage")["garbage"])
    collected = result(f"collect {gen}")
    assert sorted(outcome["freed_by_del"]) == sorted(freed_by_del), script
    assert sorted(outcome["freed"]) == sorted(collected["freed"]), script
    new_garbage = set(result("garbage")["garbage"]) - garbage_before
    kept = [n for n in outcome["uncollectable"] if saveall or heap.kind_of(heap.lookup(n)) == "legacy"]
    assert set(kept + outcome["saved"]) == new_garbage, script  # gc.garbage gets the legacy finalizers


def test_why_a_long_chain_is_a_few_lines(session):
    s = session()
    assert s.run_text("chain c 30000; why c_29999")
    lines = s.out().splitlines()[2:]
    assert lines[0] == "c_29999 is alive: reachable from the name c"
    assert len(lines) < 20 and any("… 29,987 more steps …" in line for line in lines)
    assert lines[-1].split() == ["c_29998[0]", "list", "c_29999"]


def test_why_knows_when_automatic_collection_is_off(session):
    s = session()
    assert s.run_text("disable; alloc x; link x x; del x; why x")
    assert "x is unreachable: it stays until an explicit collect (automatic collection is off); collect 0 frees it" \
        in s.out()
    s = session()
    assert s.run_text("threshold 0; alloc x; link x x; del x; why x")
    assert "threshold 0 is 0" in s.out()


def test_whatif_of_an_incremental_collect_1_that_collects_nothing_says_why(session):
    s = session(model="3.14.2")
    assert s.run_text("alloc c; alloc d; link c d; link d c; whatif del c --gen 1")
    assert "then collect 1 frees: nothing (the incremental collector's collect 1 only marks from the roots)" in s.out()
    assert s.run_text("collect 1; whatif del c --gen 1")  # marked: now the increment waits for its budget
    assert "collect 1 has no budget yet" in s.out()
    assert s.run_text("whatif del c d --gen 2") and "then collect 2 frees: c, d\n" in s.out()
