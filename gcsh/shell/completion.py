"""What Tab offers: a pure function of the text before the cursor.

Everything comes from the command registry: the command words (names and
aliases, with their summaries), then, for the word being typed, the type its
command declares there: the heap's object names, kinds, generations, debug
flags with + and -, file paths, backends, models, choices, command words, and
the command's options. `complete()` knows nothing of prompt_toolkit, so it is
tested as text in, candidates out.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Iterable

from ..commands.registry import DEBUG_FLAGS, ArgType, command_words
from ..commands.parser import bind as bind_words
from ..commands.registry import find as find_command
from ..syntax import Piece, scan, statements


def bind(command, query_only: bool, pieces: list[Piece]):
    return bind_words(command, query_only, [(p.value, p.kind != "word") for p in pieces])

GENERATIONS = {
    "0": "the youngest generation",
    "1": "the middle generation",
    "2": "the oldest: a full collection",
}


@dataclass(frozen=True)
class Candidate:
    text: str  # what replaces the word being typed
    replace: int  # how many characters before the cursor it replaces
    meta: str = ""  # the short description shown beside it
    display: str | None = None  # what the menu shows, if not `text`


def complete(text: str, names: Iterable[str] = (), cwd: str | None = None,
             roots: Iterable[str] | None = None) -> list[Candidate]:
    """The candidates for the word that ends TEXT (the text before the cursor), in menu order.

    NAMES are the current heap's object names and ROOTS those bound to a root name (what
    `del` takes; default: NAMES); CWD is where file names are looked up. Object names match
    fuzzily, as in pgcli: those that start with the typed text first, then those that hold
    its letters in order (`del rt` offers `root`); command words and choices by prefix.
    """
    line = text.rsplit("\n", 1)[-1]
    pieces = scan(line)
    if pieces and pieces[-1].kind in ("comment", "open", "string", "raw"):
        return []  # inside a comment, a quoted word or Python: nothing sensible to offer
    words = statements(pieces)[-1]
    typing = words[-1] if words and words[-1].end == len(line) else None
    done = words[:-1] if typing else words
    partial = typing.source if typing else ""
    if not done:
        return _command_words(partial)
    found = find_command(done[0].value) if done[0].kind == "word" else None
    if found is None:
        return []
    command, query_only = found
    given = done[1:]
    *bound, slot = bind(command, query_only, [*given, Piece(len(line), "word", partial or "x")])
    if roots is not None:
        names = _Names(names, roots)
    if slot.role == "value":
        return _values(slot.option.type, partial, names, cwd, slot.option.metavar, slot.option.help)
    if "=" in partial and partial.startswith("-"):  # --option=value
        option = command.option(partial.partition("=")[0])
        value = partial.partition("=")[2]
        if option is None or option.type is None:
            return []
        return _values(option.type, value, names, cwd, option.metavar, option.help)
    out = []
    if slot.role == "arg":  # `-` may start an argument too: -DEBUG_SAVEALL
        # the names already given to the same variadic argument are not offered again
        taken = {w.value for w, s in zip(given, bound) if s.arg is slot.arg} if slot.arg.variadic else set()
        out += _values(slot.arg.type, partial, names, cwd, slot.arg.name, slot.arg.help, taken)
    needs_arg = slot.role == "arg" and not slot.arg.optional
    if partial.startswith("-") or not (partial or needs_arg):
        out += _options(command, partial, given)
    return out


def _command_words(partial: str) -> list[Candidate]:
    prefix = "gc." if partial.startswith("gc.") else ""
    stem = partial[len(prefix):]
    words = command_words()
    # the commands first, then their aliases (get_count, is_tracked...), each alphabetically
    ordered = sorted(words, key=lambda w: (words[w].startswith("= "), w))
    return [Candidate(prefix + w, len(partial), words[w]) for w in ordered if w.startswith(stem)]


def _options(command, partial: str, given: list[Piece]) -> list[Candidate]:
    used = {g.source.partition("=")[0] for g in given}
    out = []
    for opt in command.options:
        if opt.name in used or (opt.short and opt.short in used):
            continue
        for flag in (opt.name, opt.short):
            if flag and flag.startswith(partial) and (partial or flag == opt.name):
                shown = f"{flag} {opt.metavar}" if opt.type is not None else flag
                out.append(Candidate(flag, len(partial), opt.help, shown))
                break
    return out


def _values(arg_type: ArgType, partial: str, names: Iterable[str], cwd: str | None, label: str, help_: str,
            taken: set[str] = frozenset()) -> list[Candidate]:
    """Candidates for one word of type ARG_TYPE; LABEL and HELP_ describe the slot."""
    kind = arg_type.kind
    if kind in ("name", "item", "root"):
        meta = f"{label}: {help_}"
        pool = names.roots if kind == "root" and isinstance(names, _Names) else names
        handles = partial.startswith("@")  # the live backend's handles (@1f), once an @ is typed
        pool = [n for n in pool if n.startswith("@") is handles]
        return [Candidate(n, len(partial), meta) for n in fuzzy(partial, pool) if n not in taken]
    if arg_type.choices:
        pairs = arg_type.choices.items()
    elif kind == "generation":
        pairs = GENERATIONS.items()
    elif kind == "command":
        return _command_words(partial)
    elif kind == "flag":
        return _flags(partial)
    elif kind == "path":
        return _paths(partial, cwd)
    else:  # integers, new names, words: nothing to choose from
        return []
    return [Candidate(word, len(partial), meta) for word, meta in pairs if word.startswith(partial)]


def _flags(partial: str) -> list[Candidate]:
    """DEBUG_X sets only X, +DEBUG_X adds it, -DEBUG_X removes it; typed in any case."""
    sign = partial[:1] if partial[:1] in "+-" else ""
    stem = partial[len(sign):].upper().removeprefix("GC.")
    signs = [sign] if sign or partial else ["", "+", "-"]
    verbs = {"": "set only", "+": "add", "-": "remove"}
    return [Candidate(s + flag, len(partial), f"{verbs[s]} {flag} ({value})")
            for s in signs for flag, value in DEBUG_FLAGS.items() if flag.startswith(stem)]


def _paths(partial: str, cwd: str | None) -> list[Candidate]:
    """Files and directories (with a trailing /) that start with what was typed."""
    head, _, stem = partial.rpartition("/")
    folder = head + "/" if head or partial.startswith("/") else ""
    where = os.path.join(cwd or os.getcwd(), os.path.expanduser(folder or "."))
    try:
        entries = sorted(os.scandir(where), key=lambda e: (e.name.lower(), e.name))
    except OSError:
        return []
    out = []
    for entry in entries:
        if not entry.name.startswith(stem) or (entry.name.startswith(".") and not stem.startswith(".")):
            continue
        is_dir = entry.is_dir()
        out.append(Candidate(folder + entry.name + ("/" if is_dir else ""), len(partial),
                             "directory" if is_dir else "file", entry.name + ("/" if is_dir else "")))
    return out


class _Names(list):
    """The heap's names, with the root names beside them."""

    def __init__(self, names: Iterable[str], roots: Iterable[str]):
        super().__init__(names)
        self._roots = roots  # read only when an argument takes root names

    @property
    def roots(self) -> list[str]:
        return list(self._roots)


def fuzzy(partial: str, names: Iterable[str]) -> list[str]:
    """NAMES that start with PARTIAL (natural order), then those that hold its characters in
    order, the tightest match first."""
    prefix, loose = [], []
    for name in names:
        if name.startswith(partial):
            prefix.append(name)
        elif partial:
            span = _span(partial, name)
            if span is not None:
                loose.append((span, name))
    loose.sort(key=lambda p: (p[0], _natural(p[1])))
    return sorted(prefix, key=_natural) + [name for _, name in loose]


def _span(partial: str, name: str) -> tuple[int, int] | None:
    """(length of the stretch of NAME that holds PARTIAL's characters in order, where it
    starts), or None; case is ignored."""
    low, name_low = partial.lower(), name.lower()
    best = None
    start = name_low.find(low[0])
    while start >= 0:
        at = start
        for ch in low[1:]:
            at = name_low.find(ch, at + 1)
            if at < 0:
                return best
        candidate = (at - start + 1, start)
        best = candidate if best is None or candidate < best else best
        start = name_low.find(low[0], start + 1)
    return best


def _natural(name: str) -> list:
    """x2 before x10."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]
