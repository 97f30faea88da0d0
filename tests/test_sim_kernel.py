"""The kernel's promises: undo and redo, rollback in proportion to the change, CPython's refusals,
the seams between the backend and what builds heaps aside, handles, and the questions asked of
the collector in a trial."""

from __future__ import annotations

import json

import pytest

from gcsh.backends.sim import persist, restore
from gcsh.backends.sim.kernel.journal import LIMIT
from heapcheck import RICH, run, session, snapshot, sound


# ---------------------------------------------------------------- undo and redo


def test_undo_and_redo_walk_the_commands_that_changed_the_heap():
    s = session("3.12")
    states = [snapshot(s)]
    for line in ("alloc a", "alloc b", "link a b", "link b a", "del a b", "collect"):
        assert run(s, line)[0]
        run(s, "count; heap")  # only look: not recorded
        states.append(snapshot(s))
    for k in range(len(states) - 1, 0, -1):
        ok, err = run(s, "undo")
        assert ok, err
        assert snapshot(s) == states[k - 1]
    ok, err = run(s, "undo")
    assert not ok and "nothing to undo" in err[0]
    assert run(s, "redo 3")[0] and snapshot(s) == states[3]
    assert run(s, "alloc c")[0]
    ok, err = run(s, "redo")
    assert not ok and "nothing to redo" in err[0]
    assert sound(s) == []


def test_undo_takes_back_an_automatic_collection_with_its_command():
    s = session("3.11")
    run(s, "threshold 2; alloc a; link a a; del a; alloc b")
    before = snapshot(s)
    ok, _ = run(s, "alloc c")  # the 4th allocation: count0 passes 3 and generation 0 is collected
    assert ok and "automatic collection of generation 0" in s.stdout.getvalue()
    assert run(s, "undo")[0]
    assert snapshot(s) == before and s.sim.heap.live_row("a") is not None


def test_undo_of_a_large_collection_puts_every_object_back():
    s = session("3.13")
    run(s, "disable; ring r 20000; rings k 3000 3; del r k")
    before = snapshot(s)
    assert run(s, "collect")[0] and len(s.sim.heap) == 0
    assert run(s, "undo")[0]
    assert snapshot(s) == before and sound(s) == []
    assert run(s, "redo")[0] and len(s.sim.heap) == 0


def test_the_journal_is_bounded_and_undo_says_how_far_back_it_goes():
    s = session("3.11")
    s.sim.heap.journal.limit = 4096
    run(s, "\n".join(f"alloc x{i}" for i in range(200)))
    journal = s.sim.heap.journal
    assert journal.bytes <= 4096 + 2048 and journal.dropped > 0
    ok, err = run(s, "undo 1000")
    assert ok
    ok, err = run(s, "undo")
    assert not ok and "were dropped to keep the journal within" in err[0]


def test_the_log_of_dropped_commands_is_cut_off_and_undo_still_lands_exactly():
    """Past the bound, the oldest commands' part of the log goes; the commands kept undo to the
    exact heap they followed, and redo to the heap they made, after many cuts."""
    s = session("3.12")
    journal = s.sim.heap.journal
    journal.limit = 96 * 1024  # (some 300 of these commands)
    lines = [f"alloc x{i}; link x{i} x{i // 2}" if i else "alloc x0" for i in range(600)]
    for line in lines:
        assert run(s, line)[0]
    assert journal.dropped > 0 and journal.base_s > 0  # (the front of the log was cut, more than once)
    log_bytes = 8 * len(journal.singles) + 96 * len(journal.cells)
    assert log_bytes < 3 * journal.limit
    end = snapshot(s)
    assert 150 <= journal.depth()[0] < 1199
    assert run(s, "undo 150")[0]  # lines 525-599, two commands each: back to the heap after line 524
    s2 = session("3.12")
    for line in lines[:525]:
        run(s2, line)
    assert snapshot(s) == snapshot(s2) and sound(s) == []
    assert run(s, "redo 150")[0]
    assert snapshot(s) == end and sound(s) == []


def test_help_undo_states_the_bound():
    s = session()
    run(s, "help undo")
    assert f"{LIMIT // (1024 * 1024)} MiB" in " ".join(s.stdout.getvalue().split())


def test_a_replaced_heap_starts_a_new_journal(tmp_path):
    s = session()
    run(s, f'alloc a; save "{tmp_path / "s.json"}"; alloc b; load "{tmp_path / "s.json"}"')
    ok, err = run(s, "undo")
    assert not ok and "nothing to undo" in err[0]


def test_a_failing_command_is_not_recorded():
    s = session()
    run(s, "alloc a")
    assert not run(s, "link a nosuch")[0]
    assert run(s, "undo")[0] and len(s.sim.heap) == 0


# ---------------------------------------------------------------- CPython's own refusals


