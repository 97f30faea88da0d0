"""Run the reliability campaigns and write docs/reliability.md from what they found.

    python tools/reliability_report.py [--out docs/reliability.md] [--scale 1.0] [--long 1000000]

Every number in the page comes from this run: random programs on the simulator with
the heap checked after each command, fuzzed input through -c, files and stdin,
Ctrl-C injected at every line of long commands, hostile session files, failing
writes, real signals to child processes, and a long session. Anything that went
wrong is listed in the page (and the script exits 1). --scale multiplies the
campaign sizes (0.1 for a quick look); --long 0 skips the long session.
"""

from __future__ import annotations

import argparse
import copy
import errno
import io
import json
import os
import platform
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "benchmarks")]

from gcsh import __version__
from gcsh.tools import fuzzing  # noqa: E402
from gcsh.backends.sim import invariants, persist  # noqa: E402
from gcsh.cli import main as gcsh_main  # noqa: E402
import heapcheck  # noqa: E402  (tests/: sessions, snapshots, the rich heap)
import long_session  # noqa: E402  (benchmarks/)
import test_faults_interrupt as interrupt_cases  # noqa: E402
import test_persist_hostile as hostile_cases  # noqa: E402

MODELS = heapcheck.MODELS


class Tally:
    """Counts for one campaign, and the problems found (which must stay empty)."""

    def __init__(self, name: str, tried: str):
        self.name, self.tried = name, tried
        self.counts: dict[str, int] = {}
        self.problems: list[str] = []
        self.started = time.perf_counter()
        self.seconds = 0.0

    def add(self, key: str, n: int = 1) -> None:
        self.counts[key] = self.counts.get(key, 0) + n

    def problem(self, text: str) -> None:
        if len(self.problems) < 20:
            self.problems.append(text[:300])
        self.add("problems")

    def done(self) -> "Tally":
        self.seconds = time.perf_counter() - self.started
        return self


@contextmanager
def scratch_directory():
    old = os.getcwd()
    with tempfile.TemporaryDirectory() as place:
        fuzzing.prepare_directory(place)
        os.chdir(place)
        try:
            yield Path(place)
        finally:
            os.chdir(old)


def n(base: int, scale: float) -> int:
    return max(1, int(base * scale))


# ---------------------------------------------------------------- generated programs


def programs(scale: float, checkpoints: bool) -> Tally:
    label = "generated programs" if checkpoints else "generated programs, no checkpoint behind the handlers"
    t = Tally(label, "random command programs from the registry, every model; after each command: no internal "
                     "error, every invariant, and a failed command changed nothing")
    with scratch_directory():
        for seed in range(n(1000 if checkpoints else 300, scale)):
            rng = random.Random(seed)
            s = heapcheck.session(MODELS[seed % len(MODELS)])
            if not checkpoints:
                s.sim.checkpoint = lambda command, words: None
            t.add("programs")
            for line in fuzzing.program(rng, 100, junk=0.15):
                before, failures = heapcheck.snapshot(s), s.failures
                try:
                    s.run_line(line, "<program>", 1)
                except Exception as e:  # an internal error
                    t.problem(f"seed {seed}: {line!r}: {type(e).__name__}: {e}")
                    break
                t.add("commands", line.count(";") + 1)
                if s.failures > failures:
                    t.add("user errors reported (sourced files' lines included)", s.failures - failures)
                    if heapcheck.atomic(line) and heapcheck.snapshot(s) != before:
                        t.problem(f"seed {seed}: {line!r} failed but changed the heap")
                problems = invariants.problems(s.sim.heap)
                if problems:
                    t.problem(f"seed {seed}: after {line!r}: {problems[0]}")
                    break
                if line.split()[0] == "collect" and line.split()[1:2] in ([], ["2"]) and s.failures == failures:
                    t.add("full collections checked for cyclic garbage")
                    if invariants.cyclic_garbage(s.sim.heap):
                        t.problem(f"seed {seed}: cyclic garbage left after {line!r}")
    return t.done()


# ---------------------------------------------------------------- fuzzed input


