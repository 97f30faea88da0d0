"""The simulator on the basic shared scenarios, with the numbers the real interpreters printed
(/work/shared/cpython-gc/scenarios/RESULTS.txt). 3.10 counts each instance's __dict__ too."""

import pytest

MODELS = ["3.10", "3.11", "3.12", "3.13"]
PREAMBLE = "disable; collect"
CYCLE = "alloc a object; alloc b object; link a b other; link b a other"


def pair(model):
    """What a cycle of two instances counts for: 4 objects in 3.10 (with their dicts), else 2."""
    return 4 if model == "3.10" else 2


def collects(session, model, script):
    """Run the script and return what each `collect` returned."""
    s = session(model, json_mode=True)
    assert s.run_text(PREAMBLE + "\n" + script), s.err()
    import json
    objs = [json.loads(line) for line in s.out().splitlines()]
    return [o["result"]["unreachable"] for o in objs if o["command"] == "collect"][1:], s


@pytest.mark.parametrize("model", MODELS)
def test_s01_simple_cycle(session, model):
    got, s = collects(session, model, CYCLE + "; del a b; collect; garbage")
    assert got == [pair(model)]
    assert s.sim.garbage(False) == []


@pytest.mark.parametrize("model", MODELS)
def test_s02_self_loops(session, model):
    got, _ = collects(session, model, "alloc l; link l l; alloc d dict; link d d me; del l d; collect")
    assert got == [2]


@pytest.mark.parametrize("model", MODELS)
def test_s03_reachable_cycle(session, model):
    got, _ = collects(session, model, CYCLE + "; alloc root list a; del a b; collect; del root; collect")
    assert got == [0, pair(model)]


@pytest.mark.parametrize("model", MODELS)
def test_s15_collect1_vs_2(session, model):
    got, _ = collects(session, model, CYCLE + "; collect 1; del a b; collect 0; collect 1; collect 2")
    assert got == [0, 0, 0, pair(model)]


@pytest.mark.parametrize("model", MODELS)
def test_s09_young_garbage_held_by_old_container(session, model):
    script = ("alloc holder; collect; " + CYCLE + "; link holder a; del a b; collect 0; unlink holder a; "
              "collect 0; collect 1")
    got, _ = collects(session, model, script)
    assert got == [0, 0, 0, pair(model)]


@pytest.mark.parametrize("model", MODELS)
def test_s10_cycle_spanning_generations(session, model):
    script = "alloc old object; collect; alloc young object; link old young other; link young old other; " \
             "del old young; collect 0; collect 1; collect 2"
    got, _ = collects(session, model, script)
    assert got == [0, 0, 0, pair(model)]


@pytest.mark.parametrize("model", MODELS)
def test_s11_freeze(session, model):
    script = CYCLE + "; del a b; freeze; count; collect; unfreeze; freezecount; collect"
    got, s = collects(session, model, script)
    assert got == [0, pair(model)]
    assert '"count": [0, 0, 0]' in s.out()
    assert '"freeze_count": 0' in s.out()


@pytest.mark.parametrize("model", MODELS)
def test_s44_counts_after_collections(session, model):
    lines = ["alloc keep"] + [f"alloc x{i}; link keep x{i}; del x{i}" for i in range(100)]
    s = session(model)
    assert s.run_text(PREAMBLE + "\n" + "\n".join(lines))
    b = s.sim
    assert b.get_count() == [101, 0, 0]
    b.collect(0)
    assert b.get_count() == [0, 1, 0]
    b.collect(1)
    assert b.get_count() == [0, 0, 1]


@pytest.mark.parametrize("model", MODELS)
def test_s40_move_unreachable_reverses_a_chain(session, model):
    s = session(model)
    s.run_text("disable; alloc a object; alloc b object; alloc c object; link b a ref; link c b ref; del a b")
    b = s.sim
    b.collect(0)
    order = [n for n in b.get_objects(1) if "__dict__" not in n]
    assert order == ["c", "b", "a"]
