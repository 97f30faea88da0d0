"""Behaviours of CPython's collector that the simulator reproduces, one by one.

Each was found or confirmed by the differential tests against python3.10-3.13
(tests/test_differential.py); these run without the interpreters and say what
the behaviour is.
"""

from __future__ import annotations

import pytest

from gcsh.backends.sim.models import MODELS


def run(session, model, text):
    s = session(model=model, json_mode=True)
    assert s.run_text(text), s.err()
    return s


def counts(s):
    return s.sim.get_count()


# ---------------------------------------------------------------- free lists and count0


@pytest.mark.parametrize("model", ["3.10", "3.11", "3.12", "3.13"])
def test_a_freed_list_goes_to_the_free_list_and_count0_does_not_go_down(session, model):
    s = run(session, model, "disable; collect; alloc a list; alloc b set; del a b")
    assert counts(s)[0] == 1  # the set went back through PyObject_GC_Del, the list to its free list
    assert s.sim.heap.free_lists() == {"list": 1}


def test_a_list_made_from_the_free_list_does_not_count(session):
    s = run(session, "3.11", "disable; collect; alloc a list; del a; alloc b list")
    assert counts(s)[0] == 1 and s.sim.heap.free_lists() == {}


def test_tuples_have_one_free_list_per_length(session):
    s = run(session, "3.11", "disable; collect; alloc t tuple 1 2; del t; alloc u tuple 1")
    assert counts(s)[0] == 2 and s.sim.heap.free_lists()["tuple2"] == 1


def test_a_full_collection_empties_the_free_lists_and_count0_pays_for_each(session):
    s = run(session, "3.11", "disable; collect; alloc a list; alloc b dict; alloc c set; del a b; collect 1")
    assert s.sim.heap.free_lists() == {"list": 1, "dict": 1}
    s.run_text("alloc d set; alloc e set; alloc f set")
    assert counts(s)[0] == 3
    s.run_text("collect 2")
    assert s.sim.heap.free_lists() == {} and counts(s)[0] == 0


def test_the_callbacks_info_dicts_come_from_the_dict_free_list(session):
    # gen-2: the free lists are emptied before the stop callback, whose dict is then a fresh allocation
    s = run(session, "3.12", "disable; callbacks on; collect 2")
    assert counts(s)[0] == 1 and s.sim.heap.free_lists() == {"dict": 1}
    s.run_text("collect 0")
    assert counts(s)[0] == 0  # both dicts reused the one on the free list


# ---------------------------------------------------------------- weakrefs


def test_a_refcount_death_takes_the_callback_away_from_its_weakref(session):
    s = run(session, "3.11", "disable; collect; alloc a object; weakref w a --callback; del a")
    heap = s.sim.heap
    assert heap.live_row("w.__callback__") is None  # freed after it ran
    assert counts(s)[0] == 1  # only w is left of a, w and its callback


def test_the_collector_leaves_the_callback_on_its_weakref(session):
    s = run(session, "3.11", "alloc a object; link a a k0; weakref w a --callback; del a; collect")
    assert s.sim.heap.live_row("w.__callback__") is not None


@pytest.mark.parametrize("model,slot", [("3.12", None), ("3.13", "tuple2")])
def test_3_13_gathers_even_one_callback_in_a_tuple(session, model, slot):
    s = run(session, model, "disable; collect; alloc a object; weakref w a --callback; del a")
    assert s.sim.heap.free_lists().get(slot or "tuple2", 0) == (1 if slot else 0)


def test_callbacks_of_a_refcount_death_run_newest_first(session):
    s = run(session, "3.10", "alloc x object; weakref v1 x --callback; weakref v2 x --callback; del x")
    assert "weakref callback of v2 called" in s.out().split("v1 called")[0]


