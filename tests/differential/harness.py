"""Differential testing: a gcsh program in the simulator against its Python twin on CPython.

A program is a list of commands. Each runs in a sim `Session` of the chosen
model; from what the simulator did (which key a link used, which index an
unlink removed) it is translated into Python statements. After every command
both sides are observed: the counts, generations 0-2 in list order, refcount,
tracking and finalized state of every bound name, gc.garbage, the freeze
count, finalizer / weakref-callback / gc-callback events, collect's return
values and the collector's debug lines; at the end, gc.get_stats() and each
bound object's gc.get_referrers(). The worker (worker.py) runs the Python side
on the real interpreter (interpreters.py starts it, natively or in WebAssembly).

Observing CPython costs allocations (the tuple of gc.get_count(), the lists of
gc.get_objects()); the same scratch allocations are made on the simulated
heap (`Heap.scratch`), so that free lists and count0 stay in step.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass, field

from gcsh.backends.sim.kernel.layout import PERMANENT
from gcsh.runner import Session

CALLBACK = 'lambda r: _rec.append("C") or _rec.append(_idn.get(id(r)))'


# ---------------------------------------------------------------- programs


@dataclass
class Program:
    model: str
    lines: list[str] = field(default_factory=list)  # gcsh commands the simulator accepted
    python: list[list[str]] = field(default_factory=list)  # their Python statements
    names: list[str] = field(default_factory=list)
    values: dict = field(default_factory=dict)  # literal item -> Python global holding it
    sim: list[dict] = field(default_factory=list)  # observations: baseline, then one per command
    stats: list[dict] = field(default_factory=list)  # gc.get_stats() at the end
    referrers: dict = field(default_factory=dict)  # gc.get_referrers() of each bound object, at the end

    def source(self, threshold) -> str:
        """The Python program: it first resets the collector (collect, freeze what exists, collect
        again: the program's objects are then alone in generations 0-2, long_lived_total is 0 and
        the free lists are empty; the incremental collector's visited space is old[1], as the
        simulator's), then runs each command, a safe point and an observation."""
        body = ["gc.disable(); gc.set_threshold(%d, %d, %d)" % tuple(threshold),
                "_settle(); gc.collect(); gc.freeze(); _stats(); gc.collect(); gc.enable()", "_m()"]
        for stmts in self.python:
            body += stmts + ["_sp()", "_m()"]
        return "\n".join(body) + "\n"

    def request(self, threshold) -> dict:
        return {"source": self.source(threshold), "names": self.names,
                "values": {v: k for k, v in self.values.items()}}

    def text(self) -> str:
        return "\n".join(self.lines)


class SimRunner:
    """Runs commands in the simulator and observes it the way worker.py observes CPython."""

    def __init__(self, model: str):
        self.out, self.err = io.StringIO(), io.StringIO()
        self.session = Session(self.out, self.err, json_mode=True, model=model)
        self.backend = self.session.sim
        self.sim_heap.events = []
        self.backend.freeze()  # as the Python prologue freezes the interpreter's own objects
        self.program = Program(model)
        self.program.stats = self.backend.get_stats()
        self.program.sim.append(self.observe([], [], []))

    @property
    def sim_heap(self):
        return self.backend.heap

    @property
    def heap(self):
        """What the program generator reads of the heap (programs.py), in the shape it reads it."""
        return HeapReader(self.backend.heap)

    def run(self, line: str, scratch=()) -> dict | None:
        """Run one command; its JSON result, or None if the simulator refused it.
        SCRATCH: what the Python call allocates and frees around the command (an argument tuple)."""
        out_start, err_start = self.out.tell(), self.err.tell()
        heap = self.sim_heap
        journal_start = len(heap.events)
        saved = heap.free[:], heap.count[:]
        heap.scratch(scratch)
        ok = self.session.run_line(line)
        if not ok:
            heap.free[:], heap.count[:] = saved
        self.out.seek(out_start)
        produced = self.out.read()
        self.err.seek(err_start)
        debug = self.err.read()
        if not ok:
            return None
        result = json.loads(produced.splitlines()[-1])["result"]
        events = heap.events[journal_start:]
        collected = [result["unreachable"]] if line.startswith("collect") else []
        self.program.lines.append(line)
        self.program.sim.append(self.observe(events, debug.splitlines(), collected))
        self.program.stats = self.backend.get_stats()
        self.program.referrers = self.referrers()
        return result

    def referrers(self) -> dict:
        heap = self.sim_heap
        return {name: self.backend.referrers([name]) for name, op in heap.roots.items()
                if heap.kind_of(op) not in ("int", "str")}

    def observe(self, events, debug, collected) -> dict:
        heap = self.sim_heap
        count = heap.get_count()
        heap.scratch(["tuple3"])  # gc.get_count()'s result
        gens = []
        for g in range(3):
            gens.append([heap.name_of(op) for h in heap.object_lists(g) for op in heap.objects(h)])
            heap.scratch(["list"])  # gc.get_objects(g)'s result
        bound = {}
        for name in self.program.names:
            op = heap.roots.get(name)
            if op is not None:
                bound[name] = (heap.refcnt[op], heap.tracked(op), heap.is_finalized(op))
        return {"count": count, "gens": gens, "bound": bound, "garbage": [heap.name_of(op) for op in heap.garbage],
                "freeze": heap.count_of(PERMANENT), "events": [list(e) for e in events],
                "debug": [normalize_sim_debug(line) for line in debug], "collect": collected}


class HeapReader:
    """The simulated heap through its read API, in the shape programs.py reads it (kinds, names,
    references and keys by row, the weakref tables, the collector's settings)."""

    def __init__(self, heap) -> None:
        self._heap = heap
        self.roots, self.model, self.callback, self.instance_dict = heap.roots, heap.model, heap.callback, heap.instance_dict
        self.weakrefs, self.enabled, self.threshold, self.count = heap.weakrefs, heap.enabled, heap.threshold, heap.count
        self.kind = _ByRow(heap.kind_of)
        self.name = _ByRow(heap.name_of)
        self.refs = _ByRow(lambda op: heap.items(op) or None)
        self.keys = _ByRow(heap.keys_of)
        self.refcnt = heap.refcnt
        self.by_name = {heap.name_of(op): op for op in heap.live()}

    def alive(self, op: int) -> bool:
        return self._heap.alive(op)


class _ByRow:
    def __init__(self, get) -> None:
        self.get = get

    def __getitem__(self, op):
        return self.get(op)


ELAPSED = re.compile(r"\d+\.\d{4}s elapsed")
OBJECT_LINE = re.compile(r"^(gc: (?:un)?collectable <\S+) 0x[0-9a-f]+>(?:  # (\S+))?$")


def normalize_sim_debug(line: str) -> str:
    line = ELAPSED.sub("T.TTTTs elapsed", line)
    m = OBJECT_LINE.match(line)
    return f"{m.group(1)}> {m.group(2)}" if m else line


# ---------------------------------------------------------------- CPython's side


def parse_record(rec: list, err: str, names: list[str]) -> list[dict]:
    """Turn worker.py's flat record into one observation per measurement."""
    observations = []
    registrations: list[tuple[int, int, str]] = []  # (stderr offset, id, name)
    events, collected, stats, referrers = [], [], [], {}
    err_pos = 0
    i = 0

    def take(n):
        nonlocal i
        items = rec[i:i + n]
        i += n
        return items

    while i < len(rec):
        tag = take(1)[0]
        if tag == "R":
            registrations.append(tuple(take(3)))
        elif tag in ("D", "T", "C"):
            events.append([tag, take(1)[0]])
        elif tag == "G":
            events.append(["G", *take(4)])
        elif tag == "X":
            collected.append(take(1)[0])
        elif tag == "S":
            stats.append(take(9))
        elif tag == "F":
            name, n = take(2)
            referrers[name] = take(n)
        elif tag == "M":
            count = take(3)
            gens = []
            for _ in range(3):
                assert take(1)[0] == "g"
                n = take(1)[0]
                gens.append(take(n))
            bound = {}
            while rec[i] == "b":
                _, name, refcnt, tracked, finalized = take(5)
                bound[name] = (refcnt, tracked, finalized)  # less what getrefcount adds (worker.py)
            assert take(1)[0] == "z"
            garbage = take(take(1)[0])
            assert take(1)[0] == "f"
            freeze = take(1)[0]
            assert take(1)[0] == "e"
            end = take(1)[0]
            debug = [resolve_debug(line, offset, registrations)
                     for offset, line in split_lines(err, err_pos, end)]
            err_pos = end
            observations.append({"count": count, "gens": gens, "bound": bound, "garbage": garbage,
                                 "freeze": freeze, "events": events, "debug": debug, "collect": collected})
            events, collected = [], []
        else:
            raise AssertionError(f"unexpected record token {tag!r} at {i - 1}")
    if len(stats) == 2:  # per generation since the program began (less the prologue's last collect)
        delta = [b - a for a, b in zip(*stats)]
        delta[6] -= 1
        observations[-1]["stats"] = [delta[i:i + 3] for i in (0, 3, 6)]
        observations[-1]["referrers"] = referrers
    if observations:
        base = observations[0]["freeze"]  # what the worker froze to isolate the program
        for obs in observations:
            obs["freeze"] -= base
            obs["debug"] = [re.sub(r"(permanent generation: )(\d+)", lambda m: m.group(1) + str(int(m.group(2)) - base),
                                   line) for line in obs["debug"]]
    return observations


def split_lines(text: str, start: int, end: int):
    pos = start
    for line in text[start:end].splitlines(keepends=True):
        yield pos, line.rstrip("\n")
        pos += len(line)


def resolve_debug(line: str, offset: int, registrations) -> str:
    """CPython's `gc: collectable <T 0xADDR>` with the address replaced by the object's name."""
    line = ELAPSED.sub("T.TTTTs elapsed", line)
    m = re.match(r"^(gc: (?:un)?collectable <\S+) (0x[0-9a-f]+)>$", line)
    if not m:
        return line
    address = int(m.group(2), 16)
    name = "?"
    for pos, ident, n in registrations:
        if pos > offset:
            break
        if ident == address:
            name = n
    return f"{m.group(1)}> {name}"


# ---------------------------------------------------------------- comparing


def compare(program: Program, worker, threshold, ignore=()) -> str | None:
    """None if CPython did exactly what the simulator did, else a report of the first difference
    (in any observation but those IGNOREd: "count", "gens", ...). When the Python program fails
    (a name the simulator's collector re-bound and CPython's did not, say), the observations
    made before the failure are compared first: they say why."""
    reply = worker.run(program.request(threshold))
    failed = reply["error"]
    try:
        real = parse_record(reply["rec"], reply["err"], program.names)
    except (AssertionError, IndexError, ValueError):
        if not failed:
            raise
        real = []  # it failed inside an observation
    if not failed:
        if len(real) != len(program.sim):
            return f"{len(real)} observations from CPython, {len(program.sim)} from the simulator\n{explain(program)}"
        program.sim[-1]["stats"] = [[e["collections"], e["collected"], e["uncollectable"]] for e in program.stats]
        program.sim[-1]["referrers"] = program.referrers
    then = f"(and then the Python program failed: {failed.strip().splitlines()[-1]})\n" if failed else ""
    for step, (sim, cpy) in enumerate(zip(program.sim, real)):
        for key in sim:
            if key not in ignore and (key in cpy or not failed) and sim[key] != cpy[key]:
                where = "at the start" if step == 0 else f"after command {step}: {program.lines[step - 1]}"
                return (f"{key} differs {where}\n  simulator: {sim[key]}\n  CPython:   {cpy[key]}\n{then}"
                        f"{explain(program, step)}")
    if failed:
        return f"the Python program failed:\n{failed}\n{explain(program)}"
    return None


def explain(program: Program, upto: int | None = None) -> str:
    lines = [f"model {program.model}; the program (gcsh, then Python):"]
    for n, (line, stmts) in enumerate(zip(program.lines, program.python), 1):
        mark = "  <--" if n == upto else ""
        lines.append(f"  {n:3}. {line:<40} | {'; '.join(stmts)}{mark}")
    return "\n".join(lines)
