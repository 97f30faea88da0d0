"""A long session: a million commands through the runner, and what memory does meanwhile.

    python benchmarks/long_session.py [--commands 1000000] [--model 3.11] [--json FILE]

The script streams commands from a generator (never a list of a million lines)
into one Session whose output goes nowhere. Growth is counted from the second
sample on, once imports and caches have settled. The commands build cycles, weak
references, finalizers and dicts, drop them and collect, so that the live heap
stays a few dozen objects while ids keep being given out. Every `--every`
commands it records the process's resident memory and the simulated heap's
own size (its columns and what they hold), and at the end reports how much of
the growth is the heap itself and how much is anything else (the runner, the
parser, checkpoints, output): that second number is what must stay flat.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gcsh.runner import Session  # noqa: E402

PATTERN = (
    "alloc a object; alloc b dict; link a b; link b a",
    "weakref w a --callback; alloc f finalizer; link f a",
    "del a b f; collect 0",
    "alloc t tuple w 1 'x'; count; del t w",
    "alloc o object; link o o; del o",
    "collect; stats; objects 0",
    "alloc x; alloc y; link x y; del y; unlink x y; del x",
    "garbage; freezecount; threshold",
)


class Nowhere(io.TextIOBase):
    def write(self, text: str) -> int:
        return len(text)


def commands(n: int):
    """Lines holding N statements in all (the pattern repeated)."""
    sizes = [line.count(";") + 1 for line in PATTERN]
    done, i = 0, 0
    while done < n:
        line = PATTERN[i % len(PATTERN)]
        done += sizes[i % len(PATTERN)]
        i += 1
        yield line


def rss_bytes() -> int:
    """Resident memory now (Linux /proc; elsewhere the peak from getrusage)."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        import resource
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak if sys.platform == "darwin" else peak * 1024


def heap_bytes(heap) -> int:
    """The simulated heap's own memory: every object its fields hold, counted once (the
    model, the output function and the collector hook are shared, not the heap's)."""
    shared = (heap.model, heap.emit, heap.on_alloc)
    seen = {id(x) for x in shared}
    todo = [v for k, v in vars(heap).items() if k not in ("model", "emit", "on_alloc")]
    total = sys.getsizeof(vars(heap))
    while todo:
        obj = todo.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        total += sys.getsizeof(obj)
        if isinstance(obj, (list, tuple, set, frozenset)):
            todo.extend(obj)
        elif isinstance(obj, dict):
            todo.extend(obj.keys())
            todo.extend(obj.values())
        elif hasattr(obj, "__dict__"):  # the heap's parts (names, journal): their fields, not their class
            todo.extend(vars(obj).values())
        elif hasattr(type(obj), "__slots__") and not isinstance(obj, type):  # literals, journal records
            todo.extend(getattr(obj, slot) for slot in type(obj).__slots__ if hasattr(obj, slot))
    return total


def measure(n: int, model: str, every: int) -> dict:
    session = Session(Nowhere(), Nowhere(), model=model, keep_going=True)
    samples = []
    started = time.perf_counter()
    done = 0
    batch: list[str] = []
    for line in commands(n):
        batch.append(line)
        done += line.count(";") + 1
        if done % every < line.count(";") + 1 or done >= n:
            session.run_lines(batch, "<long>")
            batch = []
            heap = session.sim.heap
            samples.append({"commands": done, "seconds": round(time.perf_counter() - started, 2),
                            "rss": rss_bytes(), "heap_bytes": heap_bytes(heap), "ids": heap.size(),
                            "live": len(heap)})
    first, last = samples[min(1, len(samples) - 1)], samples[-1]  # after the first sample: warmed up
    rss_growth = last["rss"] - first["rss"]
    heap_growth = last["heap_bytes"] - first["heap_bytes"]
    return {
        "commands": done, "model": model, "failures": session.failures,
        "seconds": last["seconds"], "commands_per_second": round(done / max(last["seconds"], 1e-9)),
        "live_objects_at_end": last["live"], "ids_given_out": last["ids"],
        "rss_growth_bytes": rss_growth, "heap_growth_bytes": heap_growth,
        "heap_bytes_per_id": round(heap_growth / max(1, last["ids"] - first["ids"]), 1),
        "growth_outside_heap_bytes": rss_growth - heap_growth,
        "samples": samples,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--commands", type=int, default=1_000_000)
    parser.add_argument("--model", default="3.11")
    parser.add_argument("--every", type=int, default=50_000, help="commands between two samples")
    parser.add_argument("--json", help="also write the result to this file")
    args = parser.parse_args(argv)
    result = measure(args.commands, args.model, args.every)
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=1) + "\n")
    mb = 1 / (1024 * 1024)
    print(f"{result['commands']:,} commands in {result['seconds']} s ({result['commands_per_second']:,}/s), "
          f"{result['failures']} failed")
    print(f"live objects at the end: {result['live_objects_at_end']}; ids given out: {result['ids_given_out']:,}")
    print(f"resident memory grew {result['rss_growth_bytes'] * mb:.1f} MB; the heap's own memory grew "
          f"{result['heap_growth_bytes'] * mb:.1f} MB ({result['heap_bytes_per_id']} bytes per id given out)")
    print(f"growth outside the heap: {result['growth_outside_heap_bytes'] * mb:.1f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