def test_a_second_weakref_without_callback_is_the_first_one_in_cpython(session):
    s = session(model="3.11")
    assert not s.run_text("alloc a object; weakref w1 a; weakref w2 a")
    assert "weakref.ref(a) gives that same object back" in s.err()
    assert s.run_text("weakref w3 a --callback")


# ---------------------------------------------------------------- finalizers


def test_a_finalizer_resurrecting_on_refcount_death_is_tracked_again_in_generation_0(session):
    s = run(session, "3.11", "alloc x finalizer --resurrect; collect; del x")
    heap = s.sim.heap
    assert heap.gen[heap.roots["x"]] == 0 and heap.refcnt[heap.roots["x"]] == 1


def test_tp_del_runs_after_the_weakref_callbacks(session):
    s = run(session, "3.11", "alloc x legacy; weakref w x --callback; del x")
    out = s.out()
    assert out.index("weakref callback of w") < out.index("x.__tp_del__() ran")


def test_a_legacy_object_freed_while_the_garbage_is_cleared_is_not_uncollectable(session):
    s = run(session, "3.10", "alloc x legacy; alloc l list x; link l l; del x l; collect")
    last = s.out().splitlines()[-1]
    assert '"uncollectable": 0' in last and '"unreachable": 1' in last
    assert s.sim.heap.garbage == []


# ---------------------------------------------------------------- order


def test_tp_clear_drops_a_lists_items_from_the_last(session):
    s = run(session, "3.11", "alloc l list; alloc a object; alloc b object; link l a; link l b; link l l; "
                             "del a b l; collect")
    heap = s.sim.heap
    assert [heap.name_of(op) for op in heap.freed_log] == ["b", "a", "l"]


def test_inline_attributes_are_visited_in_the_order_of_the_class_shared_keys(session):
    # a stores k0 then k1, so every Object visits k0 before k1, whatever order it stored them in
    s = run(session, "3.11", "alloc a object; link a 1 k0; link a 2 k1; alloc p list; alloc q list; "
                             "alloc b object; link b p k1; link b q k0")
    heap = s.sim.heap
    assert [heap.name_of(op) for op in heap.traverse(heap.roots["b"])] == ["q", "p"]


def names(n, start=0, target="o", value="o"):
    return "; ".join(f"link {target} {value} k{k}" for k in range(start, start + n))


@pytest.mark.parametrize("instances, fit", [(1, 29), (2, 28), (29, 1), (40, 1)])
def test_each_instance_of_a_class_takes_room_in_its_shared_keys(session, instances, fit):
    others = "; ".join(f"alloc x{i} object" for i in range(instances - 1))
    s = run(session, "3.11", f"disable; collect; {others + ';' if others else ''} alloc o object; {names(fit)}")
    assert s.sim.heap.roots["o"] not in s.sim.heap.instance_dict
    s.run_text(f"link o o k{fit}")
    heap = s.sim.heap
    d = heap.instance_dict[heap.roots["o"]]
    assert heap.name_of(d) == "o.__dict__" and heap.tracked(d) and counts(s)[0] == instances + 1


def test_names_one_instance_gave_the_class_count_for_the_next(session):
    s = run(session, "3.12", f"alloc a object; {names(20, target='a', value='1')}; alloc b object; "
                             f"{names(28, target='b', value='1')}")
    heap = s.sim.heap
    assert heap.roots["a"] not in heap.instance_dict and heap.roots["b"] not in heap.instance_dict
    s.run_text("link b 1 k28")  # 28 names shared, 30 - 2 instances: no room for a 29th
    assert heap.roots["b"] in heap.instance_dict
    s.run_text("link a 1 k27")  # a name the class has: a stays inline
    assert heap.roots["a"] not in heap.instance_dict


