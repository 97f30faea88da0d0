"""What a command's result looks like in a notebook: pictures as SVG, tables as HTML, the rest as text.

Each rich object also carries the shell's own text (`__repr__`), so a terminal IPython, or a
notebook exported to plain text, shows what gcsh prints.
"""

from __future__ import annotations

import html


class Picture:
    """A heap picture: SVG for a notebook, the text rendering elsewhere."""

    def __init__(self, svg: str, text: list[str]):
        self.svg, self.text = svg, text

    def _repr_svg_(self) -> str:
        return self.svg

    def __repr__(self) -> str:
        return "\n".join(self.text)


class Table:
    """Rows under a header, for a notebook; the shell's lines elsewhere."""

    def __init__(self, header: list[str], rows: list[list], text: list[str], foot: str = "",
                 numeric: frozenset[int] = frozenset()):
        self.header, self.rows, self.text, self.foot, self.numeric = header, rows, text, foot, numeric

    def _repr_html_(self) -> str:
        def cell(tag: str, i: int, value) -> str:
            align = ' style="text-align:right"' if i in self.numeric else ' style="text-align:left"'
            return f"<{tag}{align}>{html.escape(str(value))}</{tag}>"

        head = "".join(cell("th", i, h) for i, h in enumerate(self.header))
        body = "".join("<tr>" + "".join(cell("td", i, v) for i, v in enumerate(row)) + "</tr>" for row in self.rows)
        foot = f"<caption style=\"caption-side:bottom\">{html.escape(self.foot)}</caption>" if self.foot else ""
        return f'<table class="gcsh">{foot}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'

    def __repr__(self) -> str:
        return "\n".join(self.text)


class Page:
    """A step-through page, inside the notebook (an iframe holding the whole page)."""

    def __init__(self, page: str, text: list[str], height: int = 760):
        self.page, self.text, self.height = page, text, height

    def _repr_html_(self) -> str:
        return (f'<iframe srcdoc="{html.escape(self.page, quote=True)}" style="width:100%;height:{self.height}px;'
                f'border:1px solid #e2e8f0;border-radius:8px" title="gcsh: a collection, phase by phase">'
                f'</iframe>')

    def __repr__(self) -> str:
        return "\n".join(self.text)


def fixed_width_table(lines: list[str]) -> tuple[list[str], list[list[str]]]:
    """A table the shell prints left-aligned under a header (heap): cut at the header's columns."""
    header_line = lines[0]
    starts = [i for i, c in enumerate(header_line) if c != " " and (i == 0 or header_line[i - 1] == " ")]
    bounds = list(zip(starts, starts[1:] + [None]))
    header = [header_line[a:b].strip() for a, b in bounds]
    rows = [[line[a:b].strip() for a, b in bounds] for line in lines[1:]]
    return header, rows


def table_for(name: str, data: dict, text: list[str]) -> Table | None:
    """The HTML table for a command's result, where it has one."""
    if name == "heap" and data.get("objects"):
        header, rows = fixed_width_table(text)
        return Table(header, rows, text, numeric=frozenset({2}))
    if name == "stats":
        rows = [[g, e["collections"], e["collected"], e["uncollectable"]] for g, e in enumerate(data["stats"])]
        return Table(["generation", "collections", "collected", "uncollectable"], rows, text,
                     numeric=frozenset({0, 1, 2, 3}))
    if name in ("types", "growth") and data.get(name):
        delta = name == "growth"
        rows = [[r["type"], r["count"]] + ([f"{r['delta']:+d}"] if delta else []) for r in data[name]]
        own = data.get("left_out", {}).get("gcsh")
        return Table(["type", "count"] + (["growth"] if delta else []), rows, text,
                     foot=f"not shown: {own} of gcsh's own objects" if own else "", numeric=frozenset({1, 2}))
    return None
