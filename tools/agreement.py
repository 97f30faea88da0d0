"""How often the simulator agrees with each real interpreter: random programs and scenario checks.

    python tools/agreement.py                      every interpreter whose model exists
    python tools/agreement.py 3.14.2 --model 3.13  an interpreter against a model of your choice
    python tools/agreement.py --programs 100
    python tools/agreement.py 3.15.0rc1 --model 3.13 --ignore count --smallest

Prints a Markdown table: per interpreter, the random programs (and wide ones: many
attribute names, long tuples) on which the simulator and the interpreter agreed,
the scenario checks (every `#=` line of tests/scenarios/*.gcsh the interpreter
could run, the known differences included) that held, and the first line of each
kind of difference. Unlike the tests it does not stop at the first difference.
With --smallest it then lets hypothesis shrink a failing program to the smallest
one it can find, per interpreter: the shortest program showing what differs.
"""

from __future__ import annotations

import argparse
import collections
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hypothesis import HealthCheck, Phase, given, settings, strategies as st  # noqa: E402

from differential import interpreters, recordings  # noqa: E402
from differential.harness import compare  # noqa: E402
from differential.programs import Generator  # noqa: E402
from gcsh.backends.sim.models import MODELS  # noqa: E402


def start(interp):
    if interp.wasm:
        problem = interpreters.ensure_pyodide()
        if problem:
            raise SystemExit(f"agreement: {interp.label}: {problem}")
        return interpreters.Worker.wasm(interp)
    exe = interpreters.native_executable(interp.minor)
    if exe is None:
        raise SystemExit(f"agreement: python{interp.minor} is not installed")
    return interpreters.Worker.native(exe)


def random_programs(worker, model: str, legacy: bool, n: int, wide: bool, ignore=()):
    """(programs run, programs that agreed, {kind of difference: [how many, the first report]})."""
    outcomes = []

    @settings(max_examples=n, deadline=None, derandomize=True, database=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(data=st.data())
    def sample(data):
        program = Generator(data, model, legacy=legacy, wide=wide).build()
        outcomes.append(compare(program, worker, MODELS[model].thresholds, ignore))

    sample()
    kinds: dict[str, list] = {}
    for report in filter(None, outcomes):
        kind = report.splitlines()[0].split(" after ")[0].split(" at the")[0].rstrip(":")
        kinds.setdefault(kind, [0, report])[0] += 1
    return len(outcomes), sum(p is None for p in outcomes), kinds


def smallest(worker, model: str, legacy: bool, n: int, ignore=()) -> str | None:
    """The report of the smallest failing program hypothesis finds among N (and shrinks to)."""
    found = []

    @settings(max_examples=n, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(data=st.data())
    def search(data):
        program = Generator(data, model, legacy=legacy).build()
        problem = compare(program, worker, MODELS[model].thresholds, ignore)
        found.append(problem)
        assert problem is None

    try:
        search()
    except AssertionError:
        return found[-1]  # hypothesis replays the smallest failing example last
    return None


def scenario_checks(interp, model: str):
    import test_scenarios as scenarios  # the checks themselves, as the tests run them

    total = held = 0
    failed = []
    have = recordings.read(interp.version)
    for path in scenarios.files():
        script = scenarios.header(path, "scenario")
        versions = scenarios.header(path, "versions")
        if script not in have or have[script].rc or (versions and model not in versions.split()):
            continue
        for number, _, agrees in scenarios.checks(path, interp, model):
            total += 1
            held += agrees
            if not agrees:
                failed.append(f"{path.name}:{number}")
    return total, held, failed


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("versions", nargs="*")
    ap.add_argument("--model", help="the model to check them against (default: each one's own)")
    ap.add_argument("--programs", type=int, default=500)
    ap.add_argument("--show", action="store_true", help="then print the first report of each kind of difference")
    ap.add_argument("--ignore", action="append", default=[], metavar="KEY",
                    help="an observation not to compare (count, gens, bound, debug, ...; repeatable)")
    ap.add_argument("--smallest", action="store_true", help="then shrink a failing program to the smallest")
    args = ap.parse_args(argv)
    chosen = ([interpreters.by_version(v) for v in args.versions]
              or [i for i in interpreters.ALL if i.model in MODELS])
    print("| interpreter | model | random programs | wide programs | scenario checks | differences |")
    print("|---|---|---|---|---|---|")
    reports = []
    for interp in chosen:
        model = args.model or interp.model
        if model not in MODELS:
            print(f"| {interp.label} | {model} | (no such model yet) | | | |")
            continue
        worker = start(interp)
        try:
            legacy = worker.probe()["tp_del"]
            n, ok, kinds = random_programs(worker, model, legacy, args.programs, False, args.ignore)
            wn, wok, wkinds = random_programs(worker, model, legacy, max(1, args.programs // 5), True, args.ignore)
            if args.smallest and ok < n:
                reports.append(f"## {interp.label}, model {model}: the smallest difference found\n"
                               f"{smallest(worker, model, legacy, args.programs, args.ignore)}")
        finally:
            worker.close()
        total, held, failed = scenario_checks(interp, model)
        merged = collections.Counter({k: v[0] for k, v in kinds.items()}) + collections.Counter(
            {k: v[0] for k, v in wkinds.items()})
        differences = "; ".join(f"{k} ({c})" for k, c in merged.most_common(4))
        reports += [f"## {interp.label}, model {model}: {k}\n{v[1]}" for k, v in {**wkinds, **kinds}.items()]
        if failed:
            differences += ("; " if differences else "") + "checks " + ", ".join(failed[:6]) + (
                f" and {len(failed) - 6} more" if len(failed) > 6 else "")
        print(f"| {interp.label} | {model} | {ok}/{n} | {wok}/{wn} | {held}/{total} | {differences or '-'} |",
              flush=True)
    if args.show or args.smallest:
        print("\n" + "\n\n".join(r for r in reports if args.show or "smallest" in r.splitlines()[0]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
