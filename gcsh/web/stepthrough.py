"""One self-contained page that steps through a collection, phase by phase.

Built from the frames `collect --frames` draws (`render.frames.phase_views`: a list of
`(phase, HeapView)`), and from nothing else: each frame becomes a picture (Graphviz SVG, put
inline), its caption, what changed in it (what is held from outside, what moves to unreachable,
the finalizers and weakref callbacks, what is freed) and a table of the objects with their
gc_refs, in the colours of the pictures. Buttons and the arrow keys step; the page needs no
network, no script from elsewhere and no server.
"""

from __future__ import annotations

import html

from ..backends.view import HeapView, Node
from ..errors import UserError
from ..render.frames import shared_order
from ..render.graphviz_out import CLUSTERS, LOOKS, MARK_WORDS
from ..render.labels import generation_title, printable
from .picture import drawable, svg_text

MAX_ROWS = 200  # objects listed in a frame's table; the rest are counted
LISTED = 12  # names listed in one line of "what happens"
NAME_WIDTH = 60

# What a frame's marks say happened, in the order the collector does it: (mark, words).
HAPPENINGS = (
    ("young", "examined"),
    ("outside", "gc_refs > 0, held from outside the set"),
    ("reachable", "reachable: survive"),
    ("unreachable", "unreachable"),
    ("uncollectable", "uncollectable (legacy finalizers): go to gc.garbage"),
    ("ran", "__del__ ran"),
    ("resurrected", "resurrected by __del__"),
    ("freed", "freed"),
)


def _look(node: Node) -> tuple[str, str, str] | None:
    """(mark, fill, border) of the first look that applies, as the pictures choose it."""
    for mark, fill, border, _ in LOOKS:
        if mark in node.marks:
            return mark, fill, border
    return None


_LOOK_WORDS = {mark: words for mark, _, _, words in LOOKS}


def _state(node: Node) -> str:
    """What the picture says of the object: its look's words, then its other marks."""
    look = _look(node)
    words = [_LOOK_WORDS[look[0]]] if look else []
    words += [MARK_WORDS[m] for m in sorted(node.marks) if m in MARK_WORDS and (not look or m != look[0])
              and MARK_WORDS[m] not in words[0:1]]
    return ", ".join(dict.fromkeys(words))


def happenings(view: HeapView) -> list[dict]:
    """What this frame shows happening: one entry per mark present, with the names (bounded),
    and the weak references cleared."""
    out = []
    for mark, words in HAPPENINGS:
        names = [n.name for n in view.nodes.values() if mark in n.marks]
        if names:
            out.append({"mark": mark, "words": words, "count": len(names), "names": names[:LISTED]})
    cleared = [view.nodes[e.src].name for e in view.edges if "cleared" in e.marks and e.src in view.nodes]
    if cleared:
        out.append({"mark": "cleared", "words": "weak references cleared", "count": len(cleared),
                    "names": cleared[:LISTED]})
    return out


def rows(view: HeapView, order: list[str]) -> tuple[list[Node], int]:
    """The objects a frame's table lists (in the shared order, count boxes left out), and how many
    more there are."""
    nodes = [view.nodes[nid] for nid in order if nid in view.nodes and "more" not in view.nodes[nid].marks]
    return nodes[:MAX_ROWS], max(0, len(nodes) - MAX_ROWS)


def page_html(frames: list[tuple[str, HeapView]], title: str, nonce: str = "") -> str:
    """The whole page, as one string (NONCE: for a server whose pages allow only scripts with it)."""
    order = shared_order(frames)
    problem = None
    pictures = []
    for i, (_, view) in enumerate(frames):
        if problem is None:
            try:
                pictures.append(svg_text(drawable(view, order=order), id_prefix=f"f{i}-"))
                continue
            except UserError as e:  # no Graphviz, or it gave up: the page still tells the story
                problem = e.message
        pictures.append(None)
    sections = [_frame_section(i, phase, view, pictures[i], order, problem)
                for i, (phase, view) in enumerate(frames)]
    strip = "".join(f'<li><button type="button" data-go="{i}">{i}. {_e(phase)}</button></li>'
                    for i, (phase, _) in enumerate(frames))
    return _PAGE.format(title=_e(title), style=_style(), strip=strip, sections="".join(sections),
                        count=len(frames), script=_SCRIPT, nonce=f' nonce="{_e(nonce)}"' if nonce else "")


