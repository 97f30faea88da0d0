"""The live backend puts gc back as it found it, on every way out: the end of input, `quit`,
a failing command, an exception inside a gc callback or a __del__, sys.exit in `py`,
Ctrl-C and SIGTERM. Each case runs gcsh in this very process and compares gc's state
(enabled, debug flags, thresholds, callbacks, frozen count) before and after."""

import contextlib
import gc
import os
import signal
import sys

import pytest

pytest.importorskip("gcsh.backends.live")


def gc_state():
    return gc.isenabled(), gc.get_debug(), gc.get_threshold(), list(gc.callbacks), gc.get_freeze_count()


@pytest.fixture
def unchanged_gc():
    """The test's gcsh run must leave gc as it was (and this fixture puts it back regardless)."""
    before = gc_state()
    yield before
    after = gc_state()
    gc.set_debug(before[1]), gc.set_threshold(*before[2])
    gc.callbacks[:] = before[3]
    (gc.enable if before[0] else gc.disable)()
    if gc.get_freeze_count() and not before[4]:
        gc.unfreeze()
    assert after == before


@contextlib.contextmanager
def ignored_as_cpython_does(*expected):
    """These cases raise in a __del__ or a gc callback on purpose; CPython hands such an exception
    to sys.unraisablehook ("Exception ignored in ..."). Each one must be of an EXPECTED kind (none
    at all is fine too: gcsh may report them itself); they are not the test run's warnings."""
    seen = []
    previous, sys.unraisablehook = sys.unraisablehook, seen.append
    try:
        yield seen
    finally:
        sys.unraisablehook = previous
    assert all(isinstance(u.exc_value, expected) for u in seen), [u.exc_value for u in seen]
    seen.clear()


CHANGES = "flags DEBUG_STATS\nthreshold 5 6 7\ndisable\ncallbacks on\nfreeze\n"
CASES = {
    "end of input": CHANGES + "count",
    "quit": CHANGES + "quit\ncount",
    "a failing command": CHANGES + "collect 7\ncount",
    "an exception in __del__": CHANGES + 'py B = type("B", (), {"__del__": lambda self: 1/0})\n'
                                         "py b = B()\npy del b\nenable\ncollect",
    "an exception in a gc callback": CHANGES + "py import gc\npy gc.callbacks.append(lambda phase, info: 1/0)\n"
                                               "enable\ncollect\ncollect 0",
    "KeyboardInterrupt in a gc callback": CHANGES + "py import gc\n"
                                                    "py gc.callbacks.append(lambda p, i: (_ for _ in ()).throw(KeyboardInterrupt))\n"
                                                    "collect\ncount",
    "sys.exit in py": CHANGES + "py import sys\npy sys.exit(3)\ncount",
    "an exception in py": CHANGES + "py 1/0\ncount",
    "switching back and forth": CHANGES + "backend sim\nalloc a\nbackend live\nthreshold 1\nbackend sim",
}


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("keep_going", [False, True])
def test_gc_is_put_back(gcsh, unchanged_gc, case, keep_going):
    argv = ["--backend", "live"] + (["--keep-going"] if keep_going else []) + ["-c", CASES[case]]
    try:
        with ignored_as_cpython_does(ZeroDivisionError, KeyboardInterrupt):
            r = gcsh(*argv)
    except SystemExit as e:  # sys.exit in a py statement leaves gcsh with its status
        assert case == "sys.exit in py" and e.code == 3
    else:
        assert r.status in (0, 1), r.err


@pytest.mark.skipif(os.name != "posix", reason="POSIX signals")
@pytest.mark.parametrize("signum, status", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_inside_a_live_collection(gcsh, unchanged_gc, monkeypatch, signum, status):
    """The signal arrives while the real collector runs (from a gc callback of gcsh's own)."""
    sent = []

    def send(phase, info):
        if phase == "start" and not sent:
            sent.append(True)
            os.kill(os.getpid(), signum)

    gc.callbacks.append(send)
    try:
        with ignored_as_cpython_does(KeyboardInterrupt, SystemExit):
            r = gcsh("--backend", "live", "-c", CHANGES + "alloc a\nlink a a\ndel a\ncollect\ncollect\ncount")
    finally:
        gc.callbacks.remove(send)
    assert sent and r.status in (status, 0, 1), r.err
    assert "Traceback" not in r.err


def test_sigterm_between_live_commands(gcsh, unchanged_gc, monkeypatch):
    from gcsh import runner
    original = runner.Session.run_line

    def run_line_then_terminate(self, line, source="<stdin>", number=1):
        ok = original(self, line, source, number)
        if line == "freeze":
            os.kill(os.getpid(), signal.SIGTERM)
        return ok

    monkeypatch.setattr(runner.Session, "run_line", run_line_then_terminate)
    r = gcsh("--backend", "live", stdin=CHANGES + "count\ncount\n")
    assert r.status == 143 and r.err.endswith("gcsh: terminated\n")


def test_a_live_snapshot_copies_into_a_sound_simulated_heap(gcsh, unchanged_gc):
    """`snapshot` fills the simulator from the real heap: the copy passes every invariant."""
    from gcsh.backends.sim import invariants
    from gcsh.runner import Session
    import io
    s = Session(io.StringIO(), io.StringIO(), backend="live", keep_going=True)
    try:
        s.run_text("alloc a\nalloc b dict\nlink a b\nlink b a\nalloc f finalizer\nweakref w f --callback\n"
                   "snapshot a f w", "<test>")
        assert s.failures == 0, s.stderr.getvalue()
        assert invariants.problems(s.sim.heap) == []
    finally:
        s.close()


@pytest.mark.parametrize("text", ["alloc __builtins__", "alloc a; weakref __name__ a", "alloc __x__ dict"])
def test_the_namespace_dunder_names_are_reserved(gcsh, unchanged_gc, text):
    """`alloc __builtins__` would break every later `py` (and `del` could not undo it)."""
    r = gcsh("--backend", "live", "--keep-going", "-c", text + "; py print(len(dir(__builtins__)) > 10)")
    assert r.status == 1 and "is reserved: dunder names of the namespace belong to Python" in r.err, r.err
    assert r.out.splitlines()[-1] == "True" and "Traceback" not in r.err


@pytest.mark.parametrize("text", ["flags 2147483648", "set_debug 2147483648", "flags +18446744073709551616",
                                  "threshold 1180591620717411303424", "objects 9223372036854775808"])
def test_a_number_gc_refuses_is_one_line_in_process(unchanged_gc, text, capsys):
    """Called in-process, main() returns 1 with CPython's words, never raises OverflowError."""
    from gcsh.cli import main
    assert main(["--backend", "live", "-c", text]) == 1
    err = capsys.readouterr().err
    assert err.startswith("<command line>:1: error: ") and len(err.splitlines()) == 1, err
