"""A `HeapView` as SVG text to put inside a page: summarised to a drawable size, drawn by Graphviz
under its time limit, without the XML prolog, and with its ids made unique within the page."""

from __future__ import annotations

import re

from ..backends.view import HeapView
from ..render.files import TIMEOUT, layout_for, run_graphviz
from ..render.summarise import PICTURE_NODES, summarise

_PROLOG = re.compile(r"\A.*?(?=<svg\b)", re.S)  # <?xml ...?>, <!DOCTYPE ...> and Graphviz's comments
_ID = re.compile(r'\bid="([^"]*)"')


def drawable(view: HeapView, max_nodes: int = PICTURE_NODES, order: list[str] | None = None) -> HeapView:
    """VIEW cut down to what a picture shows (the rest counted in '+N more' boxes)."""
    return summarise(view, max_nodes, order=order)


def svg_text(view: HeapView, id_prefix: str = "", timeout: float = TIMEOUT) -> str:
    """VIEW (already drawable) drawn as an inline <svg> element; UserError if Graphviz cannot."""
    from ..render.graphviz_out import dot_source

    engine = layout_for(view)
    data = run_graphviz(engine, "svg", dot_source(view, engine), timeout)
    svg = _PROLOG.sub("", data.decode("utf-8"), count=1)
    if id_prefix:  # several pictures in one page: Graphviz numbers the ids of each from 1
        svg = _ID.sub(lambda m: f'id="{id_prefix}{m.group(1)}"', svg)
    return svg
