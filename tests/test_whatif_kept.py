"""whatif says why what the dropped names reach stays alive: which root still holds it (another
name, gc.garbage, or, in a copy of the live heap, the references from outside the copy)."""

import json

from tests.test_leaks import live_json


def test_whatif_names_the_root_that_keeps_what_del_leaves(session):
    s = session(json_mode=True)
    assert s.run_text("alloc a; alloc x; link a x; alloc d; link d x; del x; alloc y; link a y; whatif del a")
    result = json.loads(s.out().splitlines()[-1])["result"]
    assert result["kept"] == [{"holder": "d", "objects": 1, "examples": ["x"]},
                              {"holder": "y", "objects": 1, "examples": ["y"]}]
    s = session()
    assert s.run_text("alloc a; alloc x; link a x; alloc d; link d x; del x; whatif del a")
    assert s.out().splitlines()[-2:] == ["  of what a reaches, 1 object stays alive, held by:",
                                         "    the name d: 1 (x)"]


def test_whatif_says_nothing_more_when_everything_goes(session):
    s = session()
    assert s.run_text("alloc a; alloc b; link a b; link b a; del b; whatif del a")
    assert s.out().splitlines()[-1] == "  still alive afterwards: 0 objects"


def test_a_copy_of_the_live_heap_says_the_program_holds_what_stays():
    out = live_json('py import json\npy class C: pass\n'
                    'py c = C(); c.me = c; c.items = [[1]]; c.names = json.__all__\n'
                    'snapshot c; backend sim; whatif del c')
    result = out[-1]["result"]
    (kept,) = result["kept"]
    assert kept["holder"].startswith("outside") and kept["objects"] >= 1


def test_whatif_of_an_increment_that_only_marks_frees_nothing_by_collection(session):
    # 3.14.0-3.14.4: the first collect(1) of a scavenge marks from the roots and collects nothing
    s = session(model="3.14.0")
    assert s.run_text("alloc a; alloc b; link a b; link b a; whatif del a --gen 1"), s.err()
    assert ("  then collect 1 frees: nothing (the incremental collector's collect 1 only marks from the roots)"
            in s.out().splitlines())
