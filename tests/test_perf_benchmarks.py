"""The benchmark scripts still run, and gcsh finds what CPython finds on the same heaps.

Timings are printed by the scripts, never asserted here.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import collect, heaps  # noqa: E402


@pytest.mark.parametrize("shape", heaps.SHAPES)
@pytest.mark.parametrize("path", ["plain", "compiled"])
def test_gcsh_and_cpython_find_the_same_garbage(shape, path):
    from gcsh.backends.sim.kernel import accel
    if path == "compiled" and not accel.available():
        pytest.skip("the fast extra (numba) is not installed")
    try:
        row = collect.row(shape, 2000, reps=1, model=None, path=path)  # raises if the two counts differ
    finally:
        accel.set_mode("auto")
    expected = {"chain": 0, "pairs": 2000, "ring": 2000, "random": 0}[shape]
    assert row["found"] == expected
    assert collect.bytes_per_object(shape, 2000, None) > 0


def test_mirror_copies_references_and_external_counts():
    session = heaps.gcsh_session("chain", 10)
    nodes, external = heaps.mirror(session.backend.heap)
    assert all(len(node) == 1 for node in nodes[:-1]) and nodes[-1] == []
    assert nodes[0][0] is nodes[1] and external == [nodes[0]]


@pytest.mark.parametrize("script, args", [
    ("collect.py", ["--sizes", "1000", "--shapes", "ring", "--reps", "1", "--paths", "plain"]),
    ("throughput.py", ["--commands", "2000"]),
    ("teaching.py", ["--objects", "300", "--reps", "1"]),
])
def test_scripts_print_their_tables(script, args):
    out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / script), *args], capture_output=True,
                         text=True, timeout=300, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert {"collect.py": "| 1,000 | ring |", "throughput.py": "commands per second",
            "teaching.py": "slowest:"}[script] in out.stdout


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("valgrind") is None, reason="valgrind is not installed")
def test_the_instruction_count_runs(capsys):
    from benchmarks import instructions
    assert instructions.main(["--commands", "20"]) == 0
    per = int(capsys.readouterr().out.split(": ")[1].split()[0].replace(",", ""))
    assert 1_000 < per < 10_000_000  # (a count, whatever the tree: the command ran under callgrind)