def fuzz(scale: float) -> Tally:
    t = Tally("fuzzed input", "random unicode, bytes and hostile lines (huge, NUL, deep quotes) through a "
                              "session, -c, command files and stdin; every stderr line must be an error line")

    def clean(err: str, where: str) -> None:
        strange = [line for line in err.splitlines()
                   if not (": error: " in line or line.startswith("gc: ") or ": not valid UTF-8" in line
                           or "interrupted" in line)]
        if strange:
            t.problem(f"{where}: unexpected output {strange[0]!r}")

    def timed(where: str, run) -> None:
        started = time.perf_counter()
        try:
            run()
        except Exception as e:
            t.problem(f"{where}: {type(e).__name__}: {e}")
        elapsed = time.perf_counter() - started
        t.counts["ms for the slowest input"] = max(t.counts.get("ms for the slowest input", 0), int(elapsed * 1000))

    with scratch_directory() as place:
        for seed in range(n(3000, scale)):
            rng = random.Random(seed)
            text = fuzzing.noise_text(rng, rng.randrange(1, 400))

            def in_session():
                s = heapcheck.session("3.12")
                s.run_text(text, "<fuzz>")
                clean(s.stderr.getvalue(), f"text seed {seed}")
            timed(f"text seed {seed}", in_session)
            t.add("random texts")
        for seed in range(n(600, scale)):
            rng = random.Random(seed)
            data = fuzzing.noise_bytes(rng, rng.randrange(1, 600))
            (place / "fuzz.gcsh").write_bytes(data)
            for how, argv, stdin in (("file", ["--keep-going", "fuzz.gcsh"], b""), ("stdin", ["--keep-going"], data),
                                     ("-c", ["--keep-going", "-c", os.fsdecode(data.replace(b"\0", b""))], b"")):
                def in_process():
                    out, err = io.StringIO(), io.StringIO()
                    status = gcsh_main(argv, stdin=io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8"),
                                       stdout=out, stderr=err, env={})
                    if status not in (0, 1, 2):
                        t.problem(f"{how} seed {seed}: exit status {status}")
                    clean(err.getvalue(), f"{how} seed {seed}")
                timed(f"{how} seed {seed}", in_process)
                t.add(f"random byte inputs via {how}")
        for seed in range(n(40, scale)):
            for index, line in enumerate(fuzzing.hostile_lines(random.Random(seed))):
                def hostile():
                    s = heapcheck.session("3.11")
                    s.run_text(line, "<hostile>")
                    clean(s.stderr.getvalue(), f"hostile line {index} seed {seed}")
                timed(f"hostile line {index}", hostile)
                t.add("hostile lines (huge, NUL, deep quotes)")
        for seed in range(n(12, scale)):
            rng = random.Random(seed)
            arg = fuzzing.noise_bytes(rng, 300).replace(b"\0", b"")
            done = subprocess.run([sys.executable, "-m", "gcsh", "--keep-going", "--echo", "-c", os.fsdecode(arg)],
                                  input=fuzzing.noise_bytes(rng, 1000), capture_output=True, timeout=120, cwd=place)
            t.add("child processes with random argv bytes")
            if done.returncode not in (0, 1) or b"Traceback" in done.stderr:
                t.problem(f"child seed {seed}: status {done.returncode}: {done.stderr[-300:]!r}")
    return t.done()


# ---------------------------------------------------------------- interrupts


def interrupts(scale: float) -> Tally:
    t = Tally("Ctrl-C inside commands", "KeyboardInterrupt raised at lines the simulator runs during collections, "
                                         "automatic collections, bulk commands, reset and model, every model; "
                                         "the heap must be exactly as before and the session must go on "
                                         "as if the command had never run")
    per_scenario = n(1000, scale)
    for scenario, (setup, command) in interrupt_cases.SCENARIOS.items():
        for model in MODELS:
            lines = interrupt_cases.count_lines(model, setup, command)
            later = interrupt_cases.output_later(model, setup)
            if lines <= per_scenario:
                t.add("scenario runs interrupted at every line they run")
            for k in interrupt_cases.points(lines, per_scenario):
                t.add("interrupt points")
                wrong = interrupt_cases.check_interrupt(model, setup, command, k, later)
                if wrong:
                    t.problem(f"{scenario} ({model}): {wrong}")
            t.add("scenarios x models")
    return t.done()


