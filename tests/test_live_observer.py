"""The live backend observes without being the noise: gcsh's own work in a script, -c or a pipe
leaves no garbage in the observed heap and moves the counters by a small constant; what the
user's code does is reported as the user's."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest
from pathlib import Path

ROOT = str(Path(__file__).resolve().parent.parent)
COUNT_MOVES_AT_MOST = 8  # gen0's movement from one `count` to the next (docs/command-line.md)


def live(script: str, *options: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": ROOT}
    return subprocess.run([sys.executable, "-m", "gcsh", "--backend", "live", *options], input=script,
                          capture_output=True, text=True, env=env, timeout=60)


def results(run: subprocess.CompletedProcess, command: str) -> list:
    return [obj for obj in map(json.loads, run.stdout.splitlines()) if obj["command"] == command]


def test_a_first_command_starts_no_collection_of_gcshs_own_making():
    run = live("", "-c", "alloc a")
    assert run.stdout == "a: list, refcount 1, generation 0\n", run.stdout
    assert run.stderr == ""


def test_a_second_collect_finds_nothing_and_count_barely_moves():
    run = live("disable\ncollect\ncount\ncollect\ncount\ncount\nhelp\ngraph\ncount\ncount\n", "--json")
    assert [c["result"]["unreachable"] for c in results(run, "collect")] == [0, 0]
    counts = [c["result"]["count"] for c in results(run, "count")]
    for before, after in (counts[1:3], counts[3:5]):  # two `count`s in a row (help's first use fills caches)
        assert abs(after[0] - before[0]) <= COUNT_MOVES_AT_MOST, counts
        assert after[1:] == before[1:] == [0, 0]
    assert not any("automatic" in obj for obj in map(json.loads, run.stdout.splitlines()))


def test_forty_self_cycles_made_with_py_are_exactly_what_collect_frees():
    run = live("disable\ncollect\npy for i in range(40): l = []; l.append(l)\npy del l, i\ncollect\ncollect\n",
               "--json")
    assert [c["result"]["unreachable"] for c in results(run, "collect")] == [0, 40, 0]


def test_a_statements_own_gc_collect_is_reported_as_explicit():
    run = live("py import gc\npy l = []; l.append(l); del l; gc.collect()\n", "--json")
    last = results(run, "py")[-1]
    assert "automatic" not in last
    assert last["events"] == ["explicit collection of generation 2 by the statement's code: 1 unreachable"]


def test_a_raising_finalizer_is_one_line_not_a_traceback():
    run = live('py exec("class F:\\n def __del__(self): 1/0")\npy f = F(); f.me = f; del f\ncollect\n'
               'py import gc; gc.callbacks.append(lambda phase, info: [][1])\ncollect 0\n')
    assert "Traceback" not in run.stderr and "Exception ignored" not in run.stderr
    assert run.stdout.splitlines()[0] == "F.__del__ raised ZeroDivisionError: division by zero (ignored, as CPython does)"
    assert "<lambda> raised IndexError: list index out of range (ignored, as CPython does)" in run.stdout


def test_a_failing_statement_that_turned_collection_off_says_so():
    run = live("", "-c", "py import gc; gc.disable(); 1/0")
    assert run.returncode == 1
    assert run.stderr == ("<command line>:1: error: ZeroDivisionError: division by zero; automatic collection "
                          "is now off (the statement had turned it so)\n")


def test_ctrl_c_in_a_py_statement_is_an_interruption(tmp_path):
    env = {**os.environ, "PYTHONPATH": ROOT}
    started = tmp_path / "started"
    p = subprocess.Popen([sys.executable, "-m", "gcsh", "--backend", "live", "--keep-going"],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    p.stdin.write(f"py import time\npy open({str(started)!r}, 'w').close(); time.sleep(30)\nalloc after\n")
    p.stdin.close()
    p.stdin = None  # (communicate would flush it)
    deadline = time.monotonic() + 30
    while not started.exists() and time.monotonic() < deadline:  # the statement is running
        time.sleep(0.05)
    time.sleep(0.2)
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=30)
    assert p.returncode == 130, (out, err)
    assert err == "<stdin>:2: error: interrupted\n"
    assert "after" not in out  # the run stops, --keep-going or not


LEAK_TOOLS_PROGRAM = """
import gc, sys
gc.disable()
import inspect, signal  # imported once, their modules leave garbage of their own: not gcsh's
gc.collect()
import gcsh
x = [1]
y = [x]
gcsh.embed(globals(), commands=sys.argv[1], stdout=open("/dev/null", "w"))
gc.set_debug(gc.DEBUG_SAVEALL)
gc.collect()
print(len(gc.garbage), sorted({type(o).__name__ for o in gc.garbage}))
"""


@pytest.mark.parametrize("commands", ["find list\nfind dict\nfind set", "pending\ncycles", "retained x\ndominators",
                                      "why x\ngraph y\nwhatif del y", "freeze\nfreezecount\nunfreeze", "count"])
def test_gcsh_leaves_no_garbage_in_a_program_it_was_embedded_in(tmp_path, commands):
    """Run inside a real program with collection off, gcsh's commands (the leak tools, which walk
    the whole heap, among them) make no reference cycle there, during the session or after it:
    the program's next collection finds nothing of gcsh's."""
    program = tmp_path / "program.py"
    program.write_text(LEAK_TOOLS_PROGRAM)
    env = dict(os.environ, PYTHONPATH=ROOT)
    r = subprocess.run([sys.executable, str(program), commands], capture_output=True, text=True, env=env,
                       timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout == "0 []\n", r.stdout
