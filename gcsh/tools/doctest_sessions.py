"""The sessions in the documentation, run for real so that the docs cannot drift.

    python -m gcsh.tools.doctest_sessions [PAGE...]           check; show a diff and exit 1 where a page drifted
    python -m gcsh.tools.doctest_sessions --update [PAGE...]  rewrite outputs, generated pages and pictures

A session is a fenced block of a Markdown page under docs/, in gcsh's session syntax:

    ```gcshcon
    gcsh> alloc a
    a: list, refcount 1, generation 0
    ```

A line `gcsh> COMMAND` is a command; the lines after it are what gcsh printed for it (stdout and stderr
in order), exactly as `gcsh --echo` shows a session read from stdin. The blocks of a page continue one
session, so the heap carries over from block to block. An HTML comment `<!-- gcsh: OPTIONS -->` right
before a block starts a new session with those command-line options (`--model 3.10`, `--backend live`);
a page's first session uses DEFAULT_OPTIONS. When OPTIONS name a command file, the block is instead what
`gcsh --echo OPTIONS` prints for that file, on its own. A `console` block holds `$ COMMAND` lines that bash runs in
a scratch directory where `examples/` is the repository's and `images/` collects the pictures a page makes.
Commands meant to be shown and not run (installing, starting the shell) go in `sh` blocks.

A block of any language after `<!-- include: PATH -->` shows that file of the repository, kept up to date.

Outputs are compared after normalisation (addresses, timings). In an expected output a line `...` stands
for any number of lines and `<...>` for any text within a line; --update keeps an output that still
matches, so such wildcards, and the timings of the last real run, survive.
"""

from __future__ import annotations

import argparse
import difflib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
DEFAULT_OPTIONS = ["--model", "3.13"]
NOT_OURS = {"reliability.md"}  # generated elsewhere; its blocks are not sessions to replay
PROMPT, SHELL_PROMPT = "gcsh> ", "$ "
LANGS = {"gcshcon": PROMPT, "console": SHELL_PROMPT}

_FENCE = re.compile(r"^(?P<indent>\s*)(?P<fence>`{3,}|~{3,})\s*(?P<lang>[\w+-]*)")
_DIRECTIVE = re.compile(r"^\s*<!--\s*gcsh:(?P<options>.*?)-->\s*$")
_INCLUDE = re.compile(r"^\s*<!--\s*include:\s*(?P<path>\S+)\s*-->\s*$")
_IMAGE = re.compile(r"!\[[^\]]*\]\((?P<path>images/[^)\s]+)\)")
_NORMALISE = [
    (re.compile(r"0x[0-9a-fA-F]+"), "0x…"),  # addresses
    (re.compile(r"\d+\.\d+s elapsed"), "0.0000s elapsed"),  # DEBUG_STATS timings
    (re.compile(r"\b\d+(\.\d+)? ?(ms|µs|us)\b"), "N ms"),  # timings gcsh reports
    (re.compile(r"\b\d+\.\d+ s\b"), "N s"),
    (re.compile(r'"(elapsed|duration|seconds)": [-+0-9.e]+'), r'"\1": 0.0'),  # and in JSON
]
WILD_LINES, WILD_TEXT = "...", "<...>"


# ---------------------------------------------------------------- reading pages


