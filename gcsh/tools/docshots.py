"""The pictures on README's first screen, made by gcsh itself so that they cannot go stale.

    python -m gcsh.tools.docshots [--check]   rewrite docs/images/readme/ (or say which picture drifted)

- collection.svg: one frame of `collect 0 --frames` (move_unreachable: gc_refs, what survives and
  what is unreachable), drawn by Graphviz from the simulator;
- shell.svg: the interactive shell in a real terminal (tmux, 100 x 20): a few commands, the
  completion menu open on `collect 0 --`, and the toolbar, captured with its colours.

`python -m gcsh.tools.doctest_sessions --update` runs this too; the tests check both pictures.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PICTURES = Path("docs/images/readme")
MODEL = "3.13"
FRAME_SETUP = "alloc root; alloc a; link root a; alloc c; alloc d; link c d; link d c; del a c d"
FRAME = "move_unreachable"
COLUMNS, ROWS = 100, 20
TYPED = ["alloc a; alloc b; link a b; link b a", "del a b", "collect 0"]
HALF_TYPED = "collect 0 --"  # the completion menu opens on the options, with what each does
TIMEOUT = 20.0


def collection_frame(path: Path) -> None:
    """Draw FRAME of a collection of generation 0 of FRAME_SETUP's heap into PATH (.svg)."""
    from ..render.files import write_picture
    from ..render.frames import phase_views, shared_order
    from ..render.summarise import PICTURE_NODES, summarise
    from ..runner import Session

    session = Session(io.StringIO(), io.StringIO(), model=MODEL)
    assert session.run_text(FRAME_SETUP), "the setup of the README's frame failed"
    before = session.backend.view()
    info = session.backend.collect(0, True)
    frames = phase_views(before, info["trace"], session.backend.view())
    write_picture(summarise(dict(frames)[FRAME], PICTURE_NODES, order=shared_order(frames)), str(path))


def shell_screen() -> str:
    """The shell's screen, with its colours, after TYPED and with HALF_TYPED waiting for a choice."""
    if shutil.which("tmux") is None:
        raise RuntimeError("the shell's picture needs tmux")
    socket = f"gcsh-docshots-{os.getpid()}"
    with tempfile.TemporaryDirectory() as home:
        env = {"GCSH_HISTFILE": "", "TERM": "xterm-256color", "HOME": home, "PYTHONPATH": str(ROOT),
               "PYENV_VERSION": os.environ.get("PYENV_VERSION", "")}
        assignments = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
        command = f"cd {shlex.quote(home)} && env -u NO_COLOR {assignments} {shlex.quote(sys.executable)} " \
                  f"-m gcsh --model {MODEL}; sleep 30"

        def tmux(*args: str) -> str:
            return subprocess.run(["tmux", "-L", socket, *args], capture_output=True, text=True,
                                  timeout=TIMEOUT).stdout

        tmux("new-session", "-d", "-x", str(COLUMNS), "-y", str(ROWS), command)
        try:
            prompt = f"gcsh sim {MODEL}>"  # (capture-pane drops the blank after it)
            _wait(tmux, re.escape(prompt) + r"\s*$")
            for line in TYPED:
                tmux("send-keys", "-l", line)
                tmux("send-keys", "Enter")
                _wait(tmux, re.escape(prompt) + r"\s*$", after=line)
            tmux("send-keys", "-l", HALF_TYPED)
            _wait(tmux, r"--html FILE\s+write FILE")
            return _steady(lambda: tmux("capture-pane", "-p", "-e", "-N"))  # -N: with trailing blanks
        finally:
            tmux("kill-server")


def _wait(tmux, pattern: str, after: str | None = None) -> None:
    """Until the screen's last prompt line (after the line AFTER, if given) matches PATTERN."""
    deadline = time.monotonic() + TIMEOUT
    while True:
        screen = tmux("capture-pane", "-p")
        tail = screen.rsplit(after, 1)[-1] if after else screen
        if (after is None or after in screen) and re.search(pattern, tail, re.M):
            return
        if time.monotonic() > deadline:
            raise RuntimeError(f"the shell never showed {pattern!r}:\n{screen}")
        time.sleep(0.05)


def _steady(capture) -> str:
    """The screen once two captures a moment apart agree (the menu and toolbar drawn)."""
    last = capture()
    for _ in range(40):
        time.sleep(0.15)
        now = capture()
        if now == last:
            return now
        last = now
    return last


def shell_picture(path: Path) -> None:
    from ..fileio import write_atomically
    from ..render.terminal_svg import screen_svg

    svg = screen_svg(shell_screen(), COLUMNS, ROWS, "gcsh — the interactive shell")
    write_atomically(str(path), svg.encode("utf-8"))


MAKERS = {"collection.svg": collection_frame, "shell.svg": shell_picture}


def drifted(root: Path = ROOT) -> list[str]:
    """The pictures that gcsh would draw differently now (or that are missing)."""
    from .docpictures import same_picture

    out = []
    with tempfile.TemporaryDirectory() as scratch:
        for name, make in MAKERS.items():
            made = Path(scratch) / name
            make(made)
            kept = root / PICTURES / name
            if not kept.exists() or not same_picture(kept, made):
                out.append(name)
    return out


def update(root: Path = ROOT) -> list[Path]:
    """Redraw the pictures that drifted; the paths rewritten."""
    changed = []
    for name in drifted(root):
        path = root / PICTURES / name
        path.parent.mkdir(parents=True, exist_ok=True)
        MAKERS[name](path)
        changed.append(path)
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only say which pictures drifted")
    args = parser.parse_args(argv)
    if args.check:
        names = drifted()
        for name in names:
            print(f"{PICTURES / name} drifted; run: python -m gcsh.tools.docshots", file=sys.stderr)
        return 1 if names else 0
    for path in update():
        print(f"updated {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
