"""`snapshot` of a large live heap into the simulator, the first time and again in the same session.

    python benchmarks/snapshot.py [--objects 1000000] [--times 3]

The live heap is N lists chained one to the next (made with `py`), or with `--shape random`
N one-item lists each pointing at a random other one; each `snapshot` copies
every tracked object of the interpreter but gcsh's own into the simulator. Printed: the
wall time of each snapshot, the objects it copied (the same every time: a copy never sees
the previous copy; later ones also hold numpy's objects, imported for large heaps), and, as the yardstick, what merely reading that heap costs in this
process (gc.get_objects, gc.get_referents and sys.getrefcount of every object).
"""

from __future__ import annotations

import argparse
import gc
import io
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gcsh.runner import Session  # noqa: E402


def reading_cost() -> float:
    start = time.perf_counter()
    objs = gc.get_objects()
    for obj in objs:
        gc.get_referents(obj)
    list(map(sys.getrefcount, objs))
    del objs
    return time.perf_counter() - start


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--objects", type=int, default=1_000_000)
    p.add_argument("--times", type=int, default=3)
    p.add_argument("--shape", choices=("chain", "random"), default="chain")
    args = p.parse_args(argv)
    out = io.StringIO()
    s = Session(out, io.StringIO(), json_mode=True, backend="live")
    try:
        assert s.run_text(f"py xs = [[] for _ in range({args.objects})]")
        if args.shape == "chain":
            assert s.run_text("py for a, b in zip(xs, xs[1:]): a.append(b)")
        else:
            assert s.run_text("py import random; random.seed(1)")
            assert s.run_text("py for a in xs: a.append(xs[random.randrange(len(xs))])")
        read = reading_cost()
        print(f"reading the heap: {read:.2f} s")
        for i in range(args.times):
            start = time.perf_counter()
            assert s.run_text("snapshot"), s.stderr.getvalue()
            seconds = time.perf_counter() - start
            info = json.loads(out.getvalue().splitlines()[-1])["result"]
            print(f"snapshot {i + 1}: {seconds:.2f} s ({seconds / read:.1f}x reading), {info['objects']:,} objects, "
                  f"{info['references']:,} references")
    finally:
        s.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
