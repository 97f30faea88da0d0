"""The live page: how long after a command the page in the browser shows its result.

    python benchmarks/page_redraw.py [--sizes 100,1000,10000] [--reps 7]

For each heap size (a `random` heap of lists, three references each), gcsh runs with `view` open and
Debian's headless chromium shows the page; each repetition allocates a new name and times, from
the moment the command is written to gcsh's stdin, until the page's picture shows that name
(command, heap snapshot, Graphviz, the event stream and the browser's redraw, all together). Also
printed: gcsh's own part (the end of the command to the finished picture, as the page reports it).
Needs chromium, node and playwright-core (npm ci --prefix tests/browser), and Graphviz.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from chromium import Chromium, missing  # noqa: E402
from pages import Gcsh, get  # noqa: E402


def measure(size: int, reps: int, browser: Chromium, work: Path) -> dict:
    g = Gcsh(work, "--model", "3.11")
    try:
        assert g.run("disable")["ok"]
        objects = g.run(f"random r {size} --edges {3 * size} --seed 1")["result"]["objects"] if size else 0
        url = g.open_page()
        browser.goto(url)
        browser.wait_text("#connection", "live")
        browser.wait_text("#toolbar", f" {objects} objects")
        total, inside = [], []
        for i in range(reps + 1):  # the first is a warm-up
            started = time.perf_counter()
            assert g.run(f"alloc probe{i}")["ok"]
            browser.wait_text("#picture", f"probe{i}", timeout=30)
            seconds = time.perf_counter() - started
            state = json.loads(get(url + "state.json")[2])
            if i:
                total.append(seconds)
                inside.append(state["seconds"])
        return {"objects": objects, "median_s": statistics.median(total), "max_s": max(total),
                "gcsh_s": statistics.median(inside)}
    finally:
        g.end("eof")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", default="100,1000,10000")
    p.add_argument("--reps", type=int, default=7)
    args = p.parse_args(argv)
    why = missing()
    if why:
        print(f"cannot run: {why}", file=sys.stderr)
        return 1
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print("| objects | command to page, median s | worst s | gcsh's part, median s |")
    print("|---:|---:|---:|---:|")
    browser = Chromium()
    try:
        with tempfile.TemporaryDirectory() as work:
            for size in (int(s) for s in args.sizes.split(",")):
                row = measure(size, args.reps, browser, Path(work))
                print(f"| {row['objects']:,} | {row['median_s']:.3f} | {row['max_s']:.3f} | {row['gcsh_s']:.3f} |",
                      flush=True)
    finally:
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
