"""The command registry: one declaration per command.

Each command is declared once, with `@command(...)` above its handler, and the
parser, `help`, argument errors, did-you-mean, the completer, the highlighter
and the generated reference all read these declarations. Nothing here imports
a backend or the REPL.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Callable, Iterable

from ..backends.sim.models import MODELS as PROFILES
from ..errors import UserError
from ..syntax import Word
from ..values import BACKENDS, DEBUG_FLAGS, HANDLE_RE, NAME_RE, Atom  # noqa: F401  (re-exported for command modules)

INT_RE = re.compile(r"[+-]?\d+\Z")

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
MODELS = {v: f"CPython {v}, checked against {m.checked}" for v, m in PROFILES.items()}


# ---------------------------------------------------------------- argument types


@dataclass(frozen=True)
class ArgType:
    """How one word becomes a value; `kind` tells the completer what to offer."""

    kind: str
    parse: Callable[[Word], object]
    describe: str
    choices: dict[str, str] | None = None  # for completion: word -> description


def _name(word: Word) -> str:
    """An object's name or handle (`@7f3a`); what it refers to is the backend's to resolve."""
    if word.quoted or not (NAME_RE.match(word.text) or HANDLE_RE.match(word.text)):
        raise UserError(f"{word.text!r} is not a valid name", word.column)
    return word.text


MAX_DIGITS = 4300  # Python's own limit on converting decimal text to int


def _to_int(text: str, column: int) -> int:
    """int(TEXT) for a word that INT_RE matched, refusing more digits than Python converts."""
    digits = len(text.lstrip("+-"))
    if digits > MAX_DIGITS:
        raise UserError(f"integer too long: {digits} digits (at most {MAX_DIGITS})", column)
    return int(text)


def _new_name(word: Word) -> str:
    if word.quoted or not NAME_RE.match(word.text):
        raise UserError(f"{word.text!r} is not a valid name", word.column)
    return word.text


def _int(word: Word) -> int:
    if word.quoted or not INT_RE.match(word.text):
        raise UserError(f"expected an integer, got {word.text!r}", word.column)
    return _to_int(word.text, word.column)


def _generation(word: Word) -> int:
    # CPython's words for any generation outside 0..2, and for a non-integer one
    if word.quoted or not INT_RE.match(word.text) or not 0 <= _to_int(word.text, word.column) <= 2:
        raise UserError(f"invalid generation (expected 0, 1 or 2, got {word.text})", word.column)
    return int(word.text)


def _item(word: Word) -> object:
    if word.quoted:
        return Atom(word.text)
    if INT_RE.match(word.text):
        return Atom(_to_int(word.text, word.column))
    return _name(word)


def choice(choices: dict[str, str], what: str) -> "ArgType":
    """An argument that is one word out of CHOICES (word -> description)."""
    return ArgType("choice", _choice(choices, what), f"one of: {', '.join(choices)}", choices)


def _choice(choices: dict[str, str], what: str) -> Callable[[Word], str]:
    canonical = {word: word for word in choices}  # one string per choice, however often it is typed

    def parse(word: Word) -> str:
        if word.text in choices:
            return canonical[word.text]
        hint = did_you_mean(word.text, choices)
        raise UserError(f"unknown {what} {word.text!r}{hint} (one of: {', '.join(choices)})", word.column)

    return parse


def parse_flag(word: Word) -> tuple[str, int]:
    """`DEBUG_X`, `+DEBUG_X`, `-DEBUG_X`, `gc.DEBUG_X`, `A|B` or an integer: (sign, value)."""
    text = word.text
    sign = "="
    if text.startswith(("+", "-")) and not INT_RE.match(text):  # (an empty word has no sign)
        sign, text = text[0], text[1:]
    if INT_RE.match(text):
        value = _to_int(text, word.column)
        if value < 0:
            raise UserError(f"debug flags cannot be negative: {value}", word.column)
        return sign, value
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


NAME = ArgType("name", _name, "the name of an object")
NEWNAME = ArgType("newname", _new_name, "a new name")
ITEM = ArgType("item", _item, "an object's name, an integer or a quoted string")
INT = ArgType("int", _int, "an integer")
GEN = ArgType("generation", _generation, "a generation: 0, 1 or 2")
KIND = ArgType("kind", _choice(KINDS, "kind"), "an object kind", KINDS)
FLAG = ArgType("flag", parse_flag, "a debug flag, optionally with + or -")
PATH = ArgType("path", _path, "a file name")
WORD = ArgType("word", _word, "a word")
BACKEND = ArgType("backend", _choice(BACKENDS, "backend"), "a backend", BACKENDS)
MODEL = ArgType("model", _choice(MODELS, "model"), "a CPython version", MODELS)
ONOFF = choice({"on": "turn it on", "off": "turn it off"}, "choice")
COMMAND = ArgType("command", _word, "a command name")


@dataclass(frozen=True)
class Arg:
    name: str  # the metavar shown in usage, e.g. NAME
    type: ArgType
    help: str
    optional: bool = False
    variadic: bool = False  # takes every remaining word
    default: object = None

    @property
    def key(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class Option:
    name: str  # --name
    help: str
    type: ArgType | None = None  # None: a switch
    short: str | None = None
    metavar: str = "VALUE"
    default: object = None

    @property
    def key(self) -> str:
        return self.name.lstrip("-").replace("-", "_")


@dataclass
class Command:
    name: str
    summary: str
    topic: str
    handler: Callable
    args: tuple[Arg, ...] = ()
    options: tuple[Option, ...] = ()
    aliases: tuple[str, ...] = ()
    query_aliases: tuple[str, ...] = ()  # aliases that take no arguments (get_debug, get_count…)
    examples: tuple[str, ...] = ()
    details: str = ""
    gc_api: str = ""
    backends: tuple[str, ...] = ("sim", "live")

    @property
    def usage(self) -> str:
        parts = [self.name]
        for arg in self.args:
            text = "|".join(arg.type.choices) if arg.type.kind == "choice" else arg.name
            text += "..." if arg.variadic else ""
            parts.append(f"[{text}]" if arg.optional else text)
        for opt in self.options:
            flag = opt.short or opt.name
            parts.append(f"[{flag}]" if opt.type is None else f"[{flag} {opt.metavar}]")
        return " ".join(parts)

    def option(self, text: str) -> Option | None:
        for opt in self.options:
            if text in (opt.name, opt.short):
                return opt
        return None


TOPICS = {
    "heap": "Building the heap",
    "collector": "Collecting",
    "state": "The collector's settings and counters",
    "inspect": "Looking at objects",
    "graph": "Pictures and explanations",
    "shell": "The shell itself",
}

REGISTRY: dict[str, Command] = {}
ALIASES: dict[str, str] = {}


def command(name: str, *, summary: str, topic: str, args: Iterable[Arg] = (), options: Iterable[Option] = (),
            aliases: Iterable[str] = (), query_aliases: Iterable[str] = (), examples: Iterable[str] = (),
            details: str = "", gc_api: str = "", backends: Iterable[str] = ("sim", "live")):
    """Declare a command; the decorated function is its handler `(ctx, **args) -> Result`."""
    assert topic in TOPICS, topic

    def register(handler: Callable) -> Callable:
        cmd = Command(name, summary, topic, handler, tuple(args), tuple(options), tuple(aliases),
                      tuple(query_aliases), tuple(examples), details, gc_api, tuple(backends))
        for word in (name, *cmd.aliases, *cmd.query_aliases):
            assert word not in REGISTRY and word not in ALIASES, f"duplicate command word {word}"
        REGISTRY[name] = cmd
        for alias in (*cmd.aliases, *cmd.query_aliases):
            ALIASES[alias] = name
        return handler

    return register


def all_commands() -> list[Command]:
    _load()
    return list(REGISTRY.values())


def command_words() -> dict[str, str]:
    """Every word that starts a command (names and aliases) with what it does."""
    _load()
    words = {c.name: c.summary for c in REGISTRY.values()}
    for alias, target in ALIASES.items():
        words[alias] = f"= {target}: {REGISTRY[target].summary}"
    return words


def lookup(word: str, column: int = 1) -> tuple[Command, bool]:
    """The command a word names, and whether it was a query alias (no arguments)."""
    _load()
    key = word.removeprefix("gc.")
    if key in REGISTRY:
        return REGISTRY[key], False
    if key in ALIASES:
        cmd = REGISTRY[ALIASES[key]]
        return cmd, key in cmd.query_aliases
    hint = did_you_mean(key, command_words())
    raise UserError(f"unknown command {word!r}{hint}; type 'help' for the list", column)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    if not close and len(word) >= 2:
        close = sorted(c for c in choices if c.startswith(word))[:1]
    return f" (did you mean {close[0]!r}?)" if close else ""


def _load() -> None:
    """Import the modules that declare commands (once; importing one of them directly
    fills REGISTRY only in part, so its being non-empty proves nothing)."""
    from . import all as _  # noqa: F401  (a no-op after the first time)
