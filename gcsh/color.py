"""The one decision about colour, and the few ANSI styles gcsh paints with.

`decide()` is asked once per run and its answer is used everywhere: the
interactive shell (prompt_toolkit's colour depth) and the text gcsh prints
(`help`, error lines). `--color always|never` wins; under `auto` a stream
that is not a terminal, `TERM=dumb` or a non-empty `NO_COLOR`
(https://no-color.org) turns colour off, and `FORCE_COLOR` turns it on.
Importing this module costs nothing: it must not pull in prompt_toolkit.
"""

from __future__ import annotations

import os
from typing import Mapping, TextIO

CHOICES = ("auto", "always", "never")


class ColorDecision:
    __slots__ = ("enabled", "depth")

    def __init__(self, enabled: bool, depth: int):
        self.enabled = enabled
        self.depth = depth  # colour bits for prompt_toolkit: 1 (attributes only), 4, 8 or 24

    def __eq__(self, other) -> bool:
        return type(other) is ColorDecision and (self.enabled, self.depth) == (other.enabled, other.depth)

    __hash__ = None

    def __repr__(self) -> str:
        return f"ColorDecision(enabled={self.enabled}, depth={self.depth})"

    @property
    def depth_name(self) -> str:
        """prompt_toolkit's name for the depth (the value of a `ColorDepth`)."""
        return f"DEPTH_{self.depth}_BIT"


def decide(choice: str = "auto", stream: TextIO | None = None, env: Mapping[str, str] | None = None) -> ColorDecision:
    env = os.environ if env is None else env
    if choice not in CHOICES:
        raise ValueError(f"--color must be one of {', '.join(CHOICES)}, not {choice!r}")
    if choice == "always":
        enabled = True
    elif choice == "never":
        enabled = False
    elif env.get("NO_COLOR"):
        enabled = False
    elif env.get("FORCE_COLOR"):
        enabled = True
    else:
        enabled = is_terminal(stream) and env.get("TERM") != "dumb"
    return ColorDecision(enabled, _depth(env) if enabled else 1)


def is_terminal(stream: TextIO | None) -> bool:
    """Is STREAM a terminal? (False for None, a closed stream or one without isatty.)"""
    try:
        return bool(stream is not None and stream.isatty())
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        return False


def _depth(env: Mapping[str, str]) -> int:
    if env.get("COLORTERM", "").lower() in ("truecolor", "24bit"):
        return 24
    term = env.get("TERM", "")
    if term in ("linux", "dumb") or term.startswith(("vt", "ansi")):
        return 4
    return 8


# SGR codes of the styles gcsh's own text uses, named by role; the same colours as the
# shell's highlighting (gcsh.shell.style), so `help` looks like what you type.
STYLES = {
    "heading": "1",  # bold
    "command": "36",  # cyan
    "option": "32",  # green
    "value": "33",  # yellow
    "dim": "2",
    "error": "1;31",  # bold red
}


def paint(text: str, style: str, enabled: bool) -> str:
    """TEXT in STYLE when colour is on; TEXT itself otherwise."""
    if not enabled or not text:
        return text
    return f"\x1b[{STYLES[style]}m{text}\x1b[0m"
