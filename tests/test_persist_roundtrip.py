"""save and load: a saved session comes back exactly, and files are written whole or not at all."""

import errno
import json
import os
import random
import re
import shutil

import pytest

from gcsh.tools import fuzzing
from gcsh.backends.sim import persist
from heapcheck import MODELS, RICH, run, session, snapshot, sound


@pytest.mark.parametrize("model", MODELS)
def test_a_rich_session_comes_back_exactly(tmp_path, model):
    s = session(model)
    assert run(s, RICH)[0]
    path = tmp_path / "s.json"
    before = snapshot(s)
    assert run(s, f'save "{path}"')[0]
    fresh = session("3.12" if model != "3.12" else "3.10")
    ok, err = run(fresh, f'load "{path}"')
    assert ok, err
    assert fresh.sim.model.version == model  # the model comes back with the heap
    assert snapshot(fresh) == before and sound(fresh) == []
    again = tmp_path / "again.json"
    assert run(fresh, f'save "{again}"')[0]
    assert again.read_bytes() == path.read_bytes()


ELAPSED = re.compile(r"\d+\.\d+s elapsed")


@pytest.mark.parametrize("seed", range(12))
def test_a_loaded_session_behaves_like_the_original(tmp_path, monkeypatch, seed):
    """Random programs: save, load into a new session, then run the same commands in both
    (each in a copy of the directory: the programs write files)."""
    rng = random.Random(seed)
    model = MODELS[seed % len(MODELS)]
    first, rest = fuzzing.program(rng, 80), fuzzing.program(rng, 80)
    # a loaded heap starts a journal of its own: undo and redo there differ from the original's
    rest = [line for line in rest
            if not any(part.split()[:1] in (["undo"], ["redo"]) for part in line.split(";"))]
    places = [tmp_path / "original", tmp_path / "copy"]
    places[0].mkdir()
    fuzzing.prepare_directory(str(places[0]))
    original, copy = session(model), session(model)
    monkeypatch.chdir(places[0])
    original.run_lines(first, "<first>")
    original.run_text(f'save "{tmp_path / "snap.json"}"', "<save>")
    shutil.copytree(places[0], places[1])
    assert copy.run_text(f'load "{tmp_path / "snap.json"}"', "<load>"), copy.stderr.getvalue()
    assert snapshot(copy) == snapshot(original)
    outputs = []
    for s, place in zip((original, copy), places):
        monkeypatch.chdir(place)
        s.stdout.seek(0), s.stdout.truncate()
        s.stderr.seek(0), s.stderr.truncate()
        s.run_lines(rest, "<then>")
        # the debug lines' "0.0001s elapsed" is the wall time of each copy's own collection
        outputs.append((s.stdout.getvalue(), ELAPSED.sub("Ns elapsed", s.stderr.getvalue()), snapshot(s)))
    assert outputs[0] == outputs[1]


def test_freed_ids_stay_freed_and_new_names_do_not_collide(tmp_path):
    s = session("3.10")
    run(s, "alloc x object; alloc y; link x y; del x; alloc z object; link z z")
    run(s, f'save "{tmp_path / "s.json"}"')
    t = session()
    run(t, f'load "{tmp_path / "s.json"}"')
    assert t.sim.heap.size() == s.sim.heap.size()  # ids go on from where they were
    ok, err = run(t, "alloc x object; link x z; collect; heap")
    assert ok, err
    assert sound(t) == []


def test_save_and_load_answer_in_json(gcsh, tmp_path):
    path = tmp_path / "s.json"
    r = gcsh("--json", "-c", f'alloc a; alloc b; link a b; save "{path}"; load "{path}"')
    saved, loaded = r.json[-2:]
    assert saved["result"]["objects"] == 2 and saved["result"]["version"] == persist.VERSION
    assert saved["result"]["bytes"] == path.stat().st_size
    assert loaded["result"] == {"file": str(path), "objects": 2, "model": saved["result"]["model"],
                                "version": persist.VERSION}


def test_the_file_is_json_with_a_format_version(tmp_path):
    s = session()
    run(s, RICH + f'save "{tmp_path / "s.json"}"')
    doc = json.loads((tmp_path / "s.json").read_text())
    assert doc["format"] == "gcsh-session" and doc["version"] == 1 and doc["backend"] == "sim"
    heap = s.sim.heap
    assert {o["name"] for o in doc["objects"]} == {heap.name_of(op) for op in heap.live()}


