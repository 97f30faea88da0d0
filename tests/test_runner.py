"""Running commands from -c, files and stdin: output, errors, exit statuses, JSON."""

import json

import pytest


def test_exit_statuses(gcsh, tmp_path):
    assert gcsh("-c", "count").status == 0
    assert gcsh("-c", "collect 3").status == 1
    assert gcsh("--bogus").status == 2
    assert gcsh(str(tmp_path / "missing.gcsh")).status == 2
    assert gcsh("--model", "2.7", "-c", "count").status == 2


def test_error_line_names_source_and_line(gcsh, tmp_path):
    script = tmp_path / "s.gcsh"
    script.write_text("alloc a\n# comment\nlink a nobody\ncount\n")
    r = gcsh(str(script))
    assert r.status == 1
    assert r.err.strip() == f"{script}:3: error: unknown name 'nobody'"
    assert "(0, 0, 0)" not in r.out  # stopped at the first failure


def test_command_line_and_stdin_sources(gcsh):
    assert gcsh("-c", "count; collect 5").err.startswith("<command line>:1: error: invalid generation")
    r = gcsh(stdin="count\ncollect x\n")
    assert r.status == 1 and r.err.startswith("<stdin>:2: error: invalid generation")


def test_keep_going_runs_everything_and_still_fails(gcsh, tmp_path):
    script = tmp_path / "s.gcsh"
    script.write_text("alloc a\nlink a nobody\nlink a a\ncount\n")
    r = gcsh("--keep-going", str(script))
    assert r.status == 1
    assert "a -> a [0]" in r.out and r.out.rstrip().endswith("(1, 0, 0)")


def test_echo_prints_commands_before_output(gcsh):
    r = gcsh("--echo", "-c", "alloc a; count")
    assert r.out.splitlines() == ["gcsh> alloc a", "a: list, refcount 1, generation 0", "gcsh> count", "(1, 0, 0)"]


def test_json_shape_for_success_and_failure(gcsh):
    r = gcsh("--json", "-c", "alloc a\ncount\nthreshold\nflags DEBUG_LEAK\ntracked a\nbogus 1")
    objs = r.json
    assert [o["command"] for o in objs] == ["alloc", "count", "threshold", "flags", "tracked", "bogus"]
    assert objs[1]["result"] == {"count": [1, 0, 0]}
    assert objs[2]["result"]["threshold"][1:] == [10, 10]
    assert objs[3]["result"] == {"flags": ["DEBUG_COLLECTABLE", "DEBUG_UNCOLLECTABLE", "DEBUG_SAVEALL"],
                                 "value": 38}
    assert objs[4]["result"] == {"name": "a", "tracked": True}
    fail = objs[5]
    assert fail["ok"] is False and fail["line"] == 6 and "unknown command" in fail["error"]
    assert all(o["backend"] == "sim" for o in objs)


def test_json_events_and_stderr_debug_lines(gcsh):
    r = gcsh("--json", "-c", "flags DEBUG_STATS; callbacks on; alloc a; link a a; del a; collect 0")
    last = r.last
    assert last["result"]["freed"] == ["a"]
    assert last["events"][0].startswith("gc callback: start {'generation': 0")
    assert r.err.splitlines()[0] == "gc: collecting generation 0..."
    assert r.err.splitlines()[3].startswith("gc: done, 1 unreachable, 0 uncollectable, ")


def test_non_utf8_file_reports_line(gcsh, tmp_path):
    script = tmp_path / "bad.gcsh"
    script.write_bytes(b"alloc a\nalloc b \xff\n")
    r = gcsh(str(script))
    assert r.status == 1
    assert "bad.gcsh:2: not valid UTF-8 (byte 0xff at column 9)" in r.err
    assert "Traceback" not in r.err


def test_source_runs_nested_file_and_reports_inner_line(gcsh, tmp_path):
    inner = tmp_path / "inner.gcsh"
    inner.write_text("alloc x\ncollect 9\n")
    r = gcsh("-c", f"source '{inner}'")
    assert r.status == 1
    assert r.err.strip().splitlines() == [f"{inner}:2: error: invalid generation (expected 0, 1 or 2, got 9) "
                                          f"(column 9)"]


def test_source_loop_is_stopped(gcsh, tmp_path):
    loop = tmp_path / "loop.gcsh"
    loop.write_text(f"source '{loop}'\n")
    r = gcsh(str(loop))
    assert r.status == 1 and "nested more than" in r.err


def test_quit_stops_a_script(gcsh):
    r = gcsh("-c", "count; quit; collect 7")
    assert r.status == 0 and r.out.strip() == "(0, 0, 0)"


HOSTILE = [
    "link a nobody", "alloc a", "alloc b lst", "collect 3", "del nobody", "unlink b t", "link t t",
    "alloc s set b", "weakref w b", "set_threshold", "objects 7", 'alloc "', "alloc\0", "del a a",
]


@pytest.mark.parametrize("model", ["3.10", "3.13"])
def test_failing_commands_leave_the_heap_as_it_was(session, model):
    s = session(model)
    setup = "disable; alloc a object; alloc b dict a; alloc t tuple a; link a b; alloc c; link c c; del c"
    assert s.run_text(setup)
    before = state(s)
    for bad in HOSTILE:
        assert not s.run_text(bad), bad
        assert state(s) == before, bad


def state(s):
    b = s.sim
    h = b.heap
    return (json.dumps(b.rows(), sort_keys=True), b.get_count(), [b.get_objects(g) for g in (0, 1, 2)],
            dict(h.roots), [h.items(op) for op in h.live()], list(h.refcnt))


def test_heap_table_lists_every_object(gcsh):
    r = gcsh("--model", "3.10", "-c", "alloc a object; alloc b object; link a b; link b a; del b; alloc d dict; heap")
    rows = [line.split() for line in r.out.splitlines()[-6:]]
    assert rows[0] == ["name", "type", "refcount", "generation", "flags"]
    assert rows[1:] == [["a", "Object", "2", "0", "root"], ["b", "Object", "1", "0"],
                        ["a.__dict__", "dict", "1", "0"], ["b.__dict__", "dict", "1", "0"],
                        ["d", "dict", "1", "untracked", "root,untracked"]]