@pytest.mark.parametrize("text, message", [
    ("threshold 1180591620717411303424", "Python int too large to convert to C long"),
    ("threshold 2147483648", "signed integer is greater than maximum"),
    ("threshold 700 -2147483649", "signed integer is less than minimum"),
    ("set_debug 2147483648", "Python int too large to convert to C int"),
    ("flags +18446744073709551616", "Python int too large to convert to C int"),
])
def test_the_simulator_refuses_what_cpython_refuses(text, message):
    s = session()
    before = snapshot(s)
    ok, err = run(s, text)
    assert not ok and err == [f"<test>:1: error: {message}"]
    assert snapshot(s) == before


def test_a_huge_session_file_is_refused_before_it_is_parsed(tmp_path):
    path = tmp_path / "big.json"
    path.write_bytes(b'{"format": "gcsh-session", "version": 1, "objects": [' + b"{}," * 17_000_000 + b"{}]}")
    s = session()
    run(s, "alloc keep")
    before = snapshot(s)
    ok, err = run(s, f'load "{path}"')
    assert not ok and len(err) == 1 and "too large" in err[0]
    assert snapshot(s) == before


def test_a_session_file_with_an_out_of_range_threshold_is_refused(tmp_path):
    s = session()
    run(s, "alloc a")
    doc = persist.dump(s.sim.heap)
    doc["collector"]["threshold"][0] = 1 << 40
    with pytest.raises(persist.Invalid, match="greater than maximum"):
        restore.build(json.loads(json.dumps(doc)))


# ---------------------------------------------------------------- seams


def test_a_loaded_heap_runs_its_scheduled_collection_at_the_next_safe_point(tmp_path):
    """3.12+: a heap built aside (load) is wired like a new one: the collection an allocation
    schedules runs at the end of the command, as in the session that saved it."""
    for heap_source in ("fresh", "loaded"):
        s = session("3.12")
        run(s, "threshold 3; alloc a; link a a; del a")
        if heap_source == "loaded":
            run(s, f'save "{tmp_path / "s.json"}"; reset; load "{tmp_path / "s.json"}"')
        run(s, "alloc b; alloc c; alloc d")
        assert s.sim.get_stats()[0]["collections"] == 1, heap_source
        assert s.sim.heap.live_row("a") is None, heap_source


@pytest.mark.slow  # (two copies of a live heap of 200k objects)
def test_a_second_snapshot_never_copies_the_first():
    from heapcheck import Captured
    from gcsh.runner import Session
    s = Session(Captured(), Captured(), json_mode=True, backend="live", keep_going=True)
    try:
        run(s, "py xs = [[] for _ in range(20000)]")
        run(s, "snapshot")
        first = json.loads(s.stdout.lines()[-1])["result"]["objects"]
        run(s, "snapshot; snapshot")
        third = json.loads(s.stdout.lines()[-1])["result"]["objects"]
        assert abs(third - first) < 2000, (first, third)  # not the 20,000 lists of the first copy again
        assert sound(s) == []
    finally:
        s.close()


# ---------------------------------------------------------------- handles, find, pending


def test_handles_name_objects_wherever_a_name_is_taken():
    s = session()
    run(s, "alloc a; alloc b; link a b; del b")
    handle = s.sim.describe_object(s.sim.heap.find("b"))["handle"]
    assert handle == "@1"
    ok, _ = run(s, f"why {handle}; unlink a {handle}")
    assert ok
    ok, err = run(s, f"why {handle}")
    assert not ok and "no longer exists" in err[0]
    ok, err = run(s, "why @ff")
    assert not ok and "unknown handle" in err[0]


def test_find_and_pending_answer_from_the_columns_and_a_trial():
    s = session("3.11")
    run(s, RICH + "alloc x object; alloc y object; link x y; link y x; del x y; alloc f finalizer; link f f; del f")
    before = snapshot(s)
    found = s.sim.find("Object", 1)
    assert found["type"] == "Object" and found["count"] >= 2 and len(found["objects"]) == 1
    assert set(found["objects"][0]) == {"name", "handle", "type", "size", "generation"}
    pending = s.sim.pending()
    names = {o["name"]: o for o in pending["objects"]}
    assert {"x", "y", "f"} <= names.keys() and names["f"]["finalizer"] and not names["x"]["legacy"]
    assert ["x", "y"] in [sorted(c) for c in pending["cycles"]]
    assert snapshot(s) == before  # nothing collected, nothing counted
    run(s, "collect")
    assert s.sim.get_stats()[2]["collected"] >= pending["unreachable"] - 1


def test_a_long_freed_list_is_summarised_and_complete_on_request(gcsh):
    r = gcsh("-c", "disable; ring r 50000; del r; collect")
    assert r.out.splitlines()[-1] == ("freed: r, r_1, r_2, r_3, r_4, r_5, r_6, r_7, r_8, r_9, "
                                      "… and 49,990 more")
    r = gcsh("--json", "-c", "disable; ring r 50000; del r; collect")
    result = r.last["result"]
    assert result["freed_count"] == 50000 and len(result["freed"]) == 10000
    r = gcsh("--json", "-c", "disable; ring r 50000; del r; collect --all")
    assert len(r.last["result"]["freed"]) == 50000
