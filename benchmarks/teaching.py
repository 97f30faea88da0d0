"""Teaching sizes: every kind of command on a heap of 1,000 objects, timed through the runner.

    python benchmarks/teaching.py [--objects 1000] [--reps 20]

Prints each command's median time (process CPU time) and the slowest one.
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

COMMANDS = ["count", "stats", "threshold", "flags", "isenabled", "objects", "objects 0", "heap",
            "referrers g_5", "referents g", "tracked g_7", "finalized g_7", "freezecount", "garbage",
            "alloc extra; del extra", "alloc x; link x g_3; link g_4 x; unlink g_4 x; del x",
            "collect 0", "collect 1", "collect", "collect --trace", "freeze; unfreeze"]


def build(objects: int) -> Session:
    session = Session(io.StringIO(), io.StringIO())
    session.run_text(f"random g {objects - 201} --edges {objects - 201} --seed 1; rings k 50 4; del k")
    return session


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--objects", type=int, default=1000)
    p.add_argument("--reps", type=int, default=20)
    args = p.parse_args(argv)
    worst = ("", 0.0)
    for command in COMMANDS:
        times = []
        for _ in range(args.reps):
            session = build(args.objects)
            session.stdout = io.StringIO()
            gc.collect()  # the previous sessions' garbage is not this command's cost
            start = time.process_time()
            session.run_text(command)
            times.append(time.process_time() - start)
        ms = 1e3 * statistics.median(times)
        worst = max(worst, (command, ms), key=lambda x: x[1])
        print(f"{command:60} {ms:7.3f} ms")
    print(f"slowest: {worst[0]} ({worst[1]:.3f} ms) on {args.objects:,} objects")
    return 0


if __name__ == "__main__":
    sys.exit(main())