def test_a_real_dict_takes_the_attributes_in_the_order_they_were_set(session):
    setup = "; ".join(f"link a 1 k{k}" for k in range(29))  # the shared keys are full
    s = run(session, "3.13", f"alloc a object; {setup}; alloc b object; alloc p list; alloc q list; "
                             "link b p k1; link b q k0; unlink b p; link b p k1; link b 1 z")
    heap = s.sim.heap
    d = heap.instance_dict[heap.roots["b"]]
    assert heap.keys_of(d) == ["k0", "k1", "z"] and [heap.name_of(x) for x in heap.items(d)[:2]] == ["q", "p"]
    assert heap.items(heap.roots["b"]) == [d] and heap.refcnt[d] == 1


def test_a_real_dict_is_undone_with_the_link_that_made_it(session):
    s = run(session, "3.11", f"alloc o object; {names(30)}")
    heap = s.sim.heap
    assert heap.roots["o"] in heap.instance_dict
    s.run_text("undo")
    assert heap.roots["o"] not in heap.instance_dict and heap.shared_keys_room("object") == 0
    assert heap.keys_of(heap.roots["o"]) == [f"k{k}" for k in range(29)]
    s.run_text("undo 29")
    assert heap.shared_keys_room("object") == 29 and heap.attr_order == {}


@pytest.mark.parametrize("model, after", [("3.10", [1, 0, 1]), ("3.11", [1, 1, 2]), ("3.12", [1, 1, 2]),
                                          ("3.13", [1, 1, 1])])
def test_20_item_tuples_are_kept_and_reused_as_each_version_does(session, model, after):
    items = " ".join(["1"] * 20)
    s = run(session, model, f"disable; collect; alloc t tuple {items}")
    seen = [counts(s)[0]]
    s.run_text("del t")
    seen.append(counts(s)[0])
    s.run_text(f"alloc u tuple {items}")
    assert seen + [counts(s)[0]] == after


# ---------------------------------------------------------------- automatic collections


def test_a_scheduled_collection_chooses_its_generation_again_at_the_safe_point(session):
    # 3.12+: count1 is over its threshold though count0 no longer is: _Py_RunGC collects generation 1
    s = run(session, "3.12", "threshold 3 1 10; collect 0; collect 0")
    assert counts(s)[1] == 2
    s.run_text("alloc a set; alloc b set; alloc c set; alloc d set")  # the 4th schedules and collects
    assert s.sim.get_stats()[1]["collections"] == 1


def test_3_10_collects_inside_the_allocation_that_crosses_the_threshold(session):
    s = run(session, "3.10", "threshold 2; alloc a set; alloc b set; alloc c set")
    assert s.sim.get_stats()[0]["collections"] == 1 and counts(s) == [0, 1, 0]


# ---------------------------------------------------------------- the profiles and the errors


def test_every_profile_holds_its_differences_as_data():
    assert MODELS["3.10"].instance_dict and not MODELS["3.11"].instance_dict
    assert [MODELS[v].thresholds[0] for v in ("3.10", "3.11", "3.12", "3.13")] == [700, 700, 700, 2000]
    assert [MODELS[v].deferred_collection for v in ("3.10", "3.11", "3.12", "3.13")] == [False, False, True, True]
    assert MODELS["3.13"].set_threshold_error != MODELS["3.12"].set_threshold_error
    assert "source" in MODELS["3.14"].checked and "WebAssembly" in MODELS["3.14.2"].checked


def test_the_empty_tuple_is_not_a_new_object(session):
    s = session(model="3.11")
    assert not s.run_text("alloc t tuple")
    assert "singleton" in s.err()


def test_a_set_cannot_hold_a_tuple_that_holds_a_list(session):
    s = session(model="3.11")
    assert not s.run_text("alloc l list; alloc t tuple l; alloc s set t")
    assert "unhashable type: 'list'" in s.err()


def test_a_set_keeps_one_of_two_equal_tuples(session):
    s = run(session, "3.11", "alloc a object; alloc t1 tuple a 1; alloc t2 tuple a 1; alloc s set t1 t2")
    heap = s.sim.heap
    assert heap.items(heap.roots["s"]) == [heap.roots["t1"]]
