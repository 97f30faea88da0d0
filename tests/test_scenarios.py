"""The scenario programs, translated into gcsh, against what real interpreters printed.

Each tests/scenarios/*.gcsh file translates one program tests/scenarios/*.py,
whose output on each real interpreter is recorded in tests/truth/ (by
tools/record_truth.py; tests/differential/recordings.py reads them). Its
comments say what to check:

    # scenario: s01_simple_cycle.py     the program whose output is the reference
    # versions: 3.10 3.11              the models it applies to (default: all)
    collect            #> c            keeps what the command returned under a name
    #= collect() -> {c}                must appear in that program's recorded output ({{ is a brace)
    #xfail 3.11 3.12: REASON           the next check is a known difference for these models

`{...}` is a Python expression over the kept values and the helpers below; the
line it makes must be found, as it is, in what the interpreter printed. Every
interpreter whose model exists is checked (3.13.0 and, in WebAssembly, 3.13.2
both for model 3.13), on every program it could run; scenarios/README.md lists
the programs gcsh cannot express, and why. A known difference is its own test,
an xfail(strict=True): the fix turns it into a failure to remove the mark.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest

from differential import interpreters, recordings
from gcsh.backends.sim.models import MODELS
from gcsh.runner import Session

HERE = Path(__file__).parent / "scenarios"
CHECKED = [i for i in interpreters.ALL if i.model in MODELS]


def files() -> list[Path]:
    return sorted(HERE.glob("*.gcsh"))


def header(path: Path, key: str) -> str | None:
    m = re.search(rf"^# {key}: (.+)$", path.read_text(), re.M)
    return m.group(1).strip() if m else None


def cases():
    for path in files():
        script = header(path, "scenario")
        models = (header(path, "versions") or " ".join(sorted({i.model for i in CHECKED}))).split()
        known = known_differences(path)
        for interp in CHECKED:
            recording = recordings.read(interp.version).get(script)
            if interp.model not in models or recording is None or recording.rc != 0:
                continue  # a program an interpreter cannot run (no _testcapi) is checked elsewhere
            yield pytest.param(path, interp, None, id=f"{path.stem}-{interp.version}")
            for number, (versions, reason) in known.items():
                if interp.model in versions:
                    yield pytest.param(path, interp, number, id=f"{path.stem}-{interp.version}-line{number}",
                                       marks=pytest.mark.xfail(strict=True, reason=reason))


def known_differences(path: Path) -> dict[int, tuple[list[str], str]]:
    """Line of a check -> (the models it is known to fail for, why), from its `#xfail` line."""
    out, pending = {}, None
    for number, line in enumerate(path.read_text().splitlines(), 1):
        stripped = line.strip()
        m = re.match(r"#xfail ([\d. ]+): (.+)$", stripped)
        if m:
            pending = (m.group(1).split(), m.group(2))
        elif stripped.startswith("#=") and pending:
            out[number], pending = pending, None
    return out


class Run:
    """Runs a scenario file in the simulator, keeping what `#>` asks for."""

    def __init__(self, model: str):
        self.out, self.err = io.StringIO(), io.StringIO()
        self.session = Session(self.out, self.err, json_mode=True, model=model)
        self.kept: dict[str, object] = {}
        self.kinds: dict[str, str] = {}
        self.stream: list[tuple[str, str]] = []  # the collector's debug lines and events, interleaved
        sim = self.session.sim
        report = sim.emit

        def emit(kind: str, text: str) -> None:
            self.stream.append((kind, text))
            report(kind, text)
        sim.emit = sim.heap.emit = emit

    def line(self, text: str, number: int) -> None:
        m = re.search(r"#>\s*(\w+)\s*$", text)
        out_at, err_at = self.out.tell(), self.err.tell()
        del self.stream[:]
        self.session.run_line(text, "scenario", number)
        if not m:
            return
        name = m.group(1)
        self.out.seek(out_at)
        reply = json.loads(self.out.read().splitlines()[-1])
        self.err.seek(err_at)
        debug = [line for line in self.err.read().splitlines() if line.startswith("gc: ")]
        if not reply["ok"]:
            self.kept[name] = reply["error"]
            return
        result = reply["result"]
        events = reply.get("events", [])
        self.kept[name] = primary(reply["command"], result)
        if isinstance(self.kept[name], list):  # remember kinds now: the objects may be gone later
            for n in self.kept[name]:
                if isinstance(n, str):
                    self.kinds.setdefault(n, self.kind_of(n))
        self.kept[name + "_freed"] = result.get("freed", [])
        self.kept[name + "_events"] = events
        self.kept[name + "_dels"] = [e.split(".__del__")[0] for e in events if ".__del__()" in e]
        self.kept[name + "_debug"] = debug
        self.kept[name + "_stream"] = [(k, t) for k, t in self.stream if k == "event" or t.startswith("gc: ")]

    def kind_of(self, name: str) -> str:
        heap = self.session.sim.heap
        op = heap.live_row(name)
        return heap.kind_of(op) if op is not None else "?"


def primary(command: str, result: dict):
    """What a command returned, as the Python function it stands for would return it."""
    simple = {"collect": "unreachable", "tracked": "tracked", "finalized": "finalized", "objects": "objects",
              "garbage": "garbage", "freezecount": "freeze_count", "isenabled": "enabled",
              "referrers": "referrers", "referents": "referents", "stats": "stats"}
    if command in simple:
        return result[simple[command]]
    if command in ("count", "threshold"):
        return tuple(result[command])
    return result


def helpers(run: Run, types: dict[str, str]) -> dict:
    def type_names(names):
        kinds = [run.kinds.get(n) or run.kind_of(n) for n in names]
        return [types.get(k, k) for k in kinds]

    def debug(lines):
        """The collector's lines as the recordings show them: addresses as 0xADDR, class names as the script's."""
        out = []
        for line in lines:
            line = re.sub(r"  # \S+$", "", line)
            line = re.sub(r"0x[0-9a-f]+", "0xADDR", line)
            line = re.sub(r"<(\w+) ", lambda m: "<" + types.get(m.group(1).lower(), m.group(1)) + " ", line)
            out.append(line)
        return "\n".join(out)

    def info(events, phase):
        """A gc.callbacks info dict, as the scripts print it: sorted items."""
        for e in events:
            m = re.match(rf"gc callback: {phase} (\{{.*\}})$", e)
            if m:
                return sorted(eval(m.group(1)).items())
        return None

    def trail(stream):
        """Debug lines and gc.callbacks calls in the order they came, the calls as s33's callback
        writes them (`CALLBACK stop 0 collected=1`)."""
        out = []
        for kind, text in stream:
            m = re.match(r"gc callback: (\w+) (\{.*\})$", text)
            if kind == "debug":
                out.append(debug([text]))
            elif m:
                i = eval(m.group(2))
                out.append(f"CALLBACK {m.group(1)} {i['generation']} collected={i['collected']}")
        return "\n".join(out)

    return {"trail": trail, "names": lambda names: "[" + ", ".join(names) + "]", "types": type_names, "debug": debug,
            "info": info, "where": lambda name, *gens: [g for g, members in enumerate(gens) if name in members],
            "delta": lambda after, before: [{k: a[k] - b[k] for k in ("collections", "collected", "uncollectable")}
                                            for a, b in zip(after, before)]}


EXPRESSION = re.compile(r"\{([^{}]+)\}")
ELAPSED = re.compile(r"\d+\.\d{4}s elapsed")  # the only thing that varies from run to run


def checks(path: Path, interp, model: str | None = None):
    """Run PATH in the simulator with MODEL (default: the one INTERP checks) and yield each check
    against what INTERP printed: (line number, the line the simulator makes, found in the recording?)."""
    script = header(path, "scenario")
    printed = ELAPSED.sub("T.TTTTs elapsed", recordings.read(interp.version)[script].text)
    types = dict(pair.split("=") for pair in (header(path, "types") or "").split())
    run = Run(model or interp.model)
    for number, line in enumerate(path.read_text().splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith("#="):
            names = {**helpers(run, types), **run.kept}
            template = stripped[2:].strip().replace("{{", "\0").replace("}}", "\1")
            expected = EXPRESSION.sub(lambda m: str(eval(m.group(1), {}, names)), template)
            expected = ELAPSED.sub("T.TTTTs elapsed", expected.replace("\0", "{").replace("\1", "}"))
            expected = recordings.DURATION.sub("('duration', T)", expected)
            yield number, expected, expected in printed
        elif stripped and not stripped.startswith("#"):
            run.line(line, number)


@pytest.mark.parametrize("path,interp,only", list(cases()))
def test_scenario_matches_what_cpython_printed(path, interp, only):
    """ONLY: the line of the one known difference to check, or None for every other check."""
    known = known_differences(path)
    checked = 0
    for number, expected, agrees in checks(path, interp):
        if number != only if only else interp.model in known.get(number, ([], ""))[0]:
            continue
        script = header(path, "scenario")
        assert agrees, (f"{path.name}:{number} with model {interp.model}: the simulator gives\n  {expected}\n"
                        f"but {script} printed on {interp.label}:\n{recordings.read(interp.version)[script].text}")
        checked += 1
    assert checked or any(interp.model in models for models, _ in known.values()), f"{path.name} checks nothing"


def test_every_program_is_translated_or_said_to_be_inexpressible():
    programs = {p.name for p in recordings.programs()}
    translated = {header(p, "scenario") for p in files()}
    assert translated <= programs, f"translations of programs that do not exist: {sorted(translated - programs)}"
    readme = (HERE / "README.md").read_text()
    untranslated = {s for s in programs - translated if f"`{s}`" not in readme}
    assert not untranslated, f"neither translated nor explained in scenarios/README.md: {sorted(untranslated)}"
