"""Pygments lexers for the command language (`gcsh`) and for transcripts (`gcshcon`).

Registered as pygments plugins (entry points in pyproject.toml), so
`pygmentize -l gcsh FILE.gcsh` and documentation tools use the same lexer as
the interactive shell. Nothing of the REPL is imported here.

The lexer reads the command registry to know what each word *is*: the command
word, then each argument by the type its command declares (an object's name,
a kind, a generation, a debug flag, a file...), so `alloc d dict` colours
`dict` as a kind. A word its type would refuse (an unknown command, an
unknown kind, a fourth argument to a command that takes three) is an `Error`
token. `scan()` and `bind()` are also what the completer reads, so the two
always agree on where an argument starts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

from pygments.lexer import Lexer
from pygments.token import (Comment, Error, Generic, Keyword, Name, Number, Punctuation, String, Text,
                            Whitespace, _TokenType)

from .syntax import RAW_REST, Word

# ---------------------------------------------------------------- scanning


@dataclass(frozen=True)
class Piece:
    """A stretch of one line: a word, a quoted string, white space, `;` or a comment."""

    start: int  # offset in the scanned text
    kind: str  # "word", "string", "open" (a quote not closed yet), "raw" (Python after `py`),
    #            "space", "semi", "comment"
    source: str  # the text as typed

    @property
    def end(self) -> int:
        return self.start + len(self.source)

    @property
    def is_word(self) -> bool:
        return self.kind in ("word", "string", "open", "raw")

    @property
    def value(self) -> str:
        """The word as the parser sees it: quotes removed (escapes are left as typed)."""
        if self.kind == "string":
            return self.source[1:-1]
        if self.kind == "open":
            return self.source[1:]
        return self.source


def scan(line: str) -> list[Piece]:
    """Cut one line into pieces the way `gcsh.syntax.split_line` does, but never fail:
    an unclosed quote becomes an "open" piece, so text being typed can be read too."""
    pieces: list[Piece] = []
    i, n = 0, len(line)
    first = True  # the next word starts a statement
    while i < n:
        ch = line[i]
        if ch.isspace():
            j = i
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
        elif ch in "'\"":
            j = i + 1
            while j < n and line[j] != ch:
                j += 2 if line[j] == "\\" else 1
            closed = j < n
            j = min(j + 1, n)
            pieces.append(Piece(i, "string" if closed else "open", line[i:j]))
            first = False
        else:
            j = i
            while j < n and not line[j].isspace() and line[j] not in ";'\"":
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


# ---------------------------------------------------------------- binding words to a command


@dataclass(frozen=True)
class Slot:
    """What one word after the command word is, according to the command's declaration."""

    role: str  # "arg", "option", "value" (an option's value), "unknown-option", "extra"
    arg: object = None  # the registry's Arg (role "arg")
    option: object = None  # the registry's Option (roles "option" and "value")

    @property
    def type(self):
        """The ArgType the word must satisfy, if any."""
        if self.role == "arg":
            return self.arg.type
        if self.role == "value":
            return self.option.type
        return None


def find_command(word: str):
    """The registry's Command for a command word and whether it takes no arguments; None if unknown."""
    from .commands.registry import lookup
    from .errors import UserError
    try:
        return lookup(word)
    except UserError:
        return None


def bind(command, query_only: bool, words: list[Piece]) -> list[Slot]:
    """A slot for each word after the command word, binding them as `commands.parser` does:
    `--name` and declared short options are options (a typed one takes the next word, or
    `--name=value`), quoted words never are, the rest fill the arguments in order and a
    variadic argument takes all that remain."""
    slots: list[Slot] = []
    positional = 0
    pending = None  # an option waiting for its value
    for word in words:
        if pending is not None:
            slots.append(Slot("value", option=pending))
            pending = None
            continue
        name = word.source.partition("=")[0]
        option = None if word.kind != "word" else command.option(name)
        if option is not None:
            slots.append(Slot("option", option=option))
            if option.type is not None and "=" not in word.source:
                pending = option
        elif word.kind == "word" and word.source.startswith("--"):
            slots.append(Slot("unknown-option"))
        elif query_only or positional >= len(command.args) and not (command.args and command.args[-1].variadic):
            slots.append(Slot("extra"))
        else:
            arg = command.args[min(positional, len(command.args) - 1)]
            slots.append(Slot("arg", arg=arg))
            positional += 1
    return slots


def accepts(arg_type, text: str, quoted: bool = False) -> bool:
    """Would the registry's parser take this word for this type? (No heap is consulted.)"""
    from .errors import UserError
    if arg_type is None:
        return True
    try:
        arg_type.parse(Word(text, 1, quoted))
    except UserError:
        return False
    except Exception:  # a parser's bug is not the lexer's to report
        return True
    return True


# ---------------------------------------------------------------- the pygments lexers

