"""The command registry: one declaration per command.

Each command is declared once, with `@command(...)` above its handler, and the
parser, `help`, argument errors, did-you-mean, the completer, the highlighter,
the shell completions, the man page and the generated reference all read these
declarations. The modules that declare commands are imported when one of their
words is first used (the static table in `commands.all` says which module holds
which word), so running `count` imports the module of `count` only. Nothing
here imports a backend or the REPL.
"""

from __future__ import annotations

import importlib
from typing import Callable, Iterable

from ..errors import UserError
from ..values import BACKENDS, DEBUG_FLAGS, HANDLE_RE, NAME_RE, Atom  # noqa: F401  (re-exported for command modules)
from .all import MODULES, RAW_KINDS, WORDS
from .argtypes import (BACKEND, COMMAND, FLAG, GEN, INT, INT_RE, ITEM, KIND, KINDS, MAX_DIGITS, MODEL,  # noqa: F401
                       NAME, NEWNAME, ONOFF, PATH, ROOT, WORD, ArgType, choice, did_you_mean, model_choices, parse_flag)


def __getattr__(name: str):
    if name == "MODELS":  # the simulator's versions, read when asked for (they live in the backend)
        return model_choices()
    raise AttributeError(name)


class Arg:
    """One positional argument of a command."""

    __slots__ = ("name", "type", "help", "optional", "variadic", "default", "key")

    def __init__(self, name: str, type: ArgType, help: str, optional: bool = False, variadic: bool = False,
                 default: object = None):
        self.name = name  # the metavar shown in usage, e.g. NAME
        self.type = type
        self.help = help
        self.optional = optional
        self.variadic = variadic  # takes every remaining word
        self.default = default
        self.key = name.lower()

    def __repr__(self) -> str:
        return f"Arg({self.name!r})"


class Option:
    """One `--option` of a command: a switch (no type) or an option with a value."""

    __slots__ = ("name", "help", "type", "short", "metavar", "default", "key")

    def __init__(self, name: str, help: str, type: ArgType | None = None, short: str | None = None,
                 metavar: str = "VALUE", default: object = None):
        self.name = name  # --name
        self.help = help
        self.type = type  # None: a switch
        self.short = short
        self.metavar = metavar
        self.default = default
        self.key = name.lstrip("-").replace("-", "_")

    def __repr__(self) -> str:
        return f"Option({self.name!r})"


class Command:
    __slots__ = ("name", "summary", "topic", "handler", "args", "options", "aliases", "query_aliases",
                 "examples", "details", "gc_api", "backends", "module", "defaults", "_by_flag", "fixed",
                 "tail", "fast_defaults", "fewest", "most", "params")

    def __init__(self, name: str, summary: str, topic: str, handler: Callable, args: tuple = (),
                 options: tuple = (), aliases: tuple = (), query_aliases: tuple = (), examples: tuple = (),
                 details: str = "", gc_api: str = "", backends: tuple = tuple(BACKENDS)):
        self.name, self.summary, self.topic, self.handler = name, summary, topic, handler
        self.args, self.options = tuple(args), tuple(options)
        self.aliases, self.query_aliases = tuple(aliases), tuple(query_aliases)  # query: no arguments
        self.examples, self.details, self.gc_api = tuple(examples), details, gc_api
        self.backends = tuple(backends)
        self.module = getattr(handler, "__module__", "")
        # what binding needs, worked out once: option defaults, options by flag, and for the fast
        # path the positional arguments (key, text parser) before a variadic last one (`tail`)
        self.defaults = {o.key: (False if o.type is None else o.default) for o in self.options}
        self._by_flag = {flag: o for o in self.options for flag in (o.name, o.short) if flag}
        variadic = bool(self.args) and self.args[-1].variadic
        fixed = self.args[:-1] if variadic else self.args
        self.fixed = tuple((a.key, a.type.fast) for a in fixed)
        self.tail = (self.args[-1].key, self.args[-1].type.fast) if variadic else None
        self.fast_defaults = {**self.defaults, **{a.key: a.default for a in fixed}}
        self.fewest = sum(1 for a in self.args if not a.optional)
        self.most = None if variadic else len(self.args)
        if any(a.variadic for a in fixed):  # a variadic argument before the last: no fast path
            self.fewest, self.most = 1 << 30, 0
        code = handler.__code__
        self.params = code.co_varnames[1:code.co_argcount]  # the handler's, after ctx: argument and option keys

    def call(self, ctx, args: dict):
        """The handler, given CTX and ARGS (keys -> values) as positional arguments: a call that makes
        no object on the way (one with ** makes a tuple, which a `freeze` would take and then lose)."""
        handler, p = self.handler, self.params
        n = len(p)
        if n == 0:
            return handler(ctx)
        if n == 1:
            return handler(ctx, args[p[0]])
        if n == 2:
            return handler(ctx, args[p[0]], args[p[1]])
        if n == 3:
            return handler(ctx, args[p[0]], args[p[1]], args[p[2]])
        if n == 4:
            return handler(ctx, args[p[0]], args[p[1]], args[p[2]], args[p[3]])
        if n == 5:
            return handler(ctx, args[p[0]], args[p[1]], args[p[2]], args[p[3]], args[p[4]])
        return handler(ctx, *map(args.__getitem__, p))  # (no comprehension: it would close over ARGS)

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

    @property
    def words(self) -> tuple[str, ...]:
        """Every word that names this command."""
        return (self.name, *self.aliases, *self.query_aliases)

    def option(self, text: str) -> Option | None:
        return self._by_flag.get(text)

    def __repr__(self) -> str:
        return f"Command({self.name!r})"


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
_WORD_TO_COMMAND: dict[str, tuple[Command, bool]] = {}  # every word (gc. too) -> (command, query only)
_loaded_all = False


