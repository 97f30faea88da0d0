"""The live leak commands on a large real heap, against CPython's own gc.collect() on the same heap.

    python benchmarks/leaks.py [--objects 1000000] [--reps 3]

The heap: OBJECTS tracked objects in 2-cycles (a Doc instance and a Parser instance holding each
other), half of them reachable from a list bound to a name, half of them unreachable garbage
(collection off), as a leaking program has them. Each repetition times `find Doc`, `pending`
and (on a tenth of the heap, the size the docs promise) `dominators` through the runner, then
a full gc.collect() on an identical heap built beside it. Times are process CPU seconds;
ratios are per repetition, medians shown, after one warm-up.
"""

from __future__ import annotations

import argparse
import gc
import io
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gcsh.runner import Session  # noqa: E402

BUILD = ('py exec("class Parser:\\n def __init__(s, d): s.doc = d\\nclass Doc:\\n def __init__(s): '
         's.parser = Parser(s)\\n def __del__(s): pass")\n'
         'py kept = [Doc() for i in range({half})]\npy for i in range({half}): Doc()\n')


def timed(session: Session, command: str) -> float:
    start = time.process_time()
    session.run_text(command)
    return time.process_time() - start


def one(objects: int) -> dict[str, float]:
    out = {}
    gc.collect()
    small = Session(io.StringIO(), io.StringIO(), backend="live")  # the tenth first: nothing else is there
    small.run_text("disable")
    small.run_text(BUILD.format(half=objects // 40))
    out["dominators (tenth)"] = timed(small, "dominators")
    start = time.process_time()
    gc.collect()
    out["gc.collect (tenth)"] = time.process_time() - start
    small.run_text("reset")
    small.close()
    del small
    gc.collect()
    session = Session(io.StringIO(), io.StringIO(), backend="live")
    session.run_text("disable")
    session.run_text(BUILD.format(half=objects // 4))  # two objects a pair
    out["find"] = timed(session, "find Doc --limit 10")
    out["pending"] = timed(session, "pending")
    start = time.process_time()
    gc.collect()
    out["gc.collect"] = time.process_time() - start  # frees the garbage half of that same heap
    session.run_text("reset")
    session.close()
    del session
    gc.collect()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--objects", type=int, default=1_000_000)
    parser.add_argument("--reps", type=int, default=3)
    args = parser.parse_args()
    one(args.objects // 10)  # warm-up
    runs = [one(args.objects) for _ in range(args.reps)]
    print(f"live backend, {args.objects:,} tracked objects of the program (half garbage), Python {sys.version.split()[0]}")
    for key in ("find", "pending", "gc.collect", "dominators (tenth)", "gc.collect (tenth)"):
        secs = statistics.median(r[key] for r in runs)
        base = "gc.collect (tenth)" if "tenth" in key else "gc.collect"
        ratio = statistics.median(r[key] / r[base] for r in runs)
        print(f"  {key:20} {secs:7.3f} s   {ratio:6.1f} × gc.collect()")


if __name__ == "__main__":
    main()
