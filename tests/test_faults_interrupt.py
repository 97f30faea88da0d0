"""Ctrl-C at any point of a long command leaves the heap as it was before the command.

KeyboardInterrupt is raised from inside the simulator (a trace function counts the lines
it runs and raises at the k-th), at many points of collections, automatic collections, bulk
commands, loads and resets. Then the real signal: SIGINT in-process and to a child process.
"""

import os
import signal
import subprocess
import sys
import time

import pytest

from gcsh.backends.sim import invariants
from gcsh.backends.sim.kernel import collector
from heapcheck import RICH, run, session, snapshot
from heapcheck import FailAt as InterruptAt

SCENARIOS = {
    "collect": (RICH, "collect"),
    "collect 0": (RICH, "collect 0"),
    "collect 1 --trace": (RICH + "collect 0", "collect 1 --trace"),
    "collect with DEBUG_SAVEALL": (RICH + "flags DEBUG_SAVEALL|DEBUG_STATS|DEBUG_COLLECTABLE", "collect"),
    "an automatic collection": (RICH + "threshold 1; alloc z1; link z1 z1; del z1", "alloc z2 object"),
    "garbage clear": (RICH + "flags DEBUG_SAVEALL; collect", "garbage clear"),
    "freeze": (RICH, "freeze"),
    "unfreeze": (RICH, "unfreeze"),
    "a ring": (RICH, "ring rg 30"),
    "a tree": (RICH, "tree tr 3 2"),
    "a random graph": (RICH, "random rnd 20 --edges 40 --seed 3"),
    "reset": (RICH, "reset"),
    "model": (RICH, "model 3.10"),
}
LATER = "alloc after; link after after; del after; collect; count; heap; stats; garbage"


def points(total: int, wanted: int = 40) -> list[int]:
    """The first and last lines, and a spread in between."""
    step = max(1, total // wanted)
    return sorted({*range(1, min(total, 12) + 1), *range(1, total + 1, step), *range(max(1, total - 10), total + 1)})


def count_lines(model: str, setup: str, command: str) -> int:
    """How many lines the simulator runs for COMMAND (counted twice: the first run also imports lazily)."""
    for _ in range(2):
        counter = InterruptAt(None)
        probe = session(model)
        run(probe, setup)
        assert counter.run(probe, command)[0]
    return counter.lines


def output_later(model: str, setup: str) -> str:
    """What LATER prints in a session that never ran the command."""
    control = session(model)
    run(control, setup)
    seen = len(control.stdout.getvalue())
    run(control, LATER)
    return control.stdout.getvalue()[seen:]


def check_interrupt(model: str, setup: str, command: str, k: int, later: str) -> str | None:
    """Interrupt COMMAND at its k-th line: what went wrong, or None."""
    s = session(model)
    run(s, setup)
    before, seen = snapshot(s), len(s.stdout.getvalue())
    ok, err = InterruptAt(k).run(s, command)
    err = [line for line in err if not line.startswith("gc: ")]  # debug lines printed on the way
    if ok or err != ["<test>:1: error: interrupted; the heap is as it was before this command"]:
        return f"line {k}: not reported as undone: {err}"
    if snapshot(s) != before or invariants.problems(s.sim.heap) or s.sim.heap.collecting:
        return f"line {k}: the heap changed"
    seen = len(s.stdout.getvalue())
    run(s, LATER)  # the session goes on exactly as one that never ran the command
    if s.stdout.getvalue()[seen:] != later:
        return f"line {k}: the session went on differently"
    return None


@pytest.mark.parametrize("model", ["3.10", "3.13"])
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_interrupting_anywhere_leaves_the_heap_as_it_was(model, scenario):
    setup, command = SCENARIOS[scenario]
    lines = count_lines(model, setup, command)
    later = output_later(model, setup)
    for k in points(lines):
        assert check_interrupt(model, setup, command, k, later) is None, f"of {lines} lines"


def test_loading_is_interruptible_and_changes_nothing(tmp_path):
    s = session("3.11")
    run(s, RICH + f'save "{tmp_path / "s.json"}"; reset; alloc mine')
    for _ in range(2):  # the first load also imports its module
        counter = InterruptAt(None)
        assert counter.run(s, f'load "{tmp_path / "s.json"}"')[0]
    for k in points(counter.lines, 25):
        s = session("3.13")
        run(s, "alloc mine; link mine mine")
        before = snapshot(s)
        ok, err = InterruptAt(k).run(s, f'load "{tmp_path / "s.json"}"')
        assert not ok and snapshot(s) == before and s.sim.model.version == "3.13"


def test_a_bug_inside_a_collection_still_leaves_the_heap_as_it_was(monkeypatch):
    s = session()
    run(s, RICH)
    before = snapshot(s)

    def broken(*args):
        raise RuntimeError("a bug in a phase")

    monkeypatch.setattr(collector, "delete_garbage", broken)
    with pytest.raises(RuntimeError):  # a bug may show a traceback ...
        s.run_text("collect", "<test>")
    assert snapshot(s) == before  # ... but the heap is whole


# ---------------------------------------------------------------- the real signal


def send_sigint_during(monkeypatch, module, name):
    """Replace MODULE.NAME with a version that sends this process SIGINT, then carries on."""
    original = getattr(module, name)

    def with_signal(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGINT)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, with_signal)


