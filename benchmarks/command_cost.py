"""The fixed cost of a command: what gcsh spends on a line outside the heap work.

    python benchmarks/command_cost.py [--commands 100000] [--reps 3] [--no-automatic]

Runs the script of perf-kernel.md's Goal 2 (`alloc a{i}; link a{i} a{i-1}; alloc a{i+1};
link a{i+1} a{i}; del a{i}`, 40/40/20) three ways, each on a fresh simulator, CPU time,
median of REPS:

- gcsh: the lines through `Session.run_lines`, output to a buffer that is thrown away;
- handlers: the same commands' handlers called directly with their arguments already
  bound, wrapped in what the backend itself asks for around a command (checkpoint,
  begin_command, end_command): the heap work;
- floor: a plain loop (str.split, one dict dispatch) around those handler calls, the
  cheapest a command loop in Python can be.

The fixed cost is gcsh minus handlers, per command (goal: at most 5 us); the floor says
how much of it any Python loop pays.
"""

from __future__ import annotations

import argparse
import gc
import io
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from gcsh.commands.parser import parse_statement  # noqa: E402
from gcsh.runner import Context, Session  # noqa: E402
from gcsh.syntax import split_line  # noqa: E402


def script(commands: int) -> list[str]:
    lines, i = [], 0
    while len(lines) < commands:
        lines += [f"alloc a{i}", f"link a{i} a{i - 1}" if i else f"link a{i} a{i}", f"alloc a{i + 1}",
                  f"link a{i + 1} a{i}", f"del a{i}"]
        i += 2
    return lines[:commands]


class Discard(io.TextIOBase):
    def write(self, text: str) -> int:
        return len(text)


def session(automatic: bool) -> Session:
    s = Session(Discard(), Discard(), model="3.11")
    if not automatic:
        s.run_line("disable")
    return s


def time_gcsh(lines: list[str], automatic: bool) -> float:
    s = session(automatic)
    with s.interrupts.handling():  # as `gcsh FILE` runs: the Ctrl-C handler installed once
        start = time.process_time()
        ok = s.run_lines(lines, "<bench>")
        elapsed = time.process_time() - start
    assert ok, "the benchmark script failed"
    s.close()  # (its heap and journal are freed now, not left for the next measurement to carry)
    return elapsed


def bound(lines: list[str]):
    """(command, handler, args) for each line, parsed once outside the timing."""
    out = []
    for line in lines:
        (statement,) = split_line(line)
        inv = parse_statement(statement)
        out.append((inv.command.name, inv.command.handler, inv.args, inv.word, len(statement.texts)))
    return out


def time_handlers(calls, automatic: bool) -> float:
    s = session(automatic)
    backend = s.backend
    s.host_collector.ease()  # as run_lines does for the simulator
    start = time.process_time()
    for name, handler, args, word, words in calls:
        undo = backend.checkpoint(name, words)
        backend.begin_command()
        handler(Context(s, backend, word), **args)
        backend.end_command()
        del undo
    elapsed = time.process_time() - start
    s.host_collector.restore()
    s.close()
    return elapsed


def time_floor(lines: list[str], calls, automatic: bool) -> float:
    s = session(automatic)
    backend = s.backend
    by_word = {}
    for (name, handler, args, word, words), line in zip(calls, lines):
        by_word.setdefault(line.split()[0], handler)
    out = []
    s.host_collector.ease()
    start = time.process_time()
    for line, (name, _, args, word, words) in zip(lines, calls):
        handler = by_word[line.split()[0]]  # the split and the dispatch
        undo = backend.checkpoint(name, words)
        backend.begin_command()
        out.append(handler(Context(s, backend, word), **args).text)
        backend.end_command()
        del undo
    elapsed = time.process_time() - start
    s.host_collector.restore()
    s.close()
    return elapsed


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--commands", type=int, default=100_000)
    p.add_argument("--reps", type=int, default=3)
    p.add_argument("--no-automatic", action="store_true", help="run with automatic collection off")
    args = p.parse_args(argv)
    automatic = not args.no_automatic
    lines = script(args.commands)
    calls = bound(lines)
    rows = {"gcsh": [], "handlers": [], "floor": []}
    for _ in range(args.reps):  # (each from a clean host heap: the previous run's garbage collected first)
        gc.collect()
        rows["gcsh"].append(time_gcsh(lines, automatic))
        gc.collect()
        rows["handlers"].append(time_handlers(calls, automatic))
        gc.collect()
        rows["floor"].append(time_floor(lines, calls, automatic))
    n = len(lines)
    us = {k: 1e6 * statistics.median(v) / n for k, v in rows.items()}
    print(f"{n} commands, automatic collection {'on' if automatic else 'off'}, load {os.getloadavg()[0]:.2f}")
    for k in rows:
        print(f"  {k:9} {us[k]:6.2f} us/command  ({1e6 / us[k]:9,.0f} commands/s)")
    fixed, floor = us["gcsh"] - us["handlers"], us["floor"] - us["handlers"]
    print(f"  fixed cost {fixed:.2f} us/command (goal 5.0: {fixed / 5.0:.2f}x); a plain loop's: {floor:.2f} us")
    return 0


if __name__ == "__main__":
    sys.exit(main())