# ---------------------------------------------------------------- session files


def hostile_files(scale: float) -> Tally:
    t = Tally("hostile session files", "load of damaged, truncated, foreign, future and hostile files (wrong "
                                       "types, dangling ids, absurd sizes, metadata cycles, huge numbers) and "
                                       "random single changes; each refused with one line and the heap kept, "
                                       "or loaded as a sound heap")
    s = heapcheck.session("3.10")
    heapcheck.run(s, heapcheck.RICH + "alloc i int; alloc st str; alloc o2 object; weakref w2 w.__callback__")
    good = persist.dump(s.sim.heap)
    with scratch_directory() as place:
        path = place / "s.json"

        def attempt(data: bytes, label: str, must_fail: bool) -> None:
            path.write_bytes(data)
            victim = heapcheck.session("3.13")
            heapcheck.run(victim, "alloc keep; link keep keep")
            before = heapcheck.snapshot(victim)
            ok, err = heapcheck.run(victim, f'load "{path}"')
            if ok:
                t.add("accepted as a sound heap")
                if must_fail:
                    t.problem(f"{label}: accepted")
                elif invariants.problems(victim.sim.heap):
                    t.problem(f"{label}: accepted an unsound heap")
            else:
                t.add("refused with one line, heap kept")
                if len(err) != 1 or heapcheck.snapshot(victim) != before:
                    t.problem(f"{label}: {err}")

        for name, change in hostile_cases.HOSTILE.items():
            attempt(json.dumps(hostile_cases.with_change(good, change)).encode(), name, True)
            t.add("catalogued hostile files")
        text = persist.to_text(persist.build(good)).encode()
        for cut in range(0, len(text) - 1, max(1, int(1 / max(scale, 0.01)))):
            attempt(text[:cut], f"truncated at {cut}", True)
            t.add("truncations")
        paths = list(hostile_cases.paths_in(good))[1:]
        for seed in range(n(3000, scale)):
            rng = random.Random(seed)
            doc = copy.deepcopy(good)
            where = rng.choice(paths)
            parent = doc
            for step in where[:-1]:
                parent = parent[step]
            parent[where[-1]] = rng.choice([None, True, -1, 0, 2 ** 70, 1.5, "x", [], {}, [0], {"int": 1}])
            attempt(json.dumps(doc).encode(), f"mutation {seed} at {where}", False)
            t.add("random single changes")
    return t.done()


# ---------------------------------------------------------------- failing writes


def write_faults(scale: float) -> Tally:
    t = Tally("failing writes", "save, export and graph -o with a full disk, an I/O error or Ctrl-C at the "
                                "moment of writing, and into directories or missing directories; the old file "
                                "must stay whole and no temporary file may remain")
    real_replace = os.replace
    writers = {"save": ('save "{}"', ".json"), "export": ('export "{}"', ".dot"), "graph -o": ('graph -o "{}"', ".dot")}
    failures = {"disk full": OSError(errno.ENOSPC, "No space left on device"),
                "I/O error": OSError(errno.EIO, "Input/output error"), "Ctrl-C": KeyboardInterrupt()}
    with scratch_directory() as place:
        for writer, (template, suffix) in writers.items():
            for label, failure in failures.items():
                target = place / f"target{suffix}"
                target.write_text("old")

                def fail(*args, raised=failure):
                    raise raised
                os.replace = fail
                try:
                    s = heapcheck.session()
                    heapcheck.run(s, "alloc a; link a a")
                    ok, err = heapcheck.run(s, template.format(target))
                finally:
                    os.replace = real_replace
                t.add("injected write failures")
                leftovers = [p.name for p in place.iterdir() if p.name.startswith(".target")]
                if ok or len(err) != 1 or target.read_text() != "old" or leftovers:
                    t.problem(f"{writer} with {label}: {err} {leftovers}")
            for bad in (str(place), str(place) + "/", str(place / "missing" / f"x{suffix}")):
                s = heapcheck.session()
                ok, err = heapcheck.run(s, "alloc a; " + template.format(bad))
                t.add("directory and missing-directory targets")
                if ok or len(err) != 1:
                    t.problem(f"{writer} into {bad}: {err}")
    return t.done()


