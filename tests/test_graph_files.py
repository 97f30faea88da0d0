"""`graph -o FILE` / `export FILE`: the files are opened and checked, not just found."""

import os
import re
import shutil
import stat
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from gcsh.render import files

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")

CYCLE = "alloc a; alloc b; link a b; link b a"


def run(session, text):
    s = session()
    assert s.run_text(text), s.err()
    return s


def dot_nodes_and_edges(source):
    """Node ids and (src, dst) pairs of a DOT file gcsh wrote."""
    nodes = set(re.findall(r"^\s*(n\d+) \[", source, re.M))
    edges = re.findall(r"^\s*(\w+)(?::\w+:\w+)? -> (\w+)", source, re.M)
    return nodes, edges


def test_dot_source_has_every_object_reference_and_label(session, tmp_path):
    out = tmp_path / "heap.dot"
    run(session, f"{CYCLE}; alloc d dict; link d a key; graph -o {out}")
    source = out.read_text()
    nodes, edges = dot_nodes_and_edges(source)
    assert nodes == {"n0", "n1", "n2"}
    assert ("n0", "n1") in edges and ("n1", "n0") in edges and ("n2", "n0") in edges
    assert ("names", "n0") in edges  # root names are entry points
    assert "cluster_0" in source and "generation 0" in source
    assert "[0]" in source and "[&#x27;key&#x27;]" in source
    assert "refcount 2" in source


def test_weakref_dashed_untracked_styled_apart(session, tmp_path):
    out = tmp_path / "w.dot"
    run(session, f"alloc o object; weakref w o; alloc t tuple 1; collect; graph -o {out}")
    source = out.read_text()
    weak = [line for line in source.splitlines() if "->" in line and "weak" in line]
    assert weak and "style=dashed" in weak[0]
    t_line = next(line for line in source.splitlines() if line.strip().startswith("n2 ["))
    assert "dashed" in t_line  # the tuple was untracked by the full collection
    assert "cluster_2" in source and "untracked" in source


def test_unreachable_garbage_and_frozen_are_marked(session, tmp_path):
    out = tmp_path / "m.dot"
    run(session, "flags DEBUG_SAVEALL; alloc a; link a a; del a; collect 0; alloc f; freeze; "
                 f"graph -o {out}")
    source = out.read_text()
    assert "in gc.garbage" in source and "gc_garbage" in source  # marked, and gc.garbage holds it
    assert "unreachable" in source  # found by the last collection
    assert "cluster_permanent" in source and "frozen" in source


def test_labels_are_bounded_and_escaped(session, tmp_path):
    out = tmp_path / "esc.dot"
    nasty = 'q"<b>{x}</b>\\n' + "z" * 200
    run(session, f"alloc d dict; alloc b; link d b '{nasty}'; graph -o {out}")
    source = out.read_text()
    assert "<b>" not in source and "&lt;b&gt;" in source and "&quot;" in source
    assert "z" * 100 not in source  # bounded
    assert "…" in source
    nodes, edges = dot_nodes_and_edges(source)
    assert ("n0", "n1") in edges


@needs_dot
def test_cycle_png_svg_pdf_open_as_what_they_claim(session, tmp_path):
    png, svg, pdf = tmp_path / "heap.png", tmp_path / "heap.svg", tmp_path / "heap.pdf"
    s = run(session, f"{CYCLE}; graph -o {png}; export {svg}; graph a -o {pdf}")
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert 200 < width < 4000 and 100 < height < 4000
    root = ET.fromstring(svg.read_bytes())
    texts = "".join(root.itertext())
    assert "generation 0" in texts and "refcount 2" in texts and "[0]" in texts
    titles = [t.text for t in root.iter("{http://www.w3.org/2000/svg}title")]
    assert "n0&#45;&gt;n1" in titles or "n0->n1" in titles
    assert pdf.read_bytes()[:5] == b"%PDF-"
    assert "wrote" in s.out()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary files left
    mask = os.umask(0)
    os.umask(mask)
    assert png.stat().st_mode & 0o777 == 0o666 & ~mask  # not private: as any file the user makes


