"""The kernel's loops compiled (the `fast` extra) give exactly what they give as plain Python.

The same random scripts run twice, with the loops plain and compiled: after every
command the output, the errors and the whole heap (its session file: lists in order,
refcounts, counts, free lists, statistics) must be the same. Bulk shapes large enough
for every phase of the compiled path run the same way.
"""

from __future__ import annotations

import os
import random
import shutil
import tempfile

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from gcsh.tools import fuzzing
from gcsh.backends.sim.kernel import accel
from heapcheck import MODELS, session, snapshot

pytestmark = pytest.mark.skipif(not accel.available(), reason="the fast extra (numba) is not installed")


def run_both(model: str, lines: list[str]) -> list[tuple]:
    """Each line's (output, errors, heap) with the plain loops, and then with the compiled ones (each
    run in a directory of its own: the scripts write files)."""
    results = []
    home = os.getcwd()
    for mode in ("never", "always"):
        accel.set_mode(mode)
        place = tempfile.mkdtemp(prefix=f"accel-{mode}-")
        os.chdir(place)
        fuzzing.prepare_directory(place)
        try:
            s = session(model)
            steps = []
            for line in lines:
                out, err = len(s.stdout.getvalue()), len(s.stderr.getvalue())
                s.run_text(line, "<test>")
                steps.append((line, _stable(s.stdout.getvalue()[out:]), _stable(s.stderr.getvalue()[err:]),
                              snapshot(s)))
            results.append(steps)
        finally:
            accel.set_mode("auto")
            os.chdir(home)
            shutil.rmtree(place, ignore_errors=True)
    return list(zip(*results))


def _stable(text: str) -> str:
    """Output without the elapsed times DEBUG_STATS prints (and 3.15's callbacks' `duration`)."""
    import re
    text = re.sub(r"'duration': [0-9.e+-]+", "'duration': T", text)
    return re.sub(r"\d+\.\d{4}s elapsed", "T.TTTTs elapsed", text)


@pytest.mark.slow  # seconds: the full suite runs it
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2 ** 32), model=st.sampled_from(MODELS))
def test_compiled_loops_agree_with_plain_ones_on_random_sessions(seed, model):
    lines = fuzzing.program(random.Random(seed), 60, junk=0.1)
    for plain, compiled in run_both(model, lines):
        assert plain == compiled, plain[0]


@pytest.mark.parametrize("model", ["3.10", "3.12"])
@pytest.mark.parametrize("script", [
    "ring r 5000; del r; collect",
    "rings k 3000 2; del k; collect 0",
    "chain c 5000; collect; collect 1",
    "random g 4000 --edges 9000 --seed 2; del g; collect",
    "alloc t tuple 1 2; ring r 3000; link r_5 t; alloc d dict; link r_7 d; del t d r; collect",
    "ring r 3000; alloc f finalizer; link r_9 f; weakref w r_3 --callback; del f r; collect",
    "flags DEBUG_SAVEALL; ring r 3000; del r; collect; garbage clear",
    "tree t 11; link t_2000 t; del t; collect; cycles",
])
def test_compiled_loops_agree_on_large_shapes(model, script):
    lines = ["disable"] + [part.strip() for part in script.split(";")]
    for plain, compiled in run_both(model, lines):
        assert plain == compiled, plain[0]
