"""Full `collect` on large heaps: gcsh's simulator against CPython's own collector.

    python benchmarks/collect.py [--sizes 100000,1000000] [--reps 3] [--model 3.11] [--paths plain,compiled]

For each size and shape (see heaps.py), each path and each repetition, in this one
process: gcsh builds the heap with bulk commands and runs the `collect` command
through the runner (what a user waits for: the journal mark, the collection and the
output line included); then CPython builds the same heap from real lists and a full
gc.collect() is timed, with everything else frozen. The host collector is disabled
while gcsh collects. Times are process CPU time (a shared machine's other tenants
inflate wall time, not CPU time, the most); ratios are formed per repetition and the
table shows medians, after one warm-up repetition.

The paths: `plain` runs the kernel's loops as plain Python, `compiled` the same loops
compiled by numba (the `fast` extra; numba's one-time import and cache load is
measured once and printed apart). Bytes per object are tracemalloc's count of what the
built heap holds, divided by its objects.
"""

from __future__ import annotations

import argparse
import gc
import platform
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.heaps import SHAPES, cpython_collect, gcsh_session  # noqa: E402
from gcsh.backends.sim.kernel import accel, collector  # noqa: E402


def gcsh_collect(shape: str, n: int, model: str | None) -> tuple[float, float, int, int]:
    """(command seconds, the collector's own seconds, unreachable, output bytes) for `collect`."""
    session = gcsh_session(shape, n, model)
    backend = session.backend
    spent = []
    plain_collect = collector.collect

    def timed(*args, **kwargs):
        start = time.process_time()
        report = plain_collect(*args, **kwargs)
        spent.append(time.process_time() - start)
        return report

    gc.collect()
    gc.disable()
    collector.collect = timed
    out = session.stdout
    before = out.tell()
    try:
        start = time.process_time()
        ok = session.run_line("collect")
        seconds = time.process_time() - start
    finally:
        collector.collect = plain_collect
        gc.enable()
    if not ok:
        raise RuntimeError("collect failed")
    heap_stats = backend.get_stats()[2]
    return seconds, sum(spent), heap_stats["collected"] + heap_stats["uncollectable"], out.tell() - before


def bytes_per_object(shape: str, n: int, model: str | None) -> float:
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    session = gcsh_session(shape, n, model)
    objects = len(session.backend.heap)
    used = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    del session
    return used / objects


def row(shape: str, n: int, reps: int, model: str | None, path: str = "plain") -> dict:
    accel.set_mode("always" if path == "compiled" else "never")
    ours, elapsed, theirs, ratios = [], [], [], []
    gcsh_collect(shape, n, model)  # warm-up: the first touch of fresh memory is slow on some VMs
    for _ in range(reps):
        seconds, own, found, output = gcsh_collect(shape, n, model)
        session = gcsh_session(shape, n, model)  # the same heap again, for CPython to mirror
        cpy, cpy_found = cpython_collect(session.backend.heap, time.process_time)
        del session
        if cpy_found != found:
            raise RuntimeError(f"{shape} {n}: gcsh found {found}, CPython {cpy_found}")
        ours.append(seconds)
        elapsed.append(own)
        theirs.append(cpy)
        ratios.append(seconds / cpy)
    return {"n": n, "shape": shape, "path": path, "cpython_ms": 1e3 * statistics.median(theirs),
            "gcsh_ms": 1e3 * statistics.median(ours), "elapsed_ms": 1e3 * statistics.median(elapsed),
            "ratio": statistics.median(ratios), "found": found, "output": output}


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import os
    return f"{cpu}, {os.cpu_count()} CPUs, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def table(rows: list[dict]) -> list[str]:
    lines = ["| objects | shape | path | CPython gc.collect() ms | gcsh `collect` ms (the collector alone) | ratio | "
             "output bytes |", "|---:|---|---|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r['n']:,} | {r['shape']} | {r['path']} | {r['cpython_ms']:.1f} | {r['gcsh_ms']:.1f} "
                     f"({r['elapsed_ms']:.1f}) | {r['ratio']:.2f}x | {r['output']:,} |")
    return lines


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", default="100000,1000000")
    p.add_argument("--shapes", default=",".join(SHAPES))
    p.add_argument("--paths", default="plain,compiled")
    p.add_argument("--reps", type=int, default=3)
    p.add_argument("--model", default=None)
    p.add_argument("--bytes", action="store_true", help="also measure bytes per object (tracemalloc)")
    args = p.parse_args(argv)
    paths = args.paths.split(",")
    if "compiled" in paths:
        start = time.perf_counter()
        if not accel.available():
            print("# the compiled path needs the fast extra (numba): running the plain path only")
            paths = [x for x in paths if x != "compiled"]
        else:
            gcsh_collect("ring", 3000, args.model)  # compile, or load the cache, before any timing
            print(f"# numba import and first compile/cache load: {time.perf_counter() - start:.2f} s (once per process)")
    print(f"# {machine()}")
    rows = []
    print("\n".join(table([])))
    for n in (int(s) for s in args.sizes.split(",")):
        for shape in args.shapes.split(","):
            for path in paths:
                rows.append(row(shape, n, args.reps, args.model, path))
                print(table(rows[-1:])[-1], flush=True)
    if args.bytes:
        for n in (int(s) for s in args.sizes.split(",")):
            for shape in args.shapes.split(","):
                print(f"# bytes per object, {shape} {n:,}: {bytes_per_object(shape, n, args.model):.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
