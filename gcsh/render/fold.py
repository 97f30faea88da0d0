"""Long lines folded at word boundaries for the terminal they are shown on.

A terminal (and a pager) breaks a long line at its last column, in the middle of a
word. The shell folds its output instead: at the last space that fits, each
continuation indented under the text it continues — after a list marker (` 6. `,
`- `) or after the first column of a two-column row (`--all        list every…`), else
two columns in from the line's own indentation. Colours (SGR escape sequences) take no
columns and stay where they were; a line with any other escape sequence is left to the
terminal.
"""

from __future__ import annotations

import re

from .table import width

_HANG = re.compile(r" *(\d+\. +|- +|\S+(?: \S+)* {2,}(?=\S))")
_SGR = re.compile(r"\x1b\[[0-9;]*m")


def fold(lines: list[str], columns: int) -> list[str]:
    """LINES, each longer than COLUMNS display columns folded into several."""
    out = []
    for line in lines:
        plain = _SGR.sub("", line) if "\x1b" in line else line
        if width(plain) <= columns or "\x1b" in plain:
            out.append(line)
            continue
        marked = _HANG.match(plain)
        hang = marked.end() if marked else columns
        if hang > columns // 2:
            hang = len(plain) - len(plain.lstrip(" ")) + 2
        pieces = _pieces(plain, columns, hang)
        if plain is not line:
            pieces = _with_colours(line, pieces)
        else:
            pieces = [plain[start:end] for start, end in pieces]
        out.append(pieces[0])
        out.extend(" " * hang + piece for piece in pieces[1:])
    return out


def _pieces(plain: str, columns: int, hang: int) -> list[tuple[int, int]]:
    """Where PLAIN breaks: (start, end) of each line's text, the spaces at a break left out."""
    out = []
    n = len(plain)
    start, room, least = 0, columns, hang + 1  # the first line keeps more than its marker
    while width(plain[start:]) > room:
        fits = _fits(plain[start:], room)
        cut = plain.rfind(" ", start + least, start + fits + 1)
        if cut < 0:  # one word longer than the line: break it where the terminal would
            cut = start + max(fits, least)
        end = cut
        while end > start and plain[end - 1] == " ":
            end -= 1
        out.append((start, end))
        while cut < n and plain[cut] == " ":
            cut += 1
        if cut == n:
            return out
        start, room, least = cut, columns - hang, 1
    out.append((start, len(plain.rstrip(" "))))
    return out


def _with_colours(line: str, pieces: list[tuple[int, int]]) -> list[str]:
    """PIECES of the plain text, cut from LINE with its escape sequences where they were (those
    inside a break's spaces go to the next piece)."""
    at = []  # the index in LINE of each character of the plain text
    i = 0
    while i < len(line):
        escape = _SGR.match(line, i)
        if escape:
            i = escape.end()
        else:
            at.append(i)
            i += 1
    at.append(len(line))
    out = []
    after = 0  # where the previous piece ended in LINE
    for n, (start, end) in enumerate(pieces):
        skipped = "".join(_SGR.findall(line, after, at[start]))
        stop = len(line) if n == len(pieces) - 1 else at[end]
        out.append(skipped + line[at[start]:stop])
        after = stop
    return out


def _fits(text: str, columns: int) -> int:
    """How many characters of TEXT fit in COLUMNS display columns."""
    if text.isascii():
        return min(len(text), columns)
    total = 0
    for i, ch in enumerate(text):
        total += width(ch)
        if total > columns:
            return i
    return len(text)
