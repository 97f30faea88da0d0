"""Which rich output a command's result gets in a notebook (None: the shell's text).

A picture or a page that a command wrote to a file is shown after the shell's line that says so."""

from __future__ import annotations

import os
import sys

from ..errors import UserError
from .display import Page, Picture, table_for


def rich_result(session, name: str, result, args: dict) -> list | None:
    """The outputs, in order (a str is printed, anything else displayed), or None for the text alone."""
    if name == "graph" and args.get("output") is None:
        picture = _heap_picture(session, args, result.text)
        return None if picture is None else [picture]
    if name in ("graph", "export"):
        path = args.get("output") or args.get("file")
        if path and path.lower().endswith(".svg"):
            return _after_text(result.text, _file_picture(path, result.text))
    if name == "collect" and args.get("html"):
        return _after_text(result.text, _page(result.data.get("html"), result.text))
    table = table_for(name, result.data, result.text)
    return None if table is None else [table]


def _after_text(text: list[str], shown) -> list | None:
    return None if shown is None else ["\n".join(text), shown]


def _heap_picture(session, args: dict, text: list[str]):
    """`graph [NAME...]`: what `graph -o FILE.svg` would draw, inline."""
    from ..render.summarise import PICTURE_NODES, summarise
    from ..web.picture import svg_text

    try:
        view = session.backend.view(args.get("name") or None, lazy=True)
        small = summarise(view, args.get("max_nodes") or PICTURE_NODES, args.get("depth"))
        session.pictures += 1  # each picture's ids its own, in a notebook that shows many
        return Picture(svg_text(small, id_prefix=f"gcsh{session.pictures}-"), text)
    except UserError as e:  # no Graphviz: the text rendering, and why there is no picture
        print(f"(no picture: {e.message})", file=sys.stderr)
        return None


def _file_picture(path: str, text: list[str]):
    try:
        with open(os.path.expanduser(path), encoding="utf-8") as f:
            svg = f.read()
    except (OSError, UnicodeDecodeError):
        return None
    start = svg.find("<svg")
    return Picture(svg[start:], text) if start >= 0 else None


def _page(path: str | None, text: list[str]):
    if not path:
        return None
    try:
        with open(os.path.expanduser(path), encoding="utf-8") as f:
            return Page(f.read(), text)
    except (OSError, UnicodeDecodeError):
        return None
