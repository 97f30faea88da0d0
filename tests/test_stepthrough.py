"""`collect --html FILE`: the page that steps through a collection, read as HTML (the browser tests load it)."""

import html
import re
import shutil

import pytest

from gcsh.render.frames import phase_views
from gcsh.web import stepthrough

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
SETUP = ("alloc root; alloc a; link root a; alloc c; alloc d; link c d; link d c; del a c d; "
         "alloc f finalizer; link f f; alloc o object; link o o; weakref w o --callback; del f o")


def frames_of(session, setup=SETUP, gen=0):
    s = session(model="3.13")
    assert s.run_text(setup), s.err()
    before = s.backend.view()
    info = s.backend.collect(gen, True)
    return phase_views(before, info["trace"], s.backend.view())


def sections(page):
    return re.findall(r'<section class="frame" data-phase="([^"]+)" id="phase-(\d)"(?: hidden)?>(.*?)</section>',
                      page, re.S)


@needs_dot
def test_the_page_holds_every_phase_with_its_picture_and_table(session):
    page = stepthrough.page_html(frames_of(session), "collect(0)")
    found = sections(page)
    assert [phase for phase, _, _ in found] == ["before", "update_refs", "subtract_refs", "move_unreachable",
                                                "finalizers", "end"]
    assert all(body.count("<svg") == 1 for _, _, body in found)
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids))  # six pictures, no id twice
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "").replace(
        'xmlns:xlink="http://www.w3.org/1999/xlink"', "")  # nothing to fetch
    assert ' hidden>' not in page.split('id="phase-0"')[1][:10]  # the first phase shows at once


def row(body, name):
    m = re.search(rf'<tr(?: class="mark-(\w+)")?><td class="name">{name}</td><td>(\w+)</td>'
                  rf'<td class="num">(\d*)</td><td class="num gcrefs">(-?\d*)</td><td[^>]*>([^<]*)</td>'
                  rf'<td>([^<]*)</td></tr>', body)
    assert m, name
    return m.groups()


@needs_dot
def test_gc_refs_and_states_per_phase_in_the_pictures_colours(session):
    found = {phase: body for phase, _, body in sections(stepthrough.page_html(frames_of(session), "t"))}
    assert row(found["update_refs"], "a")[3] == "1" and row(found["subtract_refs"], "a")[3] == "0"
    assert row(found["subtract_refs"], "root")[0] == "outside"
    assert row(found["move_unreachable"], "a")[0] == "reachable"
    assert row(found["move_unreachable"], "c")[0] == "unreachable"
    assert "__del__ ran" in row(found["finalizers"], "f")[5]
    assert "weak references cleared</b> (1): w" in found["finalizers"]
    assert "callbacks called: w" in found["finalizers"]
    assert row(found["end"], "c")[0] == "freed" and row(found["end"], "c")[4] == "freed"
    assert "<b>freed</b> (4): c, d, f, o" in found["end"]
    from gcsh.render.graphviz_out import LOOKS
    fill, border = next((f, b) for m, f, b, _ in LOOKS if m == "unreachable")
    page = stepthrough.page_html(frames_of(session), "t")
    assert f"tr.mark-unreachable td{{background:{fill}}}" in page and border in page


def test_without_graphviz_the_page_still_tells_the_story(session, monkeypatch):
    from gcsh.errors import UserError
    from gcsh.web import picture

    def missing(*args, **kwargs):
        raise UserError("Graphviz's dot program is not installed")

    monkeypatch.setattr(picture, "run_graphviz", missing)
    page = stepthrough.page_html(frames_of(session), "t")
    assert "<svg" not in page and page.count("No picture: Graphviz&#x27;s dot program is not installed") == 6
    assert len(sections(page)) == 6 and 'class="num gcrefs">0<' in page


def test_a_large_collection_lists_a_bounded_table(session):
    frames = frames_of(session, "disable; ring r 500; del r")
    page = stepthrough.page_html(frames, "t") if shutil.which("dot") else None
    listed, more = stepthrough.rows(dict(frames)["move_unreachable"], [n for n in dict(frames)["before"].nodes])
    assert len(listed) == stepthrough.MAX_ROWS and more == 500 - stepthrough.MAX_ROWS
    if page:
        assert f"+{500 - stepthrough.MAX_ROWS} more objects not listed" in page


def test_collect_html_writes_the_page_and_reports_it(gcsh, tmp_path):
    path = tmp_path / "steps.html"
    r = gcsh("--model", "3.13", "--json", "-c", f"alloc a; link a a; del a; collect 0 --html {path}")
    assert r.status == 0, r.err
    result = r.last["result"]
    assert result["html"] == str(path) and result["unreachable"] == 1 and "trace" not in result
    assert path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    r = gcsh("--model", "3.13", "-c", f"alloc a; link a a; del a; collect 0 --html {path} --trace --frames "
                                      f"{tmp_path / 'frames'}")
    assert "4. move_unreachable" in r.out and "page: " in r.out and "frames: 6" in r.out


def test_collect_html_mistakes_leave_the_heap_as_it_was(gcsh, tmp_path):
    r = gcsh("--model", "3.13", "--keep-going", "-c",
             f"alloc a; link a a; del a; collect 0 --html {tmp_path / 'no' / 'such' / 'x.html'}; count")
    assert r.status == 1 and "no such directory" in r.err and "(1, 0, 0)" in r.out
    r = gcsh("--backend", "live", "-c", f"collect 0 --html {tmp_path / 'x.html'}")
    assert r.status == 1 and "collect --html needs the sim backend" in r.err
    assert not (tmp_path / "x.html").exists()


@needs_dot
def test_titles_and_values_are_escaped(session):
    frames = frames_of(session, "alloc a list '<script>alert(1)</script>'")
    page = stepthrough.page_html(frames, "<b>title</b>")
    assert "<b>title</b>" not in page and html.escape("<b>title</b>") in page
    assert "<script>alert" not in page
