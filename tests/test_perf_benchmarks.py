"""The benchmark scripts still run, and gcsh finds what CPython finds on the same heaps.

Timings are printed by the scripts, never asserted here.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import collect, heaps  # noqa: E402


@pytest.mark.parametrize("shape", heaps.SHAPES)
def test_gcsh_and_cpython_find_the_same_garbage(shape):
    row = collect.row(shape, 2000, reps=1, model=None)  # raises if the two counts differ
    expected = {"reach": 0, "cyc4": 2000, "ring": 2000, "ring_live": 0}[shape]
    assert row["found"] == expected
    assert row["bytes"] > 0


def test_mirror_copies_references_and_external_counts():
    session = heaps.gcsh_session("ring_live", 10)
    nodes, external = heaps.mirror(session.backend.heap)
    assert all(len(node) == 1 for node in nodes)
    assert nodes[9][0] is nodes[0] and external == [nodes[0]]


@pytest.mark.parametrize("script, args", [
    ("collect.py", ["--sizes", "1000", "--shapes", "ring", "--reps", "1"]),
    ("throughput.py", ["--commands", "2000"]),
    ("teaching.py", ["--objects", "300", "--reps", "1"]),
])
def test_scripts_print_their_tables(script, args):
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / script), *args], capture_output=True,
                         text=True, timeout=300, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert {"collect.py": "| 1,000 | ring |", "throughput.py": "commands per second",
            "teaching.py": "slowest:"}[script] in out.stdout
