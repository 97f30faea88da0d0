"""The recordings in tests/truth/ are complete, current, and what the interpreters print.

Without an interpreter: every scenario program has a recording on every real
interpreter, made from the program as it is now (its digest), and a program
failed only where a module it needs is absent. With the interpreters (markers
cpython, wasm): running the programs again prints exactly what was recorded.
"""

from __future__ import annotations

import re

import pytest

from differential import interpreters, recordings

# A few programs whose output depends on the interpreter's own start-up heap, or on its debug lines.
WASM_SAMPLE = ("s01_simple_cycle.py", "s29_debug_stats.py", "tuple_free_lists.py")


def stale(interp) -> list[str]:
    have = recordings.read(interp.version)
    return [p.name for p in recordings.programs()
            if p.name not in have or have[p.name].source != recordings.digest(p)]


@pytest.mark.parametrize("interp", interpreters.ALL, ids=lambda i: i.version)
def test_every_program_is_recorded_as_it_is_now(interp):
    missing = stale(interp)
    assert not missing, (f"not recorded on {interp.label}, or changed since: {', '.join(missing)}\n"
                         f"re-record with: python tools/record_truth.py {interp.version}")
    extra = set(recordings.read(interp.version)) - {p.name for p in recordings.programs()}
    assert not extra, f"recordings of programs that no longer exist: {sorted(extra)}"


@pytest.mark.parametrize("interp", interpreters.ALL, ids=lambda i: i.version)
def test_a_program_fails_only_where_a_module_it_needs_is_missing(interp):
    failed = {name: r for name, r in recordings.read(interp.version).items() if r.rc}
    unexplained = {name: r.text[-300:] for name, r in failed.items() if r.missing_module != "_testcapi"}
    assert not unexplained, f"programs that failed on {interp.label}: {unexplained}"
    if not interp.wasm:
        assert not failed, f"pyenv's builds have _testcapi, yet these failed: {sorted(failed)}"


def rerun(interp, names):
    if interp.wasm:
        problem = interpreters.ensure_pyodide()
        if problem:
            pytest.skip(f"Pyodide {interp.version}: {problem}")
        exe = None
    else:
        exe = interpreters.native_executable(interp.minor, exact=interp.version)
        if exe is None:
            pytest.skip(f"CPython {interp.version} is not installed as python{interp.minor}")
    scripts = [p for p in recordings.programs() if p.name in names]
    fresh = interpreters.run_scripts(interp, scripts, exe)
    have = recordings.read(interp.version)
    differ = [p.name for p in scripts
              if recordings.section_text(fresh[p.name].stdout, fresh[p.name].stderr) != have[p.name].text
              or fresh[p.name].rc != have[p.name].rc]
    assert not differ, f"{interp.label} now prints something else for: {', '.join(differ)}"


@pytest.mark.cpython
@pytest.mark.slow
@pytest.mark.parametrize("interp", interpreters.NATIVE, ids=lambda i: i.version)
def test_native_interpreters_print_what_was_recorded(interp):
    rerun(interp, {p.name for p in recordings.programs()})


@pytest.mark.wasm
@pytest.mark.slow
@pytest.mark.parametrize("interp", interpreters.WASM, ids=lambda i: i.version)
def test_webassembly_interpreters_print_what_was_recorded(interp):
    rerun(interp, set(WASM_SAMPLE))


def quotes(path):
    """(line number, program, interpreter, quoted text) for each `- VERSION: `text`` line of PATH."""
    program = None
    for number, line in enumerate(path.read_text().splitlines(), 1):
        m = re.match(r"Program: `(\S+\.py)`", line)
        if m:
            program = m.group(1)
        m = re.match(r"- (3\.\d+\.\w+): `(.+)`$", line)
        if m:
            yield number, program, m.group(1), m.group(2).replace("\\n", "\n")


def test_the_differences_quote_what_the_interpreters_printed():
    path = recordings.TRUTH / "DIFFERENCES.md"
    found = list(quotes(path))
    assert len(found) > 50
    wrong = [f"DIFFERENCES.md:{n}: {version} did not print {text!r} for {program}"
             for n, program, version, text in found
             if text not in recordings.read(version).get(program, recordings.Recording(0, "", "")).text]
    assert not wrong, "\n".join(wrong)
