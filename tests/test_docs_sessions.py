"""The machinery that keeps the docs true: sessions are parsed, run, compared and rewritten."""

import importlib.util
import re
import shutil
import textwrap

import pytest

from gcsh.tools import doctest_sessions as ds

PAGE = textwrap.dedent("""\
    # A page

    ```gcshcon
    gcsh> alloc a
    wrong output
    ```

    Text between blocks; the heap carries over.

    ```gcshcon
    gcsh> tracked a
    True
    ```

    <!-- gcsh: --model 3.10 -->

    ```gcshcon
    gcsh> threshold
    (700, 10, 10)
    ```

    ```python
    gcsh> not a session
    ```
    """)


def test_blocks_and_directives_are_parsed():
    blocks = ds.parse_blocks(PAGE)
    assert [b.lang for b in blocks] == ["gcshcon"] * 3
    assert [b.options for b in blocks] == [None, None, ["--model", "3.10"]]
    assert blocks[0].commands() == ["alloc a"] and blocks[0].lines == ["gcsh> alloc a", "wrong output"]


def test_indented_blocks_keep_their_indent(tmp_path):
    page = tmp_path / "p.md"
    page.write_text("1. step\n\n    ```gcshcon\n    gcsh> count\n    ```\n")
    drifts = ds.process_page(page, update=True)
    assert len(drifts) == 1
    assert page.read_text() == "1. step\n\n    ```gcshcon\n    gcsh> count\n    (0, 0, 0)\n    ```\n"
    assert ds.process_page(page) == []


def test_a_drifted_block_is_reported_and_updated(tmp_path):
    page = tmp_path / "p.md"
    page.write_text(PAGE)
    drifts = ds.process_page(page)
    assert [d.line for d in drifts] == [4]
    assert "-wrong output" in str(drifts[0]) and "+a: list, refcount 1, generation 0" in str(drifts[0])
    ds.process_page(page, update=True)
    text = page.read_text()
    assert "gcsh> alloc a\na: list, refcount 1, generation 0\n```" in text
    assert "```python\ngcsh> not a session\n```" in text  # other blocks are left alone
    assert ds.process_page(page) == []


def test_sessions_continue_until_a_directive_starts_a_new_one(tmp_path):
    page = tmp_path / "p.md"
    page.write_text("```gcshcon\ngcsh> alloc a\n```\n<!-- gcsh: --model 3.12 -->\n```gcshcon\ngcsh> tracked a\n```\n")
    ds.process_page(page, update=True)
    assert "unknown name 'a'" in page.read_text()


def test_errors_show_as_gcsh_prints_them_and_the_session_goes_on(tmp_path):
    page = tmp_path / "p.md"
    page.write_text("```gcshcon\ngcsh> collect 3\ngcsh> count\n```\n")
    ds.process_page(page, update=True)
    assert "<stdin>:1: error: invalid generation" in page.read_text()
    assert "gcsh> count\n(0, 0, 0)" in page.read_text()


def test_stderr_lines_appear_where_they_were_printed(tmp_path):
    page = tmp_path / "p.md"
    page.write_text("```gcshcon\ngcsh> flags DEBUG_STATS\ngcsh> collect\ngcsh> count\n```\n")
    ds.process_page(page, update=True)
    lines = page.read_text().split("\n")
    assert lines.index("gc: collecting generation 2...") < lines.index("collect(2): 0 unreachable "
                                                                       "(0 collected, 0 uncollectable)")


@pytest.mark.parametrize("expected, actual, ok", [
    ("gc: done, 1 unreachable, 0.0001s elapsed", "gc: done, 1 unreachable, 0.0420s elapsed", True),
    ("<list 0x7f0000001000>", "<list 0x55d1c0ffee00>", True),
    ("a\n...\nz", "a\nb\nc\nz", True),
    ("a\n...\nz", "a\nz", True),
    ("collect(2): <...> unreachable", "collect(2): 37 unreachable", True),
    ("a\nb", "a\nc", False),
    ("a\n...\nz", "a\nb", False),
    ("trailing  \n\n", "trailing", True),
])
def test_matching_normalises_and_understands_wildcards(expected, actual, ok):
    assert ds.matches(expected, actual) is ok


def test_an_update_keeps_wildcards_that_still_match(tmp_path):
    page = tmp_path / "p.md"
    text = "```gcshcon\ngcsh> alloc a\na: list, refcount <...>\ngcsh> heap\n...\n```\n"
    page.write_text(text)
    assert ds.process_page(page, update=True) == []
    assert page.read_text() == text


