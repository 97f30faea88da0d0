"""The shared scenarios, translated into gcsh, against what real interpreters printed.

Each tests/scenarios/*.gcsh file translates one script of
shared/cpython-gc/scenarios. Its comments say what to check:

    # scenario: s01_simple_cycle.py     the script whose output is the reference
    # versions: 3.10 3.11              where it applies (default: 3.10-3.13)
    collect            #> c            keeps what the command returned under a name
    #= collect() -> {c}                must appear in that script's RESULTS.txt output ({{ is a brace)

`{...}` is a Python expression over the kept values and the helpers below; the
line it makes must be found, as it is, in the output the real interpreter of
that version printed (RESULTS.txt, read at test time). scenarios/README.md
lists the scripts gcsh cannot express, and why.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest

from gcsh.runner import Session

HERE = Path(__file__).parent / "scenarios"
RESULTS = Path(__file__).resolve().parents[2] / "shared" / "cpython-gc" / "scenarios" / "RESULTS.txt"
VERSIONS = ("3.10", "3.11", "3.12", "3.13")


def results() -> dict[tuple[str, str], str]:
    """(script, version) -> everything that version printed (stdout, then [stderr])."""
    out: dict[tuple[str, str], str] = {}
    script = version = None
    for line in RESULTS.read_text().splitlines():
        m = re.match(r"#+ scenarios/(\S+)$", line)
        if m:
            script, version = m.group(1), None
            continue
        m = re.match(r"--- (\d\.\d+) rc=", line)
        if m:
            version = m.group(1)
            out[(script, version)] = ""
            continue
        if script and version:
            out[(script, version)] += line + "\n"
    return out


def files() -> list[Path]:
    return sorted(HERE.glob("*.gcsh"))


def header(path: Path, key: str) -> str | None:
    m = re.search(rf"^# {key}: (.+)$", path.read_text(), re.M)
    return m.group(1).strip() if m else None


def cases():
    for path in files():
        versions = (header(path, "versions") or " ".join(VERSIONS)).split()
        for v in versions:
            yield pytest.param(path, v, id=f"{path.stem}-{v}")


class Run:
    """Runs a scenario file in the simulator, keeping what `#>` asks for."""

    def __init__(self, model: str):
        self.out, self.err = io.StringIO(), io.StringIO()
        self.session = Session(self.out, self.err, json_mode=True, model=model)
        self.kept: dict[str, object] = {}
        self.kinds: dict[str, str] = {}

    def line(self, text: str, number: int) -> None:
        m = re.search(r"#>\s*(\w+)\s*$", text)
        out_at, err_at = self.out.tell(), self.err.tell()
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
        """The collector's lines as RESULTS.txt shows them: addresses as 0xADDR, class names as the script's."""
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

    return {"names": lambda names: "[" + ", ".join(names) + "]", "types": type_names, "debug": debug,
            "info": info, "where": lambda name, *gens: [g for g, members in enumerate(gens) if name in members],
            "delta": lambda after, before: [{k: a[k] - b[k] for k in ("collections", "collected", "uncollectable")}
                                            for a, b in zip(after, before)]}


EXPRESSION = re.compile(r"\{([^{}]+)\}")
ELAPSED = re.compile(r"\d+\.\d{4}s elapsed")  # the only thing that varies from run to run


@pytest.mark.skipif(not RESULTS.exists(), reason="shared/cpython-gc/scenarios/RESULTS.txt is not beside the repository")
@pytest.mark.parametrize("path,version", list(cases()))
def test_scenario_matches_what_cpython_printed(path, version):
    script = header(path, "scenario")
    printed = results()[(script, version)]
    types = dict(pair.split("=") for pair in (header(path, "types") or "").split())
    run = Run(version)
    checked = 0
    for number, line in enumerate(path.read_text().splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith("#="):
            names = {**helpers(run, types), **run.kept}
            template = stripped[2:].strip().replace("{{", "\0").replace("}}", "\1")
            expected = EXPRESSION.sub(lambda m: str(eval(m.group(1), {}, names)), template)
            expected = ELAPSED.sub("T.TTTTs elapsed", expected.replace("\0", "{").replace("\1", "}"))
            assert expected in ELAPSED.sub("T.TTTTs elapsed", printed), (f"{path.name}:{number} with model {version}: the simulator gives\n"
                                         f"  {expected}\nbut {script} printed:\n{printed}")
            checked += 1
        elif stripped and not stripped.startswith("#"):
            run.line(line, number)
    assert checked, f"{path.name} checks nothing"


def test_every_shared_script_is_translated_or_said_to_be_inexpressible():
    scripts = {p.name for p in (RESULTS.parent).glob("*.py")} if RESULTS.exists() else set()
    translated = {header(p, "scenario") for p in files()}
    readme = (HERE / "README.md").read_text()
    untranslated = {s for s in scripts - translated if f"`{s}`" not in readme}
    assert not untranslated, f"neither translated nor explained in scenarios/README.md: {sorted(untranslated)}"
