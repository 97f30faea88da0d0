"""Leak hunting without collecting: find (objects of a type, with handles), pending (what a full
collection would free now), cycles over unnamed garbage, in both backends."""

import json
import subprocess
import sys

LEAK = ('disable; py exec("class Parser:\\n def __init__(s, d): s.doc = d\\n'
        'class Doc:\\n def __init__(s): s.parser = Parser(s)\\n def __del__(s): pass")\n'
        'py for i in range(200): Doc()\n')


def live_json(commands: str) -> list[dict]:
    """COMMANDS in a fresh live gcsh (a process of its own: the heap holds only its garbage)."""
    p = subprocess.run([sys.executable, "-m", "gcsh", "--backend", "live", "--json", "--keep-going", "-c",
                        commands], capture_output=True, text=True, timeout=120)
    return [json.loads(line) for line in p.stdout.splitlines()]


def test_pending_counts_what_the_next_collect_frees_and_changes_nothing():
    out = live_json("disable; collect; py for i in range(40): x = []; x.append(x)\npy del x\n"
                    "py import gc; calls = []; gc.callbacks.append(lambda phase, info: calls.append(phase))\n"
                    "count; stats; pending; count; stats; garbage; py print(len(calls))\ncollect")
    count0, stats0, pend, count1, stats1, garbage, calls, collect = (o["result"] for o in out[-8:])
    assert pend["unreachable"] == 40 == collect["unreachable"]
    assert calls["output"] == ["0"]  # no gc callback ran
    # no collection ran (the counter moves by what gcsh itself keeps: the handles it gave out)
    assert count1["count"][1:] == count0["count"][1:] and stats0 == stats1 and garbage["garbage"] == []
    assert [k["groups"] for k in pend["kinds"]] == [40] and pend["kinds"][0]["types"] == ["list"]


def test_find_gives_handles_that_other_commands_accept():
    out = live_json(LEAK + "find Doc --limit 2; find Do")
    found = out[-2]["result"]
    assert found["count"] == 200 and len(found["objects"]) == 2
    handle = found["objects"][0]["handle"]
    assert handle.startswith("@") and found["objects"][0]["size"] > 0
    assert out[-1]["ok"] is False and "did you mean 'Doc'" in out[-1]["error"]
    more = live_json(LEAK + f"find Doc --limit 1; referents {handle}; referrers {handle}; why {handle}; "
                            f"tracked {handle}; graph {handle}")
    referents, referrers, why, tracked, graph = (o["result"] for o in more[-5:])
    assert referents["referents"] == ["@2 <Parser object>", "Doc"]  # its Parser (a new handle), its class
    assert any("@2" in r for r in referrers["referrers"])
    assert why["reachable"] is False and tracked["tracked"] is True
    assert why["generation"] == 2 and "explicit collect" in why["verdict"]  # pending, as `pending` says
    assert {handle, "@2"} <= {n["name"] for n in graph["nodes"]}


def test_find_lists_named_objects_first_with_their_generation():
    out = live_json("py junk = [[] for i in range(50)]\npy kept = []\nfind list --limit 1; collect; find list --limit 1")
    before, after = out[-3]["result"], out[-1]["result"]
    assert before["objects"][0]["name"] == "junk" and before["objects"][0]["generation"] == 0
    assert after["objects"][0]["generation"] == 2 and before["size"] >= 51 * 56


def test_pending_and_cycles_see_the_unnamed_leak_with_finalizers_marked():
    out = live_json(LEAK + "pending; cycles")
    pend, cycles = out[-2]["result"], out[-1]["result"]
    assert pend["unreachable"] == 400
    kind = pend["kinds"][0]
    assert (kind["types"], kind["groups"], len(kind["examples"])) == (["Doc*", "Parser"], 200, 5)
    assert pend["finalizers"] == 200 and pend["legacy"] == 0
    assert all(name.startswith("@") for group in kind["examples"] for name in group)
    assert cycles["count"] == 200 and all(not c["reachable"] for c in cycles["cycles"])


def test_cycles_say_the_garbage_waits_for_an_explicit_collect_when_collection_is_off(gcsh):
    r = gcsh("-c", "alloc a; link a a; del a; disable; cycles")
    assert r.out.splitlines()[-1] == "  1 object: a  (unreachable: stays until an explicit collect 0 " \
                                     "(automatic collection is off))"


def test_sim_find_and_pending(gcsh):
    r = gcsh("-c", "alloc a; alloc b finalizer; link a b; link b a; del a b; alloc c; find list; pending")
    lines = r.out.splitlines()
    assert lines[-6:] == ["list: 2 objects", "  a (@0)  list  generation 0", "  c (@2)  list  generation 0",
                          "a full collection would find 2 objects unreachable now (nothing collected):",
                          "  [Finalizer*, list]: a, b",
                          "  1 with __del__ (marked *): their __del__ runs, then they are freed unless it "
                          "resurrects them"]
    r = gcsh("-c", "alloc a; find lisst")
    assert r.status == 1 and "did you mean 'list'" in r.err


def test_retained_and_dominators_in_the_simulator(gcsh):
    r = gcsh("--json", "-c", "alloc a; alloc b; alloc c; link a b; link b c; link a c; alloc d; link c d; "
                             "del b c d; retained a; dominators; retained c; retained c --limit 0")
    ra, dom, rc, rc0 = (o["result"] for o in r.json[-4:])
    assert rc0["objects"] == 2 and rc0["dominated"] == []
    assert ra["objects"] == 4 and [(e["name"], e["objects"]) for e in ra["dominated"]] == [("c", 2), ("b", 1)]
    assert [(e["name"], e["objects"]) for e in dom["roots"]] == [("a", 4)]
    assert rc["objects"] == 2 and [e["name"] for e in rc["dominated"]] == ["d"]


def test_retained_in_live_counts_what_only_the_name_holds():
    out = live_json("py x = [[i, [i]] for i in range(100)]; y = [x, x[0]]\nretained x; retained y; retained zz")
    x, y = out[-3]["result"], out[-2]["result"]
    assert x["objects"] == 1 + 99 * 2  # x[0] is held by y too
    assert x["retained"] > x["size"] > 0 and y["objects"] == 1
    assert out[-1]["ok"] is False and "unknown name 'zz'" in out[-1]["error"]


def test_a_live_text_graph_of_a_handle_never_says_depth_none():
    out = subprocess.run([sys.executable, "-m", "gcsh", "--backend", "live", "-c",
                          LEAK.replace("disable; ", "disable\n") + "find Doc --limit 1\ngraph @1"],
                         capture_output=True, text=True, timeout=120).stdout
    assert "\n  @1 " in out and "finalizer" in out and "depth None" not in out and "not reached from the names" in out


def test_the_handles_find_printed_complete_and_a_freed_one_is_left_out():
    from gcsh.shell.completion import complete
    from gcsh.runner import Session
    import io
    s = Session(io.StringIO(), io.StringIO(), backend="live")
    try:
        s.run_text("py class Doc: pass\npy docs = [Doc() for i in range(3)]\nfind Doc --limit 3")
        offered = [c.text for c in complete("why @", s.backend.names())]
        assert len(offered) == 3 and all(h.startswith("@") for h in offered)
        assert "docs" in [c.text for c in complete("why ", s.backend.names())]
        s.run_text("py del docs[0]")
        assert len([c.text for c in complete("why @", s.backend.names())]) == 2
    finally:
        s.close()
