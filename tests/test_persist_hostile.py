"""load refuses every damaged, truncated, foreign, future or hostile file with one line,
and the current heap stays exactly as it was."""

import copy
import json
import os
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gcsh.backends.sim import persist, restore
from heapcheck import RICH, run, session, snapshot, sound

ONE_LINE = re.compile(r"<test>:1: error: .+: (cannot load: .+|no such file|is a directory|not a regular file|"
                      r"too large for a session file .+)\Z")


@pytest.fixture(scope="module")
def good_doc():
    s = session("3.10")
    run(s, RICH + "alloc i int; alloc st str; alloc o2 object; weakref w2 w.__callback__")
    return persist.dump(s.sim.heap)


@pytest.fixture
def victim():
    """A session with a heap of its own, which no failed load may touch."""
    s = session("3.13")
    run(s, "alloc keep; alloc other dict keep; link keep keep; collect 0")
    s.before = snapshot(s)
    return s


def refuse(s, path, contains: str = "") -> str:
    ok, err = run(s, f'load "{path}"')
    assert not ok, "the file was accepted"
    assert len(err) == 1 and ONE_LINE.match(err[0]), err
    assert contains in err[0], err[0]
    assert snapshot(s) == s.before and sound(s) == []
    return err[0]


def write(tmp_path, data, name="s.json"):
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else json.dumps(data).encode())
    return path


def test_the_good_file_loads(tmp_path, good_doc, victim):
    ok, err = run(victim, f'load "{write(tmp_path, good_doc)}"')
    assert ok, err
    assert sound(victim) == []


