"""The types of command arguments: how one word becomes a value.

Each `ArgType` has `parse(word)`, which takes a `Word` (its text, column and whether
it was quoted) and raises a `UserError` at the word's column, and `fast(text)`, the
same for an unquoted word known only by its text: the runner's path for plain lines,
which falls back to `parse` (for the column) when `fast` refuses. `kind` tells the
completer and the highlighter what the word is.
"""

from __future__ import annotations

import re
from typing import Callable

from ..errors import UserError
from ..syntax import Word
from ..values import BACKENDS, DEBUG_FLAGS, HANDLE_RE, NAME_RE, Atom

INT_RE = re.compile(r"[+-]?\d+\Z")
MAX_DIGITS = 4300  # Python's own limit on converting decimal text to int


class ArgType:
    """How one word becomes a value; `kind` tells the completer what to offer."""

    __slots__ = ("kind", "parse", "describe", "_choices", "fast")

    def __init__(self, kind: str, parse: Callable[[Word], object], describe: str,
                 choices: "dict[str, str] | Callable[[], dict[str, str]] | None" = None,
                 fast: Callable[[str], object] | None = None):
        self.kind = kind
        self.parse = parse
        self.describe = describe
        self._choices = choices  # for completion: word -> description (or a function giving them)
        self.fast = fast or (lambda text: parse(Word(text, 1)))

    @property
    def choices(self) -> dict[str, str] | None:
        if callable(self._choices):
            self._choices = self._choices()
        return self._choices

    def __repr__(self) -> str:
        return f"ArgType({self.kind!r})"


def did_you_mean(word: str, choices) -> str:
    """` (did you mean 'x'?)` for the closest of CHOICES, or nothing."""
    import difflib  # only when a word was wrong
    choices = list(choices)
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    if not close and len(word) >= 2:
        close = sorted(c for c in choices if c.startswith(word))[:1]
    return f" (did you mean {close[0]!r}?)" if close else ""


def _to_int(text: str, column: int | None) -> int:
    """int(TEXT) for a word that INT_RE matched, refusing more digits than Python converts."""
    digits = len(text.lstrip("+-"))
    if digits > MAX_DIGITS:
        raise UserError(f"integer too long: {digits} digits (at most {MAX_DIGITS})", column)
    return int(text)


_name_match, _handle_match = NAME_RE.match, HANDLE_RE.match


def _name_text(text: str, column: int | None = None) -> str:
    if not (_name_match(text) or _handle_match(text)):
        raise UserError(f"{text!r} is not a valid name", column)
    return text


def _name(word: Word) -> str:
    """An object's name or handle (`@7f3a`); what it refers to is the backend's to resolve."""
    if word.quoted:
        raise UserError(f"{word.text!r} is not a valid name", word.column)
    return _name_text(word.text, word.column)


def _new_name_text(text: str, column: int | None = None) -> str:
    if not NAME_RE.match(text):
        raise UserError(f"{text!r} is not a valid name", column)
    return text


def _new_name(word: Word) -> str:
    if word.quoted:
        raise UserError(f"{word.text!r} is not a valid name", word.column)
    return _new_name_text(word.text, word.column)


def _int_text(text: str, column: int | None = None) -> int:
    if not INT_RE.match(text):
        raise UserError(f"expected an integer, got {text!r}", column)
    return _to_int(text, column)


def _int(word: Word) -> int:
    if word.quoted:
        raise UserError(f"expected an integer, got {word.text!r}", word.column)
    return _int_text(word.text, word.column)


_GENERATIONS = {"0": 0, "1": 1, "2": 2}


def _generation_text(text: str, column: int | None = None) -> int:
    gen = _GENERATIONS.get(text)
    if gen is None:
        # CPython's words for any generation outside 0..2, and for a non-integer one
        if not INT_RE.match(text) or not 0 <= _to_int(text, column) <= 2:
            raise UserError(f"invalid generation (expected 0, 1 or 2, got {text})", column)
        gen = int(text)
    return gen


def _generation(word: Word) -> int:
    if word.quoted:
        raise UserError(f"invalid generation (expected 0, 1 or 2, got {word.text})", word.column)
    return _generation_text(word.text, word.column)


def _item_text(text: str, column: int | None = None) -> object:
    if text[:1] in _NUMBER_START and INT_RE.match(text):
        return Atom(_to_int(text, column))
    return _name_text(text, column)


_NUMBER_START = frozenset("+-0123456789")


