"""`collect GEN --frames DIR`: one picture per phase, telling the story of a collection."""

import json
import os
import shutil
import struct

import pytest

from gcsh.render.frames import phase_views

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")

PHASES = ["00-before", "01-update_refs", "02-subtract_refs", "03-move_unreachable", "04-finalizers", "05-end"]
HELD_CYCLE = "alloc c; alloc a; alloc b; link c a; link a b; link b a; alloc x; alloc y; link x y; link y x; " \
             "del a b x y"


def frames_of(session, setup, gen=0):
    s = session()
    assert s.run_text(setup), s.err()
    before = s.backend.view()
    info = s.backend.collect(gen, True)
    return {phase: view for phase, view in phase_views(before, info["trace"], s.backend.view())}


def by_name(view):
    return {n.name: n for n in view.nodes.values()}


def test_the_story_of_a_collection(session):
    frames = frames_of(session, HELD_CYCLE)
    assert list(frames) == ["before", "update_refs", "subtract_refs", "move_unreachable", "finalizers", "end"]
    update = by_name(frames["update_refs"])
    assert {n: update[n].gc_refs for n in "cabxy"} == {"c": 1, "a": 2, "b": 1, "x": 1, "y": 1}
    subtract = by_name(frames["subtract_refs"])
    assert {n: subtract[n].gc_refs for n in "cabxy"} == {"c": 1, "a": 0, "b": 0, "x": 0, "y": 0}
    assert "outside" in subtract["c"].marks and "outside" not in subtract["a"].marks
    assert "held from outside: c" in frames["subtract_refs"].caption
    move = by_name(frames["move_unreachable"])
    assert {n for n in "cabxy" if "reachable" in move[n].marks} == {"c", "a", "b"}
    assert {n for n in "cabxy" if "unreachable" in move[n].marks} == {"x", "y"}
    end = by_name(frames["end"])
    assert {n for n, node in end.items() if "freed" in node.marks} == {"x", "y"}
    assert end["a"].generation == 1 and end["a"].refcount == 2
    assert "freed: x, y" in frames["end"].caption and "generation 1" in frames["end"].caption
    assert all(n.gc_refs is None for n in frames["before"].nodes.values())


def test_finalizers_weakrefs_and_resurrection_in_frame_four(session):
    frames = frames_of(session, "alloc f finalizer --resurrect; link f f; alloc o object; link o o; "
                                "weakref w o --callback; del f o; alloc L legacy; link L L; del L", gen=2)
    caption = frames["finalizers"].caption
    assert "__del__ ran for f" in caption and "resurrected: f" in caption
    assert "weakrefs cleared: w" in caption and "callbacks called: w" in caption
    assert "legacy finalizers make L uncollectable" in caption
    four = by_name(frames["finalizers"])
    assert "resurrected" in four["f"].marks and "uncollectable" in four["L"].marks
    assert any(e.weak and "cleared" in e.marks for e in frames["finalizers"].edges)
    end = by_name(frames["end"])
    assert "freed" in end["o"].marks and "freed" not in end["f"].marks
    assert "resurrected" in end["f"].marks and "unreachable" not in end["f"].marks


def test_frames_keep_object_ids_across_phases(session):
    frames = frames_of(session, HELD_CYCLE)
    ids = [set(view.nodes) for view in frames.values()]
    assert all(i == ids[0] for i in ids)


def test_frames_written_as_dot_sources_without_graphviz(session, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "nothing"))
    s = session(json_mode=True)
    folder = tmp_path / "frames"
    assert s.run_text(f"{HELD_CYCLE}; collect 0 --frames {folder}"), s.err()
    result = json.loads(s.out().splitlines()[-1])["result"]
    assert result["unreachable"] == 2 and result["freed"] == ["x", "y"]
    assert sorted(p.name for p in folder.iterdir()) == [f"{p}.dot" for p in PHASES]
    assert "gc_refs 0" in (folder / "02-subtract_refs.dot").read_text()
    assert "freed by this collection" in (folder / "05-end.dot").read_text()
    s = session()
    s.run_text(f"{HELD_CYCLE}; collect 0 --frames {folder}")
    assert "not pictures" in s.out() and "apt-get install graphviz" in s.out()


@needs_dot
def test_frames_are_pictures(session, tmp_path):
    s = session()
    folder = tmp_path / "frames é"
    assert s.run_text(f'{HELD_CYCLE}; collect 0 --frames "{folder}" --trace'), s.err()
    out = s.out()
    assert "subtract_refs" in out and "collect(0): 2 unreachable" in out and "frames: 6 pictures" in out
    names = sorted(p.name for p in folder.iterdir())
    assert names == [f"{p}.png" for p in PHASES]
    for name in names:
        data = (folder / name).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", data[16:24])[0] > 100


def test_a_missing_folder_is_refused_before_collecting(session, tmp_path):
    s = session()
    assert s.run_text(HELD_CYCLE)
    before = s.backend.get_stats()
    assert not s.run_text(f"collect 0 --frames {tmp_path / 'no' / 'such'}")
    assert "no such directory" in s.err()
    assert s.backend.get_stats() == before and "x" in s.backend.names()


def test_a_large_heap_gives_summarised_frames(session, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "nothing"))  # .dot sources are enough to count
    lines = [f"alloc k{i}" for i in range(200)] + ["alloc x", "alloc y", "link x y", "link y x", "del x y"]
    s = session()
    assert s.run_text("\n".join(lines))
    folder = tmp_path / "big"
    assert s.run_text(f"collect 0 --frames {folder}")
    before = (folder / "00-before.dot").read_text()
    assert "+" in before and "more list" in before
    assert ">x<" in before.replace("<B>", ">").replace("</B>", "<")  # the garbage is drawn, not cut
    assert os.path.getsize(folder / "05-end.dot") < 200_000


def test_a_full_incremental_collection_says_the_names_are_in_the_set(session):
    """3.14.2's gc_collect_full examines the module's namespace: the pictures' gc_refs are 0 for
    objects only names hold, and the caption says why."""
    s = session("3.14.2")
    assert s.run_text("alloc p object; collect 0; alloc q object; link q p"), s.err()
    before = s.backend.view()
    info = s.backend.collect(2, True)
    frames = dict(phase_views(before, info["trace"], s.backend.view()))
    subtract = frames["subtract_refs"]
    assert {n: by_name(subtract)[n].gc_refs for n in "pq"} == {"p": 0, "q": 0}
    assert "the names too: __main__.__dict__ is in the set" in subtract.caption
    assert "__main__.__dict__" not in by_name(subtract)  # (not drawn as one of the heap's objects)