def _frame_section(i: int, phase: str, view: HeapView, svg: str | None, order: list[str], problem) -> str:
    picture = svg if svg is not None else f'<p class="missing">No picture: {_e(problem)}</p>'
    happened = "".join(
        f'<li class="mark-{h["mark"]}"><span class="chip"></span><b>{_e(h["words"])}</b> ({h["count"]}): '
        f'{_e(_names(h))}</li>'
        for h in happenings(view))
    listed, more = rows(view, order)
    body = "".join(_row(n) for n in listed)
    if more:
        body += f'<tr><td colspan="6" class="more">+{more} more objects not listed</td></tr>'
    return (f'<section class="frame" data-phase="{_e(phase)}" id="phase-{i}"{"" if i == 0 else " hidden"}>'
            f'<h2>{_e(printable(view.caption, 300))}</h2>'
            f'<div class="layout"><figure class="picture">{picture}</figure>'
            f'<aside><h3>What happens</h3><ul class="happened">{happened or "<li>nothing changes here</li>"}</ul>'
            f'<h3>Objects</h3><table><thead><tr><th>object</th><th>kind</th><th>refcount</th>'
            f'<th>gc_refs</th><th>gen</th><th>state</th></tr></thead><tbody>{body}</tbody></table>'
            f'</aside></div></section>')


def _names(happening: dict) -> str:
    shown = ", ".join(printable(name, NAME_WIDTH) for name in happening["names"])
    hidden = happening["count"] - len(happening["names"])
    return shown + (f" (+{hidden} more)" if hidden else "")


def _row(n: Node) -> str:
    look = _look(n)
    cls = f' class="mark-{look[0]}"' if look else ""
    refs = "" if n.gc_refs is None else str(n.gc_refs)
    refcount = "" if n.refcount is None else str(n.refcount)
    return (f'<tr{cls}><td class="name">{_e(printable(n.name, NAME_WIDTH))}</td><td>{_e(n.kind)}</td>'
            f'<td class="num">{refcount}</td><td class="num gcrefs">{refs}</td>'
            f'<td title="{_e(generation_title(n.generation))}">{_e(n.generation)}</td><td>{_e(_state(n))}</td></tr>')


def _e(text) -> str:
    return html.escape(str(text), quote=True)


def _style() -> str:
    """The page's CSS: the marks' colours are the pictures' own (graphviz_out.LOOKS)."""
    marks = "".join(f".mark-{mark} .chip{{background:{fill};border-color:{border}}}"
                    f"tr.mark-{mark} td{{background:{fill}}}tr.mark-{mark} td.name{{box-shadow:inset 4px 0 {border}}}"
                    for mark, fill, border, _ in LOOKS)
    marks += ".mark-cleared .chip{background:#fff;border-color:#dc2626;border-style:dotted}"
    marks += f".mark-ran .chip{{background:#fff;border-color:#9f1239}}.mark-young .chip{{background:{CLUSTERS['collecting'][0]}}}"
    return _CSS + marks


def write_page(frames: list[tuple[str, HeapView]], path: str, title: str) -> dict:
    """Write the page to PATH, whole or not at all."""
    from pathlib import Path

    from ..fileio import write_atomically

    text = page_html(frames, title)
    write_atomically(Path(path), text.encode("utf-8"))
    return {"file": path, "phases": [phase for phase, _ in frames], "bytes": len(text.encode("utf-8"))}


