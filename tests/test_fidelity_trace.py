"""`collect --trace` tells the story of one collection, phase by phase."""

from __future__ import annotations

CYCLE = ("alloc f finalizer; alloc b object; link f b other; link b f other; alloc keep list; "
         "weakref w f --callback; del f b; collect 0 --trace")


def trace(session, model, text):
    s = session(model=model)
    assert s.run_text(text), s.err()
    return s.out()


def test_a_cycle_held_by_a_finalizer_is_explained_step_by_step(session):
    out = trace(session, "3.11", CYCLE)
    phases = ["start:", "update_refs:", "subtract_refs:", "move_unreachable:", "untrack_tuples",
              "move_legacy_finalizers:", "handle_weakrefs:", "finalize_garbage:", "handle_resurrected_objects:",
              "delete_garbage:", "result:"]
    positions = [out.index(p) for p in phases]
    assert positions == sorted(positions), out
    assert "a=1  b=1" not in out and "f=1  b=1  keep=1" in out  # gc_refs = refcounts
    assert "f=0  b=0  keep=1" in out  # after subtracting the references inside the list
    assert "f: gc_refs 0, moved to the unreachable list (for now)" in out
    assert "w.__callback__: referenced by w, which is reachable: moved back to the tail of the list" in out
    assert "unreachable: [f, b]" in out
    assert "the survivors move to the tail of generation 1: keep, w, w.__callback__" in out
    assert "callbacks of those not garbage themselves run" in out and "__del__ runs once per object, in list order: f" in out
    assert "nothing was resurrected" in out
    assert "freed, in order: b, f" in out or "freed, in order: f, b" in out
    assert "collected 2 = 2 garbage objects + 0 weakrefs" in out


def test_the_trace_shows_a_resurrection_and_that_nothing_is_counted(session):
    out = trace(session, "3.12", CYCLE.replace("alloc f finalizer", "alloc f finalizer --resurrect"))
    assert "resurrected (it survives, and its __del__ will not run again): f, b -> generation 1" in out
    assert "delete_garbage: nothing left to delete" in out
    assert "collected 0 = 0 garbage objects" in out


def test_the_trace_shows_uncollectable_legacy_objects(session):
    out = trace(session, "3.10", "alloc x legacy; alloc y object; link x y k; link y x k; del x y; collect --trace")
    assert "objects with tp_del, and everything they reach, cannot be collected: x, x.__dict__, y, y.__dict__" in out
    assert "uncollectable 4" in out and "gc.garbage is now [x]" in out
