"""The gc module's textbook case on a real heap: an object with no cycle is freed by `del`, not by
the collector. numpy is an optional test dependency: without it these tests are skipped."""

import pytest

pytest.importorskip("numpy")

EXAMPLE = "py import numpy as np\npy a = np.array([1, 2, 3])\ntracked a\ndel a\ncollect"


def test_an_array_is_freed_by_refcounting_at_del(gcsh):
    r = gcsh("--backend", "live", "--json", "-c", EXAMPLE)
    assert r.status == 0, r.err
    imported, made, tracked, deleted, collected = (obj["result"] for obj in r.json)
    assert tracked == {"name": "a", "tracked": False}  # an ndarray is not a container gc tracks
    assert deleted == {"freed": ["a"], "freed_count": 1, "alive": {}}
    assert collected["freed"] == []  # nothing left for the collector: refcounting did it


def test_the_example_reads_as_a_session(gcsh):
    r = gcsh("--backend", "live", "-c", EXAMPLE)
    lines = r.out.splitlines()
    assert "False" in lines and "freed: a" in lines
    assert lines[-1].startswith("collect(2): ")


def test_an_array_in_a_cycle_waits_for_the_collector(gcsh):
    r = gcsh("--backend", "live", "--json", "-c",
             "py import numpy as np\npy a = np.array([1, 2, 3]); holder = [a]; holder.append(holder)\n"
             "del a\ndel holder\ncollect")
    assert r.json[2]["result"]["alive"] == {"a": 1}
    assert r.json[3]["result"]["freed"] == []
    assert r.json[4]["result"]["freed"] == ["a", "holder"]
