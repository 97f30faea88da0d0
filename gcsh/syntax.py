"""Splitting command text into statements and words.

The command language is line based: one command per line, `;` also separates
commands, `#` at the start of a word begins a comment. A word is a run of
characters up to white space, `;` or a quote; quoted strings ('…' or "…", with
backslash escapes) are single words. Each word keeps its column so that errors
can point at it. What a word *means* (name, integer, flag, path…) is decided
by the argument types of the command registry, not here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_LINE = 65536  # longer lines are refused rather than parsed slowly

# Commands whose argument is the rest of the line, verbatim (`;`, `#` and quotes included): Python.
RAW_REST = frozenset({"py", "gc.py"})

_SPECIAL = re.compile(r"[;#'\"]")  # a line without these is plain words (most script lines)
_WORD = re.compile(r"\S+")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "\\": "\\", "'": "'", '"': '"'}


class SyntaxProblem(Exception):
    """A line that cannot be split into words; `column` is 1-based."""

    def __init__(self, message: str, column: int):
        super().__init__(message)
        self.message = message
        self.column = column


@dataclass(frozen=True)
class Word:
    text: str  # the value (quotes removed, escapes applied)
    column: int  # 1-based column of its first character
    quoted: bool = False

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Statement:
    words: tuple[Word, ...]
    line: int  # 1-based line number in its source
    text: str  # the statement's source text, for --echo and history

    @property
    def column(self) -> int:
        return self.words[0].column if self.words else 1


def split_line(line: str, line_no: int = 1) -> list[Statement]:
    """Split one physical line into statements (separated by `;`)."""
    if len(line) > MAX_LINE:
        raise SyntaxProblem(f"line too long ({len(line)} characters; the limit is {MAX_LINE})", MAX_LINE + 1)
    nul = line.find("\0")
    if nul >= 0:
        raise SyntaxProblem("NUL byte in input", nul + 1)
    if not _SPECIAL.search(line):  # the same words as the loop below finds, at C speed
        words = tuple(Word(m.group(), m.start() + 1) for m in _WORD.finditer(line))
        if not words:
            return []
        if words[0].text not in RAW_REST:
            return [Statement(words, line_no, line.strip())]
    statements: list[Statement] = []
    words: list[Word] = []
    start = 0  # where the current statement's text begins
    i, n = 0, len(line)

    def close(end: int) -> None:
        if words:
            statements.append(Statement(tuple(words), line_no, line[start:end].strip()))
        words.clear()

    while i < n:
        ch = line[i]
        if ch.isspace():
            i += 1
        elif ch == ";":
            close(i)
            i += 1
            start = i
        elif ch == "#":
            break
        elif ch in "'\"":
            word, i = _read_quoted(line, i)
            words.append(word)
        else:
            j = i
            while j < n and not line[j].isspace() and line[j] not in ";'\"":
                j += 1
            words.append(Word(line[i:j], i + 1))
            i = j
            if len(words) == 1 and words[0].text in RAW_REST:
                rest = line[i:].strip()
                if rest:
                    words.append(Word(rest, line.index(rest, i) + 1, quoted=True))
                i = n
    close(n if i >= n else i)
    return statements


def _read_quoted(line: str, i: int) -> tuple[Word, int]:
    quote, start = line[i], i
    out: list[str] = []
    i += 1
    while i < len(line):
        ch = line[i]
        if ch == "\\" and i + 1 < len(line):
            out.append(_ESCAPES.get(line[i + 1], "\\" + line[i + 1]))
            i += 2
        elif ch == quote:
            return Word("".join(out), start + 1, True), i + 1
        else:
            out.append(ch)
            i += 1
    raise SyntaxProblem("unclosed quote", start + 1)


def split_text(text: str, first_line: int = 1) -> list[Statement]:
    """Split a whole text (a file, a -c argument) into statements."""
    statements: list[Statement] = []
    for offset, line in enumerate(text.splitlines()):
        statements.extend(split_line(line, first_line + offset))
    return statements
