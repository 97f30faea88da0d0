"""Hostile cases generated from the registry (hypothesis), in both backends: every numeric
argument at C's integer bounds, every line-separator character, out of memory and Ctrl-C at
any point of every long command. Each must end in one error line (or succeed), never a
traceback, with the heap exactly as it was when the command failed, and the session going on.

The quick run (`-m "not slow"`) tries a few examples of each; the slow run many.
"""

import functools
import gc
import io
import os
import random
import sys
import tempfile

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from gcsh.runner import Session, decode_lines
from gcsh.tools import fuzzing
from heapcheck import RICH, FailAt, run, session, snapshot, sound

QUICK = settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
MANY = settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
ONE_ERROR = ("<test>:1: error: ",)


@pytest.fixture(autouse=True)
def scratch(tmp_path_factory, monkeypatch):
    path = tmp_path_factory.mktemp("generated")
    monkeypatch.chdir(path)
    fuzzing.prepare_directory(str(path))


def one_error_or_none(ok, err, text):
    assert (ok and err == []) or (not ok and len(err) == 1 and err[0].startswith(ONE_ERROR)), (text, err)


# ---------------------------------------------------------------- numbers at C's bounds

def check_bounds_sim(seed, cmd):
    s = session(fuzzing.MODELS[seed % len(fuzzing.MODELS)] if hasattr(fuzzing, "MODELS") else "3.11")
    assert run(s, RICH)[0]
    text = fuzzing.at_bounds(random.Random(seed), cmd)
    before = snapshot(s)
    ok, err = run(s, text)
    err = [line for line in err if not line.startswith("gc: ")]
    one_error_or_none(ok, err, text)
    if not ok:
        assert snapshot(s) == before, f"{text!r} failed but changed the heap"
    assert sound(s) == [] and run(s, "count")[0]


def gc_settings():
    return gc.isenabled(), gc.get_debug(), gc.get_threshold(), gc.get_freeze_count()


def check_bounds_live(seed, cmd):
    before_all = gc_settings()
    s = Session(io.StringIO(), io.StringIO(), backend="live", keep_going=True)
    try:
        assert s.run_text("alloc a; alloc b dict; link a b; link b a", "<test>")
        text = fuzzing.at_bounds(random.Random(seed), cmd)
        before, rows = gc_settings(), s.backend.rows()
        seen = len(s.stderr.getvalue().splitlines())
        ok = s.run_text(text, "<test>")
        err = [line for line in s.stderr.getvalue().splitlines()[seen:] if not line.startswith("gc: ")]
        one_error_or_none(ok, err, text)
        if not ok:
            assert gc_settings() == before and s.backend.rows() == rows, text
        assert s.run_text("count", "<test>")
    finally:
        s.close()
    assert gc_settings() == before_all


@pytest.mark.parametrize("backend", ["sim", pytest.param("live", marks=pytest.mark.slow)])  # (live: whole-heap walks)
@pytest.mark.parametrize("cmd", [c.name for c in fuzzing.numeric_commands("sim") + fuzzing.numeric_commands("live")])
def test_every_numeric_argument_at_c_bounds(backend, cmd):
    """Each command with a number, each bound at least once (a fixed sample; hypothesis does more below)."""
    from gcsh.commands.registry import REGISTRY
    command = REGISTRY[cmd]
    if backend not in command.backends:
        pytest.skip(f"{cmd} is not in the {backend} backend")
    check = check_bounds_sim if backend == "sim" else check_bounds_live
    for seed in range(len(fuzzing.C_BOUNDS)):
        check(seed, command)


def bounds_cases(backend):
    return st.tuples(st.integers(0, 2 ** 32), st.sampled_from(fuzzing.numeric_commands(backend)))


@QUICK
@given(bounds_cases("sim"))
def test_generated_bounds_sim(case):
    check_bounds_sim(*case)


@pytest.mark.slow  # seconds: the full suite runs it
@QUICK
@given(bounds_cases("live"))
def test_generated_bounds_live(case):
    check_bounds_live(*case)


@pytest.mark.slow
@MANY
@given(st.sampled_from(["sim", "live"]), st.integers(0, 2 ** 32), st.data())
def test_many_bounds(backend, seed, data):
    cmd = data.draw(st.sampled_from(fuzzing.numeric_commands(backend)))
    (check_bounds_sim if backend == "sim" else check_bounds_live)(seed, cmd)


# ---------------------------------------------------------------- line separators

def errors_of(run_it) -> list[str]:
    """The line numbers of the errors RUN_IT reports, run in a fresh directory (the programs
    write and read files)."""
    here = os.getcwd()
    with tempfile.TemporaryDirectory() as path:
        fuzzing.prepare_directory(path)
        os.chdir(path)
        try:
            s = session()
            run_it(s)
        finally:
            os.chdir(here)
    return [line.split(":")[1] for line in s.stderr.lines() if line.startswith("<test>:")]