@pytest.mark.parametrize("data, message", [
    (b"", "not JSON"),
    (b"gcsh", "not JSON"),
    (b"alloc a\nlink a a\n", "not JSON"),
    (b"[1, 2]", "not a gcsh session file"),
    (b'"gcsh-session"', "not a gcsh session file"),
    (b"{}", "not a gcsh session file"),
    (b'{"format": "gcsh-graph", "version": 1}', "not a gcsh session file"),
    (b'{"format": "gcsh-session", "version": 2}', "written by a newer gcsh (format version 2"),
    (b'{"format": "gcsh-session", "version": 99999}', "written by a newer gcsh"),
    (b'{"format": "gcsh-session", "version": "1"}', "version: expected a positive integer"),
    (b'{"format": "gcsh-session", "version": true}', "version: expected a positive integer"),
    (b'{"format": "gcsh-session", "version": 0}', "version: expected a positive integer"),
    (b'{"format": "gcsh-session", "version": 1.0}', "version: expected a positive integer"),
    (b'{"format": "gcsh-session", "version": 1}', "unknown field") ,
    (b"\xff\xfe{}", "not valid UTF-8"),
    (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    (b'{"format": "gcsh-session", "format": "gcsh-session", "version": 1}', "duplicate key"),
    (b'{"format": "gcsh-session", "version": NaN}', "NaN"),
    (b'{"format": "gcsh-session", "version": 1e999}', "version: expected a positive integer"),
    (b'{"format": "gcsh-session", "version": ' + b"9" * 5000 + b"}", "not a session file"),
], ids=lambda x: x[:30] if isinstance(x, bytes) else None)
def test_foreign_and_future_files(tmp_path, victim, data, message):
    if message == "unknown field":  # a header alone: the first missing field is named
        message = "backend: missing"
    refuse(victim, write(tmp_path, data), message)


def test_every_truncation_is_refused(tmp_path, good_doc, victim):
    data = persist.to_text(restore.build(good_doc)).encode()
    assert data.endswith(b"}\n")  # so every cut below loses at least the closing brace
    end = len(data) - 1
    for cut in sorted(set(range(0, end, max(1, end // 300))) | {end - 1}):
        refuse(victim, write(tmp_path, data[:cut]), "cannot load")


def with_change(doc, change):
    doc = copy.deepcopy(doc)
    change(doc)
    return doc


def obj(doc, name):
    return next(o for o in doc["objects"] if o["name"] == name)


def tracked_list(doc):
    """A generation list that is not empty."""
    return next(members for members in doc["generations"] if members)


HOSTILE = {
    "refcount one too many": lambda d: obj(d, "l").update(refcount=obj(d, "l")["refcount"] + 1),
    "refcount one too few": lambda d: obj(d, "d").update(refcount=obj(d, "d")["refcount"] - 1),
    "a dangling reference": lambda d: obj(d, "l")["refs"].append(d["ids"] + 5),
    "a reference to a freed id": lambda d: obj(d, "l")["refs"].append(
        next(i for i in range(d["ids"]) if i not in {o["id"] for o in d["objects"]})),
    "a root bound to nothing": lambda d: d["roots"].append(["ghost", d["ids"] + 1]),
    "a root bound twice": lambda d: d["roots"].append(list(d["roots"][0])),
    "a root bound under another object's name": lambda d: d["roots"].append(["elsewhere", obj(d, "l")["id"]]),
    "an object in two generations": lambda d: d["generations"][1].append(tracked_list(d)[0]),
    "an object listed twice": lambda d: tracked_list(d).append(tracked_list(d)[0]),
    "a tracked object on no list": lambda d: tracked_list(d).pop(),
    "an int on a generation list": lambda d: (obj(d, "i").pop("tracked"), d["generations"][0].append(obj(d, "i")["id"])),
    "two objects with one name": lambda d: obj(d, "l").update(name="d"),
    "an invalid name": lambda d: obj(d, "l").update(name="no such\nname"),
    "an unknown kind": lambda d: obj(d, "l").update(kind="module"),
    "ids out of order": lambda d: d["objects"].reverse(),
    "a negative count": lambda d: d["collector"]["count"].__setitem__(0, -1),
    "a count that is true": lambda d: d["collector"].update(count=[True, 0, 0]),
    "four thresholds": lambda d: d["collector"]["threshold"].append(1),
    "a float threshold": lambda d: d["collector"]["threshold"].__setitem__(0, 700.0),
    "stats missing a generation": lambda d: d["collector"]["stats"].pop(),
    "a negative statistic": lambda d: d["collector"]["stats"][0].update(collected=-3),
    "an unknown collector field": lambda d: d["collector"].update(secret=1),
    "an unknown object field": lambda d: obj(d, "l").update(__class__="os.system"),
    "an unknown model": lambda d: d.update(model="2.7"),
    "a live session": lambda d: d.update(backend="live"),
    "ids beyond the limit": lambda d: d.update(ids=persist.MAX_IDS + 1),
    "ids absurdly many": lambda d: d.update(ids=10 ** 12),
    "ids fewer than the objects": lambda d: d.update(ids=3),
    "a huge refcount": lambda d: obj(d, "l").update(refcount=10 ** 40),
    "a weakref to a weakref": lambda d: (d["referents"].__setitem__(0, [d["referents"][0][0], obj(d, "v")["id"]]),
                                         d["weakrefs"].__setitem__(0, [obj(d, "v")["id"], [d["referents"][0][0]]])),
    "a weakref listed under two targets": lambda d: d["weakrefs"].append([obj(d, "s")["id"], d["weakrefs"][0][1]]),
    "a weakref calling itself back": lambda d: d["callbacks"].__setitem__(0, [obj(d, "w")["id"], obj(d, "w")["id"]]),
    "a weakref holding a strong reference": lambda d: obj(d, "v").update(refs=[obj(d, "l")["id"]], keys=["x"]),
    "instance dicts in a cycle": lambda d: d["instance_dicts"].append(
        [d["instance_dicts"][0][1], d["instance_dicts"][0][0]]),
    "one dict for two instances": lambda d: d["instance_dicts"].append([obj(d, "o2")["id"], d["instance_dicts"][0][1]]),
    "a set holding a list": lambda d: (obj(d, "s")["refs"].append(obj(d, "l")["id"]),
                                       obj(d, "l").update(refcount=obj(d, "l")["refcount"] + 1)),
    "keys that do not match": lambda d: obj(d, "d")["keys"].append("extra"),
    "a duplicate dict key": lambda d: (obj(d, "d")["keys"].append(obj(d, "d")["keys"][0]),
                                       obj(d, "d")["refs"].append({"int": 1})),
    "an atom of an unknown type": lambda d: obj(d, "l")["refs"].append({"float": 1.5}),
    "an atom with two types": lambda d: obj(d, "l")["refs"].append({"int": 1, "str": "1"}),
    "a freed-name reason over lines": lambda d: d["freed_names"].append(["zz", "line one\nline two"]),
    "a freed name that is alive": lambda d: d["freed_names"].append(["l", "it was freed"]),
    "a type name for nothing": lambda d: d["type_names"].append([d["ids"] + 1, "Evil"]),
    "shared keys of a list": lambda d: d["shared_keys"].append(["list", ["x"]]),
    "shared keys with more room than there is": lambda d: d["shared_keys"].append(["object", ["x"], 30]),
    "shared keys with a room of four items": lambda d: d["shared_keys"].append(["object", ["x"], 3, 4]),
    "an attribute order without attributes": lambda d: obj(d, "l").update(order=["x"]),
    "an unknown free list": lambda d: d["collector"]["free_lists"].update(module=1),
    "an overfull free list": lambda d: d["collector"]["free_lists"].update(list=10 ** 6),
    "a finalized list": lambda d: obj(d, "l").update(finalized=True),
    "instance dicts in a model without them": lambda d: d.update(model="3.11"),
    "the garbage list names a freed id": lambda d: d["garbage"].append(d["ids"] - 1 + 100),
    "a collection still running": lambda d: d["generations"][0].append(-1),
}


@pytest.mark.parametrize("case", HOSTILE)
def test_hostile_files(tmp_path, good_doc, victim, case):
    refuse(victim, write(tmp_path, with_change(good_doc, HOSTILE[case])), "cannot load")


def test_a_fifo_is_refused_without_waiting(tmp_path, victim):
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs here")
    os.mkfifo(tmp_path / "pipe")
    refuse(victim, tmp_path / "pipe", "not a regular file")


@pytest.mark.parametrize("path, message", [("/dev/zero", "not a regular file"), ("{tmp}", "is a directory"),
                                           ("{tmp}/missing.json", "no such file")])
def test_devices_directories_and_missing_files(tmp_path, victim, path, message):
    if not os.path.exists("/dev/zero") and path == "/dev/zero":
        pytest.skip("no /dev/zero")
    refuse(victim, path.format(tmp=tmp_path), message)


def test_a_file_over_the_size_limit_is_not_read(tmp_path, victim, monkeypatch, good_doc):
    path = write(tmp_path, good_doc)
    monkeypatch.setattr(persist, "MAX_FILE_BYTES", path.stat().st_size - 1)
    refuse(victim, path, "too large for a session file")


JSON = st.recursive(st.none() | st.booleans() | st.integers(-3, 2 ** 70) | st.floats(allow_nan=False) | st.text(max_size=8),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
                    max_leaves=6)


def paths_in(doc, prefix=()):
    yield prefix
    if isinstance(doc, dict):
        for k, v in doc.items():
            yield from paths_in(v, prefix + (k,))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            yield from paths_in(v, prefix + (i,))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_single_change_is_refused_or_sound(tmp_path, good_doc, data):
    """Replace, drop or duplicate any one node of a good file: either the file is refused with
    one line and the heap stays, or it loads as a heap that passes every invariant."""
    paths = list(paths_in(good_doc))[1:]
    path = data.draw(st.sampled_from(paths))
    doc = copy.deepcopy(good_doc)
    parent = doc
    for step in path[:-1]:
        parent = parent[step]
    action = data.draw(st.sampled_from(["replace", "drop", "duplicate", "nudge"]))
    if action == "replace":
        parent[path[-1]] = data.draw(JSON)
    elif action == "drop":
        del parent[path[-1]]
    elif action == "duplicate" and isinstance(parent, list):
        parent.append(copy.deepcopy(parent[path[-1]]))
    elif type(parent[path[-1]]) is int:
        parent[path[-1]] += data.draw(st.sampled_from([-1, 1, 2 ** 40]))
    s = session("3.12")
    run(s, "alloc keep; link keep keep")
    s.before = snapshot(s)
    target = write(tmp_path, doc)
    ok, err = run(s, f'load "{target}"')
    if ok:
        assert sound(s) == []
        assert run(s, "collect; heap; count")[0]
    else:
        assert len(err) == 1 and ONE_LINE.match(err[0]), err
        assert snapshot(s) == s.before
