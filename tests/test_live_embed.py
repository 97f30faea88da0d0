"""gcsh.embed(): the shell inside a running program, with the caller's locals as names."""

import io
import json
import subprocess
import sys

import pytest

import gcsh
from gcsh.backends.live.gcstate import GcSettings


def settings():
    s = GcSettings.read()
    return s.enabled, s.debug, s.threshold, s.callbacks, s.frozen


def program_state():
    """A program's local state: a cache that keeps a self-referencing node alive."""
    cache = []
    node = {"name": "node"}
    node["self"] = node
    cache.append(node)
    out = io.StringIO()
    status = gcsh.embed(commands="referrers node\nflags DEBUG_SAVEALL\nthreshold 3\ndisable\ncallbacks on\n"
                                 "py cache.append('from the shell')", stdout=out, stderr=io.StringIO(), json=True)
    return status, out.getvalue(), cache


def test_the_callers_locals_are_the_names_and_gc_is_left_as_found():
    before = settings()
    status, out, cache = program_state()
    assert status == 0
    results = [json.loads(line) for line in out.splitlines()]
    assert results[0]["backend"] == "live"
    assert results[0]["result"]["referrers"] == ["cache", "node"]
    assert cache[-1] == "from the shell"  # the same objects as the program's
    assert settings() == before


def test_module_level_names_and_a_given_namespace():
    holder = {"payload": [1, 2, 3]}
    out = io.StringIO()
    assert gcsh.embed(holder, commands="tracked payload\nreferents payload", stdout=out) == 0
    assert out.getvalue().splitlines() == ["True", "[3, 2, 1]"]


def test_commands_from_stdin_when_it_is_not_a_terminal():
    out = io.StringIO()
    status = gcsh.embed({"x": []}, stdin=io.StringIO("alloc y list x\nreferrers x\n"), stdout=out)
    assert status == 0 and out.getvalue().splitlines()[-2:] == ["[y]",
                                                                 "(not shown: 1 from the shell's names (root bindings))"]


def test_a_failing_command_is_reported_and_the_status_says_so():
    err = io.StringIO()
    assert gcsh.embed({}, commands="referrers nothing", stdout=io.StringIO(), stderr=err) == 1
    assert "<embed>:1: error: unknown name 'nothing'" in err.getvalue()


def test_a_statement_that_exits_the_program_still_restores():
    before = settings()
    with pytest.raises(SystemExit):
        gcsh.embed({}, commands="flags DEBUG_STATS\npy raise SystemExit(3)", stdout=io.StringIO(),
                   stderr=io.StringIO())
    assert settings() == before


def test_embedding_in_a_real_program():
    program = ("import gc, gcsh\n"
               "def main():\n"
               "    leak = []\n"
               "    leak.append(leak)\n"
               "    gcsh.embed(commands='flags DEBUG_STATS; referrers leak')\n"
               "    print('after', gc.get_debug(), gc.isenabled())\n"
               "main()\n")
    p = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    lines = p.stdout.splitlines()
    assert lines[-1] == "after 0 True"
    assert "[leak]" in lines
