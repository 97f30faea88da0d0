"""The live backend: the commands of the language on the real gc module and real objects."""

import gc
import json
import subprocess
import sys

import pytest

from gcsh.backends.live.backend import LiveBackend
from gcsh.errors import UserError

CYCLE = "alloc a; alloc b; link a b; link b a; del a b; collect"


def live(gcsh, commands, *flags):
    """Run COMMANDS in the live backend (a collection first, so that only their garbage counts)."""
    return gcsh("--backend", "live", "--json", *flags, "-c", "collect; " + commands)


def results(run):
    return [obj.get("result", obj) for obj in run.json[1:]]


def test_done_when_a_cycle_is_freed_by_the_real_collector():
    p = subprocess.run([sys.executable, "-m", "gcsh", "--backend", "live", "-c", CYCLE],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    lines = p.stdout.splitlines()
    assert lines[-2].startswith("collect(2): ") and "(" in lines[-2]
    assert lines[-1] == "freed: a, b"
    unreachable = int(lines[-2].split(": ")[1].split()[0])
    assert unreachable >= 2  # what gc.collect() returned: a and b, and whatever else was garbage


def test_collect_reports_exactly_what_gc_collect_returned(gcsh):
    r = live(gcsh, CYCLE)
    assert r.status == 0, r.err
    last = r.last
    assert last["backend"] == "live"
    assert last["result"]["unreachable"] == 2  # the warm-up collection took everything else
    assert last["result"]["collected"] == 2 and last["result"]["uncollectable"] == 0
    assert last["result"]["freed"] == ["a", "b"]


def test_alloc_makes_the_builtin_types_themselves(gcsh):
    r = live(gcsh, "alloc a; alloc d dict; alloc s set; alloc t tuple a 1 's'; alloc o object a; "
                   "alloc f finalizer; alloc n int; alloc x str")
    rows = {row["name"]: row for row in results(r)}
    assert {k: rows[k]["type"] for k in rows} == {"a": "list", "d": "dict", "s": "set", "t": "tuple",
                                                  "o": "Object", "f": "Finalizer", "n": "int", "x": "str"}
    assert rows["d"]["tracked"] is False  # an empty dict is untracked, as CPython makes it
    assert rows["a"]["generation"] == 0 and rows["n"]["generation"] == "untracked"
    assert all(row["refcount"] == 1 for name, row in rows.items() if name != "a")


def test_refcounts_follow_links(gcsh):
    r = live(gcsh, "alloc a; alloc b; link a b; link a b; unlink a b; del b")
    link1, link2, unlink, delete = results(r)[2:]
    assert (link1["refcount"], link2["refcount"], unlink["refcount"]) == (2, 3, 2)
    assert delete == {"freed": [], "freed_count": 0, "alive": {"b": 1}}


def test_del_frees_by_refcount_at_once_and_reports_the_cascade(gcsh):
    r = live(gcsh, "alloc a; alloc b; alloc c; link a b; link b c; del b c; del a")
    assert results(r)[-2] == {"freed": [], "freed_count": 0, "alive": {"b": 1, "c": 1}}
    assert results(r)[-1]["freed"] == ["a", "b", "c"]


def test_lists_and_dicts_are_followed_without_being_kept_alive(gcsh):
    # lists and dicts cannot be weakly referenced: gcsh finds them by address and contents
    r = live(gcsh, "alloc a; alloc d dict; link a d; link d a; del a d; referents a; collect")
    assert results(r)[-2]["referents"] == ["d"]
    assert results(r)[-1]["freed"] == ["a", "d"]
    assert results(r)[-1]["unreachable"] == 2


def test_finalizer_runs_and_can_resurrect(gcsh):
    r = live(gcsh, "alloc f finalizer --resurrect; link f f; del f; collect; finalized f; del f; collect")
    collect = r.json[4]
    assert "f.__del__() ran and stored f in a root: resurrected" in collect["events"]
    assert collect["result"]["freed"] == []
    assert results(r)[-3] == {"name": "f", "finalized": True}
    assert results(r)[-2] == {"freed": [], "freed_count": 0, "alive": {"f": 1}}  # it still references itself
    assert results(r)[-1]["freed"] == ["f"]
    assert "events" not in r.json[-1]  # finalized once: its __del__ does not run again


def test_weakref_callback_reports(gcsh):
    r = live(gcsh, "alloc o object; weakref w o --callback; del o")
    assert r.json[-1]["result"]["freed"] == ["o"]
    assert "weakref callback of w called: referent is dead" in r.json[-1]["events"]


def test_referrers_show_names_and_count_what_gcsh_left_out(gcsh):
    r = live(gcsh, "alloc a; alloc b list a; alloc o object a; referrers a; referents o")
    referrers, referents = results(r)[-2:]
    assert referrers["referrers"] == ["b", "o"]
    assert referrers["left_out"] == {"names": 1}
    assert referents["referents"] == ["a"]
    assert referents["left_out"] == {"gcsh": 1}  # its class, Object, is gcsh's
    text = gcsh("--backend", "live", "-c", "alloc a; alloc b list a; referrers a").out.splitlines()
    assert text[-2:] == ["[b]", "(not shown: 1 from the shell's names (root bindings))"]


def test_objects_are_the_users_in_list_order_and_the_rest_is_counted(gcsh):
    r = live(gcsh, "alloc a; alloc b; alloc d dict; objects 0")
    objects = results(r)[-1]
    assert objects["objects"] == ["a", "b"]
    assert objects["left_out"]["gcsh"] > 0


def test_debug_lines_come_through_emit_in_order(gcsh):
    r = gcsh("--backend", "live", "-c", "collect; flags DEBUG_STATS|DEBUG_COLLECTABLE; callbacks on; "
                                        "alloc a; link a a; del a; collect 0; flags 0")
    assert r.status == 0, r.err
    err = r.err.splitlines()
    assert err[0] == "gc: collecting generation 0..."
    assert err[1].startswith("gc: objects in each generation: ")
    assert err[2].startswith("gc: objects in permanent generation: ")
    assert err[3].startswith("gc: collectable <list 0x") and err[3].endswith(">  # a")
    assert err[4].startswith("gc: done, 1 unreachable, 0 uncollectable, ")
    out = r.out.splitlines()
    start = out.index("gc callback: start {'generation': 0, 'collected': 0, 'uncollectable': 0}")
    assert out[start + 1] == "gc callback: stop {'generation': 0, 'collected': 1, 'uncollectable': 0}"


def test_saveall_keeps_garbage_until_cleared(gcsh):
    r = live(gcsh, "flags DEBUG_SAVEALL; alloc a; link a a; del a; collect; garbage; flags 0; garbage clear; collect")
    assert results(r)[4]["freed"] == [] and results(r)[4]["unreachable"] == 1
    assert results(r)[5]["garbage"] == ["a"]
    assert results(r)[7]["freed"] == []  # out of gc.garbage, it is ordinary garbage again
    assert results(r)[8]["freed"] == ["a"]


def test_freeze_and_unfreeze(gcsh):
    r = live(gcsh, "alloc a; freeze; freezecount; tracked a; unfreeze; freezecount")
    freeze, count, tracked, unfreeze, after = results(r)[1:]
    assert freeze["freeze_count"] > 1000 and count["freeze_count"] > 1000  # the whole interpreter's
    assert tracked["tracked"] is True
    assert unfreeze["unfrozen"] > 1000 and after["freeze_count"] == 0


def test_state_commands_are_the_gc_modules(gcsh):
    r = live(gcsh, "threshold 1000 20; threshold; count; stats; isenabled; disable; isenabled")
    assert results(r)[1]["threshold"] == [1000, 20, gc.get_threshold()[2]]
    assert len(results(r)[3]["stats"]) == 3
    assert results(r)[4]["enabled"] is True and results(r)[6]["enabled"] is False


def test_what_the_live_backend_cannot_do_says_so(gcsh):
    for command, words in (("alloc l legacy", "legacy kind needs the sim backend"),
                           ("collect --trace", "--trace needs the sim backend"),
                           ("model 3.10", "only available in the sim backend")):
        r = gcsh("--backend", "live", "-c", command)
        assert r.status == 1 and words in r.err and "Traceback" not in r.err


def test_user_mistakes_change_nothing(gcsh):
    r = gcsh("--backend", "live", "--keep-going", "-c",
             "alloc a; alloc a; link a nothing; alloc t tuple; link t a; alloc s set; link s a; "
             "weakref w a; del a a; heap")
    assert r.status == 1
    assert "already bound" in r.err and "unknown name 'nothing'" in r.err
    assert "does not support item assignment" in r.err and "unhashable type: 'list' (a set cannot hold a)" in r.err
    assert "cannot create weak reference to 'list' object" in r.err and "the same name twice" in r.err
    heap = r.out.splitlines()[-4:]  # the heap is as the three successful allocs left it
    assert [line.split()[0] for line in heap] == ["name", "a", "t", "s"]


def test_py_in_the_simulator_needs_the_live_backend(gcsh):
    r = gcsh("-c", "py x = 1")
    assert r.status == 1 and "py is only available in the live backend" in r.err


def test_py_names_are_user_objects(gcsh):
    r = live(gcsh, "py x = []; x.append(x); y = {'k': x}\npy len(x)\nreferrers x\ndel y x\ncollect")
    assert results(r)[1]["value"] == "1"
    assert results(r)[2]["referrers"] == ["x", "y"]
    assert results(r)[-2]["freed"] == ["y"]  # nothing else held the dict
    assert results(r)[-1]["freed"] == ["x"] and results(r)[-1]["unreachable"] == 1


def test_py_error_is_one_line_and_takes_back_its_names(gcsh):
    r = gcsh("--backend", "live", "--keep-going", "-c", "py z = 1; 1/0\npy z\npy print('x;#y')")
    assert "<command line>:1: error: ZeroDivisionError: division by zero" in r.err
    assert "NameError: name 'z' is not defined" in r.err
    assert r.out.splitlines() == ["x;#y"]
    assert "Traceback" not in r.err


def test_py_rebinding_keeps_the_old_object_under_a_new_name(gcsh):
    r = live(gcsh, "alloc a; alloc b list a\npy a = 5\nreferents b; del b; collect")
    assert "renamed a -> a_1: the name now means a new object" in r.json[3]["events"]
    assert results(r)[3]["referents"] == ["a_1"]
    assert results(r)[4]["freed"] == ["a_1", "b"]  # in the order they were made


def test_growth_and_types_count_without_collecting(session):
    s = session(backend="live", json_mode=True)
    try:
        s.run_text("py class Leak: pass\npy keep = []\ngrowth\npy keep.extend(Leak() for i in range(500))")
        before = [entry["collections"] for entry in gc.get_stats()]
        s.run_text("growth 3\ntypes 50")
        assert [entry["collections"] for entry in gc.get_stats()] == before  # no collection ran
        growth, types = [json.loads(line)["result"] for line in s.out().splitlines()[-2:]]
        assert {row["type"]: row["delta"] for row in growth["growth"]}["Leak"] == 500
        assert {row["type"] for row in types["types"]} >= {"Leak", "function", "dict"}
        assert growth["left_out"]["gcsh"] > 0
    finally:
        s.close()


def test_names_lists_bound_and_unbound(session):
    s = session(backend="live")
    try:
        s.run_text("alloc a; alloc b; link a b; del b")
        assert s.backend.names() == ["a", "b"]
        assert s.backend.status()["objects"] == 2
    finally:
        s.close()


@pytest.mark.slow  # seconds: the full suite runs it
def test_view_has_stable_ids_labels_and_summaries(session):
    s = session(backend="live")
    try:
        s.run_text("alloc a; alloc b list a 1 's'; alloc o object b; link a o; py x = [[2], {'k': a}]")
        view = s.backend.view()
        names = {node.name: node for node in view.nodes.values()}
        assert names["b"].summary == "[1]=1 [2]='s'"
        labels = {(view.nodes[e.src].name, view.nodes[e.dst].name, e.label) for e in view.edges}
        inner = s.backend.records.handles.of(s.backend.ns["x"][1])  # unnamed: drawn by its handle
        assert {("b", "a", "[0]"), ("o", "b", ".b"), ("a", "o", "[0]"), (inner, "a", "['k']")} <= labels
        assert inner.startswith("@") and names[inner].kind == "dict"
        assert set(view.roots) == {"a", "b", "o", "x"}
        assert all(not node_id.isdigit() and len(node_id) < 8 for node_id in view.nodes)
        assert any("types, modules, functions and code" in note for note in view.notes)
        again = s.backend.view(["o"])
        assert again.focus == [view.roots["o"]]
    finally:
        s.close()


@pytest.mark.slow  # seconds: the full suite runs it
def test_view_summarises_referrers_from_outside(session):
    s = session(backend="live")
    outside = []
    try:
        s.run_text("alloc a")
        outside.append(s.backend.ns["a"])  # a holder that is not the user's
        view = s.backend.view()
        external = [n for n in view.nodes.values() if "external" in n.marks]
        assert [n.name for n in external] == ["1 referrer outside"]
    finally:
        outside.clear()
        s.close()


def test_a_closed_backend_refuses_to_come_back():
    backend = LiveBackend(lambda kind, text: None)
    backend.resume()
    backend.close()
    with pytest.raises(UserError):
        backend.resume()


def test_a_failed_action_keeps_nothing_alive(gcsh):
    r = gcsh("--backend", "live", "--json", "--keep-going", "-c",
             "collect; alloc a; alloc b; link a a; del a; unlink b a; collect")
    assert r.json[-2]["ok"] is False and "b does not reference a" in r.json[-2]["error"]
    assert r.json[-1]["result"]["freed"] == ["a"]
