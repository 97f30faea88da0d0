"""A `HeapView` as Graphviz source, built with the `graphviz` package.

One box per object (name, kind, refcount, and gc_refs during a collection),
one cluster per generation, root names in a "names" table on the left (as a
frame of variables), gc.garbage as a second table, weak references dashed,
untracked objects dashed and outside the generations, and a legend naming only
what the picture shows. Every label is bounded and HTML-escaped.
"""

from __future__ import annotations

import html

from ..backends.view import Edge, HeapView, Node
from .labels import LABEL_LIMIT, NAME_LIMIT, SUMMARY_LIMIT, generation_order, generation_title, printable

FONT = "Helvetica,Arial,sans-serif"
INK = "#1e293b"
MUTED = "#64748b"
NAMES_SHOWN = 25  # rows of the names and gc.garbage tables

CLUSTERS = {  # generation -> (fill, border)
    0: ("#eff6ff", "#93c5fd"), 1: ("#fefce8", "#facc15"), 2: ("#f0fdf4", "#86efac"),
    "generation 2: old[0]": ("#f0fdf4", "#86efac"), "generation 2: old[1]": ("#ecfeff", "#67e8f9"),
    "permanent": ("#f5f3ff", "#c4b5fd"), "collecting": ("#fff7ed", "#fdba74"), "freed": ("#f8fafc", "#e2e8f0"),
}

# Node looks by mark, strongest first: (fill, border, legend text). A node takes the first that applies.
LOOKS = [
    ("freed", "#f8fafc", "#cbd5e1", "freed by this collection"),
    ("uncollectable", "#ffedd5", "#ea580c", "uncollectable: goes to gc.garbage"),
    ("resurrected", "#e0f2fe", "#0284c7", "resurrected by its __del__"),
    ("unreachable", "#fee2e2", "#dc2626", "unreachable"),
    ("pending", "#f3e8ff", "#9333ea", "unreachable now, not yet collected (what pending lists)"),
    ("garbage", "#ffedd5", "#ea580c", "in gc.garbage"),
    ("reachable", "#dcfce7", "#16a34a", "reachable: survives"),
    ("outside", "#dcfce7", "#16a34a", "gc_refs > 0: referenced from outside the set"),
    ("young", "#fffbeb", "#d97706", "being collected"),
    ("more", "#f1f5f9", "#64748b", "+N more: objects not drawn"),
    ("external", "#f1f5f9", "#94a3b8", "outside your heap"),
]
MARK_WORDS = {
    "unreachable": "unreachable", "pending": "unreachable now", "garbage": "in gc.garbage", "finalized": "finalized",
    "resurrects": "__del__ resurrects it", "dead": "dead weakref", "uncollectable": "uncollectable",
    "resurrected": "resurrected", "freed": "freed", "ran": "__del__ ran", "external": "outside your heap",
}


def text(value: str, limit: int) -> str:
    """Bounded, printable, HTML-escaped: safe inside a Graphviz HTML label."""
    return html.escape(printable(value, limit), quote=True)


def dot_source(view: HeapView, layout: str = "dot") -> str:
    import graphviz

    g = graphviz.Digraph("heap", graph_attr=_graph_attrs(layout),
                         node_attr={"shape": "box", "style": "rounded,filled", "fontname": FONT,
                                    "fontsize": "12", "fontcolor": INK, "margin": "0.12,0.06"},
                         edge_attr={"fontname": FONT, "fontsize": "10", "color": "#334155",
                                    "fontcolor": INK, "arrowsize": "0.7"})
    g.attr(label=_heading(view))
    by_generation: dict = {}
    for n in view.nodes.values():
        by_generation.setdefault(n.generation, []).append(n)
    for generation in sorted(by_generation, key=generation_order):
        members = by_generation[generation]
        look = CLUSTERS.get(generation) or CLUSTERS.get(str(generation).split(",")[0])  # old[0], old[1]
        if look:
            fill, border = look
            with g.subgraph(name=f"cluster_{generation}") as c:
                c.attr(label=f"<<B>{text(generation_title(generation), NAME_LIMIT)}</B>>", style="rounded,filled",
                       fillcolor=fill, color=border, fontname=FONT, fontsize="12", fontcolor=INK)
                for n in members:
                    c.node(n.id, **_node_attrs(n))
        else:
            for n in members:
                g.node(n.id, **_node_attrs(n))
    _holders(g, "names", "names", [(name, nid) for name, nid in view.roots.items()])
    garbage = [nid for nid, n in view.nodes.items() if "garbage" in n.marks]
    _holders(g, "gc_garbage", "gc.garbage", [(f"[{i}]", nid) for i, nid in enumerate(garbage)])
    for e in view.edges:
        g.edge(e.src, e.dst, **_edge_attrs(e))
    return g.source


def _graph_attrs(layout: str) -> dict:
    attrs = {"rankdir": "LR", "fontname": FONT, "fontsize": "12", "labelloc": "t", "labeljust": "l",
             "nodesep": "0.3", "ranksep": "0.55", "pad": "0.25", "bgcolor": "white", "newrank": "true"}
    if layout == "sfdp":
        attrs.update(overlap="scale", splines="false", outputorder="edgesfirst", size="40,40")
    return attrs


def _look(n: Node) -> tuple[str, str, str] | None:
    for mark, fill, border, _ in LOOKS:
        if mark in n.marks:
            return mark, fill, border
    return None


