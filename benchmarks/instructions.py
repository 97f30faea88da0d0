"""Machine instructions per command, counted by valgrind's callgrind: a measure noise cannot move.

    python benchmarks/instructions.py [--commands 20000] [--model 3.11]

On a shared machine the timings of command_cost.py and throughput.py move by a quarter from
run to run, more than most changes to a command's cost. Instructions do not: this runs
`gcsh FILE` under callgrind on throughput.py's script of COMMANDS alloc/link lines, and on its
first line alone, and prints the difference per command (start-up excluded). Compare two trees
by running it in each. Needs valgrind; takes about a minute for 20,000 commands.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from throughput import script  # noqa: E402


def instructions(path: str, model: str) -> int:
    python = os.path.realpath(sys.executable)  # (not a shim script: valgrind would count the shell)
    done = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", python, "-m", "gcsh",
                           "--model", model, path], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                          check=True)
    return int(re.search(r"Collected : (\d+)", done.stderr).group(1))


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--commands", type=int, default=20_000)
    p.add_argument("--model", default="3.11")
    args = p.parse_args(argv)
    if shutil.which("valgrind") is None:
        print("valgrind is not installed (Debian: apt-get install valgrind)", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        lines = script(args.commands, True).splitlines(keepends=True)
        many, one = os.path.join(tmp, "many.gcsh"), os.path.join(tmp, "one.gcsh")
        with open(many, "w") as f:
            f.writelines(lines)
        with open(one, "w") as f:
            f.writelines(lines[:1])
        total, start = instructions(many, args.model), instructions(one, args.model)
    per = (total - start) / (len(lines) - 1)
    print(f"{len(lines):,} commands: {per:,.0f} instructions per command ({start:,} for start-up and one command)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
