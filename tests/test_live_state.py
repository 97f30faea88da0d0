"""The live backend puts gc back as it found it: on leaving the backend, and on every way out of gcsh.

A flag left on is visible after the fact: with DEBUG_STATS or DEBUG_COLLECTABLE still set when the
interpreter exits, its shutdown collections print `gc: ...` lines on stderr. The subprocess tests
look for those lines."""

import gc
import io
import os
import signal
import subprocess
import sys
import time

import pytest

from gcsh.backends.live.gcstate import GcSettings
from gcsh.runner import Session

LEAVE_FLAGS_ON = "flags DEBUG_STATS|DEBUG_COLLECTABLE; threshold 3 4 5; disable; callbacks on"


def settings() -> tuple:
    s = GcSettings.read()
    return s.enabled, s.debug, s.threshold, s.callbacks, s.frozen


def gcsh_process(*args, stdin=None, **kw):
    return subprocess.Popen([sys.executable, "-m", "gcsh", *args], stdin=stdin, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, **kw)


def shutdown_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("gc: ")]


def test_leaving_the_backend_restores_and_coming_back_reapplies():
    before = settings()
    s = Session(io.StringIO(), io.StringIO())
    try:
        s.run_text(f"backend live; {LEAVE_FLAGS_ON}; freeze")
        assert gc.get_debug() == 3 and gc.get_threshold() == (3, 4, 5) and gc.get_freeze_count() > 0
        s.run_text("backend sim")
        assert settings() == before
        s.run_text("backend live")
        assert gc.get_debug() == 3 and gc.get_threshold() == (3, 4, 5)
        assert s.backend.isenabled() is False and s.backend.callbacks(None) is True
        assert gc.get_freeze_count() == before[4]  # a freeze is not made again on the way back
    finally:
        s.close()
    assert settings() == before


def test_gc_is_off_while_gcsh_works_and_as_the_user_set_it_during_their_actions():
    before = settings()
    s = Session(io.StringIO(), io.StringIO(), json_mode=True)
    try:
        s.run_text("backend live; py import gc; seen = gc.isenabled()")
        assert s.backend.ns["seen"] is True  # the user's statement runs with collection on
        assert gc.isenabled() is False  # gcsh's own allocations never start a collection
        s.run_text("disable\npy seen = gc.isenabled()\nisenabled")
        assert s.backend.ns["seen"] is False
    finally:
        s.close()
    assert settings() == before


def test_a_user_change_through_py_is_restored_too():
    before = settings()
    s = Session(io.StringIO(), io.StringIO())
    try:
        s.run_text("backend live\npy import gc; gc.set_threshold(9); gc.callbacks.append(print); gc.set_debug(1)")
        assert gc.get_threshold()[0] == 9
    finally:
        s.close()
    assert settings() == before


@pytest.mark.parametrize("commands", [
    LEAVE_FLAGS_ON,  # the end of the commands
    LEAVE_FLAGS_ON + "; quit",
    LEAVE_FLAGS_ON + "; nonsense",  # stopped at an error
    LEAVE_FLAGS_ON + "\npy import sys; sys.exit(0)",  # a statement that leaves
])
def test_every_exit_restores(commands):
    p = gcsh_process("--backend", "live", "-c", commands)
    out, err = p.communicate(timeout=60)
    assert "DEBUG_STATS|DEBUG_COLLECTABLE (3)" in out
    assert shutdown_lines(err) == [], err


def test_the_test_can_see_flags_left_on():
    p = subprocess.run([sys.executable, "-c", "import gc; gc.set_debug(gc.DEBUG_STATS)"],
                       capture_output=True, text=True, timeout=60)
    assert shutdown_lines(p.stderr)


def test_sigterm_restores():
    p = gcsh_process("--backend", "live", stdin=subprocess.PIPE)
    p.stdin.write(LEAVE_FLAGS_ON + "\n")
    p.stdin.flush()
    deadline = time.monotonic() + 30
    first = p.stdout.readline()
    while "DEBUG_STATS|DEBUG_COLLECTABLE" not in first and time.monotonic() < deadline:
        first = p.stdout.readline()
    p.send_signal(signal.SIGTERM)
    out, err = p.communicate(timeout=60)
    assert p.returncode == 128 + signal.SIGTERM
    assert shutdown_lines(err) == [], err


def test_atexit_restores_a_backend_nobody_closed():
    program = ("from gcsh.backends.live import LiveBackend\n"
               "b = LiveBackend(lambda kind, text: None)\n"
               "b.resume()\n"
               "b.set_debug(3)\n")
    p = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=60,
                       env={**os.environ})
    assert p.returncode == 0, p.stderr
    assert shutdown_lines(p.stderr) == [], p.stderr


def test_a_simulator_run_eases_the_host_collector_only_while_it_runs_and_never_for_the_live_backend():
    """The simulator raises the host's threshold0 while a run of lines goes through it (its undo
    journal keeps many small records alive); the host's own thresholds are back when the run ends,
    and a `backend live` in the middle of the run sees them, not the raised ones."""
    before = gc.get_threshold()
    seen = []
    out = io.StringIO()
    s = Session(out, io.StringIO())
    try:
        s.run_lines(iter(["alloc a"]), "<test>")
        assert gc.get_threshold() == before
        lines = iter(["alloc b", "SEE", "backend live", "SEE", "threshold", "backend sim", "alloc c"])

        def watched():
            for line in lines:
                if line == "SEE":
                    seen.append(gc.get_threshold())
                    continue
                yield line
        assert s.run_lines(watched(), "<test>")
    finally:
        s.close()
    assert seen[0][0] > before[0] and seen[0][1:] == before[1:]  # eased while the simulator runs
    assert seen[1] == before  # the live backend sees the host's own thresholds
    assert str(before) in out.getvalue().splitlines()  # what `threshold` printed in the live backend
    assert gc.get_threshold() == before
