"""What observing costs the observed heap: gen0's counter movement and the cyclic garbage left per
command, gcsh's live backend against plain `python -i` doing the same thing, same interpreter:
reading from a pipe, and typed into the interactive shell in a real terminal (tmux).

    python benchmarks/perturbation.py [--commands 50] [--gcsh-path DIR]

Both first turn automatic collection off and collect; then each runs N `count`s (gcsh) or
`gc.get_count()` lines (python), then a collection. Printed: the mean and largest movement of
gen0 between two counts in a row, and what the last collection found (the garbage the N commands
left), for both, and gcsh's mean movement as a ratio to python's. In the terminal each line is
typed a few keys at a time, so the prompt's completion menu and toolbar redraw in between.
--gcsh-path runs another gcsh checkout (an older one, to compare).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests"))
GCSH = ROOT  # the gcsh that runs (--gcsh-path)


def _moves(counts: list[int]) -> tuple[float, int]:
    steps = [abs(b - a) for a, b in zip(counts, counts[1:])]
    return sum(steps) / len(steps), max(steps)


def gcsh(n: int) -> tuple[float, int, int]:
    script = "disable\ncollect\n" + "count\n" * n + "collect\n"
    out = subprocess.run([sys.executable, "-m", "gcsh", "--backend", "live", "--json"], input=script,
                         capture_output=True, text=True, env={**os.environ, "PYTHONPATH": GCSH}).stdout
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


def in_terminal(command: str, ready: str, lines: list[str], done: str) -> str:
    """Type LINES into COMMAND running in tmux (READY: its prompt; DONE: the last line's output);
    everything it printed."""
    from tmux import Tmux
    with tempfile.TemporaryDirectory() as work:
        t = Tmux(Path(work), f"env PYTHONPATH={shlex.quote(GCSH)} {command}", columns=120)
        try:
            t.wait(ready, timeout=60)
            for line in lines:
                for piece in re.findall(r".{1,3}(?<!;)|.+", line):  # (tmux takes a word ending in ; for its own)
                    t.keys("-l", piece)
                    time.sleep(0.01)
                t.keys("Enter")
                time.sleep(0.05)
            t.wait(done, timeout=120)
            return t.screen(scrollback=True)
        finally:
            t.close()


def gcsh_typed(n: int) -> tuple[float, int, int]:
    lines = ["disable; collect", *["count"] * n, "collect"]
    screen = in_terminal(f"{shlex.quote(sys.executable)} -m gcsh --backend live", r"^gcsh live", lines,
                         r"> collect\ncollect\(2\): \d+")
    counts = [int(c) for c in re.findall(r"> count\n\((\d+), 0, 0\)", screen)]
    garbage = int(re.findall(r"collect\(2\): (\d+) unreachable", screen)[-1])
    return (*_moves(counts), garbage)


def python_typed(n: int) -> tuple[float, int, int]:
    lines = ["import gc; gc.disable(); gc.collect()", *["gc.get_count()[0]"] * n, "print('garbage', gc.collect())"]
    screen = in_terminal(f"{shlex.quote(sys.executable)} -i -q", r"^>>>", lines, r"^garbage \d+")
    counts = [int(c) for c in re.findall(r">>> gc\.get_count\(\)\[0\]\n(\d+)", screen)]
    garbage = int(re.search(r"^garbage (\d+)", screen, re.M).group(1))
    return (*_moves(counts), garbage)


def report(label: str, n: int, p: tuple, g: tuple) -> None:
    print(label)
    for name, (mean, largest, garbage) in (("python -i", p), ("gcsh live", g)):
        print(f"  {name:10} gen0 moves {mean:5.1f} per command (at most {largest}); "
              f"garbage left by {n} commands: {garbage}")
    print(f"  gcsh / python, mean gen0 movement per command: {g[0] / p[0]:.2f}" if p[0] else
          "  python's gen0 did not move")


def main() -> None:
    global GCSH
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commands", type=int, default=50)
    parser.add_argument("--gcsh-path", default=ROOT)
    args = parser.parse_args()
    n, GCSH = args.commands, os.path.abspath(args.gcsh_path)
    report("from a pipe:", n, python(n), gcsh(n))
    if shutil.which("tmux") is None:
        print("typed in a terminal: needs tmux")
        return
    report("typed in a terminal (tmux):", n, python_typed(n), gcsh_typed(n))


if __name__ == "__main__":
    main()
