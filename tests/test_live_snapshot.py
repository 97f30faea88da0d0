"""`snapshot`: a copy of the live heap in the simulator collects as the original would."""

import gc
import io
import json

import pytest

from gcsh.backends.sim.invariants import problems
from gcsh.backends.sim.models import default_model
from gcsh.runner import Session


@pytest.fixture
def live():
    out, err = io.StringIO(), io.StringIO()
    s = Session(out, err, json_mode=True, keep_going=True)
    s.out = lambda: [json.loads(line) for line in out.getvalue().splitlines()]
    s.err = err.getvalue
    s.run_text("backend live")
    yield s
    s.close()


def last(s):
    return s.out()[-1]


def test_a_copy_of_the_whole_heap_is_sound_and_collects_the_cycle(live):
    live.run_text("collect; alloc a; alloc b; link a b; link b a; del a b; alloc keep; snapshot")
    info = last(live)["result"]
    assert info["scope"] == "all" and info["objects"] > 1000 and info["model"] == default_model()
    heap = live.sim.heap
    assert problems(heap) == []
    assert heap.roots["keep"] == heap.find("keep")
    live.run_text("backend sim; collect")
    collected = last(live)["result"]
    assert {"a", "b"} <= set(collected["freed"]) and "keep" not in collected["freed"]


def test_a_copy_by_names_has_the_live_refcounts_and_generations(live):
    live.run_text("alloc a; alloc b list a; alloc o object b; link a o; alloc t tuple a; collect 0; "
                  "alloc young; link young a; snapshot a")
    heap = live.sim.heap
    assert problems(heap) == []
    copied = {heap.name_of(op) for op in heap.live()}
    assert copied >= {"a", "b", "o"} and "young" not in copied and "t" not in copied
    live.run_text("heap")
    sim_rows = {row["name"]: row for row in last(live)["result"]["objects"]}
    live.run_text("backend sim; heap")
    copy_rows = {row["name"]: row for row in last(live)["result"]["objects"]}
    for name in ("a", "b", "o"):
        assert copy_rows[name]["refcount"] == sim_rows[name]["refcount"], name
        assert copy_rows[name]["generation"] == sim_rows[name]["generation"] == 1, name
        assert copy_rows[name]["type"] == sim_rows[name]["type"], name


def test_references_from_outside_the_copy_keep_objects_alive(live):
    live.run_text("alloc a; alloc b list a; snapshot a; backend sim; del a")
    assert last(live)["result"]["alive"] == {"a": 1}  # b, not copied, still holds it: from `outside`
    live.run_text("del outside")
    assert last(live)["result"]["freed"] == ["a", "outside"]


def test_finalizers_and_weakref_callbacks_run_in_the_copy(live):
    live.run_text("alloc f finalizer; alloc o object; link f o; link o f; weakref w o --callback; del f o; snapshot; "
                  "backend sim; collect")
    result = last(live)
    assert {"f", "o"} <= set(result["result"]["freed"])
    assert "f.__del__() ran" in result["events"]
    assert "weakref callback of w called: referent is dead" in result["events"]


def test_unknown_names_change_nothing(live):
    live.run_text("backend sim; alloc x; backend live; snapshot nothing")
    assert "unknown name 'nothing'" in live.err()
    assert live.sim.heap.live_row("x") is not None


def test_the_live_heap_is_not_changed_by_copying(live):
    live.run_text("collect; alloc a; link a a; del a")
    before = [entry["collections"] for entry in gc.get_stats()]
    live.run_text("snapshot")
    assert [entry["collections"] for entry in gc.get_stats()] == before  # no collection started
    live.run_text("collect")
    assert last(live)["result"]["freed"] == ["a"]
