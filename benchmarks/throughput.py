"""Script throughput: `gcsh FILE` on a file of simple alloc/link lines.

    python benchmarks/throughput.py [--commands 100000] [--model 3.11]

Writes a script of COMMANDS lines (alloc and link, half each, automatic
collection left on unless --no-automatic), runs it through the real command line as a subprocess and
prints commands per second, with and without the interpreter's start-up.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time


def script(commands: int, automatic: bool) -> str:
    lines = [] if automatic else ["disable"]
    for i in range(commands // 2):
        lines.append(f"alloc a{i}")
        lines.append(f"link a{i} a{i // 2}")
    return "\n".join(lines) + "\n"


def run(argv: list[str]) -> tuple[float, float]:
    """(wall seconds, child CPU seconds)."""
    before = os.times()
    start = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, check=True)
    elapsed = time.perf_counter() - start
    after = os.times()
    return elapsed, (after.children_user - before.children_user) + (after.children_system - before.children_system)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--commands", type=int, default=100_000)
    p.add_argument("--model", default="3.11")
    p.add_argument("--no-automatic", action="store_true", help="start the script with `disable`")
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "bulk.gcsh")
        with open(path, "w") as f:
            f.write(script(args.commands, not args.no_automatic))
        base_wall, base_cpu = run([sys.executable, "-m", "gcsh", "--model", args.model, "-c", "count"])
        wall, cpu = run([sys.executable, "-m", "gcsh", "--model", args.model, path])
    n = args.commands
    print(f"{n:,} commands: {wall:.2f} s wall, {cpu:.2f} s CPU")
    print(f"commands per second (wall): {n / wall:,.0f}; CPU, start-up excluded: {n / max(cpu - base_cpu, 1e-9):,.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