needs_signals = pytest.mark.skipif(not hasattr(signal, "SIGINT") or os.name != "posix", reason="POSIX signals")


@needs_signals
def test_sigint_during_a_collection_undoes_it(monkeypatch):
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    s = session("3.12")
    run(s, RICH)
    before, seen = snapshot(s), len(s.stdout.getvalue())
    send_sigint_during(monkeypatch, collector, "deduce_unreachable")
    ok, err = run(s, "collect; count")
    assert not ok and err == ["<test>:1: error: interrupted; the heap is as it was before this command"]
    assert snapshot(s) == before and s.interrupted
    assert "(0, 0, 0)" not in s.stdout.getvalue()[seen:]  # `count` never ran: Ctrl-C stops the run
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


@needs_signals
def test_sigint_during_a_short_command_undoes_it_too(monkeypatch):
    """Every command that changes the heap has its journal mark, so Ctrl-C stops even a short one
    at once and rolls it back."""
    s = session("3.12")
    run(s, "alloc a; alloc b; link a b; alloc c")
    before = snapshot(s)
    from gcsh.backends.sim.kernel.heap import Heap
    send_sigint_during(monkeypatch, Heap, "release")
    ok, err = run(s, "del a; count")
    assert err == ["<test>:1: error: interrupted; the heap is as it was before this command"]
    assert s.interrupted and invariants.problems(s.sim.heap) == [] and snapshot(s) == before
    assert s.sim.heap.live_row("a") is not None


@needs_signals
def test_sigint_between_the_commands_of_a_sourced_file(tmp_path, monkeypatch):
    script = tmp_path / "f.gcsh"
    script.write_text("alloc one\nalloc two\nalloc three\n")
    s = session()
    from gcsh.backends.sim import backend
    original = backend.SimBackend.alloc
    calls = []

    def alloc_then_signal(self, name, *rest):
        calls.append(name)
        result = original(self, name, *rest)
        if name == "two":
            os.kill(os.getpid(), signal.SIGINT)  # arrives while `alloc two` finishes: deferred
        return result

    monkeypatch.setattr(backend.SimBackend, "alloc", alloc_then_signal)
    ok, err = run(s, f'source "{script}"; alloc four')
    assert calls == ["one", "two"] and s.interrupted  # `alloc two` is interrupted, and undone
    heap = s.sim.heap
    assert [heap.live_row(n) is not None for n in ("one", "two", "three")] == [True, False, False]
    assert len(err) == 1 and "interrupted" in err[0]


@needs_signals
def test_sigint_between_commands_ends_gcsh_with_130(gcsh, monkeypatch):
    from gcsh import runner

    original = runner.Session.run_line
    seen = []

    def run_line_then_signal(self, line, source="<stdin>", number=1):
        seen.append(line)
        ok = original(self, line, source, number)
        os.kill(os.getpid(), signal.SIGINT)  # between lines: outside any command
        return ok

    monkeypatch.setattr(runner.Session, "run_line", run_line_then_signal)
    r = gcsh(stdin="count\ncount\ncount\n")
    assert r.status == 130 and r.err == "gcsh: interrupted\n" and seen == ["count"]