@needs_dot
def test_paths_with_spaces_and_non_ascii(session, tmp_path):
    folder = tmp_path / "mes images é"
    folder.mkdir()
    target = folder / "tas de mémoire.svg"
    run(session, f'{CYCLE}; graph -o "{target}"')
    ET.fromstring(target.read_bytes())


@pytest.mark.parametrize("target, message", [
    ("heap.gif", "unknown picture format ('.gif')"),
    ("heap", "unknown picture format (no suffix)"),
    ("missing/heap.png", "no such directory"),
])
def test_bad_targets_fail_cleanly(session, tmp_path, target, message):
    s = session()
    ok = s.run_text(f"{CYCLE}; graph -o {tmp_path / target}")
    assert not ok and message in s.err()
    assert "Traceback" not in s.err()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes anywhere")
def test_unwritable_directory(session, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        s = session()
        assert not s.run_text(f"{CYCLE}; graph -o {locked / 'x.svg'}")
        assert "not writable" in s.err()
    finally:
        locked.chmod(stat.S_IRWXU)


def test_unwritable_directory_is_checked(tmp_path, monkeypatch):
    monkeypatch.setattr(files.os, "access", lambda path, mode: False)
    with pytest.raises(files.UserError, match="not writable"):
        files.check_target(str(tmp_path / "x.svg"))


def test_unknown_name(session, tmp_path):
    s = session()
    assert not s.run_text(f"{CYCLE}; graph nosuch -o {tmp_path / 'x.svg'}")
    assert "unknown name 'nosuch'" in s.err()
    assert list(tmp_path.iterdir()) == []


def test_without_dot_the_source_is_written_and_the_terminal_view_works(tmp_path):
    """Run gcsh with a PATH that has no Graphviz at all."""
    empty = tmp_path / "bin"
    empty.mkdir()
    env = dict(os.environ, PATH=str(empty))
    cmd = f"{CYCLE}; graph; graph -o {tmp_path / 'heap.png'}"
    p = subprocess.run([sys.executable, "-m", "gcsh", "-c", cmd], capture_output=True, text=True, env=env,
                       timeout=60)
    assert p.returncode == 1
    assert "[0] -> b" in p.stdout  # the terminal view
    assert "dot program is not installed" in p.stderr and "apt-get install graphviz" in p.stderr
    assert "Traceback" not in p.stderr
    assert not (tmp_path / "heap.png").exists()
    assert "n0 -> n1" in (tmp_path / "heap.dot").read_text()


def test_time_limit_leaves_nothing_behind(session, tmp_path, monkeypatch):
    """A Graphviz that never finishes is stopped at the time limit."""
    fake = tmp_path / "bin"
    fake.mkdir()
    for engine in ("dot", "sfdp"):
        (fake / engine).write_text("#!/bin/sh\nexec sleep 30\n")
        (fake / engine).chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setattr(files, "TIMEOUT", 0.5)
    s = session()
    out = tmp_path / "out"
    out.mkdir()
    assert not s.run_text(f"{CYCLE}; graph -o {out / 'heap.svg'}")
    assert "did not finish within 0.5 s" in s.err()
    assert sorted(p.name for p in out.iterdir()) == ["heap.dot"]


def test_graphviz_failure_is_reported(tmp_path, monkeypatch):
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "dot").write_text("#!/bin/sh\necho 'Error: syntax error in line 1' >&2\nexit 1\n")
    (fake / "dot").chmod(0o755)
    monkeypatch.setenv("PATH", str(fake))
    with pytest.raises(files.UserError, match="dot failed: Error: syntax error"):
        files.run_graphviz("dot", "svg", "digraph {}", 5)


def test_layout_engine_by_size():
    from gcsh.backends.view import HeapView, Node

    small = HeapView("t", nodes={f"n{i}": Node(f"n{i}", "x", "list", 1, 0, True) for i in range(10)})
    big = HeapView("t", nodes={f"n{i}": Node(f"n{i}", "x", "list", 1, 0, True) for i in range(500)})
    assert files.layout_for(small) == "dot" and files.layout_for(big) == "sfdp"
