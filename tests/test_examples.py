"""Every example runs cleanly as `gcsh examples/NAME.gcsh`; the examples page shows what each prints."""

import io
from pathlib import Path

import pytest

from gcsh.cli import main

EXAMPLES = sorted((Path(__file__).parent.parent / "examples").glob("*.gcsh"))


def test_there_is_an_example_per_topic():
    names = {p.stem for p in EXAMPLES}
    assert {"cycle", "generations", "thresholds", "tracking", "debug-flags", "finalizers", "weakrefs",
            "uncollectable", "freeze", "callbacks", "trace", "versions"} <= names


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_runs_without_an_error(path):
    out = io.StringIO()
    status = main([str(path)], stdin=io.StringIO(), stdout=out, stderr=out, env={})
    assert status == 0, out.getvalue()
    assert "error:" not in out.getvalue()