CHILD_ENV = dict(os.environ, PYTHONUNBUFFERED="1")


def spawn(args, **kwargs):
    return subprocess.Popen([sys.executable, "-m", "gcsh", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=CHILD_ENV, **kwargs)


@needs_signals
@pytest.mark.parametrize("delay", [0.4, 0.9, 1.6])
def test_sigint_to_a_real_process_running_a_long_script(tmp_path, delay):
    script = tmp_path / "long.gcsh"
    script.write_text("rings r 400 5\n" + "collect\nring x 200; del x\n" * 3000)
    child = spawn([str(script)])
    child.stdout.readline()  # running commands now (not still starting Python)
    time.sleep(delay)
    child.send_signal(signal.SIGINT)
    out, err = child.communicate(timeout=60)
    assert child.returncode == 130, err
    assert b"Traceback" not in err and b"interrupted" in err


@needs_signals
@pytest.mark.parametrize("attempt", range(3))  # the signal races the end of input: try it more than once
def test_sigterm_to_a_process_waiting_on_stdin(attempt):
    child = spawn([], stdin=subprocess.PIPE)
    child.stdin.write(b"alloc a; link a a\n")
    child.stdin.flush()
    child.stdout.readline(), child.stdout.readline()  # both ran: gcsh is waiting for more
    child.send_signal(signal.SIGTERM)
    out, err = child.communicate(timeout=30)
    assert child.returncode == 143 and err == b"gcsh: terminated\n"


@needs_signals
def test_sigterm_during_a_long_script(tmp_path):
    script = tmp_path / "long.gcsh"
    script.write_text("rings r 400 5\n" + "collect\n" * 20000)
    child = spawn([str(script)])
    child.stdout.readline()
    time.sleep(0.5)
    child.send_signal(signal.SIGTERM)
    out, err = child.communicate(timeout=60)
    assert child.returncode == 143 and err.endswith(b"gcsh: terminated\n") and b"Traceback" not in err


@needs_signals
def test_sigterm_in_process_closes_the_session_and_restores_the_handler(gcsh, monkeypatch):
    from gcsh import runner
    closed = []
    monkeypatch.setattr(runner.Session, "close", lambda self: closed.append(True))
    original = collector.collect

    def collect_then_terminate(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGTERM)
        return original(*args, **kwargs)

    monkeypatch.setattr(collector, "collect", collect_then_terminate)
    r = gcsh("-c", "alloc a; collect; count")
    assert r.status == 143 and r.err.endswith("gcsh: terminated\n") and closed == [True]
    assert "(" not in r.out.splitlines()[-1]  # count never ran
    assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL


READS = {"count": "count", "stats": "stats", "objects": "objects 2", "referrers": "referrers l",
         "referents": "referents d", "tracked": "tracked l", "finalized": "finalized b", "heap": "heap",
         "freezecount": "freezecount", "isenabled": "isenabled", "help": "help collect", "save": "save s.json",
         "graph": "graph", "export": "export out.dot", "why": "why t", "cycles": "cycles",
         "whatif": "whatif del l d", "find": "find list", "pending": "pending", "retained": "retained l",
         "dominators": "dominators"}


@pytest.mark.parametrize("model", ["3.10", "3.13"])
def test_the_commands_interrupted_without_undo_only_read(tmp_path, monkeypatch, model):
    """Ctrl-C stops these at once with nothing to undo: each must leave the heap exactly as it was."""
    from gcsh.backends.sim.checkpoint import READ_ONLY
    from gcsh.commands import registry
    assert set(READS) == {name for name in READ_ONLY if name in registry.command_words()}
    monkeypatch.chdir(tmp_path)
    s = session(model)
    run(s, RICH + "collect 0")
    for name, text in READS.items():
        before = snapshot(s)
        ok, err = run(s, text)
        assert ok, (text, err)
        assert snapshot(s) == before, f"{text!r} changed the heap"
