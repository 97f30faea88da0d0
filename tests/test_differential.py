"""The simulator against the real interpreters, on programs hypothesis makes up.

For each real interpreter whose model exists (tests/differential/interpreters.py:
pyenv's python3.10-3.13 natively, Pyodide's 3.13.2, 3.14.2 and 3.15.0rc1 in
WebAssembly under node), GCSH_DIFF_EXAMPLES programs (default 500, under a
minute in WebAssembly) run in the simulator with that model and, translated to
Python, in one long-lived worker process of that interpreter; after every
command the two must agree on everything observable (see
tests/differential/harness.py). Automatic collections are in play: the programs
set small thresholds and enable and disable the collector. Wide programs (one
instance with up to 40 attribute names, tuples of up to 25 items) probe the
limits of the shared keys and of the free lists.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, Phase, given, settings, strategies as st

from differential import interpreters
from differential.harness import Program, SimRunner, compare, parse_record
from differential.programs import Generator
from gcsh.backends.sim.models import MODELS

EXAMPLES = int(os.environ.get("GCSH_DIFF_EXAMPLES", "500"))
# CI runs the same programs every time; GCSH_DIFF_RANDOM=1 explores new ones.
RANDOM = os.environ.get("GCSH_DIFF_RANDOM") == "1"


def checked_interpreters():
    """Every interpreter whose model exists, marked by how it runs."""
    for interp in interpreters.ALL:
        if interp.model in MODELS:
            mark = pytest.mark.wasm if interp.wasm else pytest.mark.cpython
            yield pytest.param(interp, id=interp.version, marks=[mark, pytest.mark.slow])


def start_worker(interp):
    """A worker on INTERP, or a skip saying in one line why it cannot run here."""
    if interp.wasm:
        problem = interpreters.ensure_pyodide()
        if problem:
            pytest.skip(f"Pyodide {interp.version}: {problem}")
        w = interpreters.Worker.wasm(interp)
    else:
        exe = interpreters.native_executable(interp.minor)
        if exe is None:
            pytest.skip(f"python{interp.minor} is not installed")
        w = interpreters.Worker.native(exe)
    about = w.probe()
    assert about["version"].startswith(interp.minor), about
    w.legacy = about["tp_del"]  # without _testcapi (Pyodide 0.29.5 has none), programs make no legacy objects
    w.model = interp.model
    return w


@pytest.fixture(scope="module", params=list(checked_interpreters()))
def worker(request):
    w = start_worker(request.param)
    yield w
    w.close()


WIDE_EXAMPLES = max(1, EXAMPLES // 5)


def differential(worker, examples, wide=False, shrink=True):
    phases = list(Phase) if shrink else [Phase.explicit, Phase.reuse, Phase.generate]

    @settings(max_examples=examples, deadline=None, derandomize=not RANDOM, database=None, phases=phases,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                     HealthCheck.filter_too_much])
    @given(data=st.data())
    def check(data):
        program = Generator(data, worker.model, legacy=worker.legacy, wide=wide).build()
        problem = compare(program, worker, MODELS[worker.model].thresholds)
        assert problem is None, problem

    check()


def test_simulator_matches_cpython(worker):
    differential(worker, EXAMPLES)


def test_simulator_matches_cpython_on_wide_programs(worker):
    differential(worker, WIDE_EXAMPLES, wide=True)


@pytest.mark.cpython
def test_a_failing_python_program_is_reported_by_the_difference_that_made_it_fail():
    exe = interpreters.native_executable("3.12")
    if exe is None:
        pytest.skip("python3.12 is not installed")
    runner = SimRunner("3.12")
    steps = [("alloc a list", ['a = []', '_reg(a, "a")', '_stray = []']),  # one list more than gcsh made
             ("alloc b list", ['b = []', 'undefined_name'])]
    for line, python in steps:
        runner.program.names.append(line.split()[1])
        runner.run(line)
        runner.program.python.append(python)
    worker = interpreters.Worker.native(exe)
    try:
        problem = compare(runner.program, worker, MODELS["3.12"].thresholds)
    finally:
        worker.close()
    assert problem.startswith("count differs after command 1: alloc a list"), problem
    assert "then the Python program failed: NameError" in problem


def every_interpreter():
    for interp in interpreters.ALL:
        yield pytest.param(interp, id=interp.version, marks=[pytest.mark.wasm if interp.wasm else pytest.mark.cpython])


@pytest.mark.parametrize("interp", list(every_interpreter()))
def test_the_worker_observes_true_refcounts_and_tracking_on_every_interpreter(interp):
    """The observation itself is right on each interpreter, whether or not its model exists yet."""
    worker = start_worker(interp)
    try:
        program = Program("3.13", python=[["a = []", '_reg(a, "a")', "b = [a, a]", '_reg(b, "b")'], ["del b"]],
                          names=["a", "b"])
        reply = worker.run(program.request((2000, 10, 10)))
    finally:
        worker.close()
    assert reply["error"] is None, reply["error"]
    start, made, dropped = parse_record(reply["rec"], reply["err"], program.names)
    assert start["bound"] == {}
    assert made["bound"] == {"a": (3, True, False), "b": (1, True, False)}
    assert dropped["bound"] == {"a": (1, True, False)}
    assert made["gens"][0][-2:] == ["a", "b"]


def drawn_programs(model, examples, wide):
    """The programs the differential tests draw for MODEL (the same ones: derandomized), made in
    the simulator only."""
    programs = []

    @settings(max_examples=examples, deadline=None, derandomize=True, database=None,
              phases=[Phase.explicit, Phase.reuse, Phase.generate],
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                     HealthCheck.filter_too_much])
    @given(data=st.data())
    def draw(data):
        programs.append(Generator(data, model, wide=wide).build())

    draw()
    return programs


def retupled_lengths(program) -> set[int]:
    """Lengths of the tuples made, dropped and made again in a row (their free list at work)."""
    lines = [line.split() for line in program.lines if line not in ("disable", "enable")]
    out = set()
    for first, drop, again in zip(lines, lines[1:], lines[2:]):
        if first[:1] == again[:1] == ["alloc"] and first[2:3] == again[2:3] == ["tuple"] \
                and drop == ["del", first[1]] and len(first) == len(again):
            out.add(len(first) - 3)
    return out


@pytest.mark.slow
@pytest.mark.parametrize("model", ["3.10", "3.11", "3.12", "3.13"])
def test_the_random_programs_reach_what_they_must_check(model):
    """What the differential tests compare is only as good as what their programs do: automatic
    collections at small thresholds, weakref callbacks, finalizers, freeze and DEBUG_SAVEALL in the
    ordinary programs; in the wide ones, every tuple length up to past the free lists' limit made
    again after a drop, and (3.11+) instances whose class's shared keys are full."""
    ordinary = drawn_programs(model, WIDE_EXAMPLES, wide=False)
    events = {e[0] for p in ordinary for obs in p.sim for e in obs["events"]}
    assert {"C", "D", "G"} <= events
    explicit = [sum(line.startswith("collect") for line in p.lines) for p in ordinary]
    automatic = [sum(e["collections"] for e in p.stats) - n for p, n in zip(ordinary, explicit)]
    assert sum(a > 0 for a in automatic) >= len(ordinary) // 10
    assert any(obs["freeze"] for p in ordinary for obs in p.sim)
    assert any(obs["garbage"] and "DEBUG_SAVEALL" in " ".join(p.lines) for p in ordinary for obs in p.sim)
    wide = drawn_programs(model, WIDE_EXAMPLES, wide=True)
    lengths = set().union(*map(retupled_lengths, wide))
    assert set(range(1, MODELS[model].tuple_kept_up_to + 2)) <= lengths, sorted(lengths)
    dicts = sum(any("__dict__" in stmt for stmts in p.python for stmt in stmts) for p in wide)
    assert dicts >= (len(wide) // 10 if MODELS[model].instance_dict else 5), dicts
