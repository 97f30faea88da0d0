"""Comparing the pictures in the docs with the ones gcsh draws now.

Graphviz lays out the same graph a little differently from one release to the next, so an SVG is
compared by what it says, not where it puts it: the node and edge titles, the texts and the colours.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

_TITLE = re.compile(r"<title>(.*?)</title>", re.S)
_TEXT = re.compile(r"<text\b[^>]*>(.*?)</text>", re.S)
_COLOUR = re.compile(r'\b(?:fill|stroke)="([^"]*)"')
_DASHED = re.compile(r'stroke-dasharray="[^"]*"')


def svg_content(text: str) -> Counter:
    """What an SVG drawn by graphviz shows, without its layout."""
    found = Counter(("title", t.strip()) for t in _TITLE.findall(text))
    found.update(("text", t.strip()) for t in _TEXT.findall(text))
    found.update(("colour", c) for c in _COLOUR.findall(text))
    found.update(("dashed", "") for _ in _DASHED.findall(text))
    return found


def same_picture(kept: Path, made: Path) -> bool:
    if kept.suffix == ".svg" and made.suffix == ".svg":
        return svg_content(kept.read_text(encoding="utf-8")) == svg_content(made.read_text(encoding="utf-8"))
    return kept.read_bytes() == made.read_bytes()
