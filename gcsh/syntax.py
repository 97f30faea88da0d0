"""The one tokenizer of the command language: running, highlighting and completing read it.

The language is line based. Lines end at `\\n` or `\\r\\n` and nowhere else: a form
feed, a vertical tab, `\\x1c`-`\\x1e`, U+0085, U+2028 and U+2029 are characters inside
a line (`split_lines`, used for files, `-c`, stdin, `source` and the shell). Inside a
line, `;` separates statements and `#` at the start of a word begins a comment. A word
is a run of characters up to white space (any character `str.isspace` calls space, the
ones above included), `;` or a quote; a quoted string ('…' or "…", backslash escapes)
is one word. After `py` the rest of the line is one raw word (Python, `;` and `#`
included).

`scan()` cuts a line into `Piece`s and never fails (an unclosed quote is an "open"
piece), so text being typed can be coloured and completed; `split_line()` turns the
same pieces into `Statement`s of `Word`s for running, or raises `SyntaxProblem`. A line
without quotes, `;` or `#` (most script lines) takes a fast path with the same result.
What a word *means* is decided by the command registry, not here.
"""

from __future__ import annotations

MAX_LINE = 65536  # longer lines are refused rather than parsed slowly

# Commands whose argument is the rest of the line, verbatim: Python. The registry checks
# that this matches the declarations (an argument of kind "python"); `gc.` may prefix them.
RAW_REST = frozenset({"py", "gc.py"})

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "\\": "\\", "'": "'", '"': '"'}
_STOPS = frozenset(";'\"")


def split_lines(text: str) -> list[str]:
    """TEXT's lines, split at `\\n` and `\\r\\n` only; a final line break ends the last line."""
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    if "\r" in text:
        lines = [line[:-1] if line.endswith("\r") else line for line in lines]
    return lines


class SyntaxProblem(Exception):
    """A line that cannot be split into words; `column` is 1-based."""

    def __init__(self, message: str, column: int):
        super().__init__(message)
        self.message = message
        self.column = column


class Word:
    """One word of a statement: its value (quotes removed, escapes applied) and 1-based column."""

    __slots__ = ("text", "column", "quoted")

    def __init__(self, text: str, column: int, quoted: bool = False):
        self.text, self.column, self.quoted = text, column, quoted

    def __eq__(self, other) -> bool:
        return (type(other) is Word and self.text == other.text and self.column == other.column
                and self.quoted == other.quoted)

    __hash__ = None

    def __repr__(self) -> str:
        return f"Word({self.text!r}, {self.column}{', quoted' if self.quoted else ''})"

    def __str__(self) -> str:
        return self.text


class Statement:
    """The words of one statement. On the fast path only the texts are kept; `words`
    (with columns) is built when something asks for it, an error message say."""

    __slots__ = ("texts", "line", "text", "fast", "_words", "_source")

    def __init__(self, words, line: int, text: str, texts: list | None = None, source: str | None = None):
        # (lists, not tuples: CPython keeps thousands of freed tuples of each size for reuse)
        self._words = words
        self.texts = texts if texts is not None else [w.text for w in words]
        self.line = line  # 1-based line number in its source
        self.text = text  # the statement's source text, for --echo and history
        self._source = source  # the whole line (fast path): where the columns are found
        # plain words, none starting with `-` (no option): the parser's fast path may bind them
        self.fast = source is not None and "-" not in source

    @property
    def words(self) -> list[Word]:
        if self._words is None:
            self._words = _locate(self._source, self.texts)
        return self._words

    @property
    def column(self) -> int:
        return self.words[0].column if self.texts else 1

    def __eq__(self, other) -> bool:
        return (type(other) is Statement and self.words == other.words and self.line == other.line
                and self.text == other.text)

    __hash__ = None

    def __repr__(self) -> str:
        return f"Statement({list(self.words)!r}, line={self.line})"


def _locate(line: str, texts) -> list[Word]:
    out, at = [], 0
    for text in texts:
        at = line.index(text, at)
        out.append(Word(text, at + 1))
        at += len(text)
    return out


class Piece:
    """A stretch of one line: a word, a quoted string, white space, `;` or a comment."""

    __slots__ = ("start", "kind", "source")

    def __init__(self, start: int, kind: str, source: str):
        self.start = start  # offset in the scanned line
        # "word", "string", "open" (a quote not closed yet), "raw" (Python after `py`),
        # "space", "semi", "comment"
        self.kind = kind
        self.source = source  # the text as typed

    @property
    def end(self) -> int:
        return self.start + len(self.source)

    @property
    def is_word(self) -> bool:
        return self.kind in ("word", "string", "open", "raw")

    @property
    def value(self) -> str:
        """The word as the parser sees it: quotes removed and escapes applied."""
        if self.kind == "string":
            return unescape(self.source[1:-1])
        if self.kind == "open":
            return unescape(self.source[1:])
        return self.source

    def __repr__(self) -> str:
        return f"Piece({self.start}, {self.kind!r}, {self.source!r})"


