"""The real interpreters gcsh is checked against, and how to run Python on each.

Native ones are pyenv's python3.10-3.13; WebAssembly ones are Pyodide packages
from npm (pinned in pyodide/package.json and its lock file), run under node by
pyodide.mjs. Each interpreter checks one simulator model: the tests use those
whose model exists (`MODELS`), so adding a model (say "3.14.2") is what turns
on its differential tests and scenario checks.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).parent
WORKER = HERE / "worker.py"
NODE_RUNNER = HERE / "pyodide.mjs"
PACKAGE = HERE / "pyodide"  # package.json (the pins) and package-lock.json
PYENV_VERSION = "3.11.7:3.10.13:3.12.1:3.13.0"
NODE_MIN = 18


@dataclass(frozen=True)
class Interpreter:
    version: str  # CPython's own version: "3.13.0", "3.15.0rc1"
    wasm: bool
    model: str  # the simulator model it checks
    collector: str

    @property
    def label(self) -> str:
        return f"{self.version} ({'wasm' if self.wasm else 'native'})"

    @property
    def minor(self) -> str:
        return ".".join(self.version.split(".")[:2])

    @property
    def package(self) -> Path:
        """Where the Pyodide package of a wasm interpreter is installed."""
        return pyodide_dir() / "node_modules" / f"pyodide-{self.version}"


def _pins() -> dict[str, str]:
    """npm alias -> the package it stands for, from package.json (the one place the pins live)."""
    return json.loads((PACKAGE / "package.json").read_text())["dependencies"]


# The model each interpreter checks; an interpreter whose model does not exist yet is recorded only.
_WASM_MODELS = {"3.13.2": "3.13", "3.14.2": "3.14.2", "3.15.0rc1": "3.15"}
_COLLECTORS = {"3.14.2": "incremental"}

NATIVE = [Interpreter(v, False, ".".join(v.split(".")[:2]), "generational") for v in PYENV_VERSION.split(":")]
NATIVE.sort(key=lambda i: [int(x) for x in i.version.split(".")])
WASM = [Interpreter(alias.removeprefix("pyodide-"), True, _WASM_MODELS[alias.removeprefix("pyodide-")],
                    _COLLECTORS.get(alias.removeprefix("pyodide-"), "generational"))
        for alias in _pins()]
ALL = NATIVE + WASM


def by_version(version: str) -> Interpreter:
    for i in ALL:
        if i.version == version:
            return i
    raise KeyError(f"no interpreter {version}; there are {', '.join(i.version for i in ALL)}")


def npm_spec(interp: Interpreter) -> str:
    """The npm package behind a wasm interpreter: 'pyodide@0.29.5'."""
    return _pins()[f"pyodide-{interp.version}"].removeprefix("npm:")


# ---------------------------------------------------------------- native


def worker_env() -> dict:
    env = dict(os.environ)
    versions = [v for v in env.get("PYENV_VERSION", "").split(":") if v]
    env["PYENV_VERSION"] = ":".join(versions + [v for v in PYENV_VERSION.split(":") if v not in versions])
    env["PYTHONHASHSEED"] = "0"
    env.pop("PYTHONPATH", None)
    return env


def native_executable(minor: str, exact: str | None = None) -> str | None:
    """The path of pythonMINOR (pyenv's shims need PYENV_VERSION), or None; with EXACT, only if it
    is that very release (recordings are of one release)."""
    exe = shutil.which(f"python{minor}")
    if exe is None:
        return None
    try:
        p = subprocess.run([exe, "-c", "import platform; print(platform.python_version())"],
                           capture_output=True, text=True, env=worker_env(), timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    found = p.stdout.strip()
    if p.returncode != 0 or ".".join(found.split(".")[:2]) != minor or (exact and found != exact):
        return None
    return exe


# ---------------------------------------------------------------- WebAssembly


def pyodide_dir() -> Path:
    """The cache the Pyodide packages are installed into (by .ci/run, or on first use)."""
    if os.environ.get("GCSH_PYODIDE_DIR"):
        return Path(os.environ["GCSH_PYODIDE_DIR"])
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "gcsh" / "pyodide"


def node_problem() -> str | None:
    """Why wasm interpreters cannot run here (one line), or None."""
    node = shutil.which("node")
    if node is None:
        return "node is not installed"
    try:
        out = subprocess.run([node, "--version"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.TimeoutExpired) as e:
        return f"node does not run: {e}"
    m = re.match(r"v(\d+)", out.strip())
    if not m or int(m.group(1)) < NODE_MIN:
        return f"node {out.strip() or '?'} is older than {NODE_MIN}"
    return None


def installed() -> bool:
    return all((i.package / "pyodide.mjs").exists() for i in WASM) and _lock_matches()


def _lock_matches() -> bool:
    here, there = PACKAGE / "package-lock.json", pyodide_dir() / "package-lock.json"
    return there.exists() and here.read_text() == there.read_text()


def ensure_pyodide() -> str | None:
    """Install the pinned Pyodide packages into the cache if they are not there; why it cannot, or None."""
    problem = node_problem()
    if problem or installed():
        return problem
    npm = shutil.which("npm")
    if npm is None:
        return "npm is not installed (it fetches Pyodide once)"
    target = pyodide_dir()
    target.mkdir(parents=True, exist_ok=True)
    for name in ("package.json", "package-lock.json"):
        shutil.copyfile(PACKAGE / name, target / name)
    try:
        p = subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=target,
                           capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as e:
        return f"npm could not install Pyodide: {e}"
    if p.returncode != 0:
        last = (p.stderr.strip().splitlines() or ["exit status %d" % p.returncode])[-1]
        return f"npm could not install Pyodide: {last}"
    return None


def node_command(interp: Interpreter, *args: str) -> list[str]:
    return [shutil.which("node") or "node", str(NODE_RUNNER), str(interp.package), *args]


# ---------------------------------------------------------------- differential workers


class Worker:
    """One long-lived interpreter that runs differential programs sent to it, one at a time."""

    def __init__(self, argv: list[str], env: dict | None = None):
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                     env=env or worker_env())

    @classmethod
    def native(cls, exe: str) -> "Worker":
        return cls([exe, "-u", str(WORKER)])

    @classmethod
    def wasm(cls, interp: Interpreter) -> "Worker":
        return cls(node_command(interp, "worker", str(WORKER)))

    def probe(self) -> dict:
        """{"version": "3.13.2", "tp_del": can it make legacy finalizers (_testcapi.with_tp_del)?}"""
        return self.run({"probe": True})

    def run(self, request: dict) -> dict:
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"the worker died (exit status {self.proc.poll()})")
        return json.loads(line)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.stdin.close()
            self.proc.wait(timeout=60)


# ---------------------------------------------------------------- scenario programs


@dataclass
class Output:
    stdout: str
    stderr: str
    rc: int


def run_scripts(interp: Interpreter, scripts: list[Path], exe: str | None = None) -> dict[str, Output]:
    """Run each script on INTERP as a fresh `python script.py` would (wasm: a fresh interpreter each,
    in one node process); name -> what it printed."""
    out: dict[str, Output] = {}
    if not interp.wasm:
        for path in scripts:
            p = subprocess.run([exe, path.name], cwd=path.parent, capture_output=True, text=True,
                               env=worker_env(), timeout=300)
            out[path.name] = Output(p.stdout, p.stderr, p.returncode)
        return out
    requests = "".join(json.dumps({"name": p.name, "source": p.read_text()}) + "\n" for p in scripts)
    p = subprocess.run(node_command(interp, "scripts"), input=requests, capture_output=True, text=True,
                       env=worker_env(), timeout=60 * len(scripts) + 60)
    for line in p.stdout.splitlines():
        reply = json.loads(line)
        out[reply["name"]] = Output(reply["stdout"], reply["stderr"], reply["rc"])
    if len(out) != len(scripts):
        raise RuntimeError(f"node stopped after {len(out)} of {len(scripts)} scripts:\n{p.stderr[-2000:]}")
    return out