def _item(word: Word) -> object:
    if word.quoted:
        return Atom(word.text)
    return _item_text(word.text, word.column)


def _choice(choices, what: str) -> Callable[[Word], str]:
    def parse(word: Word) -> str:
        table = choices() if callable(choices) else choices
        if word.text in table:
            return next(w for w in table if w == word.text)  # one string per choice, however typed
        hint = did_you_mean(word.text, table)
        raise UserError(f"unknown {what} {word.text!r}{hint} (one of: {', '.join(table)})", word.column)

    return parse


def choice(choices: dict[str, str], what: str) -> ArgType:
    """An argument that is one word out of CHOICES (word -> description)."""
    return ArgType("choice", _choice(choices, what), f"one of: {', '.join(choices)}", choices)


def parse_flag(word: Word) -> tuple[str, int]:
    """`DEBUG_X`, `+DEBUG_X`, `-DEBUG_X`, `gc.DEBUG_X`, `A|B` or an integer: (sign, value)."""
    text = word.text
    sign = "="
    if text.startswith(("+", "-")) and not INT_RE.match(text):  # (an empty word has no sign)
        sign, text = text[0], text[1:]
    if INT_RE.match(text):
        return sign, _to_int(text, word.column)  # any C int, as gc.set_debug takes (-1: every flag)
    value = 0
    for part in text.split("|"):
        part = part.strip().removeprefix("gc.").upper()
        if part not in DEBUG_FLAGS:
            hint = did_you_mean(part, DEBUG_FLAGS)
            raise UserError(f"unknown debug flag {part!r}{hint} (one of: {', '.join(DEBUG_FLAGS)})", word.column)
        value |= DEBUG_FLAGS[part]
    return sign, value


def _path(word: Word) -> str:
    if not word.text:
        raise UserError("empty file name", word.column)
    return word.text


def _word(word: Word) -> str:
    return word.text


def _same(text: str) -> str:
    return text


def _command_word(word: Word) -> str:
    """A command's name or alias (`help zz` fails at zz, with a hint)."""
    from .registry import lookup
    lookup(word.text, word.column)
    return word.text


# The kinds of object `alloc` makes; the text is shown by help and completion.
KINDS = {
    "list": "a list (tracked at creation)",
    "dict": "a dict (tracked once it holds a container)",
    "set": "a set (tracked at creation)",
    "tuple": "a tuple of the given items (immutable)",
    "object": "an instance of a plain class",
    "finalizer": "an instance whose class has __del__",
    "legacy": "an instance of a C type with tp_del (sim only)",
    "int": "an int (not a GC object)",
    "str": "a str (not a GC object)",
}


def model_choices() -> dict[str, str]:
    from ..backends.sim.models import MODELS as PROFILES
    return {v: f"CPython {m.releases or v}, checked against {m.checked}" for v, m in PROFILES.items()}


def _model(word: Word) -> str:
    """A model's name, or any CPython 3.14.N (the model of its collector)."""
    from ..backends.sim.models import resolve
    found = resolve(word.text)
    return found if found is not None else _choice(model_choices, "model")(word)


def _kind_text(text: str) -> str:
    if text in KINDS:
        return text
    return _kind(Word(text, 1))


_kind = _choice(KINDS, "kind")

NAME = ArgType("name", _name, "the name of an object", fast=_name_text)
ROOT = ArgType("root", _name, "a root name (one the shell binds)", fast=_name_text)
NEWNAME = ArgType("newname", _new_name, "a new name", fast=_new_name_text)
ITEM = ArgType("item", _item, "an object's name, an integer or a quoted string", fast=_item_text)
INT = ArgType("int", _int, "an integer", fast=_int_text)
GEN = ArgType("generation", _generation, "a generation: 0, 1 or 2", fast=_generation_text)
KIND = ArgType("kind", _kind, "an object kind", KINDS, fast=_kind_text)
FLAG = ArgType("flag", parse_flag, "a debug flag, optionally with + or -")
PATH = ArgType("path", _path, "a file name")
WORD = ArgType("word", _word, "a word", fast=_same)
BACKEND = ArgType("backend", _choice(BACKENDS, "backend"), "a backend", BACKENDS)
MODEL = ArgType("model", _model, "a CPython version", model_choices)
ONOFF = choice({"on": "turn it on", "off": "turn it off"}, "choice")
COMMAND = ArgType("command", _command_word, "a command name")
