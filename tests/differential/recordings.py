"""What each real interpreter printed for the scenario programs: tests/truth/VERSION.txt.

One file per interpreter, written by tools/record_truth.py, one section per program:

    ==> s01_simple_cycle.py rc=0 source=3f2a9c01d4e5 <==
    collect() -> 2
    [stderr]
    gc: collectable <A 0xADDR>

stdout, then (when there is any) `[stderr]` and stderr. `source` is a digest of
the program as it was run, so that a program changed since its recording shows
up at once, without an interpreter. Memory addresses are written 0xADDR and
the collector's timings T.TTTTs (3.15's `duration`, T): nothing else in a recording varies from run to run.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
PROGRAMS = TESTS / "scenarios"
TRUTH = TESTS / "truth"
SECTION = re.compile(r"^==> (\S+) rc=(-?\d+) source=([0-9a-f]+) <==$")
ADDRESS = re.compile(r"0x[0-9a-f]+")
ELAPSED = re.compile(r"\d+\.\d+s elapsed")
DURATION = re.compile(r"\('duration', [0-9.e+-]+\)")  # 3.15's callback info and get_stats()


@dataclass
class Recording:
    rc: int
    source: str  # digest of the program
    text: str  # stdout, then [stderr] and stderr

    @property
    def missing_module(self) -> str | None:
        """The module whose absence made the program fail (`_testcapi` in Pyodide 0.29.5), or None."""
        m = re.search(r"ModuleNotFoundError: No module named '(\w+)'", self.text)
        return m.group(1) if self.rc and m else None


def programs() -> list[Path]:
    return sorted(PROGRAMS.glob("*.py"))


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def normalize(text: str) -> str:
    text = DURATION.sub("('duration', T)", ADDRESS.sub("0xADDR", text))
    return ELAPSED.sub("T.TTTTs elapsed", text)


def section_text(stdout: str, stderr: str) -> str:
    out = normalize(stdout)
    if stderr:
        out += ("" if out.endswith("\n") or not out else "\n") + "[stderr]\n" + normalize(stderr)
    return out if out.endswith("\n") or not out else out + "\n"


def path_of(version: str) -> Path:
    return TRUTH / f"{version}.txt"


def read(version: str) -> dict[str, Recording]:
    """program name -> its recording; {} if that interpreter was never recorded."""
    path = path_of(version)
    if not path.exists():
        return {}
    out: dict[str, Recording] = {}
    current = None
    for line in path.read_text().splitlines(keepends=True):
        m = SECTION.match(line.rstrip("\n"))
        if m:
            current = Recording(int(m.group(2)), m.group(3), "")
            out[m.group(1)] = current
        elif current is not None:
            current.text += line
    return out


def write(version: str, header: str, recordings: dict[str, Recording]) -> None:
    lines = [f"# {header}\n", "# Written by tools/record_truth.py: re-record, do not edit.\n"]
    for name in sorted(recordings):
        r = recordings[name]
        for line in r.text.splitlines():
            if SECTION.match(line):
                raise ValueError(f"{name} printed a line that looks like a section header: {line!r}")
        lines.append(f"==> {name} rc={r.rc} source={r.source} <==\n")
        lines.append(r.text)
    path_of(version).write_text("".join(lines))