def _node_attrs(n: Node) -> dict:
    if "more" in n.marks:
        label = f"<<I>{text(n.name, NAME_LIMIT)}</I>>"
        return {"label": label, "style": "rounded,filled,dashed", "fillcolor": "#f1f5f9", "color": MUTED,
                "fontcolor": MUTED}
    ghost = "freed" in n.marks
    lines = [f"<B>{text(n.name, NAME_LIMIT)}</B>"]
    facts = [text(n.kind, NAME_LIMIT)]
    if n.refcount is not None:
        facts.append(f"refcount {n.refcount}")
    lines.append(f'<FONT POINT-SIZE="10" COLOR="{MUTED}">{" · ".join(facts)}</FONT>')
    if n.gc_refs is not None:
        lines.append(f'<FONT POINT-SIZE="12" COLOR="#b45309"><B>gc_refs {n.gc_refs}</B></FONT>')
    words = [MARK_WORDS[m] for m in sorted(n.marks) if m in MARK_WORDS and not (ghost and m != "freed")]
    if words:
        lines.append(f'<FONT POINT-SIZE="9" COLOR="#9f1239">{text(", ".join(words), SUMMARY_LIMIT)}</FONT>')
    cut = [f"+{n.more_out} more →"] * bool(n.more_out) + [f"← +{n.more_in} more"] * bool(n.more_in)
    if cut:
        lines.append(f'<FONT POINT-SIZE="9" COLOR="{MUTED}"><I>{"   ".join(cut)} (not drawn)</I></FONT>')
    if n.summary and not ghost:
        lines.append(f'<FONT POINT-SIZE="9" COLOR="{MUTED}"><I>{text(n.summary, SUMMARY_LIMIT)}</I></FONT>')
    attrs = {"label": "<" + "<BR/>".join(lines) + ">", "fillcolor": "white", "color": "#334155",
             "penwidth": "2.2" if n.root else "1.2"}
    look = _look(n)
    if look:
        _, attrs["fillcolor"], attrs["color"] = look
        attrs["penwidth"] = "2.2"
    if ghost:
        attrs.update(style="rounded,filled,dashed", fontcolor="#94a3b8", penwidth="1")
    elif not n.tracked:
        attrs["style"] = "rounded,filled,dashed"
    if "garbage" in n.marks:
        attrs["peripheries"] = "2"
    return attrs


def _edge_attrs(e: Edge) -> dict:
    attrs = {}
    if e.label:
        attrs["label"] = f"<{text(e.label, LABEL_LIMIT)}>"
    if e.weak:
        attrs.update(style="dashed", color="#7c3aed", fontcolor="#7c3aed")
    if "cleared" in e.marks:
        attrs.update(style="dotted", color="#dc2626", fontcolor="#dc2626", label="<cleared>")
    elif "freed" in e.marks:
        attrs.update(style="dotted", color="#cbd5e1", fontcolor="#94a3b8")
    elif "more" in e.marks:
        attrs.update(style="dashed", color=MUTED, fontcolor=MUTED, penwidth="1.6")
    return attrs


def _holders(g, node_id: str, title: str, rows: list[tuple[str, str]]) -> None:
    """A table of references into the heap (the root names, gc.garbage), one port per row."""
    if not rows:
        return
    shown = rows[:NAMES_SHOWN]
    cells = [f'<TR><TD BGCOLOR="#e2e8f0"><B>{text(title, NAME_LIMIT)}</B></TD></TR>']
    cells += [f'<TR><TD PORT="p{i}" ALIGN="LEFT">{text(name, NAME_LIMIT)}</TD></TR>' for i, (name, _) in
              enumerate(shown)]
    if len(rows) > len(shown):
        cells.append(f'<TR><TD><I>+{len(rows) - len(shown)} more</I></TD></TR>')
    table = '<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="4" COLOR="#94a3b8">'
    g.node(node_id, label=f"<{table}{''.join(cells)}</TABLE>>", shape="plain", style="")
    for i, (_, nid) in enumerate(shown):
        g.edge(f"{node_id}:p{i}:e", nid, color="#0f172a", penwidth="1.4")


def _heading(view: HeapView) -> str:
    """The caption, what was left out, and a legend of what appears."""
    from .graph_text import count_line

    rows = []
    if view.caption:
        rows.append(f'<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="16"><B>{text(view.caption, 160)}'
                    f'</B></FONT></TD></TR>')
    rows.append(f'<TR><TD ALIGN="LEFT"><FONT COLOR="{MUTED}">{text(count_line(view), 160)}'
                f'</FONT></TD></TR>')
    for note in view.notes:
        rows.append(f'<TR><TD ALIGN="LEFT"><FONT COLOR="#9f1239">{text(note, 200)}</FONT></TD></TR>')
    rows.append(f'<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="10">{"     ".join(_legend(view))}</FONT></TD></TR>')
    return f'<<TABLE BORDER="0" CELLSPACING="0" CELLPADDING="2">{"".join(rows)}</TABLE>>'


def _legend(view: HeapView) -> list[str]:
    """One entry per kind of thing the picture shows: a coloured sign, then words."""
    marks = set().union(*(n.marks for n in view.nodes.values()))
    entries = [_entry("#334155", "→", "reference: [0] item, ['k'] key, .x attribute")]
    if any(e.weak for e in view.edges):
        entries.append(_entry("#7c3aed", "⇢", "weak reference (adds no refcount)"))
    if any("cleared" in e.marks for e in view.edges):
        entries.append(_entry("#dc2626", "⇢", "weak reference cleared"))
    if any(n.root for n in view.nodes.values()):
        entries.append(_entry("#334155", "▢", "bold border: bound to a name"))
    if any(not n.tracked and "more" not in n.marks for n in view.nodes.values()):
        entries.append(_entry("#334155", "┆", "dashed border: untracked"))
    entries += [_entry(border, "■", words) for mark, _, border, words in LOOKS if mark in marks]
    return entries


def _entry(color: str, sign: str, words: str) -> str:
    return f'<FONT COLOR="{color}"><B>{sign}</B></FONT> {text(words, 80)}'
