"""A terminal's screen (text with ANSI SGR escapes, as `tmux capture-pane -e` prints it) as an SVG
picture of a terminal window: each run of same-styled cells one <text>, backgrounds as rectangles.

Colours follow the common xterm palette for the 16 named colours, the 256-colour cube and truecolor;
bold, dim, italic, underline and reverse are kept. One cell is one character (the screens gcsh
draws use no double-width characters).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, replace

PALETTE = ["#1e1e2e", "#e5534b", "#57ab5a", "#c69026", "#539bf5", "#b083f0", "#39c5cf", "#cdd9e5",
           "#636e7b", "#ff938a", "#6bc46d", "#daaa3f", "#6cb6ff", "#dcbdfb", "#56d4dd", "#f0f6fc"]
FOREGROUND, BACKGROUND = "#cdd9e5", "#22272e"
CELL_W, CELL_H, FONT_SIZE, PAD, TITLE_H = 8.4, 18, 14, 14, 30
NBSP = "\u00a0"
_SGR = re.compile(r"\x1b\[([0-9;:]*)m")
_OTHER_ESCAPE = re.compile(r"\x1b(\[[0-9;?]*[A-Za-ln-z]|\][^\x07]*\x07|[()][A-Z0-9])")


@dataclass(frozen=True)
class Style:
    fg: str | None = None
    bg: str | None = None
    bold: bool = False
    dim: bool = False
    italic: bool = False
    underline: bool = False
    reverse: bool = False


def colour_256(n: int) -> str:
    if n < 16:
        return PALETTE[n]
    if n < 232:
        n -= 16
        steps = [0, 95, 135, 175, 215, 255]
        return "#%02x%02x%02x" % (steps[n // 36], steps[n // 6 % 6], steps[n % 6])
    grey = 8 + 10 * (n - 232)
    return "#%02x%02x%02x" % (grey, grey, grey)


def _apply(style: Style, params: str) -> Style:
    codes = [int(p) if p else 0 for p in re.split("[;:]", params)] if params else [0]
    i = 0
    while i < len(codes):
        c = codes[i]
        if c == 0:
            style = Style()
        elif c in (1, 2, 3, 4, 7):
            style = replace(style, **{{1: "bold", 2: "dim", 3: "italic", 4: "underline", 7: "reverse"}[c]: True})
        elif c == 22:
            style = replace(style, bold=False, dim=False)
        elif c in (23, 24, 27):
            style = replace(style, **{{23: "italic", 24: "underline", 27: "reverse"}[c]: False})
        elif 30 <= c <= 37 or 90 <= c <= 97:
            style = replace(style, fg=PALETTE[c - 30 if c < 90 else c - 82])
        elif 40 <= c <= 47 or 100 <= c <= 107:
            style = replace(style, bg=PALETTE[c - 40 if c < 100 else c - 92])
        elif c in (39, 49):
            style = replace(style, **{"fg" if c == 39 else "bg": None})
        elif c in (38, 48) and i + 1 < len(codes):
            key = "fg" if c == 38 else "bg"
            if codes[i + 1] == 5 and i + 2 < len(codes):
                style, i = replace(style, **{key: colour_256(codes[i + 2])}), i + 2
            elif codes[i + 1] == 2 and i + 4 < len(codes):
                style, i = replace(style, **{key: "#%02x%02x%02x" % tuple(codes[i + 2:i + 5])}), i + 4
        i += 1
    return style


def parse(screen: str, columns: int, rows: int) -> list[list[tuple[str, Style]]]:
    """The screen as ROWS lines of COLUMNS (character, style) cells."""
    grid = []
    style = Style()
    for line in screen.split("\n")[:rows]:
        line = _OTHER_ESCAPE.sub("", line)
        cells: list[tuple[str, Style]] = []
        pos = 0
        for m in _SGR.finditer(line):
            cells += [(ch, style) for ch in line[pos:m.start()]]
            style = _apply(style, m.group(1))
            pos = m.end()
        cells += [(ch, style) for ch in line[pos:]]
        grid.append((cells + [(" ", Style())] * columns)[:columns])
    grid += [[(" ", Style())] * columns for _ in range(rows - len(grid))]
    return grid


def _colours(style: Style) -> tuple[str, str | None]:
    fg, bg = style.fg or FOREGROUND, style.bg
    if style.reverse:
        fg, bg = bg or BACKGROUND, fg
    return fg, bg


def screen_svg(screen: str, columns: int, rows: int, title: str) -> str:
    """The picture of a terminal window showing SCREEN."""
    grid = parse(screen, columns, rows)
    width, height = columns * CELL_W + 2 * PAD, rows * CELL_H + 2 * PAD + TITLE_H
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
           f'viewBox="0 0 {width:.0f} {height:.0f}" role="img" aria-label="{html.escape(title, quote=True)}">',
           f'<rect width="100%" height="100%" rx="10" fill="{BACKGROUND}"/>',
           f'<rect width="100%" height="{TITLE_H}" rx="10" fill="#2d333b"/>'
           f'<rect y="{TITLE_H - 10}" width="100%" height="10" fill="#2d333b"/>']
    out += [f'<circle cx="{18 + 20 * i}" cy="{TITLE_H / 2}" r="6" fill="{c}"/>'
            for i, c in enumerate(("#ff5f57", "#febc2e", "#28c840"))]
    out.append(f'<text x="{width / 2:.0f}" y="{TITLE_H / 2 + 5}" text-anchor="middle" fill="#adbac7" '
               f'font-family="sans-serif" font-size="13">{html.escape(title)}</text>')
    out.append(f'<g font-family="ui-monospace,\'DejaVu Sans Mono\',Menlo,Consolas,monospace" '
               f'font-size="{FONT_SIZE}">')
    top = TITLE_H + PAD
    for y, cells in enumerate(grid):
        runs = _runs(cells)
        x0 = 0
        for text, style in runs:
            fg, bg = _colours(style)
            left, baseline = PAD + x0 * CELL_W, top + y * CELL_H
            if bg:
                out.append(f'<rect x="{left:.1f}" y="{baseline:.1f}" width="{len(text) * CELL_W:.1f}" '
                           f'height="{CELL_H}" fill="{bg}"/>')
            shown = text.strip()
            if shown:  # placed by its cells: blanks at either end move it, inner ones are kept (no-break)
                lead = len(text) - len(text.lstrip())
                attrs = [f'x="{left + lead * CELL_W:.1f}"', f'y="{baseline + CELL_H - 5:.1f}"', f'fill="{fg}"',
                         f'textLength="{len(shown) * CELL_W:.1f}"', 'lengthAdjust="spacingAndGlyphs"']
                attrs += ['font-weight="bold"'] * style.bold + ['font-style="italic"'] * style.italic
                attrs += ['opacity="0.6"'] * style.dim + ['text-decoration="underline"'] * style.underline
                out.append(f'<text {" ".join(attrs)}>{html.escape(shown).replace(" ", NBSP)}</text>')
            x0 += len(text)
    out.append("</g></svg>")
    return "\n".join(out) + "\n"


def _runs(cells: list[tuple[str, Style]]) -> list[tuple[str, Style]]:
    runs: list[tuple[str, Style]] = []
    for ch, style in cells:
        if runs and runs[-1][1] == style:
            runs[-1] = (runs[-1][0] + ch, style)
        else:
            runs.append((ch, style))
    return runs