# ---------------------------------------------------------------- signals


def signals(scale: float) -> Tally:
    t = Tally("signals to a running gcsh", "SIGINT and SIGTERM to child processes running a long script, "
                                           "at spread-out moments; exit 130 or 143 with one line, no traceback")
    if os.name != "posix":
        t.add("skipped (not POSIX)")
        return t.done()
    with scratch_directory() as place:
        script = place / "long.gcsh"
        script.write_text("rings r 400 5\n" + "collect\nring x 200; del x\n" * 3000)
        for i in range(n(10, scale)):
            for signum, status in ((signal.SIGINT, 130), (signal.SIGTERM, 143)):
                child = subprocess.Popen([sys.executable, "-m", "gcsh", str(script)], stdout=subprocess.PIPE,
                                         stderr=subprocess.PIPE, env=dict(os.environ, PYTHONUNBUFFERED="1"))
                child.stdout.readline()
                time.sleep(0.05 + 0.15 * i)
                child.send_signal(signum)
                out, err = child.communicate(timeout=120)
                t.add(f"{signal.Signals(signum).name} runs")
                if child.returncode != status or b"Traceback" in err:
                    t.problem(f"{signal.Signals(signum).name} after {0.05 + 0.15 * i:.2f} s: status "
                              f"{child.returncode}: {err[-300:]!r}")
    return t.done()


# ---------------------------------------------------------------- the live backend


def live_exits(scale: float) -> Tally:
    t = Tally("the live backend's ways out", "gcsh in this process on the real gc: settings changed, then the "
                                             "end of input, quit, a failing command, exceptions in __del__ and "
                                             "in gc callbacks, sys.exit and errors in py, switching backends; "
                                             "gc's enabled state, flags, thresholds, callbacks and frozen count "
                                             "must be as before")
    try:
        import test_faults_live as live_cases
    except Exception:  # no live backend in this build
        t.add("skipped (no live backend)")
        return t.done()
    for case, text in live_cases.CASES.items():
        for keep_going in (False, True):
            before = live_cases.gc_state()
            argv = ["--backend", "live"] + (["--keep-going"] if keep_going else []) + ["-c", text]
            try:
                gcsh_main(argv, stdin=io.StringIO(), stdout=io.StringIO(), stderr=io.StringIO(), env={})
            except SystemExit:
                pass
            t.add("runs")
            if live_cases.gc_state() != before:
                t.problem(f"{case}: gc was left as {live_cases.gc_state()}, not {before}")
    return t.done()


def generated(scale: float) -> Tally:
    t = Tally("generated hostile cases", "from the registry, in both backends (tests/test_faults_generated.py): "
                                         "every numeric argument at C's integer bounds, every line-separator "
                                         "character in -c text, files and stdin, Ctrl-C and MemoryError at "
                                         "random lines of every long command, and long commands under a real "
                                         "350 MB address-space limit; one error line or success, the heap "
                                         "unchanged by a failure, the session going on")
    import test_faults_generated as cases
    rng = random.Random(17)

    def attempt(key: str, check, *args) -> None:
        t.add(key)
        try:
            check(*args)
        except BaseException as e:  # noqa: BLE001  (a failed check or a crash: both are problems)
            t.problem(f"{key} {args!r}: {type(e).__name__}: {e}")

    with scratch_directory():
        for backend in ("sim", "live"):
            check = cases.check_bounds_sim if backend == "sim" else cases.check_bounds_live
            for cmd in fuzzing.numeric_commands(backend):
                for _ in range(n(40, scale)):
                    attempt(f"commands with numbers at C's bounds ({backend})", check, rng.randrange(2 ** 32), cmd)
        for separator in fuzzing.LINE_SEPARATORS:
            for _ in range(n(30, scale)):
                attempt("programs with line separators, 3 ways each", cases.check_separators,
                        rng.randrange(2 ** 32), separator)
        for name in cases.LONG:
            for exception in (KeyboardInterrupt, MemoryError):
                for _ in range(n(20, scale)):
                    attempt(f"long commands failing inside ({exception.__name__})", cases.check_failure_inside,
                            rng.choice(MODELS), name, rng.random() * 0.999, exception)
    if sys.platform == "linux":
        for text in cases.UNDER_THE_LIMIT:
            with tempfile.TemporaryDirectory() as place:
                attempt("long commands under a memory limit", cases.test_under_a_real_memory_limit, Path(place),
                        text)
    return t.done()


