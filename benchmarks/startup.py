"""Start-up: `gcsh -c count` against a bare `python -c pass`, and the first interactive prompt
against a bare prompt_toolkit session, same interpreter, bytecode cached.

    python benchmarks/startup.py [--runs 30] [--prompt-runs 10]

Byte-code is cached first (this machine sets PYTHONDONTWRITEBYTECODE=1, so a
PYTHONPYCACHEPREFIX is used), as after `pip install`. The commands run alternately; each
one's median wall time is printed, with gcsh's as a ratio to Python's and in ms over it
(goal: at most 25 ms). The first prompt is timed in a pseudo-terminal from the start of
the process to the prompt's text (goal: at most a bare PromptSession + 30 ms). Also lists
which heavy modules `gcsh -c count` imported (none should be).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COMMANDS = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "gcsh -c count": [sys.executable, "-m", "gcsh", "-c", "count"],
}
BARE_PROMPT = "from prompt_toolkit import PromptSession; PromptSession().prompt('gcsh sim> ')"
HEAVY = ("numpy", "scipy", "numba", "prompt_toolkit", "graphviz", "pygments", "dataclasses", "inspect", "json",
         "random", "difflib", "tempfile", "locale", "argparse", "platformdirs")
PROBE = ("import sys; before = set(sys.modules); import io; from gcsh.cli import main; "
         "main(['-c', 'count'], stdout=io.StringIO()); "
         f"print(sorted(m for m in {HEAVY!r} if m in sys.modules and m not in before))")


def wall(argv: list[str], env: dict) -> float:
    start = time.perf_counter()
    subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def first_prompt(argv: list[str], env: dict, pattern: str) -> float:
    """Seconds from spawning ARGV in a pseudo-terminal until PATTERN (a regex) appears (then Ctrl-D)."""
    import pexpect
    start = time.perf_counter()
    child = pexpect.spawn(argv[0], argv[1:], env=env, dimensions=(24, 80), encoding="utf-8")
    child.expect(pattern, timeout=30)
    elapsed = time.perf_counter() - start
    child.sendcontrol("d")
    child.expect(pexpect.EOF, timeout=30)
    child.close()
    return elapsed


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--runs", type=int, default=30)
    p.add_argument("--prompt-runs", type=int, default=10)
    args = p.parse_args(argv)
    cache = tempfile.mkdtemp(prefix="gcsh-pycache-")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(PYTHONPYCACHEPREFIX=cache, PYTHONPATH=ROOT + os.pathsep + env.get("PYTHONPATH", ""))
    subprocess.run([sys.executable, "-m", "compileall", "-q", os.path.join(ROOT, "gcsh")], env=env, check=True)
    times: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for _ in range(3):  # warm-up: the file cache and the bytecode of the standard library
        for argv_ in COMMANDS.values():
            wall(argv_, env)
    for _ in range(args.runs):
        for name, argv_ in COMMANDS.items():
            times[name].append(wall(argv_, env))
    medians = {name: 1e3 * statistics.median(t) for name, t in times.items()}
    print(f"load {os.getloadavg()[0]:.2f}")
    for name, ms in medians.items():
        print(f"{name:16} {ms:7.1f} ms (min {1e3 * min(times[name]):.1f})")
    base, gcsh = medians["python -c pass"], medians["gcsh -c count"]
    print(f"gcsh -c count: {gcsh / base:.2f}x python -c pass, +{gcsh - base:.1f} ms (goal +25 ms)")
    imported = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True).stdout.strip()
    print(f"heavy modules imported by `gcsh -c count`: {imported}")
    if args.prompt_runs:
        try:
            import pexpect  # noqa: F401
        except ImportError:
            print("first prompt: not measured (pip install pexpect)")
            return 0
        tty_env = {**env, "GCSH_HISTFILE": "", "GCSH_CONFIG": "", "TERM": "xterm", "PROMPT_TOOLKIT_NO_CPR": "1"}
        bare, shell = [], []
        for _ in range(args.prompt_runs):
            bare.append(first_prompt([sys.executable, "-c", BARE_PROMPT], tty_env, "gcsh sim>"))
            # the prompt `gcsh sim 3.11> ` (its parts styled apart), not the welcome line's "(sim 3.11)"
            shell.append(first_prompt([sys.executable, "-m", "gcsh"], tty_env, r"\d(\x1b\[[0-9;]*m)+>"))
        b, s = 1e3 * statistics.median(bare), 1e3 * statistics.median(shell)
        print(f"first prompt: bare PromptSession {b:.1f} ms, gcsh {s:.1f} ms: +{s - b:.1f} ms (goal +30 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
