"""Pygments lexers for the command language (`gcsh`) and for transcripts (`gcshcon`).

Registered as pygments plugins (entry points in pyproject.toml), so
`pygmentize -l gcsh FILE.gcsh` and documentation tools use the same lexer as
the interactive shell. Nothing of the REPL is imported here.

It cuts lines with the tokenizer that runs them (`gcsh.syntax.scan`) and reads the
command registry to know what each word *is*: the command
word, then each argument by the type its command declares (an object's name,
a kind, a generation, a debug flag, a file...), so `alloc d dict` colours
`dict` as a kind. A word its type would refuse (an unknown command, an
unknown kind, a fourth argument to a command that takes three) is an `Error`
token. The binding is the parser's own (`commands.parser.bind`), also read by the
completer, so all three agree on where an argument starts.
"""

from __future__ import annotations

import re
from typing import Iterator

from pygments.lexer import Lexer
from pygments.token import (Comment, Error, Generic, Keyword, Name, Number, Punctuation, String, Text,
                            Whitespace, _TokenType)

from .syntax import Piece, Word, scan, statements  # noqa: F401  (scan, statements: re-exported)


def find_command(word: str):
    """The registry's Command for a command word and whether it takes no arguments; None if unknown."""
    from .commands.registry import find
    return find(word)


def bind(command, query_only: bool, words: list[Piece]):
    """The registry's binding (`commands.parser.bind`) of pieces: one binder for all."""
    from .commands.parser import bind as bind_words
    return bind_words(command, query_only, [(w.value, w.kind != "word") for w in words])


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
    "root": Name.Variable,
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
        for line in _lines_with_ends(text):
            body = line[:-2] if line.endswith("\r\n") else line[:-1] if line.endswith("\n") else line
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


def _lines_with_ends(text: str) -> list[str]:
    """TEXT's lines with their line breaks, split where gcsh splits lines (`\n`, `\r\n`)."""
    lines = text.split("\n")
    out = [line + "\n" for line in lines[:-1]]
    return out + [lines[-1]] if lines[-1] else out


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
        for line in _lines_with_ends(text):
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
