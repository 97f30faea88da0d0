import io
import json
from pathlib import Path

import pytest

from gcsh.cli import main
from gcsh.runner import Session


class Run:
    """The outcome of one gcsh invocation, run in-process."""

    def __init__(self, argv, stdin_text=""):
        out, err = io.StringIO(), io.StringIO()
        self.status = main(list(argv), stdin=io.StringIO(stdin_text), stdout=out, stderr=err, env={})
        self.out, self.err = out.getvalue(), err.getvalue()

    @property
    def json(self):
        return [json.loads(line) for line in self.out.splitlines()]

    @property
    def last(self):
        return self.json[-1]


@pytest.fixture
def gcsh():
    """gcsh(*argv, stdin=...) runs gcsh in-process and returns a Run."""
    return lambda *argv, stdin="": Run(argv, stdin)


@pytest.fixture
def session():
    """A simulator session whose output is captured; .out() and .err() read it."""
    def make(model="3.11", **kw):
        out, err = io.StringIO(), io.StringIO()
        s = Session(out, err, model=model, **kw)
        s.out, s.err = out.getvalue, err.getvalue
        return s
    return make


# Marks for whole modules (pyproject.toml describes them): `-m "not slow" -n auto` runs the rest in
# about 35 seconds on two cores. A module that needs a tool marks itself too (a skip when the tool is missing).
MODULE_MARKS = {
    "test_differential": ("slow", "cpython"),
    "test_e2e_tmux": ("slow", "tmux"),
    "test_live_snapshot": ("slow",),
    "test_properties_long_session": ("slow",),
    "test_properties_heap": ("slow",),
    "test_perf_fastpath": ("slow",),
    "test_backends_compare": ("slow",),
    "test_docs_sessions": ("slow",),
    "test_persist_roundtrip": ("slow",),
    "test_persist_hostile": ("slow",),
    "test_faults_interrupt": ("slow",),
}


def pytest_collection_modifyitems(config, items):
    for item in items:
        for mark in MODULE_MARKS.get(Path(str(item.fspath)).stem, ()):
            item.add_marker(getattr(pytest.mark, mark))