def command(name: str, *, summary: str, topic: str, args: Iterable[Arg] = (), options: Iterable[Option] = (),
            aliases: Iterable[str] = (), query_aliases: Iterable[str] = (), examples: Iterable[str] = (),
            details: str = "", gc_api: str = "", backends: Iterable[str] = tuple(BACKENDS)):
    """Declare a command; the decorated function is its handler `(ctx, **args) -> Result`."""
    if topic not in TOPICS:
        raise ValueError(f"{name}: unknown topic {topic!r}")

    def register(handler: Callable) -> Callable:
        cmd = Command(name, summary, topic, handler, tuple(args), tuple(options), tuple(aliases),
                      tuple(query_aliases), tuple(examples), details, gc_api, tuple(backends))
        for word in cmd.words:
            if word in REGISTRY or word in ALIASES:
                raise ValueError(f"duplicate command word {word}")
        REGISTRY[name] = cmd
        for alias in (*cmd.aliases, *cmd.query_aliases):
            ALIASES[alias] = name
        for word in cmd.words:
            query = word in cmd.query_aliases
            _WORD_TO_COMMAND[word] = _WORD_TO_COMMAND["gc." + word] = (cmd, query)
        return handler

    return register


def load_all() -> None:
    """Import every module that declares commands (for help, completion, docs)."""
    global _loaded_all
    if not _loaded_all:
        for module in MODULES:
            importlib.import_module(f"{__package__}.{module}")
        _loaded_all = True


_ORDER = {module: i for i, module in enumerate(MODULES)}


def all_commands() -> list[Command]:
    """Every command, in the table's order of modules (whatever order they were loaded in)."""
    load_all()
    ranked = sorted(enumerate(REGISTRY.values()),
                    key=lambda p: (_ORDER.get(p[1].module.rpartition(".")[2], len(_ORDER)), p[0]))
    return [c for _, c in ranked]


def command_words() -> dict[str, str]:
    """Every word that starts a command (names and aliases) with what it does."""
    words = {c.name: c.summary for c in all_commands()}
    for alias, target in ALIASES.items():
        words[alias] = f"= {target}: {REGISTRY[target].summary}"
    return words


def find(word: str) -> tuple[Command, bool] | None:
    """The command a word names and whether it was a query alias (no arguments); None if none."""
    found = _WORD_TO_COMMAND.get(word)
    if found is None:
        module = WORDS.get(word.removeprefix("gc."))
        if module is None:
            return None
        importlib.import_module(f"{__package__}.{module}")
        found = _WORD_TO_COMMAND.get(word)
    return found


def lookup(word: str, column: int = 1) -> tuple[Command, bool]:
    """The command a word names, and whether it was a query alias (no arguments)."""
    found = _WORD_TO_COMMAND.get(word) or find(word)
    if found is None:
        hint = did_you_mean(word.removeprefix("gc."), WORDS)
        raise UserError(f"unknown command {word!r}{hint}; type 'help' for the list", column)
    return found


__all__ = ["Arg", "ArgType", "Atom", "Command", "Option", "TOPICS", "REGISTRY", "ALIASES", "RAW_KINDS", "command",
           "all_commands", "command_words", "find", "lookup", "load_all", "did_you_mean", "choice", "parse_flag",
           "BACKEND", "COMMAND", "FLAG", "GEN", "INT", "ITEM", "KIND", "KINDS", "MODEL", "NAME", "NEWNAME",
           "ONOFF", "PATH", "ROOT", "WORD", "DEBUG_FLAGS", "BACKENDS", "NAME_RE", "HANDLE_RE", "INT_RE", "MAX_DIGITS"]
