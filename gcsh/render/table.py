"""The one table formatter: columns padded by the width text takes on a terminal.

`len()` counts code points, but `名前` takes four columns and `é` written as `e` and a
combining accent takes one, so a column of such names measured with `len()` goes
crooked. `width()` counts display columns (wcwidth's rules: East Asian wide characters
two, combining and zero-width characters none); ASCII text, nearly all of gcsh's, takes
a fast path that imports nothing.
"""

from __future__ import annotations

from typing import Iterable, Sequence


def width(text: str) -> int:
    """The number of terminal columns TEXT takes (a control character counts as one)."""
    if text.isascii():
        return len(text)
    from wcwidth import wcwidth  # prompt_toolkit's own dependency
    return sum(max(wcwidth(ch), 0) if ch >= " " else 1 for ch in text)


def pad(text: str, columns: int, right: bool = False) -> str:
    """TEXT padded with spaces to COLUMNS display columns (on the left when RIGHT)."""
    fill = " " * max(columns - width(text), 0)
    return fill + text if right else text + fill


def table(rows: Sequence[Sequence[str]], right: Iterable[int] = (), gap: str = "  ", indent: str = "") -> list[str]:
    """ROWS as aligned lines: each column as wide as its widest cell; columns in RIGHT are
    right-aligned; trailing spaces are dropped."""
    if not rows:
        return []
    right = set(right)
    count = max(len(r) for r in rows)
    widths = [max((width(r[i]) for r in rows if i < len(r)), default=0) for i in range(count)]
    out = []
    for row in rows:
        cells = [pad(cell, widths[i], i in right) if i < count - 1 or i in right else cell
                 for i, cell in enumerate(row)]
        out.append((indent + gap.join(cells)).rstrip())
    return out
