"""README's first screen: the pictures gcsh draws of itself, checked against what it draws now."""

import re
import shutil

import pytest

from gcsh.tools import docshots
from gcsh.tools.docpictures import same_picture, svg_content
from gcsh.render.terminal_svg import Style, parse, screen_svg

ROOT = docshots.ROOT
KEPT = ROOT / docshots.PICTURES


def texts(path):
    return [t for kind, t in svg_content(path.read_text(encoding="utf-8")) if kind == "text"]


def test_the_readme_shows_both_pictures_on_its_first_screen():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_screen = readme[:readme.index("\n## ")]
    for name in docshots.MAKERS:
        assert f"](docs/images/readme/{name})" in first_screen
        assert (KEPT / name).exists()
    assert "| objects | shape |" not in readme  # the benchmark tables live in the docs
    assert "](docs/performance.md)" in readme
    assert "| objects | shape |" in (ROOT / "docs" / "performance.md").read_text(encoding="utf-8")


def test_the_shell_picture_shows_the_completion_menu_and_the_toolbar():
    shown = " ".join(texts(KEPT / "shell.svg")).replace("\u00a0", " ")
    for words in ("--trace", "--frames DIR", "--html FILE", "write FILE: one page that steps through the phases",
                  "sim 3.13", "gen0", "/2000", "debug", "frozen", "objects", "freed: a, b"):
        assert words in shown, words


@pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz's dot")
def test_the_collection_frame_is_what_gcsh_draws_now(tmp_path):
    made = tmp_path / "collection.svg"
    docshots.collection_frame(made)
    assert same_picture(KEPT / "collection.svg", made), "run: python -m gcsh.tools.docshots"
    shown = texts(made)
    assert any(t.startswith("3. move_unreachable") for t in shown) and "gc_refs 0" in shown


@pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux")
def test_the_shell_picture_is_what_the_shell_shows_now(tmp_path):
    made = tmp_path / "shell.svg"
    docshots.shell_picture(made)
    assert same_picture(KEPT / "shell.svg", made), "run: python -m gcsh.tools.docshots"


def test_terminal_colours_and_attributes_become_svg():
    screen = "\x1b[1m\x1b[36mgcsh\x1b[0m plain \x1b[38;5;16m\x1b[48;5;250m menu \x1b[7mrev\x1b[0m\n\x1b[38;2;1;2;3mrgb"
    grid = parse(screen, 20, 3)
    assert len(grid) == 3 and all(len(row) == 20 for row in grid)
    assert grid[0][0] == ("g", Style(fg="#39c5cf", bold=True))
    assert grid[0][11][1] == Style(fg="#000000", bg="#bcbcbc")
    assert grid[0][17][1].reverse and grid[1][0] == ("r", Style(fg="#010203"))
    svg = screen_svg(screen, 20, 3, "t")
    assert svg.startswith("<svg") and ">gcsh</text>" in svg and 'fill="#bcbcbc"' in svg
    assert re.search(r'<text [^>]*font-weight="bold"[^>]*>gcsh</text>', svg)
