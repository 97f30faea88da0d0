"""The live page: the toolbar's state and the heap's picture, redrawn on each `heap` event.

The toolbar is the shell's own (`shell.toolbar.toolbar_fragments`), sent as (style, text) pairs and
coloured here as the shell colours it. The page keeps no state of its own: a reload, or the event
stream reconnecting after gcsh restarts on the same port, shows the heap as it is now.
"""

from __future__ import annotations

TOOLBAR_COLOURS = {  # the shell's toolbar styles (shell/style.py), as CSS
    "toolbar.backend": "color:#67e8f9;font-weight:700",
    "toolbar.label": "color:#e2e8f0",
    "toolbar.value": "color:#fff;font-weight:700",
    "toolbar.on": "color:#86efac;font-weight:700",
    "toolbar.off": "color:#fde047;font-weight:700",
    "toolbar.due": "color:#fde047;font-weight:700",
    "toolbar.sep": "color:#cbd5e1",
}


def live_page(nonce: str) -> str:
    rules = "".join(f".tb-{name.split('.', 1)[1]}{{{css}}}" for name, css in TOOLBAR_COLOURS.items())
    return _PAGE.replace("{rules}", rules).replace("{nonce}", nonce)


_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>gcsh: the heap</title>
<link rel="icon" href="data:,">
<style>
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;color:#1e293b;background:#f8fafc}
header{position:sticky;top:0;z-index:1;background:#fff;border-bottom:1px solid #e2e8f0}
#toolbar{background:#475569;color:#e2e8f0;font:14px/1.9 ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace;padding:0 .8rem;white-space:pre;overflow-x:auto}
#bar{display:flex;flex-wrap:wrap;gap:.4rem 1.2rem;align-items:center;padding:.45rem .8rem;font-size:.9rem}
#bar h1{font-size:1rem;margin:0}
#connection::before{content:"● "}
#connection.live{color:#16a34a}#connection.lost{color:#dc2626}
#info{color:#64748b}
#collection a{font-weight:600;color:#1d4ed8}
#error{color:#9f1239;font-weight:600}
main{padding:1rem}
#picture{background:#fff;border:1px solid #e2e8f0;border-radius:8px;padding:.5rem;overflow:auto;min-height:8rem}
#picture svg{display:block;margin:auto}
#picture.fit svg{max-width:100%;height:auto}
#zoom{font:inherit;font-size:.85rem;border:1px solid #94a3b8;background:#fff;border-radius:6px;padding:.05rem .6rem;cursor:pointer}
{rules}
</style></head>
<body data-version="0">
<header><div id="toolbar" aria-label="the shell's toolbar">&nbsp;</div>
<div id="bar"><h1>gcsh <span id="describe"></span></h1>
<span id="connection" class="lost">connecting…</span>
<button type="button" id="zoom" title="fit the picture to the page, or show it at its own size">actual size</button>
<span id="info"></span><span id="collection"></span><span id="error"></span></div></header>
<main><div id="picture" class="fit" aria-live="polite"></div></main>
<script nonce="{nonce}">
(function(){
  var $ = function(id){ return document.getElementById(id); };
  function toolbar(fragments){
    var bar = $('toolbar'); bar.textContent = '';
    fragments.forEach(function(f){
      var span = document.createElement('span');
      span.className = 'tb-' + f[0].replace('class:toolbar.', '');
      span.textContent = f[1]; bar.appendChild(span);
    });
  }
  var zoomed = null;  // null: fit unless the picture is far wider than the page; else the user's choice
  function zoom(actual){
    $('picture').className = actual ? '' : 'fit';
    $('zoom').textContent = actual ? 'fit to page' : 'actual size';
  }
  $('zoom').onclick = function(){ zoomed = $('picture').className === 'fit'; zoom(zoomed); };
  function show(d){
    document.body.dataset.version = String(d.version);
    $('describe').textContent = d.describe;
    toolbar(d.toolbar || []);
    if (d.svg) {
      $('picture').innerHTML = d.svg;
      var svg = $('picture').querySelector('svg');
      var wide = svg && svg.width.baseVal.value > 2.5 * $('picture').clientWidth;
      zoom(zoomed === null ? wide : zoomed);
    }
    $('error').textContent = d.error || '';
    $('info').textContent = 'drawing ' + d.version + ', ' + Math.round(d.seconds * 1000) + ' ms after the command';
    var c = $('collection'); c.textContent = '';
    if (d.collection) {
      var a = document.createElement('a');
      a.href = '/collection.html'; a.target = '_blank';
      a.textContent = 'step through the last collection: ' + d.collection.note + ' (' + d.collection.phases + ' phases)';
      c.appendChild(a);
    }
  }
  var events = new EventSource('/events');
  events.addEventListener('heap', function(e){ show(JSON.parse(e.data)); });
  events.onopen = function(){ $('connection').className = 'live'; $('connection').textContent = 'live'; };
  events.onerror = function(){
    $('connection').className = 'lost';
    $('connection').textContent = 'gcsh is not answering (it reconnects when gcsh serves this port again)';
  };
})();
</script>
</body></html>
"""