# ---------------------------------------------------------------- the page

FIXED = [
    "a decimal integer of more than 4,300 digits (`threshold 999…`) raised Python's ValueError: now one line",
    "a file name too long for the file system (`export`, `collect --frames`) raised OSError: now one line",
    "a full disk while writing a picture raised OSError: pictures now share the session files' atomic writer",
    "`source` of a FIFO or /dev/zero waited or read forever: only regular files are read, with a size limit",
    "bytes that are not UTF-8 in `-c` reached the commands as lone surrogates: now an error, as on stdin",
    "`save` into a directory serialised the whole heap before refusing: the path is checked first",
    "SIGTERM landing as the run ended skipped restoring the backends: the cleanup can no longer be cut short",
    "an empty quoted word as a debug flag (`flags \"\"`) raised IndexError: now one line",
    "live `flags 2147483648` (and `objects 2**63`) raised OverflowError: every number gc gets is checked first",
    "Ctrl-C or out of memory inside a trial's own clean-up (`whatif`, `cycles`) left the trial's changes",
    "out of memory in `graph` or `export` of a large heap ended the session: the error waits for the memory",
    "under an address-space limit, the compiled loops' LLVM aborted the process: they stay unloaded then",
    "`tree e 0 99999999999` (depth 0, a fanout past a C int) raised OverflowError: the root alone is built",
]