_CSS = """
:root{color-scheme:light;--ink:#1e293b;--muted:#64748b;--line:#e2e8f0}
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;color:var(--ink);background:#f8fafc}
header{position:sticky;top:0;z-index:1;background:#fff;border-bottom:1px solid var(--line);padding:.6rem 1rem}
header h1{font-size:1.1rem;margin:0 0 .4rem}
nav{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem}
nav ol{display:flex;flex-wrap:wrap;gap:.25rem;list-style:none;margin:0;padding:0}
nav ol button{font:inherit;font-size:.85rem;border:1px solid var(--line);background:#f1f5f9;border-radius:999px;padding:.15rem .6rem;cursor:pointer}
nav ol button[aria-current=step]{background:#1e293b;color:#fff;border-color:#1e293b}
.step{font:inherit;font-weight:600;border:1px solid #94a3b8;background:#fff;border-radius:6px;padding:.2rem .8rem;cursor:pointer}
.step:disabled{opacity:.4;cursor:default}
#counter{font-variant-numeric:tabular-nums;font-weight:600;min-width:7.5em;text-align:center}
.keys{color:var(--muted);font-size:.85rem}
main{padding:1rem}
h2{font-size:1.05rem;margin:.2rem 0 .8rem}
h3{font-size:.9rem;margin:.2rem 0 .4rem;color:var(--muted);text-transform:uppercase;letter-spacing:.04em}
.layout{display:flex;flex-wrap:wrap;gap:1rem;align-items:flex-start}
figure.picture{flex:3 1 560px;margin:0;background:#fff;border:1px solid var(--line);border-radius:8px;padding:.5rem;overflow:auto}
figure.picture svg{width:100%;height:auto;max-height:calc(100vh - 210px);display:block;margin:auto}
aside{flex:2 1 360px;min-width:300px;overflow-x:auto}
ul.happened{list-style:none;padding:0;margin:0 0 1rem}
ul.happened li{margin:.2rem 0}
.chip{display:inline-block;width:.9em;height:.9em;border:2px solid #94a3b8;border-radius:3px;margin-right:.4em;vertical-align:-.1em}
table{border-collapse:collapse;width:100%;background:#fff;font-size:.85rem}
th,td{border-bottom:1px solid var(--line);padding:.2rem .45rem;text-align:left;vertical-align:top}
td:not(:last-child){white-space:nowrap}
th{background:#f1f5f9}
td.num{text-align:right;font-variant-numeric:tabular-nums}
td.gcrefs{font-weight:700;color:#b45309}
td.more,.missing{color:var(--muted);font-style:italic}
"""

_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>{title}</title>
<link rel="icon" href="data:,">
<style>{style}</style></head>
<body>
<header><h1>{title}</h1>
<nav aria-label="phases"><button type="button" class="step" id="prev" title="previous phase (←)">← previous</button>
<span id="counter" aria-live="polite">phase 1 / {count}</span>
<button type="button" class="step" id="next" title="next phase (→)">next →</button>
<ol>{strip}</ol><span class="keys">keys: ← → Home End</span></nav></header>
<main>{sections}</main>
<script{nonce}>{script}</script>
</body></html>
"""

_SCRIPT = """
(function(){
  var frames = Array.prototype.slice.call(document.querySelectorAll('section.frame'));
  var strip = Array.prototype.slice.call(document.querySelectorAll('[data-go]'));
  var counter = document.getElementById('counter');
  var prev = document.getElementById('prev'), next = document.getElementById('next');
  var at = 0;
  function show(i){
    at = Math.max(0, Math.min(frames.length - 1, i));
    frames.forEach(function(f, k){ f.hidden = k !== at; });
    strip.forEach(function(b, k){ if (k === at) b.setAttribute('aria-current', 'step'); else b.removeAttribute('aria-current'); });
    counter.textContent = 'phase ' + (at + 1) + ' / ' + frames.length + ': ' + frames[at].dataset.phase;
    document.body.dataset.phase = String(at);
    prev.disabled = at === 0; next.disabled = at === frames.length - 1;
    try { history.replaceState(null, '', '#' + (at + 1)); } catch (e) { /* a page without its own address (srcdoc) */ }
  }
  prev.onclick = function(){ show(at - 1); };
  next.onclick = function(){ show(at + 1); };
  strip.forEach(function(b){ b.onclick = function(){ show(Number(b.dataset.go)); }; });
  document.addEventListener('keydown', function(e){
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    var to = {ArrowRight: at + 1, ArrowDown: at + 1, PageDown: at + 1, ArrowLeft: at - 1, ArrowUp: at - 1,
              PageUp: at - 1, Home: 0, End: frames.length - 1}[e.key];
    if (to === undefined) return;
    e.preventDefault(); show(to);
  });
  var start = parseInt((location.hash || '#1').slice(1), 10);
  show(isNaN(start) ? 0 : start - 1);
})();
"""