@pytest.mark.parametrize("name", ["with space.json", "é ñ 名前.json", "sub dir/x y.json", "'quote'.json"])
def test_paths_with_spaces_and_other_characters(tmp_path, name):
    (tmp_path / "sub dir").mkdir()
    path = tmp_path / name
    s = session()
    quoted = str(path).replace("\\", "\\\\").replace('"', '\\"')
    ok, err = run(s, f'alloc a; save "{quoted}"; reset; load "{quoted}"; tracked a')
    assert ok, err
    assert path.exists()


def test_only_the_target_is_written(tmp_path):
    s = session()
    run(s, f'alloc a; save "{tmp_path / "s.json"}"')
    assert os.listdir(tmp_path) == ["s.json"]


def test_an_existing_file_keeps_its_permissions(tmp_path):
    path = tmp_path / "s.json"
    path.write_text("old")
    os.chmod(path, 0o640)
    run(session(), f'save "{path}"')
    assert (path.stat().st_mode & 0o777) == 0o640


@pytest.mark.parametrize("target, message", [
    ("{dir}", "is a directory"),
    ("{dir}/", "is a directory"),
    ("{dir}/missing/s.json", "no such directory"),
])
def test_save_refuses_paths_that_cannot_be_a_file(tmp_path, target, message):
    s = session()
    run(s, "alloc a")
    ok, err = run(s, f'save "{target.format(dir=tmp_path)}"')
    assert not ok and len(err) == 1 and message in err[0]
    assert os.listdir(tmp_path) == []  # nothing written, not even a temporary file


@pytest.mark.parametrize("failure", [
    OSError(errno.ENOSPC, "No space left on device"),
    OSError(errno.EIO, "Input/output error"),
    KeyboardInterrupt(),
])
def test_a_failed_write_leaves_the_old_file_and_no_debris(tmp_path, monkeypatch, failure):
    path = tmp_path / "s.json"
    path.write_text("the old session")
    s = session()
    run(s, "alloc a; alloc b; link a b")
    before = snapshot(s)

    def fail(fd):
        raise failure

    monkeypatch.setattr(os, "fsync", fail)
    ok, err = run(s, f'save "{path}"')
    assert not ok and len(err) == 1
    assert ("No space left" in err[0]) if isinstance(failure, OSError) and failure.errno == errno.ENOSPC else True
    assert path.read_text() == "the old session"
    assert os.listdir(tmp_path) == ["s.json"]
    assert snapshot(s) == before


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs permissions that bind (not root)")
def test_an_unwritable_directory_is_one_clear_line(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    os.chmod(locked, 0o500)
    try:
        ok, err = run(session(), f'alloc a; save "{locked / "s.json"}"')
    finally:
        os.chmod(locked, 0o700)
    assert not ok and err == [f"<test>:1: error: {locked / 's.json'}: cannot write: Permission denied"]


def test_save_and_load_are_simulator_commands(gcsh, tmp_path):
    pytest.importorskip("gcsh.backends.live")
    r = gcsh("--backend", "live", "-c", f'save "{tmp_path / "s.json"}"')
    assert r.status == 1 and "only available in the sim backend" in r.err
    assert not (tmp_path / "s.json").exists()


@pytest.mark.parametrize("model", ["3.11", "3.13"])
def test_a_loaded_class_keeps_the_room_in_its_shared_keys_and_each_instance_its_order(tmp_path, model):
    """What is left of a class's shared keys and the order an instance set its attributes in are
    part of the heap: the next name overflows after a load as it would have before."""
    fill = "; ".join(f"link a 1 k{k}" for k in range(2, 28))
    # b sets k0 then k1, visited k1 first (a named k1 first), and takes the last room
    build = f"alloc a object; {fill}; link a 1 k1; alloc b object; link b 1 k0; link b 2 k1"
    then = "link b 3 z; link a 4 z"
    path = tmp_path / "s.json"
    original, loaded = session(model), session(model)
    assert run(original, f'{build}; save "{path}"')[0]
    assert '"order": ["k0", "k1"]' in path.read_text() and '["object", ' in path.read_text()
    assert run(loaded, f'load "{path}"')[0] and sound(loaded) == []
    for s in (original, loaded):
        assert run(s, then)[0]
    assert snapshot(loaded) == snapshot(original)
    heap = loaded.sim.heap
    assert heap.keys_of(heap.instance_dict[heap.roots["b"]]) == ["k0", "k1", "z"]