def test_console_blocks_run_in_bash_with_this_gcsh(tmp_path):
    page = tmp_path / "p.md"
    page.write_text('```console\n$ gcsh -c "count"\n$ gcsh -c "collect 7"; echo "exit status $?"\n```\n')
    ds.process_page(page, update=True)
    assert page.read_text() == ('```console\n$ gcsh -c "count"\n(0, 0, 0)\n$ gcsh -c "collect 7"; echo "exit '
                                'status $?"\n<command line>:1: error: invalid generation (expected 0, 1 or 2, '
                                'got 7) (column 9)\nexit status 1\n```\n')


def test_a_file_directive_shows_what_gcsh_echo_prints_for_the_file(tmp_path):
    page = tmp_path / "p.md"
    page.write_text("<!-- gcsh: examples/cycle.gcsh -->\n```gcshcon\n```\n")
    ds.process_page(page, update=True)
    text = page.read_text()
    assert text.startswith("<!-- gcsh: examples/cycle.gcsh -->\n```gcshcon\ngcsh> model 3.13\n")
    assert "freed: a, b" in text


def test_bad_session_options_are_refused(tmp_path):
    page = tmp_path / "p.md"
    page.write_text("<!-- gcsh: --echo -->\n```gcshcon\ngcsh> count\n```\n")
    with pytest.raises(ValueError, match="--echo"):
        ds.process_page(page)


@pytest.mark.parametrize("page", ds.pages(), ids=lambda p: str(p.relative_to(ds.DOCS)))
def test_every_session_in_the_docs_prints_what_the_page_shows(page):
    text = page.read_text(encoding="utf-8")
    if re.search(r"^gcsh> .*(-o images/|--frames images/)", text, re.M) and not shutil.which("dot"):
        pytest.skip("this page draws pictures, which needs Graphviz's dot")
    if "gcsh> py import numpy" in text and importlib.util.find_spec("numpy") is None:
        pytest.skip("this page's live session imports numpy (an optional dependency)")
    assert "Traceback (most recent call last)" not in text, "a page shows a traceback"
    drifts = ds.process_page(page)
    assert not drifts, "\n\n".join(map(str, drifts)) + "\n\nrun: python -m gcsh.tools.doctest_sessions --update"


def test_an_include_directive_keeps_a_block_equal_to_its_file(tmp_path):
    page = tmp_path / "p.md"
    page.write_text("<!-- include: examples/cycle.gcsh -->\n\n```gcsh\nalloc old\n```\n")
    assert [d.line for d in ds.process_page(page, update=True)] == [4]
    assert (ds.ROOT / "examples/cycle.gcsh").read_text().strip() in page.read_text()
    assert ds.process_page(page) == []


def test_pictures_are_compared_by_what_they_show_not_by_layout(tmp_path):
    from gcsh.tools.docpictures import same_picture
    svg = ('<svg><!-- Generated by graphviz version {v} --><g><title>a</title><polygon fill="{c}" '
           'points="{p}"/><text x="{p}">a: list</text></g></svg>')
    kept, moved, recoloured = tmp_path / "k.svg", tmp_path / "m.svg", tmp_path / "r.svg"
    kept.write_text(svg.format(v="2.43", c="#fff", p="1,2"))
    moved.write_text(svg.format(v="9.0", c="#fff", p="5,7"))
    recoloured.write_text(svg.format(v="2.43", c="#f00", p="1,2"))
    assert same_picture(kept, moved)
    assert not same_picture(kept, recoloured)


def test_a_picture_a_page_shows_is_copied_from_where_its_session_drew_it(tmp_path):
    if not shutil.which("dot"):
        pytest.skip("needs Graphviz's dot")
    page = tmp_path / "p.md"
    page.write_text("```gcshcon\ngcsh> alloc a\ngcsh> link a a\ngcsh> graph -o images/a.svg\n```\n\n"
                    "![a](images/a.svg)\n")
    drifts = ds.process_page(page, update=True)
    assert any("images/a.svg" in str(d) for d in drifts)
    assert "<title>" in (tmp_path / "images" / "a.svg").read_text()
    assert ds.process_page(page) == []


def test_an_update_keeps_the_wildcards_of_a_drifted_block_where_they_still_fit():
    expected = "gcsh> snapshot x\ncopied (CPython <...>)\n...\ngcsh> why y\ny is alive\n  old line"
    actual = "gcsh> snapshot x\ncopied (CPython 3.11)\nautomatic collection\ngcsh> why y\ny is alive\n  new line"
    assert ds.merge(expected, actual) == ("gcsh> snapshot x\ncopied (CPython <...>)\n...\ngcsh> why y\n"
                                          "y is alive\n  new line")
    assert ds.merge("a\n<...>b", "x\ny") == "x\ny"
