"""gcsh in IPython and Jupyter: the magics in a real IPython shell, and docs/notebook.ipynb executed by a
real kernel (nbclient), as a reader would run it."""

import re
import shutil

import pytest

pytest.importorskip("IPython")
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")


@pytest.fixture
def ipython():
    """A fresh IPython shell with the extension loaded; `run(cell)` runs a cell and returns what it showed."""
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.capture import capture_output

    shell = InteractiveShell.instance()
    shell.run_cell("%load_ext gcsh", store_history=True)

    def run(cell):
        with capture_output() as shown:
            result = shell.run_cell(cell, store_history=True)
        assert result.error_in_exec is None and result.error_before_exec is None, result
        return shown

    run.shell = shell
    yield run
    shell.run_cell("%unload_ext gcsh")
    InteractiveShell.clear_instance()


def test_the_heap_lives_across_cells(ipython):
    shown = ipython("%%gcsh --model 3.11\nalloc a\nalloc b\nlink a b\nlink b a")
    assert "a -> b [0]  (b: refcount 2)" in shown.stdout
    shown = ipython("%gcsh del a b; collect 0")
    assert "collect(0): 2 unreachable (2 collected, 0 uncollectable)" in shown.stdout
    assert "freed: a, b" in shown.stdout


@needs_dot
def test_graph_is_an_inline_svg_with_the_shell_text_beside_it(ipython):
    ipython("%gcsh --model 3.11 alloc zebra; link zebra zebra")
    shown = ipython("%gcsh graph")
    (output,) = shown.outputs
    assert output.data["image/svg+xml"].startswith("<svg") and ">zebra</text>" in output.data["image/svg+xml"]
    assert "sim 3.11: 1 object, 1 reference" in output.data["text/plain"]  # what a terminal IPython shows


def test_tables_are_html(ipython):
    ipython("%gcsh --model 3.11 alloc a; alloc b; link a b")
    (heap,) = ipython("%gcsh heap").outputs
    html = heap.data["text/html"]
    assert "<th style=\"text-align:left\">name</th>" in html and "<td style=\"text-align:left\">b</td>" in html
    assert re.search(r"<td[^>]*>a</td><td[^>]*>list</td><td[^>]*>1</td><td[^>]*>0</td><td[^>]*>root</td>", html)
    assert heap.data["text/plain"].startswith("name  type  refcount  generation  flags")
    (stats,) = ipython("%gcsh collect 0; stats").outputs
    assert stats.data["text/html"].count("<tr>") == 4


def test_a_mistake_is_one_line_and_changes_nothing(ipython):
    ipython("%gcsh --model 3.11 alloc a")
    shown = ipython("%%gcsh\nalloc b\nlink a nothing\nalloc c")
    assert re.fullmatch(r"In\[\d+\]:2: error: unknown name 'nothing' \(column 8\)\n", shown.stderr)
    assert "c:" not in shown.stdout  # a cell stops at its first error, as a command file does
    assert "Traceback" not in shown.stdout + shown.stderr
    assert ipython("%gcsh count").stdout == "(2, 0, 0)\n"
    assert "unknown option --colour" in ipython("%gcsh --colour count").stderr
    assert "unknown value 'sam'" in ipython("%gcsh --backend sam count").stderr
    shown = ipython("%%gcsh --keep-going\nlink a nothing\nalloc c")
    assert "error: unknown name" in shown.stderr and "c: list" in shown.stdout


def test_the_live_backend_sees_the_notebook_variables(ipython):
    ipython("cache = {}\nentry = [cache]\ncache['self'] = entry")
    shown = ipython("%gcsh --backend live referrers cache")
    assert "entry" in shown.stdout
    ipython("%gcsh alloc made dict")
    assert isinstance(ipython.shell.user_ns["made"], dict)  # a name gcsh binds is the notebook's variable
    shown = ipython("import gc; print(gc.isenabled())")
    assert shown.stdout == "True\n"  # outside %gcsh the notebook's gc is as it was
    assert "sim 3.1" in ipython("%gcsh --backend sim backend").stdout


@needs_dot
def test_collect_html_shows_the_page_inside_the_notebook(ipython, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shown = ipython("%gcsh --model 3.11 alloc a; link a a; del a; collect 0 --html steps.html")
    assert "page: steps.html (6 phases" in shown.stdout
    (page,) = shown.outputs
    assert page.data["text/html"].startswith("<iframe srcdoc=") and "move_unreachable" in page.data["text/html"]
    assert (tmp_path / "steps.html").exists()


def test_the_live_page_closes_when_the_extension_is_unloaded(ipython):
    from pages import listening, port_of
    shown = ipython("%gcsh view --port 0")
    port = port_of(re.search(r"http://\S+/", shown.stdout).group(0))
    assert listening(port)
    ipython.shell.run_cell("%unload_ext gcsh")
    assert not listening(port)
    ipython.shell.run_cell("%load_ext gcsh")


@pytest.mark.slow  # seconds: the full suite runs it
def test_the_docs_notebook_runs_and_shows_what_it_keeps():
    pytest.importorskip("nbclient")
    from gcsh.tools import notebook_publish as publish

    (path,) = [p for p in publish.notebooks() if p.name == "notebook.ipynb"]
    made = publish.execute(path)
    kinds = [out.get("data", {}).keys() for cell in made.cells if cell.cell_type == "code" for out in cell.outputs]
    assert any("image/svg+xml" in k for k in kinds) and any("text/html" in k for k in kinds)
    assert not [out for cell in made.cells if cell.cell_type == "code" for out in cell.outputs
                if out.output_type == "error"]
    assert publish.drifted(path, made) == [], "run: python -m gcsh.tools.notebook_publish --update"


def test_the_notebook_becomes_a_page_of_the_site():
    import nbformat
    from gcsh.tools import notebook_publish as publish

    (path,) = [p for p in publish.notebooks() if p.name == "notebook.ipynb"]
    page = publish.markdown(nbformat.read(path, as_version=4))
    assert page.startswith("# gcsh in a notebook")
    assert "```python\n%load_ext gcsh\n```" in page
    assert '<div class="nb-output nb-rich">\n<svg' in page
    assert "\n\n" not in page.split('<div class="nb-output nb-rich">', 1)[1].split("</div>", 1)[0]
