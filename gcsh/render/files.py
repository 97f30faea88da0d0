"""Writing pictures: the format from the suffix, Graphviz under a time limit, and
files that appear whole or not at all (a temporary file beside the target, then
os.replace), so a failure or Ctrl-C never leaves half a picture behind.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

from ..fileio import write_atomically  # a temporary file beside the target, then os.replace
from ..backends.view import HeapView
from ..errors import UserError

FORMATS = {".svg": "svg", ".png": "png", ".pdf": "pdf", ".dot": None, ".gv": None}
SHARP = 30  # objects: a PNG of a heap this small gets 120 dpi (sharper on a projector) instead of 96
DOT_LIMIT = 200  # objects: dot's layout time explodes on bigger heaps; sfdp takes over
TIMEOUT = 30.0  # seconds Graphviz may run before gcsh gives up on it
INSTALL_HINT = ("install Graphviz: apt-get install graphviz (Debian, Ubuntu), brew install graphviz (macOS), "
                "winget install graphviz (Windows)")


class NotDrawn(UserError):
    """Graphviz could not draw the picture (`reason`); its source was written to `dot_path`."""

    def __init__(self, reason: str, path: str, dot_path: Path):
        super().__init__(f"{path} was not drawn: {reason}; its Graphviz source is in {dot_path}")
        self.reason = reason
        self.dot_path = dot_path


def picture_format(path: str) -> str | None:
    """svg, png or pdf (None: Graphviz source), from the suffix; a UserError for any other."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        shown = f"'{suffix}'" if suffix else "no suffix"
        raise UserError(f"{path}: unknown picture format ({shown}); use .svg, .png, .pdf or .dot")
    return FORMATS[suffix]


def check_directory(directory: Path, create: bool = False) -> None:
    """A clear error unless DIRECTORY exists (or, with CREATE, can be made) and is writable."""
    try:
        missing = not directory.exists()
    except OSError as e:  # a name too long for the file system, say
        raise UserError(f"{directory}: {e.strerror or e}") from None
    if missing:
        if create and directory.parent.is_dir() and os.access(directory.parent, os.W_OK):
            return
        raise UserError(f"{directory}: no such directory")
    if not directory.is_dir():
        raise UserError(f"{directory}: not a directory")
    if not os.access(directory, os.W_OK):
        raise UserError(f"{directory}: directory is not writable")


def check_target(path: str) -> str | None:
    """Everything that can be checked before drawing; returns the format."""
    fmt = picture_format(path)
    target = Path(path)
    try:
        is_dir = target.is_dir()
    except OSError as e:  # a name too long for the file system, say
        raise UserError(f"{path}: {e.strerror or e}") from None
    if is_dir:
        raise UserError(f"{path}: is a directory")
    check_directory(target.parent if str(target.parent) else Path("."))
    return fmt


def layout_for(view: HeapView) -> str:
    return "dot" if len(view.nodes) <= DOT_LIMIT else "sfdp"


def run_graphviz(engine: str, fmt: str, source: str, timeout: float, options: tuple = ()) -> bytes:
    """ENGINE's output; raises UserError on a missing binary, a failure or the time limit
    (Ctrl-C reaches the caller as KeyboardInterrupt; subprocess kills the child first)."""
    program = shutil.which(engine)
    if program is None:
        raise UserError(f"Graphviz's {engine} program is not installed")
    try:
        done = subprocess.run([program, f"-T{fmt}", *options], input=source.encode("utf-8"),
                              capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise UserError(f"{engine} did not finish within {timeout:g} s (draw fewer objects with "
                        f"--max-nodes or --depth)") from None
    if done.returncode != 0 or not done.stdout:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise UserError(f"{engine} failed: {detail[-1] if detail else f'exit status {done.returncode}'}")
    return done.stdout


def write_picture(view: HeapView, path: str, timeout: float | None = None) -> dict:
    """Draw VIEW into PATH (format from the suffix). If Graphviz cannot draw it, the source
    goes to PATH with a .dot suffix and NotDrawn says why."""
    from .graphviz_out import dot_source

    fmt = check_target(path)
    target = Path(path)
    engine = layout_for(view)
    source = dot_source(view, engine)
    started = time.perf_counter()
    if fmt is None:
        write_atomically(target, source.encode("utf-8"))
        return {"file": path, "format": "dot", "engine": None, "seconds": time.perf_counter() - started}
    try:
        sharp = ("-Gdpi=120",) if fmt == "png" and len(view.nodes) <= SHARP else ()
        data = run_graphviz(engine, fmt, source, TIMEOUT if timeout is None else timeout, sharp)
    except UserError as e:
        dot_path = target.with_suffix(".dot")
        write_atomically(dot_path, source.encode("utf-8"))
        hint = f" ({INSTALL_HINT})" if shutil.which(engine) is None else ""
        raise NotDrawn(e.message + hint, path, dot_path) from None
    write_atomically(target, data)
    return {"file": path, "format": fmt, "engine": engine, "seconds": time.perf_counter() - started}
