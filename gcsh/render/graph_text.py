"""`graph` in the terminal: objects by generation, each with its references.

    sim 3.11: 2 objects, 2 references
    generation 0
      a  list  refcount 2  root
           [0] -> b
      b  list  refcount 2  root
           [0] -> a
"""

from __future__ import annotations

from ..backends.view import HeapView, Node
from .labels import LABEL_LIMIT, NAME_LIMIT, SUMMARY_LIMIT, generation_order, generation_title, printable
from .table import pad, width

MARK_WORDS = {
    "unreachable": "unreachable in the last collection",
    "pending": "unreachable now, not yet collected",
    "garbage": "in gc.garbage",
    "finalized": "finalized (__del__ ran)",
    "resurrects": "__del__ resurrects it",
    "dead": "dead weakref",
    "external": "outside your heap",
}


def count_line(view: HeapView) -> str:
    objects = sum(1 for n in view.nodes.values() if not n.marks & {"more", "freed"})
    refs = sum(1 for e in view.edges if not e.marks & {"more", "freed"})
    return f"{view.backend}: {objects} object{'s' * (objects != 1)}, {refs} reference{'s' * (refs != 1)}"


def text_lines(view: HeapView) -> list[str]:
    if not view.nodes:
        return [f"{view.backend}: (empty heap)"]
    lines = [view.caption] if view.caption else []
    lines.append(count_line(view))
    out: dict[str, list] = {nid: [] for nid in view.nodes}
    for e in view.edges:
        out[e.src].append(e)
    sections: dict = {}
    for n in view.nodes.values():
        sections.setdefault(n.generation, []).append(n)
    for generation in sorted(sections, key=generation_order):
        members = sections[generation]
        lines.append(generation_title(generation) if generation != "more" else "not drawn")
        rows = [_row(n) for n in members]
        widths = [max(width(r[i]) for r in rows) for i in range(2)]
        for n, row in zip(members, rows):
            lines.append(f"  {pad(row[0], widths[0])}  {pad(row[1], widths[1])}  {row[2]}".rstrip())
            indent = " " * (widths[0] + 5)
            for e in out[n.id]:
                arrow = "~>" if e.weak else "->"
                target = printable(view.nodes[e.dst].name, NAME_LIMIT)
                lines.append(f"{indent}{printable(e.label, LABEL_LIMIT)} {arrow} {target}".rstrip())
            if n.more_out:
                lines.append(f"{indent}… +{n.more_out} more -> (not drawn)")
    renamed = [f"{name} -> {view.nodes[nid].name}" for name, nid in view.roots.items()
               if view.nodes[nid].name != name]
    if renamed:
        lines.append("names: " + ", ".join(renamed))
    lines += [f"note: {note}" for note in view.notes]
    return lines


def _row(n: Node) -> tuple[str, str, str]:
    if "more" in n.marks:
        return printable(n.name, NAME_LIMIT), "", "(not drawn)"
    facts = [f"refcount {n.refcount}" if n.refcount is not None else "refcount ?"]
    if n.gc_refs is not None:
        facts.append(f"gc_refs {n.gc_refs}")
    if n.more_in:
        facts.append(f"+{n.more_in} referrers not drawn")
    if n.root:
        facts.append("root")
    facts += [MARK_WORDS[m] for m in sorted(n.marks) if m in MARK_WORDS]
    if n.summary:
        facts.append(printable(n.summary, SUMMARY_LIMIT))
    return printable(n.name, NAME_LIMIT), printable(n.kind, NAME_LIMIT), "  ".join(facts)