@dataclass
class Block:
    """One fenced block: its content lines (indent removed) and where they sit in the page."""

    lang: str
    start: int  # index of the first content line
    end: int  # index of the closing fence
    indent: str
    options: list[str] | None  # from a `<!-- gcsh: ... -->` directive: a new session
    lines: list[str]
    include: str | None = None  # from `<!-- include: PATH -->`: the block is that file of the repository

    @property
    def prompt(self) -> str:
        return LANGS[self.lang]

    def commands(self) -> list[str]:
        if self.include:
            return []
        return [line[len(self.prompt):] for line in self.lines if line.startswith(self.prompt)]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def parse_blocks(text: str) -> list[Block]:
    """The runnable blocks of a Markdown page (gcshcon and console), in order."""
    lines = text.split("\n")
    blocks, i = [], 0
    while i < len(lines):
        m = _FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        indent, fence, lang = m["indent"], m["fence"], m["lang"]
        j = i + 1
        while j < len(lines) and not lines[j].strip().startswith(fence):
            j += 1
        if j == len(lines):
            raise ValueError(f"line {i + 1}: fence {fence} is never closed")
        include = _INCLUDE.match(_line_before(lines, i))
        if lang in LANGS or include:
            body = [line[len(indent):] if line.startswith(indent) else line.lstrip() for line in lines[i + 1:j]]
            blocks.append(Block(lang, i + 1, j, indent, None if include else _directive(lines, i), body,
                                include["path"] if include else None))
        i = j + 1
    return blocks


def _line_before(lines: list[str], fence: int) -> str:
    k = fence - 1
    while k >= 0 and not lines[k].strip():
        k -= 1
    return lines[k] if k >= 0 else ""


def _directive(lines: list[str], fence: int) -> list[str] | None:
    m = _DIRECTIVE.match(_line_before(lines, fence))
    return m["options"].split() if m else None


# ---------------------------------------------------------------- comparing


def normalise(text: str) -> str:
    for pattern, replacement in _NORMALISE:
        text = pattern.sub(replacement, text)
    return "\n".join(line.rstrip() for line in text.strip("\n").split("\n"))


def matches(expected: str, actual: str) -> bool:
    """Does the actual output fit the expected one, wildcards and normalisation allowed?"""
    parts = []
    for line in normalise(expected).split("\n"):
        if line.strip() == WILD_LINES:
            parts.append(r"(?:[^\n]*\n)*?")
        else:
            parts.append(".*?".join(map(re.escape, line.split(WILD_TEXT))) + r"\n")
    return re.fullmatch("".join(parts), normalise(actual) + "\n") is not None


def merge(expected: str, actual: str) -> str:
    """The new text of a drifted block: what gcsh printed, but keeping the page's lines (wildcards,
    the timings of an earlier run) wherever they still fit it."""
    old, new = expected.strip("\n").split("\n"), actual.strip("\n").split("\n")
    key = lambda lines: [normalise(line) for line in lines]  # noqa: E731
    out: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, key(old), key(new), autojunk=False).get_opcodes():
        kept, printed = old[i1:i2], new[j1:j2]
        if op == "equal" or (kept and printed and matches("\n".join(kept), "\n".join(printed))):
            out += kept
        elif op == "delete":
            out += [line for line in kept if line.strip() == WILD_LINES]
        elif op == "replace" and len(kept) == len(printed):
            out += [k if matches(k, p) else p for k, p in zip(kept, printed)]
        else:
            out += printed
    merged = "\n".join(out)
    return merged if matches(merged, actual) else actual.strip("\n")


# ---------------------------------------------------------------- running


@contextmanager
def scratch_directory():
    """A directory to run sessions in: `examples/` is the repository's, `images/` collects pictures."""
    with tempfile.TemporaryDirectory(prefix="gcsh-docs-") as tmp:
        path = Path(tmp)
        if (ROOT / "examples").is_dir():
            (path / "examples").symlink_to(ROOT / "examples")
        (path / "images").mkdir()
        yield path


def run_gcsh_session(options: list[str], blocks: list[list[str]], cwd: Path) -> list[str]:
    """What `gcsh --echo OPTIONS` prints for each block of commands, the blocks run one after the other.

    The simulator runs in this process; the live backend runs in a fresh interpreter, so that its
    heap, and what its collections find, is a program's own and not this one's."""
    if _parse_options(options).backend == "live":
        return _run_in_worker(options, blocks, cwd)
    with _working_directory(cwd):
        return _run_here(options, blocks)


def _parse_options(options: list[str]):
    from ..cli import parse_args
    args = parse_args(options)
    if args.commands is not None or args.echo or args.keep_going:
        raise ValueError(f"session options take no -c, --echo or --keep-going: {' '.join(options)}")
    return args