def check_separators(seed, separator):
    """The same program as -c text, as a file's bytes and as stdin lines: the same line numbers
    fail, in the same order (a separator other than \\n and \\r\\n does not end a line)."""
    rng = random.Random(seed)
    lines = [line.encode("utf-8", "replace").decode("utf-8")  # a file cannot hold a lone surrogate
             for line in fuzzing.program(rng, 12, junk=0.3)]
    for _ in range(rng.randrange(1, 4)):
        i = rng.randrange(len(lines))
        cut = rng.randrange(len(lines[i]) + 1)
        lines[i] = lines[i][:cut] + separator + lines[i][cut:]
    text = "\n".join(lines) + "\n"
    as_text = errors_of(lambda s: s.run_text(text, "<test>"))
    as_file = errors_of(lambda s: s.run_lines(decode_lines(text.encode("utf-8")), "<test>"))
    as_stdin = errors_of(lambda s: s.run_lines(iter(text.split("\n")[:-1]), "<test>"))
    assert as_text == as_file == as_stdin, (lines, as_text, as_file, as_stdin)
    assert all(int(n) <= len(lines) for n in as_text)


@pytest.mark.parametrize("separator", fuzzing.LINE_SEPARATORS, ids=repr)
def test_every_line_separator(separator):
    for seed in range(3):
        check_separators(seed, separator)


@QUICK
@given(st.integers(0, 2 ** 32), st.sampled_from(fuzzing.LINE_SEPARATORS))
def test_generated_separators(seed, separator):
    check_separators(seed, separator)


@pytest.mark.slow
@MANY
@given(st.integers(0, 2 ** 32), st.sampled_from(fuzzing.LINE_SEPARATORS))
def test_many_separators(seed, separator):
    check_separators(seed, separator)


# ---------------------------------------------------------------- out of memory and Ctrl-C

# The long commands: bulk builders, collections, pictures, files, explanations
LONG = {
    "ring": "ring rg 40", "chain": "chain ch 40", "tree": "tree tr 3 3", "rings": "rings rs 5 4",
    "random": "random rn 30 --edges 60 --seed 5", "collect": "collect", "collect 0": "collect 0",
    "collect --trace": "collect 1 --trace", "freeze": "freeze", "unfreeze": "unfreeze", "reset": "reset",
    "graph": "graph", "graph -o": "graph -o out.dot", "export": "export out.dot", "save": "save s.json",
    "load": "load saved.json", "why": "why t", "cycles": "cycles", "whatif": "whatif del l d",
    "model": "model 3.10", "garbage clear": "garbage clear",
}
SETUP = RICH + "link l d; save saved.json"


@functools.lru_cache(maxsize=None)
def lines_of(model: str, command: str) -> int:
    for _ in range(2):  # the first run also imports lazily
        counter = FailAt(None)
        probe = session(model)
        assert run(probe, SETUP)[0]
        ok, err = counter.run(probe, command)
        assert ok, (command, err)
    return counter.lines


def check_failure_inside(model, name, fraction, exception):
    command = LONG[name]
    k = 1 + int(fraction * lines_of(model, command))
    s = session(model)
    assert run(s, SETUP)[0]
    before = snapshot(s)
    ok, err = FailAt(k, exception).run(s, command)
    err = [line for line in err if not line.startswith("gc: ")]
    assert not ok and len(err) == 1 and err[0].startswith(ONE_ERROR), (command, k, err)
    expected = "interrupted" if exception is KeyboardInterrupt else "out of memory in "
    assert expected in err[0], (command, k, err)
    assert snapshot(s) == before, f"{command!r} failed at line {k} but changed the heap"
    assert sound(s) == [] and not s.sim.heap.collecting
    s.interrupted = False
    assert run(s, "alloc after; link after after; del after; collect; count")[0]  # the session goes on


failures = st.tuples(st.sampled_from(["3.10", "3.13"]), st.sampled_from(sorted(LONG)), st.floats(0, 0.999),
                     st.sampled_from([KeyboardInterrupt, MemoryError]))


@pytest.mark.parametrize("exception", [KeyboardInterrupt, MemoryError])
@pytest.mark.parametrize("name", LONG)
def test_every_long_command_failing_halfway(name, exception):
    check_failure_inside("3.12", name, 0.5, exception)


@QUICK
@given(failures)
def test_generated_failures_inside_long_commands(case):
    check_failure_inside(*case)


@pytest.mark.slow
@MANY
@given(failures)
def test_many_failures_inside_long_commands(case):
    check_failure_inside(*case)


# ---------------------------------------------------------------- a real memory limit

MEMORY_LIMIT = 350 * 1024 * 1024  # address space: enough to start, short of what these need
UNDER_THE_LIMIT = ["ring r 5000000", "chain c 5000000", "tree t 21 2", "random g 2000000",
                   "ring r 1000000; collect", "ring r 1000000; cycles", "chain c 1000000; why c_999999",
                   "ring r 1000000; graph", "ring r 1000000; export o.dot", "ring r 1000000; save s.json",
                   "ring r 1000000; whatif del r"]


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "fork") or sys.platform != "linux", reason="RLIMIT_AS on Linux")
@pytest.mark.parametrize("text", UNDER_THE_LIMIT)
def test_under_a_real_memory_limit(tmp_path, text):
    """Each line succeeds or fails in one line (out of memory: the heap as it was), and the
    session goes on: no traceback, no abort, status 0 or 1."""
    import resource
    import subprocess

    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))

    r = subprocess.run([sys.executable, "-m", "gcsh", "--keep-going", "-c", text + "; alloc z; count"],
                       cwd=tmp_path, capture_output=True, text=True, preexec_fn=limit, timeout=300)
    assert r.returncode in (0, 1), r.stderr[-2000:]
    assert all(line.startswith("<command line>:1: error: ") for line in r.stderr.splitlines()), r.stderr[-2000:]
    assert r.stdout.splitlines()[-1].startswith("("), r.stdout[-500:]  # `count` ran: the session went on
