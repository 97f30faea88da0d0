"""The pages in Debian's headless chromium, as a person sees them: screenshots checked, keys pressed."""

import shutil
import struct
import zlib

import pytest

from chromium import chromium, needs_browser  # noqa: F401 (a fixture)
from pages import Gcsh

pytestmark = needs_browser + [pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz's dot")]

STEP_SETUP = ("alloc root; alloc a; alloc b; link root a; link a b; alloc c; alloc d; link c d; link d c; "
              "del a b c d; alloc f finalizer; link f f; alloc o object; link o o; weakref w o --callback; del f o")


def rows(path) -> list[bytes]:
    """The rows of a PNG chromium wrote, as stored (filtered): equal rows hold equal pixels."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = header
    assert depth == 8 and colour in (2, 6) and not interlace
    stride = width * (4 if colour == 6 else 3) + 1
    raw = zlib.decompress(idat)
    return [raw[y * stride:(y + 1) * stride] for y in range(height)]


def busy(path) -> int:
    """How many different rows a screenshot has: a blank or failed page has a handful."""
    return len(set(rows(path)))


def changed_share(before, after) -> float:
    """The share of rows that differ between two screenshots of the same size."""
    a, b = rows(before), rows(after)
    assert len(a) == len(b)
    return sum(x != y for x, y in zip(a, b)) / len(a)


def test_the_live_page_loads_and_redraws_after_a_command(chromium, tmp_path):
    g = Gcsh(tmp_path, "--model", "3.11")
    try:
        assert g.run("ring r 1000")["ok"]
        url = g.open_page()
        chromium.goto(url)
        chromium.wait_text("#connection", "live")
        chromium.wait_text("#toolbar", "1000 objects")
        first = chromium.screenshot(tmp_path / "live-1.png")
        assert g.run("alloc zebra")["ok"]
        seconds = chromium.wait_text("#picture", "zebra")
        chromium.wait_text("#toolbar", "1001 objects")
        second = chromium.screenshot(tmp_path / "live-2.png")
        assert busy(first) > 100  # a picture, not a blank page
        assert changed_share(first, second) > 0.02  # the picture changed
        assert seconds < 10
        assert chromium.send("errors")["errors"] == []
        for command in ("link zebra zebra", "del zebra", "collect 0"):
            assert g.run(command)["ok"]
        chromium.wait_text("#collection", "step through the last collection: collect(0): 1 unreachable")
        chromium.goto(url + "collection.html")
        assert chromium.text("#counter").startswith("phase 1 / 6")
        chromium.press("ArrowRight")
        assert chromium.text("#counter").startswith("phase 2 / 6")
        assert chromium.send("errors")["errors"] == []
    finally:
        g.close()


def test_the_step_through_page_works_offline_with_the_arrow_keys(chromium, tmp_path):
    g = Gcsh(tmp_path, "--model", "3.13")
    try:
        for command in STEP_SETUP.split("; "):
            assert g.run(command)["ok"], command
        answer = g.run("collect 0 --html steps.html")
        assert answer["ok"] and answer["result"]["html"] == "steps.html"
    finally:
        g.close()
    page = tmp_path / "steps.html"
    chromium.goto(page.as_uri(), offline=True)
    assert chromium.text("#counter") == "phase 1 / 6: before"
    shots = [chromium.screenshot(tmp_path / "step-0.png")]
    for i, phase in enumerate(["update_refs", "subtract_refs", "move_unreachable", "finalizers", "end"], 2):
        chromium.press("ArrowRight")
        assert chromium.text("#counter") == f"phase {i} / 6: {phase}"
        shots.append(chromium.screenshot(tmp_path / f"step-{i - 1}.png"))
    chromium.press("ArrowRight")  # the last phase stays the last
    assert chromium.text("#counter") == "phase 6 / 6: end"
    chromium.press("ArrowLeft")
    assert chromium.text("#counter") == "phase 5 / 6: finalizers"
    chromium.press("Home")
    assert chromium.text("#counter") == "phase 1 / 6: before"
    assert chromium.send("requests")["urls"] == [page.as_uri()]  # nothing fetched from anywhere
    assert chromium.send("errors")["errors"] == []
    assert all(changed_share(a, b) > 0.02 for a, b in zip(shots, shots[1:]))  # each phase looks different
    assert busy(shots[4]) > 100
