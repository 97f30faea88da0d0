"""Memory per simulated object, undo in a large heap, and the size of a large collection's output.

    python benchmarks/memory.py [--objects 1000000]

* bytes per object (tracemalloc: what the heap holds once built, divided by its objects):
  a bulk-built ring (`ring r N`), and N objects each made by `alloc NAME` and linked by `link`
  through the backend (user-named objects: their names are stored), not counting the undo
  history (bounded by itself: journal.LIMIT);
* `undo` after one `alloc` in that heap of N named objects, and the `alloc` itself (wall time,
  median of 21);
* the bytes `ring r N; del r; collect` prints, and CPython's own output for comparison:
  none, and gc.collect()'s return value in the REPL;
* `graph` of that ring (with garbage beside it to mark): its peak memory (tracemalloc) and its
  time, against a collection of the same heap.
"""

from __future__ import annotations

import argparse
import gc
import io
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gcsh.runner import Session  # noqa: E402


def bulk_bytes(n: int) -> float:
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    s = Session(io.StringIO(), io.StringIO(), model="3.11")
    s.run_text(f"disable; ring r {n}")
    used = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    return used / len(s.sim.heap)


def named_session(n: int, traced: bool) -> tuple[Session, float]:
    gc.collect()
    if traced:
        tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0] if traced else 0
    s = Session(io.StringIO(), io.StringIO(), model="3.11")
    s.run_text("disable")
    backend = s.sim
    journal = backend.heap.journal
    journal.limit = 0  # the undo history is bounded on its own (LIMIT): measure the heap without it
    for i in range(n):
        journal.begin("alloc")  # as the runner's checkpoint does before each command
        backend.alloc(f"a{i}", "list", [])
        if i:
            journal.begin("link")
            backend.link(f"a{i}", f"a{i - 1}")
    journal.limit = s.sim.heap.journal.__class__.__init__.__defaults__[0]
    used = (tracemalloc.get_traced_memory()[0] - before) if traced else 0
    if traced:
        tracemalloc.stop()
    return s, used / n


def undo_times(s: Session, reps: int = 21) -> tuple[float, float]:
    """(median ms of `alloc x`, median ms of the `undo` after it), run through the runner."""
    allocs, undos = [], []
    for i in range(reps):
        start = time.perf_counter()
        assert s.run_line(f"alloc fresh{i}")
        allocs.append(time.perf_counter() - start)
        start = time.perf_counter()
        assert s.run_line("undo")
        undos.append(time.perf_counter() - start)
    return 1e3 * statistics.median(allocs), 1e3 * statistics.median(undos)


def collect_output(n: int) -> int:
    out = io.StringIO()
    s = Session(out, io.StringIO(), model="3.11")
    s.run_text(f"disable; ring r {n}; del r")
    before = out.tell()
    s.run_text("collect")
    return out.tell() - before


def graph_cost(n: int) -> tuple[float, float, float]:
    """(peak MB of `graph` on a ring of N, its seconds, seconds of `collect` on the same heap)."""
    s = Session(io.StringIO(), io.StringIO(), model="3.11")
    s.run_text(f"disable; ring r {n}; ring q 1000; del q")
    start = time.perf_counter()
    s.run_text("graph")
    seconds = time.perf_counter() - start
    tracemalloc.start()
    s.run_text("graph")
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    start = time.perf_counter()
    s.run_text("collect")
    return peak, seconds, time.perf_counter() - start


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--objects", type=int, default=1_000_000)
    args = p.parse_args(argv)
    n = args.objects
    print(f"bytes per object, bulk (ring r {n:,}): {bulk_bytes(n):.1f}")
    s, per = named_session(n, traced=True)
    print(f"bytes per object, named (alloc + link through the backend, {n:,}): {per:.1f}")
    alloc_ms, undo_ms = undo_times(s)
    print(f"in that heap: alloc {alloc_ms:.3f} ms, undo of it {undo_ms:.3f} ms (medians)")
    print(f"output of `ring r {n:,}; del r; collect`: {collect_output(n):,} bytes")
    peak, seconds, collect = graph_cost(n)
    print(f"graph of a ring of {n:,}: peak {peak:.1f} MB, {seconds:.2f} s ({seconds / collect:.1f} × collect)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