def long_run(commands: int) -> dict:
    return long_session.measure(commands, "3.11", every=max(1000, commands // 20))


def page(tallies: list[Tally], long_result: dict | None, seconds: float) -> str:
    mb = 1 / (1024 * 1024)
    lines = [
        "<!-- generated by tools/reliability_report.py: run it again rather than editing this page -->",
        "# Reliability",
        "",
        "Nothing crashes, nothing is lost: a mistake is one clear line and changes nothing, Ctrl-C in the "
        "middle of a long command leaves the heap as it was, a saved session comes back exactly or is "
        "refused, and files appear whole or not at all. This page says what was tried to break those "
        "promises, and what happened. The numbers are from one run of `tools/reliability_report.py` "
        f"(gcsh {__version__}, Python {platform.python_version()}, {platform.system()}, {seconds / 60:.1f} minutes).",
        "",
        "| campaign | what was tried | how many | problems |",
        "|---|---|---|---|",
    ]
    for t in tallies:
        counts = "; ".join(f"{v:,} {k}" for k, v in t.counts.items() if k != "problems")
        lines.append(f"| {t.name} | {t.tried} | {counts} | {t.counts.get('problems', 0)} |")
    if long_result:
        r = long_result
        lines.append(
            f"| long session | {r['commands']:,} commands through one session (benchmarks/long_session.py): "
            f"cycles, weak references, finalizers, collections | {r['commands']:,} commands in "
            f"{r['seconds']:.0f} s ({r['commands_per_second']:,}/s); {r['ids_given_out']:,} objects made, "
            f"{r['live_objects_at_end']} alive at the end | {r['failures']} |")
    problems = [p for t in tallies for p in t.problems]
    lines += ["", "## What this run found", ""]
    lines += ([f"- {p}" for p in problems] if problems else
              ["Nothing: no internal error, no broken invariant, no changed heap after a failed or interrupted "
               "command, no partial file, no traceback, no hang."])
    lines += ["", "Earlier runs of these campaigns found these, since fixed (the tests keep them fixed):", ""]
    lines += [f"- {item}" for item in FIXED]
    if long_result:
        r = long_result
        lines += [
            "", "## Memory over a long session", "",
            f"Resident memory grew {r['rss_growth_bytes'] * mb:.1f} MB over {r['commands']:,} commands. The "
            f"simulated heap's own memory grew {r['heap_growth_bytes'] * mb:.1f} MB: ids are never reused "
            f"(stable names and addresses), so each of the {r['ids_given_out']:,} objects made keeps its slot "
            f"in the heap's columns, about {r['heap_bytes_per_id']:.0f} bytes each, after it is freed. The "
            f"rest of the process (runner, parser, checkpoints, output) accounts for "
            f"{r['growth_outside_heap_bytes'] * mb:.1f} MB of resident growth, which is the allocator's slack "
            "rather than objects: tests/test_properties_long_session.py checks with tracemalloc that over "
            "100,000 commands everything that grows is the heap's own.",
            "", "| commands | seconds | resident MB | heap MB | ids given out | alive |", "|---|---|---|---|---|---|",
        ]
        for sample in r["samples"][:: max(1, len(r["samples"]) // 10)] + r["samples"][-1:]:
            lines.append(f"| {sample['commands']:,} | {sample['seconds']} | {sample['rss'] * mb:.1f} | "
                         f"{sample['heap_bytes'] * mb:.1f} | {sample['ids']:,} | {sample['live']} |")
    lines += [
        "", "## How gcsh keeps the promises", "",
        "- **A mistake changes nothing.** Commands check their arguments before they change the heap; the "
        "runner also undoes a failed command when it took a checkpoint. The campaigns above compare the "
        "whole heap (the session file's JSON) before and after every failed command, with and without that "
        "undo.",
        "- **Ctrl-C.** Before a command whose work grows with the heap (collect, freeze, bulk commands, "
        "load, reset) or during which an automatic collection may start, the simulator takes a checkpoint "
        "of the live objects; Ctrl-C then interrupts at once and the heap is put back. Other commands are "
        "short: Ctrl-C waits for their end and the run stops after them. Between commands Ctrl-C stops "
        "the run at once. gcsh exits with status 130.",
        "- **SIGTERM** ends gcsh through its normal exit path with status 143, so every backend restores "
        "what it changed (the live backend puts gc's flags, thresholds, callbacks, enabled state and "
        "frozen objects back); a signal during that restoring is ignored rather than cutting it short.",
        "- **Session files** are JSON with a format version, never pickle. Loading checks every field, bounds "
        "every size, and accepts the heap only if every invariant holds (refcounts equal references, nothing "
        "dangling, each object on one generation list); otherwise one line says what is wrong and the "
        "current heap stays.",
        "- **Files** (sessions and pictures) are written to a temporary file beside the target, flushed, and "
        "moved over it with `os.replace`; any failure removes the temporary file and leaves the old one.",
        "", "Regenerate this page (a few minutes; `--scale 0.1` for a quick look):", "",
        "```sh", "python tools/reliability_report.py", "```", "",
    ]
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "reliability.md"))
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--long", type=int, default=1_000_000, help="commands in the long session (0: skip)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    tallies = []
    for campaign in (lambda: programs(args.scale, True), lambda: programs(args.scale, False),
                     lambda: fuzz(args.scale), lambda: interrupts(args.scale), lambda: hostile_files(args.scale),
                     lambda: write_faults(args.scale), lambda: signals(args.scale), lambda: live_exits(args.scale),
                     lambda: generated(args.scale)):
        tally = campaign()
        tallies.append(tally)
        print(f"{tally.name}: {tally.counts} ({tally.seconds:.0f} s)", flush=True)
    long_result = long_run(args.long) if args.long else None
    if long_result:
        print(f"long session: {long_result['commands']:,} commands, {long_result['seconds']} s", flush=True)
    Path(args.out).write_text(page(tallies, long_result, time.perf_counter() - started), encoding="utf-8")
    return 1 if any(t.problems for t in tallies) or (long_result and long_result["failures"]) else 0


if __name__ == "__main__":
    raise SystemExit(main())
