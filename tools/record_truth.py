"""Record what each real interpreter prints for the scenario programs (tests/scenarios/*.py).

    python tools/record_truth.py                   every interpreter, every program
    python tools/record_truth.py 3.14.2 3.13.0     only these interpreters
    python tools/record_truth.py --program s01_simple_cycle.py
    python tools/record_truth.py --check           re-run and compare, write nothing

Native interpreters are pyenv's (the exact releases of PYENV_VERSION in
tests/differential/interpreters.py); WebAssembly ones are the pinned Pyodide
packages, installed with npm into the cache on first use. Each program runs in a
fresh interpreter with PYTHONHASHSEED=0. The recordings go to tests/truth/.
"""

from __future__ import annotations

import argparse
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from differential import interpreters, recordings  # noqa: E402


def run(interp, scripts: list[Path]) -> dict[str, recordings.Recording]:
    if interp.wasm:
        problem = interpreters.ensure_pyodide()
        if problem:
            raise SystemExit(f"record_truth: {interp.label}: {problem}")
        exe = None
    else:
        exe = interpreters.native_executable(interp.minor, exact=interp.version)
        if exe is None:
            raise SystemExit(f"record_truth: python{interp.minor} is not CPython {interp.version} here")
    outputs = interpreters.run_scripts(interp, scripts, exe)
    return {p.name: recordings.Recording(outputs[p.name].rc, recordings.digest(p),
                                         recordings.section_text(outputs[p.name].stdout, outputs[p.name].stderr))
            for p in scripts}


def header(interp) -> str:
    if interp.wasm:
        return f"CPython {interp.version} in WebAssembly ({interpreters.npm_spec(interp)} under node)"
    return f"CPython {interp.version} (pyenv)"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("versions", nargs="*", help="interpreters to record (default: all): "
                    + ", ".join(i.version for i in interpreters.ALL))
    ap.add_argument("--program", action="append", default=[], help="only this program (repeatable)")
    ap.add_argument("--check", action="store_true", help="compare with the recordings instead of writing them")
    args = ap.parse_args(argv)
    try:
        chosen = [interpreters.by_version(v) for v in args.versions] or interpreters.ALL
    except KeyError as e:
        ap.error(e.args[0])
    scripts = [p for p in recordings.programs() if not args.program or p.name in args.program]
    if not scripts:
        ap.error("no such program in tests/scenarios")

    def one(interp):
        return interp, run(interp, scripts)

    status = 0
    with ThreadPoolExecutor(max_workers=2) as pool:
        for interp, fresh in pool.map(one, chosen):
            old = recordings.read(interp.version)
            changed = sorted(n for n, r in fresh.items() if old.get(n) != r)
            if args.check:
                for name in changed:
                    print(f"{interp.label}: {name} differs from its recording")
                print(f"{interp.label}: {len(fresh) - len(changed)} of {len(fresh)} programs print what was recorded")
                status |= bool(changed)
                continue
            kept = {n: r for n, r in old.items() if (recordings.PROGRAMS / n).exists()}  # not re-run now
            recordings.write(interp.version, header(interp), {**kept, **fresh})
            print(f"{interp.label}: {len(fresh)} programs, {len(changed)} changed"
                  + (f" ({', '.join(changed)})" if 0 < len(changed) <= 10 else ""))
    return status


if __name__ == "__main__":
    sys.exit(main())