def unescape(body: str) -> str:
    """A quoted word's value: `\\n`, `\\t`, `\\r`, `\\0`, `\\\\` and escaped quotes; any other
    backslash stays as it is."""
    if "\\" not in body:
        return body
    out, i, n = [], 0, len(body)
    while i < n:
        ch = body[i]
        if ch == "\\" and i + 1 < n:
            out.append(_ESCAPES.get(body[i + 1], "\\" + body[i + 1]))
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def scan(line: str) -> list[Piece]:
    """Cut one line into pieces; never fails."""
    pieces: list[Piece] = []
    i, n = 0, len(line)
    first = True  # the next word starts a statement
    while i < n:
        ch = line[i]
        if ch.isspace():
            j = i + 1
            while j < n and line[j].isspace():
                j += 1
            pieces.append(Piece(i, "space", line[i:j]))
        elif ch == ";":
            j = i + 1
            pieces.append(Piece(i, "semi", ";"))
            first = True
        elif ch == "#":
            j = n
            pieces.append(Piece(i, "comment", line[i:]))
        elif ch == "'" or ch == '"':
            j = i + 1
            while j < n and line[j] != ch:
                j += 2 if line[j] == "\\" else 1
            closed = j < n
            j = min(j + 1, n)
            pieces.append(Piece(i, "string" if closed else "open", line[i:j]))
            first = False
        else:
            j = i + 1
            while j < n and not line[j].isspace() and line[j] not in _STOPS:
                j += 1
            pieces.append(Piece(i, "word", line[i:j]))
            if first and line[i:j] in RAW_REST:  # `py STATEMENT`: the rest of the line is Python
                pieces += _raw_rest(line, j)
                j = n
            first = False
        i = j
    return pieces


def _raw_rest(line: str, i: int) -> list[Piece]:
    """The rest of a line from I as it is, between its leading and trailing white space."""
    rest = line[i:].strip()
    if not rest:
        return [Piece(i, "space", line[i:])] if i < len(line) else []
    start = line.index(rest, i)
    out = [Piece(i, "space", line[i:start])] if start > i else []
    out.append(Piece(start, "raw", rest))
    if start + len(rest) < len(line):
        out.append(Piece(start + len(rest), "space", line[start + len(rest):]))
    return out


def statements(pieces: list[Piece]) -> list[list[Piece]]:
    """The words of each statement (pieces between `;`), in order; the last may be empty."""
    out: list[list[Piece]] = [[]]
    for piece in pieces:
        if piece.kind == "semi":
            out.append([])
        elif piece.is_word:
            out[-1].append(piece)
    return out


def plain_words(line: str) -> list[str] | None:
    """The words of a plain line: one statement, no quote, comment, NUL or `-` (so no option), not
    `py`; None for any other line. The same words as split_line's one Statement (its `texts`, and
    `fast`), without making it."""
    if (";" in line or "#" in line or "'" in line or '"' in line or "-" in line or "\0" in line
            or len(line) > MAX_LINE):
        return None
    texts = line.split()
    if texts and texts[0] in RAW_REST:
        return None
    return texts


def plain_statement(texts: list[str], line_no: int, line: str) -> Statement:
    """The one Statement of a line without quotes, `;` or `#`, of words TEXTS (its columns are
    found in LINE when they are needed)."""
    return Statement(None, line_no, line.strip(), texts, line)


def split_line(line: str, line_no: int = 1) -> list[Statement]:
    """Split one physical line into statements (separated by `;`)."""
    if len(line) > MAX_LINE:
        raise SyntaxProblem(f"line too long ({len(line)} characters; the limit is {MAX_LINE})", MAX_LINE + 1)
    if ";" not in line and "#" not in line and "'" not in line and '"' not in line:
        texts = line.split()  # the same words as scan() finds, at C speed
        if not texts:
            return []
        if texts[0] not in RAW_REST:
            if "\0" in line:
                raise SyntaxProblem("NUL byte in input", line.index("\0") + 1)
            return [plain_statement(texts, line_no, line)]
    nul = line.find("\0")
    if nul >= 0:
        raise SyntaxProblem("NUL byte in input", nul + 1)
    out: list[Statement] = []
    pieces = scan(line)
    start = 0  # where the current statement's text begins
    words: list[Word] = []
    for piece in pieces:
        kind = piece.kind
        if kind == "semi":
            if words:
                out.append(Statement(words, line_no, line[start:piece.start].strip()))
            words, start = [], piece.end
        elif kind == "word" or kind == "raw":
            words.append(Word(piece.source, piece.start + 1, kind == "raw"))
        elif kind == "string":
            words.append(Word(piece.value, piece.start + 1, True))
        elif kind == "open":
            raise SyntaxProblem("unclosed quote", piece.start + 1)
        elif kind == "comment":
            if words:
                out.append(Statement(words, line_no, line[start:piece.start].strip()))
            return out
    if words:
        out.append(Statement(words, line_no, line[start:].strip()))
    return out


def split_text(text: str, first_line: int = 1) -> list[Statement]:
    """Split a whole text (a file, a -c argument) into statements."""
    out: list[Statement] = []
    for offset, line in enumerate(split_lines(text)):
        out.extend(split_line(line, first_line + offset))
    return out