# The token each kind of argument is shown as (ArgType.kind -> token).
ARG_TOKENS: dict[str, _TokenType] = {
    "name": Name.Variable,
    "newname": Name.Variable,
    "item": Name.Variable,
    "kind": Keyword.Type,
    "generation": Number.Integer,
    "int": Number.Integer,
    "flag": Name.Constant,
    "path": String.Other,
    "backend": Name.Constant,
    "model": Number.Float,
    "choice": Name.Constant,
    "command": Keyword,
    "word": Name,
}
_INT = re.compile(r"[+-]?\d+\Z")


class GcshLexer(Lexer):
    """gcsh's command language: `alloc a list`, `link a a; del a`, `collect 0 --trace`.

    Option `partial` (used while typing): the last word of the text is not marked as an
    error, since it may be the start of a valid word.
    """

    name = "gcsh"
    aliases = ["gcsh"]
    filenames = ["*.gcsh"]
    mimetypes = ["text/x-gcsh"]

    def __init__(self, **options):
        super().__init__(**options)
        self.partial = bool(options.get("partial", False))

    def get_tokens_unprocessed(self, text: str) -> Iterator[tuple[int, _TokenType, str]]:
        offset = 0
        for line in text.splitlines(keepends=True):
            body = line.rstrip("\r\n")
            last_line = offset + len(line) == len(text)
            for start, token, value in self._line_tokens(body, last_line):
                yield offset + start, token, value
            if len(body) < len(line):
                yield offset + len(body), Whitespace, line[len(body):]
            offset += len(line)

    def _line_tokens(self, line: str, last_line: bool) -> Iterator[tuple[int, _TokenType, str]]:
        pieces = scan(line)
        typing = self.partial and last_line
        tokens: dict[int, _TokenType] = {}  # start of a word -> its token
        for words in statements(pieces):
            if words:
                tokens.update(self._statement_tokens(words, typing and words[-1].end == len(line)))
        for piece in pieces:
            if piece.kind == "space":
                yield piece.start, Whitespace, piece.source
            elif piece.kind == "semi":
                yield piece.start, Punctuation, piece.source
            elif piece.kind == "comment":
                yield piece.start, Comment.Single, piece.source
            elif piece.kind == "open" and not (typing and piece.end == len(line)):
                yield piece.start, Error, piece.source
            elif piece.kind == "raw":
                yield from _python_tokens(piece)
            else:
                yield piece.start, tokens.get(piece.start, Text), piece.source

    def _statement_tokens(self, words: list[Piece], last_is_typed: bool) -> dict[int, _TokenType]:
        """The token of each word of one statement; the last word is lenient if still being typed."""
        head, rest = words[0], words[1:]
        found = find_command(head.value) if head.kind == "word" else None
        if found is None:
            lenient = last_is_typed and not rest
            return {head.start: Name if lenient else Error}
        out = {head.start: Keyword}
        for word, slot in zip(rest, bind(*found, rest)):
            lenient = last_is_typed and word is words[-1]
            out[word.start] = self._word_token(word, slot, lenient)
        return out

    @staticmethod
    def _word_token(word: Piece, slot: Slot, lenient: bool) -> _TokenType:
        if slot.role == "option":
            name, eq, value = word.source.partition("=")
            ok = not eq or slot.option.type is not None and accepts(slot.option.type, value)
            return Name.Attribute if ok or lenient else Error
        if slot.role in ("extra", "unknown-option"):
            return Name if lenient else Error
        if not accepts(slot.type, word.value, word.kind != "word"):
            return Name if lenient else Error
        if word.kind != "word":
            return String.Double if word.source.startswith('"') else String.Single
        if slot.type.kind == "item" and _INT.match(word.source):
            return Number.Integer
        return ARG_TOKENS.get(slot.type.kind, Name)


def _python_tokens(piece: Piece) -> Iterator[tuple[int, _TokenType, str]]:
    """The Python after `py`, coloured by pygments' own Python lexer."""
    from pygments.lexers.python import PythonLexer
    for start, token, value in PythonLexer(stripnl=False, ensurenl=False).get_tokens_unprocessed(piece.source):
        yield piece.start + start, token, value


# A prompt at the start of a transcript line: `gcsh> ` or `gcsh sim 3.11> `.
PROMPT_RE = re.compile(r"gcsh(?: [^>\n]*)?> ?")
ERROR_RE = re.compile(r"(?:\S+:\d+: )?error: ")


class GcshSessionLexer(Lexer):
    """A gcsh transcript: prompt lines (`gcsh> alloc a`) and what gcsh printed."""

    name = "gcsh session"
    aliases = ["gcshcon", "gcsh-session"]
    filenames = ["*.gcshcon"]
    mimetypes = ["text/x-gcsh-session"]

    def get_tokens_unprocessed(self, text: str) -> Iterator[tuple[int, _TokenType, str]]:
        inner = GcshLexer(**self.options)
        offset = 0
        for line in text.splitlines(keepends=True):
            prompt = PROMPT_RE.match(line)
            if prompt:
                yield offset, Generic.Prompt, prompt.group()
                for start, token, value in inner.get_tokens_unprocessed(line[prompt.end():]):
                    yield offset + prompt.end() + start, token, value
            elif ERROR_RE.match(line):
                yield offset, Generic.Error, line
            else:
                yield offset, Generic.Output, line
            offset += len(line)