def run_gcsh_file(options: list[str], cwd: Path) -> str:
    """What `gcsh --echo OPTIONS FILE...` prints, stdout and stderr together."""
    p = subprocess.run([sys.executable, "-m", "gcsh", "--echo", *options], cwd=cwd, stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=300,
                       env=_environment())
    return p.stdout


def _run_here(options: list[str], blocks: list[list[str]]) -> list[str]:
    from ..runner import Session
    args = _parse_options(options)
    out = io.StringIO()  # stdout and stderr together, in the order they were written
    session = Session(out, out, echo=True, keep_going=True, model=args.model, json_mode=args.json)
    transcripts, number = [], 0
    try:
        if args.backend not in (None, "sim"):
            session.switch_backend(args.backend)
        for commands in blocks:
            start = out.tell()
            for command in commands:
                number += 1
                session.run_line(command, "<stdin>", number)
            transcripts.append(out.getvalue()[start:])
    finally:
        session.close()
    return transcripts


def _run_in_worker(options: list[str], blocks: list[list[str]], cwd: Path) -> list[str]:
    request = json.dumps({"options": options, "blocks": blocks})
    p = subprocess.run([sys.executable, "-m", "gcsh.tools.doctest_sessions", "--worker"], input=request, cwd=cwd,
                       capture_output=True, text=True, timeout=300, env=_environment())
    if p.returncode != 0:
        raise RuntimeError(f"session worker failed ({p.returncode}):\n{p.stderr}")
    return json.loads(p.stdout.splitlines()[-1])


def _worker() -> None:
    """Run one session from a JSON request on stdin; print the transcripts as JSON.

    Everything the process writes, including what the real collector prints on sys.stderr and what
    a `__del__` prints, is captured in order."""
    request = json.loads(sys.stdin.read())
    real_stdout, captured = sys.stdout, io.StringIO()
    sys.stdout = sys.stderr = captured
    try:
        transcripts = _run_here(request["options"], request["blocks"])
    finally:
        sys.stdout, sys.stderr = real_stdout, sys.__stderr__
    print(json.dumps(transcripts), file=real_stdout)


def run_console(commands: list[str], cwd: Path) -> list[str]:
    """Each `$ COMMAND` run by bash; its stdout and stderr as one text, prefixed by the command."""
    outputs = []
    for command in commands:
        p = subprocess.run(["bash", "-c", command], cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True, timeout=300, env=_environment())
        outputs.append(SHELL_PROMPT + command + "\n" + p.stdout)
    return outputs


def _environment() -> dict:
    """The environment of a reader's terminal, made stable: this interpreter's gcsh, no colour, 100 columns."""
    env = dict(os.environ)
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    env.update(NO_COLOR="1", COLUMNS="100", TERM="dumb", PYTHONHASHSEED="0", GCSH_DOCS_SESSION="1")
    env.setdefault("PYENV_VERSION", "3.11.7:3.10.13:3.12.1:3.13.0")
    return env


@contextmanager
def _working_directory(path: Path):
    old = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)


def run_page(text: str, cwd: Path) -> list[str]:
    """The actual output of every runnable block of a page, in order."""
    blocks = parse_blocks(text)
    actual: dict[int, str] = {}
    sessions: list[tuple[list[str], list[int]]] = []
    for index, block in enumerate(blocks):
        if block.include:
            actual[index] = (ROOT / block.include).read_text(encoding="utf-8")
            continue
        if block.lang == "console":
            actual[index] = "".join(run_console(block.commands(), cwd))
            continue
        if block.options and _parse_options(block.options).files:
            actual[index] = run_gcsh_file(block.options, cwd)
            continue
        if block.options is not None or not sessions:
            sessions.append((block.options if block.options is not None else DEFAULT_OPTIONS, []))
        sessions[-1][1].append(index)
    for options, members in sessions:
        for index, transcript in zip(members, run_gcsh_session(options, [blocks[i].commands() for i in members],
                                                               cwd)):
            actual[index] = transcript
    return [actual[i] for i in range(len(blocks))]


