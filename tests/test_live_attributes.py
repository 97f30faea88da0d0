"""Live pictures label an instance's references by attribute (`.parser`) and `snapshot` keeps the
labels, found without building the instance's __dict__: on every supported interpreter, labelling
leaves gc.get_count() and gc.get_objects() as they were."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_leaks import live_json

ROOT = Path(__file__).resolve().parent.parent
VERSIONS = ("3.10", "3.11", "3.12", "3.13")


def probe(python: str) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    p = subprocess.run([python, str(ROOT / "tests" / "attribute_probe.py")], capture_output=True, text=True,
                       timeout=120, env=env, cwd=ROOT)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)


def check(out: dict) -> None:
    assert out["count_same"] and out["objects_same"], out
    got = out["labels"]

    def named(key: str, names: set) -> bool:  # by name, or through a __dict__ that exists (3.10)
        return names <= set(got[key]) or "__dict__" in got[key] and out["version"] == [3, 10]

    assert "__class__" in got["doc"]
    assert named("doc", {"parser", "title"}) and named("parser", {"doc", "tokens"})
    assert {"left", "right", "__class__"} <= set(got["slotted"])  # slots: "unset" holds nothing
    assert set(got["guarded"]) <= {"__class__", "__dict__", None}  # its reads could run code: none made
    assert named("built", {"parser", "title"}) or "__dict__" in got["built"]  # built already: read as it is
    assert named("outside", {"extra"})


def test_labels_change_nothing_here():
    out = probe(sys.executable)
    check(out)
    if tuple(out["version"]) >= (3, 11):
        assert out["control"] == 1  # the probe can tell: reading __dict__ would have built one


@pytest.mark.cpython
@pytest.mark.parametrize("version", VERSIONS)
def test_labels_change_nothing_on_each_interpreter(version):
    python = shutil.which(f"python{version}")
    if python is None:
        pytest.skip(f"python{version} not installed")
    out = probe(python)
    assert out["version"] == [int(x) for x in version.split(".")]
    check(out)
    assert out["control"] == (1 if version != "3.10" else 0)


LEAK = ('disable; py exec("class Parser:\\n def __init__(s, d): s.doc = d\\n'
        'class Doc:\\n def __init__(s): s.parser = Parser(s)\\n def __del__(s): pass")\n'
        'py for i in range(3): Doc()\npy class H: pass\npy h = H(); h.me = h\n')


def test_live_graph_and_snapshot_label_attributes():
    out = live_json(LEAK + "graph; snapshot; backend sim; graph h")
    live, sim = out[-4]["result"], out[-1]["result"]
    labels = {e["label"] for e in live["edges"]}
    assert {".parser", ".doc", ".me"} <= labels
    assert {".me"} <= {e["label"] for e in sim["edges"]}
    assert not any(e["label"] in (".0", ".1", ".2") for e in sim["edges"] if e["src"] == sim["roots"]["h"])
