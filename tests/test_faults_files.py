"""Files gcsh writes (pictures, sessions) appear whole or not at all: never through a
directory, never half-written after a full disk or Ctrl-C, and under any name."""

import errno
import os
import shutil

import pytest

from heapcheck import run, session

WRITERS = {
    "save": 'save "{path}"',
    "export": 'export "{path}"',
    "graph -o": 'graph -o "{path}"',
}
SUFFIX = {"save": ".json", "export": ".dot", "graph -o": ".dot"}
HEAP = "alloc a; alloc b dict; link a b; link b a"


def command(writer, path):
    quoted = str(path).replace("\\", "\\\\").replace('"', '\\"')
    return WRITERS[writer].format(path=quoted)


@pytest.fixture
def s():
    made = session()
    assert run(made, HEAP)[0]
    return made


@pytest.mark.parametrize("writer", WRITERS)
@pytest.mark.parametrize("name", ["plain", "with space", "é ñ 名前", "sub dir/deep é", "'quote\""])
def test_any_file_name(tmp_path, s, writer, name):
    (tmp_path / "sub dir").mkdir()
    path = tmp_path / (name + SUFFIX[writer])
    ok, err = run(s, command(writer, path))
    assert ok, err
    assert path.is_file() and path.stat().st_size > 0
    assert sorted(p.name for p in path.parent.iterdir() if p.name.startswith(".")) == []  # no leftovers


@pytest.mark.parametrize("writer", WRITERS)
@pytest.mark.parametrize("target", ["{dir}", "{dir}/", "{dir}/missing/x", "{dir}/file/x"])
def test_never_through_a_directory_or_a_file(tmp_path, s, writer, target):
    (tmp_path / "file").write_text("a file, not a directory")
    path = target.format(dir=tmp_path) + ("" if target.endswith("/") or target == "{dir}" else SUFFIX[writer])
    ok, err = run(s, command(writer, path))
    assert not ok and len(err) == 1 and ": error: " in err[0], err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]
    assert (tmp_path / "file").read_text() == "a file, not a directory"


@pytest.mark.parametrize("writer", WRITERS)
@pytest.mark.parametrize("failure", [OSError(errno.ENOSPC, "No space left on device"), KeyboardInterrupt()],
                         ids=["disk full", "Ctrl-C"])
def test_a_failed_write_leaves_the_old_file(tmp_path, s, monkeypatch, writer, failure):
    path = tmp_path / ("picture" + SUFFIX[writer])
    path.write_text("the old contents")

    def fail(*args, **kwargs):
        raise failure

    monkeypatch.setattr(os, "replace", fail)
    ok, err = run(s, command(writer, path))
    assert not ok and len(err) == 1, err
    assert "No space left on device" in err[0] if isinstance(failure, OSError) else "interrupted" in err[0]
    assert path.read_text() == "the old contents"
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]


@pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz's dot")
@pytest.mark.parametrize("suffix", [".svg", ".png"])
def test_pictures_under_odd_names(tmp_path, s, suffix):
    path = tmp_path / f"heap é {suffix[1:]}{suffix}"
    ok, err = run(s, command("export", path))
    assert ok, err
    assert path.stat().st_size > 0 and [p.name for p in tmp_path.iterdir()] == [path.name]


@pytest.mark.parametrize("text", ['save "{name}.json"', 'export "{name}.dot"', 'graph -o "{name}.dot"',
                                  'collect --frames "{name}"', 'load "{name}.json"', 'source "{name}.gcsh"'])
def test_a_name_too_long_for_the_file_system_is_one_error(tmp_path, monkeypatch, s, text):
    monkeypatch.chdir(tmp_path)
    ok, err = run(s, text.format(name="n" * 300))
    assert not ok and len(err) == 1 and ": error: " in err[0], err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="symbolic links")
@pytest.mark.parametrize("writer", WRITERS)
@pytest.mark.parametrize("exists", [True, False], ids=["to a file", "dangling"])
def test_a_symbolic_link_is_followed_and_its_file_replaced(tmp_path, s, writer, exists):
    """As editors do: the file the link points to gets the new contents; the link stays a link."""
    (tmp_path / "real").mkdir()
    real = tmp_path / "real" / ("target" + SUFFIX[writer])
    if exists:
        real.write_text("the old contents")
    link = tmp_path / ("link" + SUFFIX[writer])
    link.symlink_to(real)
    ok, err = run(s, command(writer, link))
    assert ok, err
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.is_file() and real.read_text() != "the old contents" and real.stat().st_size > 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link" + SUFFIX[writer], "real"]
    assert [p.name for p in (tmp_path / "real").iterdir()] == [real.name]  # no leftovers


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="symbolic links")
@pytest.mark.parametrize("writer", WRITERS)
def test_a_loop_of_symbolic_links_is_one_error(tmp_path, s, writer):
    a, b = tmp_path / ("a" + SUFFIX[writer]), tmp_path / ("b" + SUFFIX[writer])
    a.symlink_to(b)
    b.symlink_to(a)
    ok, err = run(s, command(writer, a))
    assert not ok and len(err) == 1 and "too many levels of symbolic links" in err[0], err
    assert a.is_symlink() and b.is_symlink() and len(list(tmp_path.iterdir())) == 2