# ---------------------------------------------------------------- checking and updating pages


@dataclass
class Drift:
    page: Path
    line: int  # 1-based line of the block's first content line
    expected: str
    actual: str

    def __str__(self) -> str:
        if not self.line:  # a picture
            return f"{_shown(self.page)}: {self.expected} differs from {self.actual}"
        diff = difflib.unified_diff(self.expected.strip("\n").split("\n"), self.actual.strip("\n").split("\n"),
                                    "in the page", "gcsh printed", lineterm="")
        return f"{_shown(self.page)}:{self.line}: the session's output has changed\n" + "\n".join(diff)


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


def process_page(page: Path, update: bool = False) -> list[Drift]:
    """Run a page's sessions; report the blocks that drifted, and with update=True rewrite them (and
    copy the pictures the page shows from where its sessions made them)."""
    text = page.read_text(encoding="utf-8")
    blocks = parse_blocks(text)
    if not blocks:
        return []
    with scratch_directory() as cwd:
        actual = run_page(text, cwd)
        drifted = [(b, out) for b, out in zip(blocks, actual) if not matches(b.text, out)]
        pictures = _picture_drifts(page, text, cwd, update)
    if update and drifted:
        lines = text.split("\n")
        for block, out in reversed(drifted):
            lines[block.start:block.end] = [block.indent + line if line else line
                                            for line in merge(block.text, out).split("\n")]
        page.write_text("\n".join(lines), encoding="utf-8")
    return [Drift(page, b.start + 1, b.text, out) for b, out in drifted] + pictures


def _picture_drifts(page: Path, text: str, cwd: Path, update: bool) -> list[Drift]:
    """Pictures the page shows (images/...) that its own sessions made: missing or changed ones."""
    from .docpictures import same_picture
    drifts = []
    for ref in sorted(set(_IMAGE.findall(text))):
        made, kept = cwd / ref, page.parent / ref
        if not made.exists():
            continue  # a picture made by the picture script, not by this page's sessions
        if not kept.exists() or not same_picture(kept, made):
            drifts.append(Drift(page, 0, f"{ref} as kept in docs", "the picture its sessions draw now"))
            if update:
                kept.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(made, kept)
    return drifts


def pages(paths: list[str] | None = None) -> list[Path]:
    if paths:
        return [Path(p).resolve() for p in paths]
    return sorted(p for p in DOCS.rglob("*.md") if p.name not in NOT_OURS)


def update_generated() -> list[Path]:
    """Regenerate README's command table and first-screen pictures, the reference pages, the notebooks
    and the examples page."""
    from . import docexamples, docgen, docshots
    changed = [ROOT / "README.md"] if docgen.update_readme(ROOT / "README.md") else []
    changed += docgen.update_docs(ROOT)
    changed += docshots.update(ROOT)  # README's first screen
    from . import notebook_publish as publish
    changed += [path for path in publish.notebooks(ROOT) if publish.update(path)]
    if docexamples.update_page(ROOT):
        changed.append(ROOT / docexamples.PAGE)
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gcsh.tools.doctest_sessions", description=__doc__.split("\n")[0])
    parser.add_argument("pages", nargs="*", help="Markdown pages (default: every page under docs/)")
    parser.add_argument("--update", action="store_true",
                        help="rewrite what drifted, and regenerate the generated pages and pictures")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        _worker()
        return 0
    if os.environ.get("GCSH_DOCS_SESSION"):
        parser.error("refusing to run from inside a docs session (a console block that runs itself?)")
    if args.update and not args.pages:
        for path in update_generated():
            print(f"regenerated {_shown(path)}")
    drifted = 0
    for page in pages(args.pages):
        for drift in process_page(page, update=args.update):
            drifted += 1
            print(f"updated {_shown(page)}:{drift.line}" if args.update else drift)
    if drifted and not args.update:
        print(f"{drifted} block(s) drifted; run: python -m gcsh.tools.doctest_sessions --update", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
