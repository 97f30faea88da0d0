"""Start-up: `gcsh -c count` against a bare `python -c pass`, same interpreter.

    python benchmarks/startup.py [--runs 30]

Runs the two commands alternately and prints each one's median wall time and
their difference; also whether numpy, scipy, prompt_toolkit or graphviz were
imported (none should be). Byte-code is written first, so compiling does not count.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

COMMANDS = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "gcsh -c count": [sys.executable, "-m", "gcsh", "-c", "count"],
}
PROBE = ("import sys, io; from gcsh.cli import main; main(['-c', 'count'], stdout=io.StringIO()); "
         "print(sorted(m for m in ('numpy', 'scipy', 'prompt_toolkit', 'graphviz', 'pygments') if m in sys.modules))")


def wall(argv: list[str], env: dict) -> float:
    start = time.perf_counter()
    subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--runs", type=int, default=30)
    args = p.parse_args(argv)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run([sys.executable, "-m", "compileall", "-q", "gcsh"], env=env, check=True,
                   cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    times: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for _ in range(3):  # warm-up: file cache
        for argv_ in COMMANDS.values():
            wall(argv_, env)
    for _ in range(args.runs):
        for name, argv_ in COMMANDS.items():
            times[name].append(wall(argv_, env))
    medians = {name: 1e3 * statistics.median(t) for name, t in times.items()}
    for name, ms in medians.items():
        print(f"{name:16} {ms:7.1f} ms (min {1e3 * min(times[name]):.1f})")
    print(f"{'difference':16} {medians['gcsh -c count'] - medians['python -c pass']:7.1f} ms")
    imported = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True).stdout.strip()
    print(f"heavy modules imported by `gcsh -c count`: {imported}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
