import io
import json

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
