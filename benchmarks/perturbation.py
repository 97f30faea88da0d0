"""What observing costs the observed heap: gen0's counter movement and the cyclic garbage left per
command, gcsh's live backend (reading commands from a pipe) against plain `python -i` doing the
same thing (reading `gc.get_count()` lines from a pipe), same interpreter.

    python benchmarks/perturbation.py [--commands 50]

Both first turn automatic collection off and collect; then each runs N `count`s (gcsh) or
`gc.get_count()` lines (python), then a collection. Printed: the mean and largest movement of
gen0 between two counts in a row, and what the last collection found (the garbage the N commands
left), for both, and gcsh's mean movement as a ratio to python's.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _moves(counts: list[int]) -> tuple[float, int]:
    steps = [abs(b - a) for a, b in zip(counts, counts[1:])]
    return sum(steps) / len(steps), max(steps)


def gcsh(n: int) -> tuple[float, int, int]:
    script = "disable\ncollect\n" + "count\n" * n + "collect\n"
    out = subprocess.run([sys.executable, "-m", "gcsh", "--backend", "live", "--json"], input=script,
                         capture_output=True, text=True, env={**os.environ, "PYTHONPATH": ROOT}).stdout
    objs = [json.loads(line) for line in out.splitlines()]
    counts = [o["result"]["count"][0] for o in objs if o["command"] == "count"]
    garbage = [o["result"]["unreachable"] for o in objs if o["command"] == "collect"][-1]
    return (*_moves(counts), garbage)


def python(n: int) -> tuple[float, int, int]:
    script = ("import gc\ngc.disable()\ngc.collect()\n" + "print(gc.get_count()[0])\n" * n
              + "print('garbage', gc.collect())\n")
    out = subprocess.run([sys.executable, "-i", "-q"], input=script, capture_output=True, text=True).stdout
    lines = out.split()
    counts = [int(word) for word in lines if word.isdigit()][:n]
    garbage = int(lines[lines.index("garbage") + 1])
    return (*_moves(counts), garbage)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commands", type=int, default=50)
    n = parser.parse_args().commands
    g, p = gcsh(n), python(n)
    for name, (mean, largest, garbage) in (("python -i", p), ("gcsh live", g)):
        print(f"{name:10} gen0 moves {mean:5.1f} per command (at most {largest}); "
              f"garbage left by {n} commands: {garbage}")
    print(f"gcsh / python, mean gen0 movement per command: {g[0] / p[0]:.2f}" if p[0] else
          "python's gen0 did not move")


if __name__ == "__main__":
    main()
