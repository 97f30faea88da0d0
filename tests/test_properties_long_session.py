"""A long session does not grow beyond its heap: 100,000 commands through one Session.

benchmarks/long_session.py runs the same commands a million times over and reports; this
test keeps to 100,000 and checks with tracemalloc that everything that grows is the
simulated heap's own (ids are never reused, so each id given out keeps its slots)."""

import importlib.util
import sys
import tracemalloc
from pathlib import Path

import pytest

from gcsh.backends.sim.kernel.loops import spans
from gcsh.runner import Session

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "long_session.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("long_session", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_100k_commands_grow_nothing_but_the_heap(bench):
    session = Session(bench.Nowhere(), bench.Nowhere(), model="3.12", keep_going=True)
    session.sim.heap.journal.limit = 256 * 1024  # the undo history is bounded (64 MiB by default): keep it small
    tracemalloc.start()  # from the start: a column that grows by realloc is then counted by its growth
    try:
        session.run_lines(bench.commands(10_000), "<warm-up>")
        heap_before = bench.heap_bytes(session.sim.heap) + sys.getsizeof(spans._IDENT)
        before = tracemalloc.take_snapshot()  # (made before the count starts: it is not the session's)
        traced_before = tracemalloc.get_traced_memory()[0]
        ids_before = session.sim.heap.size()
        session.run_lines(bench.commands(100_000), "<long>")
        traced_growth = tracemalloc.get_traced_memory()[0] - traced_before
        after = tracemalloc.take_snapshot()
        heap = session.sim.heap
        # (with the rows' identity column the plain collector compares runs with: 4-8 bytes a row ever given)
        heap_growth = bench.heap_bytes(heap) + sys.getsizeof(spans._IDENT) - heap_before
    finally:
        tracemalloc.stop()
    assert session.failures == 0
    assert len(heap) < 20  # the pattern frees what it builds
    grew = [str(stat) for stat in after.compare_to(before, "lineno")[:8]]  # (what to look at if it fails)
    assert abs(traced_growth - heap_growth) < 64 * 1024, (traced_growth, heap_growth, grew)
    assert heap_growth / (heap.size() - ids_before) < 100  # bytes kept per id given out


def test_the_million_command_script_runs(bench, tmp_path):
    """The benchmark's own code path, on a small count (its numbers are in docs/reliability.md)."""
    result = bench.measure(2000, "3.12", every=500)
    assert result["commands"] >= 2000 and result["failures"] == 0 and len(result["samples"]) >= 4
