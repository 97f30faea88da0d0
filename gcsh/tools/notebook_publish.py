"""The notebooks under docs/: executed for real, checked, and published with the docs.

    python -m gcsh.tools.notebook_publish [--update]   check (exit 1 where a notebook drifted), or re-execute
                                                 and rewrite the outputs kept in the notebooks

A notebook keeps its outputs, so that it reads well where it is shown as it is; the tests execute
it again (nbclient, a fresh kernel, in a scratch directory) and compare what it shows now with what
it keeps, pictures by what they say rather than where Graphviz put things (`docpictures.svg_content`).
For the docs site, `markdown(notebook)` turns a notebook into a page (mkdocs.yml's hook does it at
build time): Markdown cells as they are, code in fences, outputs as text, SVG and HTML.
"""

from __future__ import annotations

import argparse
import html
import re
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
DOCS = ROOT / "docs"
TIMEOUT = 300  # seconds a cell may run
_SVG = re.compile(r"<svg\b.*?</svg>", re.S)
_SRCDOC = re.compile(r'srcdoc="([^"]*)"')
_NORMALISE = [
    (re.compile(r"0x[0-9a-fA-F]+"), "0x…"),  # addresses
    (re.compile(r"\blive \d+\.\d+\.\d+\S*"), "live VERSION"),  # the interpreter that ran it
    (re.compile(r"\b\d+\.\d+ s\b"), "N s"),  # timings
    (re.compile(r'\bnonce="[^"]*"'), 'nonce=""'),
]


def notebooks(root: Path = ROOT) -> list[Path]:
    return sorted((root / "docs").rglob("*.ipynb"))


def execute(path: Path):
    """The notebook at PATH, executed afresh in a scratch directory (the files it writes go there)."""
    import nbformat
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory() as scratch:
        shutil.copytree(ROOT / "examples", Path(scratch) / "examples")
        kernel = KernelManager(kernel_name="python3", transport="ipc",  # a local socket, not TCP
                               ip=str(Path(scratch) / "kernel"))
        try:
            NotebookClient(nb, km=kernel, timeout=TIMEOUT, resources={"metadata": {"path": scratch}}).execute()
        finally:
            if kernel.has_kernel:
                kernel.shutdown_kernel(now=True)
    return nb


def shown(nb) -> list[list[tuple]]:
    """What each code cell shows, normalised: (kind, content) per output."""
    from .docpictures import svg_content

    def picture(svg: str) -> str:
        return repr(sorted(svg_content(svg).items()))

    def text(value: str) -> str:
        value = _SRCDOC.sub(lambda m: "srcdoc=" + _SVG.sub(lambda s: picture(s.group(0)), html.unescape(m.group(1))),
                            value)
        value = _SVG.sub(lambda m: picture(m.group(0)), value)
        for pattern, replacement in _NORMALISE:
            value = pattern.sub(replacement, value)
        return value

    cells = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        outputs = []
        for out in cell.get("outputs", []):
            if out.output_type == "stream":
                outputs.append((out.name, text(out.text)))
            elif out.output_type in ("display_data", "execute_result"):
                data = out.get("data", {})
                kind = next((k for k in ("image/svg+xml", "text/html", "text/plain") if k in data), None)
                outputs.append((kind, text(data[kind]) if kind else ""))
            else:
                outputs.append((out.output_type, out.get("ename", "")))
        cells.append(outputs)
    return cells


def _merge_streams(nb) -> None:
    """Consecutive stream outputs of one stream as one (the kernel splits them by timing)."""
    for cell in nb.cells:
        merged = []
        for out in cell.get("outputs", []):
            if merged and out.output_type == "stream" and merged[-1].output_type == "stream" \
                    and merged[-1].name == out.name:
                merged[-1].text += out.text
            else:
                merged.append(out)
        if cell.cell_type == "code":
            cell.outputs = merged


def drifted(path: Path, made=None) -> list[int]:
    """The code cells (numbered from 1) whose outputs differ from what executing the notebook gives now
    (MADE: the notebook already executed)."""
    import nbformat

    kept = nbformat.read(path, as_version=4)
    made = execute(path) if made is None else made
    _merge_streams(kept)
    _merge_streams(made)
    old, new = shown(kept), shown(made)
    return [i for i, (a, b) in enumerate(zip(old, new), 1) if a != b] + list(range(len(old) + 1, len(new) + 1))


def update(path: Path) -> bool:
    """Execute the notebook and keep its outputs; True if what it shows changed."""
    import nbformat

    kept = nbformat.read(path, as_version=4)
    made = execute(path)
    _merge_streams(made)
    _merge_streams(kept)
    if shown(kept) == shown(made):
        return False
    for cell in made.cells:
        if cell.cell_type == "code":
            cell.metadata.pop("execution", None)
    made.metadata.pop("widgets", None)
    nbformat.write(made, path)
    return True


# ---------------------------------------------------------------- the docs site


def markdown(nb) -> str:
    """A notebook as a Markdown page: cells in order, outputs as text, SVG and HTML."""
    parts = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            parts.append(cell.source)
        elif cell.cell_type == "code":
            parts.append(f"```python\n{cell.source}\n```")
            for out in cell.get("outputs", []):
                parts.append(_output(out))
    return "\n\n".join(p for p in parts if p) + "\n"


def _output(out) -> str:
    if out.output_type == "stream":
        kind = "nb-stderr" if out.name == "stderr" else "nb-stdout"
        return f'<pre class="nb-output {kind}">{html.escape(out.text.rstrip())}</pre>'
    data = out.get("data", {}) if out.output_type in ("display_data", "execute_result") else {}
    if "image/svg+xml" in data:
        return _raw(data["image/svg+xml"])
    if "text/html" in data:
        return _raw(data["text/html"])
    if "text/plain" in data:
        return f'<pre class="nb-output">{html.escape(data["text/plain"].rstrip())}</pre>'
    return ""


def _raw(markup: str) -> str:
    """HTML that Markdown passes through untouched: one block, no blank line inside it."""
    body = re.sub(r"\n\s*\n", "\n", markup.strip())
    return f'<div class="nb-output nb-rich">\n{body}\n</div>'


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--update", action="store_true", help="re-execute and rewrite the outputs")
    args = parser.parse_args(argv)
    status = 0
    for path in notebooks():
        if args.update:
            if update(path):
                print(f"updated {path.relative_to(ROOT)}")
        else:
            cells = drifted(path)
            if cells:
                status = 1
                print(f"{path.relative_to(ROOT)}: code cells {cells} show something else now; "
                      f"run: python -m gcsh.tools.notebook_publish --update", file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main())
