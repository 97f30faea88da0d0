"""The simulator against the real interpreters, on programs hypothesis makes up.

For each of 3.10-3.13 (where pythonX.Y is installed; CI has them through
pyenv), GCSH_DIFF_EXAMPLES programs (default 500) run in the simulator with
that model and, translated to Python, in one long-lived worker process of that
interpreter; after every command the two must agree on everything observable
(see tests/differential/harness.py). Automatic collections are in play: the
programs set small thresholds and enable and disable the collector.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from differential.harness import Worker, compare, has_tp_del, interpreter
from differential.programs import Generator
from gcsh.backends.sim.models import MODELS

VERSIONS = ["3.10", "3.11", "3.12", "3.13"]
EXAMPLES = int(os.environ.get("GCSH_DIFF_EXAMPLES", "500"))
# CI runs the same programs every time; GCSH_DIFF_RANDOM=1 explores new ones.
RANDOM = os.environ.get("GCSH_DIFF_RANDOM") == "1"


@pytest.fixture(scope="module", params=VERSIONS)
def worker(request):
    exe = interpreter(request.param)
    if exe is None:
        pytest.skip(f"python{request.param} is not installed")
    w = Worker(exe)
    w.version = request.param
    w.legacy = has_tp_del(exe)  # without it, programs make no legacy objects
    yield w
    w.close()


@settings(max_examples=EXAMPLES, deadline=None, derandomize=not RANDOM, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much])
@given(data=st.data())
def test_simulator_matches_cpython(worker, data):
    program = Generator(data, worker.version, legacy=worker.legacy).build()
    problem = compare(program, worker, MODELS[worker.version].thresholds)
    assert problem is None, problem
