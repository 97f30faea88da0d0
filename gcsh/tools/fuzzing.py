"""Random command programs and hostile input, from the command registry.

The property and fuzz tests and `tools/reliability_report.py` feed gcsh with
what this module makes. A statement is built from a command's declared
arguments, so every command, including ones added later, is exercised with
values of the right kind most of the time and with junk the rest of the
time. Everything is drawn from a `random.Random`: a seed reproduces a case.

The programs stay inside the simulator: commands that reach the interpreter
running gcsh (`py`, `backend`, the live backend's own commands) are left out.
Paths are relative, so run the programs in a scratch directory
(`prepare_directory` puts the files they refer to there).
"""

from __future__ import annotations

import os
import random

from ..commands.registry import DEBUG_FLAGS, Command, all_commands

NAMES = ("a", "b", "c", "d", "e", "f")
# Commands of the simulator that would end or leave the session under test (the live backend's
# own commands are left out by their declared backends).
LEAVE_OUT = frozenset({"backend", "quit", "view"})  # view: serves a page
QUOTE_CHARS = "\"'"
JUNK_WORDS = ("", "-", "--", "=", "x=", "1x", "a.b", "a..b", "é", "名前", "\\", "|", "+", "--no-such-option",
              "9" * 30, "-" + "9" * 30, "9" * 5000, "10", "99999999999", "DEBUG_", "gc.", "\t", "a" * 300)
INTS = ("0", "1", "2", "3", "-1", "+3", "003")  # small: bulk commands build what they are told
PATHS = ("s.json", "session dir/é s.json", "missing.json", "nodir/x.json", ".", "good.gcsh", "loop.gcsh",
         "bad.gcsh", "bad.json", "out.dot", "out.txt", "session dir")
KEYS = ("k", "x", "__dict__", "1", "key with space")


def sim_commands() -> list[Command]:
    return [c for c in all_commands() if "sim" in c.backends and c.name not in LEAVE_OUT]


def values_for(kind: str, choices) -> tuple[str, ...]:
    """Plausible words for an argument type (`ArgType.kind`)."""
    if kind in ("name", "newname"):
        return NAMES
    if kind == "item":
        return NAMES + ("1", "-7", '"s"', "'t'", '""')
    if kind in ("int", "generation"):
        return INTS
    if kind == "flag":
        return tuple(DEBUG_FLAGS) + tuple("+" + f for f in DEBUG_FLAGS) + tuple("-" + f for f in DEBUG_FLAGS) + (
            "DEBUG_STATS|DEBUG_SAVEALL", "0", "38")
    if kind == "path":
        return tuple(_quoted(p) for p in PATHS)
    if kind == "word":
        return tuple(_quoted(k) for k in KEYS)
    if kind == "command":
        return tuple(c.name for c in all_commands()) + ("nope",)
    if choices:
        return tuple(choices)
    return NAMES


def _quoted(text: str) -> str:
    return f'"{text}"' if any(ch.isspace() for ch in text) or not text else text


def statement(rng: random.Random, commands: list[Command], junk: float = 0.1) -> str:
    """One statement: a command word, then its declared arguments and options (sometimes junk)."""
    cmd = rng.choice(commands)
    words = [rng.choice((cmd.name,) * 4 + cmd.aliases + cmd.query_aliases)]

    def value(arg_type) -> str:
        if rng.random() < junk:
            return rng.choice(JUNK_WORDS + NAMES)
        return rng.choice(values_for(arg_type.kind, arg_type.choices))

    for arg in cmd.args:
        if arg.variadic:
            words += [value(arg.type) for _ in range(rng.choice((0, 1, 1, 2, 3)))]
        elif not arg.optional or rng.random() < 0.6:
            words.append(value(arg.type))
    for opt in cmd.options:
        if rng.random() < 0.2:
            words.append(opt.name if rng.random() < 0.8 or not opt.short else opt.short)
            if opt.type is not None:
                words.append(value(opt.type))
    if rng.random() < junk:
        words.insert(rng.randrange(1, len(words) + 1), rng.choice(JUNK_WORDS))
    return " ".join(words)


def building(rng: random.Random) -> str:
    """A statement that builds or breaks the heap, well formed: programs need objects to work on."""
    name, other = rng.choice(NAMES), rng.choice(NAMES)
    kind = rng.choice(("list", "list", "dict", "set", "tuple", "object", "finalizer", "legacy"))
    items = " ".join(rng.choice(NAMES + ("1", '"s"')) for _ in range(rng.randrange(0, 3)))
    return rng.choice((
        f"alloc {name} {kind} {items}", f"alloc {name}", f"link {name} {other}", f"link {name} {name}",
        f"del {name}", f"del {name} {other}", f"unlink {name} {other}", f"collect {rng.choice(('', '0', '1'))}",
        f"weakref {name} {other}" + rng.choice(("", " --callback")),
    ))


def program(rng: random.Random, length: int, junk: float = 0.1) -> list[str]:
    """LENGTH statements as lines, about a third of them building the heap; some lines carry
    two statements, some a comment."""
    commands = sim_commands()
    lines: list[str] = []
    while sum(line.count(";") + 1 for line in lines) < length:
        line = building(rng) if rng.random() < 0.35 else statement(rng, commands, junk)
        if rng.random() < 0.15:
            line += "; " + statement(rng, commands, junk)
        if rng.random() < 0.05:
            line += "  # " + noise_text(rng, 10)
        lines.append(line)
    return lines


# ---------------------------------------------------------------- hostile input

ALPHABETS = (
    "abcdefghijklmnopqrstuvwxyz_0123456789 ",
    " \t;#'\"\\=+-|.",
    "\x00\x01\x07\x1b\x7f\r\x0b\x0c\x85\u2028\u2029",
    "éß名前ÅΩ🙂\u200b\u202e\ufeff\U0010fffd",
)


def noise_text(rng: random.Random, length: int) -> str:
    """Text of every kind of character: command-ish words, quotes, controls, wide and odd ones."""
    words = [c.name for c in sim_commands()]
    out = []
    while len(out) < length:
        r = rng.random()
        if r < 0.15:
            out.append(rng.choice(words) + " ")
        elif r < 0.25:
            out.append(chr(rng.randrange(0x20, 0x30000)))
        else:
            out.append(rng.choice(rng.choice(ALPHABETS)))
    return "".join(out)[:length]


def noise_bytes(rng: random.Random, length: int) -> bytes:
    """Bytes: mostly text in UTF-8, with stray bytes, overlong forms and cut-off sequences."""
    data = bytearray(noise_text(rng, length).encode("utf-8", "surrogatepass"))
    for _ in range(rng.randrange(0, 4)):
        data.insert(rng.randrange(0, len(data) + 1), rng.choice((0xFF, 0xC0, 0x80, 0xE2, 0xED, 0xF5)))
    return bytes(data)


def hostile_lines(rng: random.Random) -> list[str]:
    """Lines that stress the reader: huge, deep, NUL-laden, unbalanced."""
    word = rng.choice([c.name for c in sim_commands()])
    return [
        word + " " + "a" * rng.choice((70000, 65536, 65535)),
        word + " " + '"' * rng.randrange(1, 2000),
        word + " " + "\\" * rng.randrange(1, 2000) + '"',
        ";" * rng.randrange(1, 5000),
        word + "\0" + word,
        " ".join([word] * rng.randrange(1, 3000)),
        "alloc a list " + " ".join(str(rng.randrange(10 ** 6)) for _ in range(rng.randrange(1, 5000))),
        '"' + "\\n" * 1000 + '"',
    ]


def prepare_directory(path: str) -> None:
    """The files the generated programs refer to, in PATH (a scratch directory)."""
    os.makedirs(os.path.join(path, "session dir"), exist_ok=True)
    files = {
        "good.gcsh": "alloc g1\nalloc g2 dict g1\ncollect 0\n",
        "loop.gcsh": "count\nsource loop.gcsh\n",
        "bad.gcsh": b"alloc \xff\xfe\n",  # its one line fails: nothing runs
        "bad.json": '{"format": "gcsh-session", "version": 1, "objects": [',
    }
    for name, text in files.items():
        data = text if isinstance(text, bytes) else text.encode("utf-8")
        with open(os.path.join(path, name), "wb") as f:
            f.write(data)


# ---------------------------------------------------------------- the edges of C's integers

# Every number at and past the bounds of the C types gc's functions parse (int, long, Py_ssize_t)
C_BOUNDS = tuple(str(n) for n in (-(2 ** 31) - 1, -(2 ** 31), 2 ** 31 - 1, 2 ** 31, 2 ** 63 - 1, 2 ** 63, 2 ** 64,
                                  -(2 ** 63) - 1, 10 ** 400)) + ("+18446744073709551616", "-" + "9" * 400)
NUMERIC_KINDS = frozenset({"int", "generation", "flag"})
# Characters that some line splitters (str.splitlines) end a line at, and gcsh does not
LINE_SEPARATORS = ("\f", "\v", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029", "\r", "\0")


def numeric_commands(backend: str) -> list[Command]:
    """The commands of BACKEND with a numeric argument or option."""
    return [c for c in all_commands() if backend in c.backends and c.name not in LEAVE_OUT
            and any(p.type is not None and p.type.kind in NUMERIC_KINDS for p in (*c.args, *c.options))]


def at_bounds(rng: random.Random, cmd: Command) -> str:
    """CMD with its numeric arguments at C's bounds and the rest plausible; each optional one
    given or not."""
    def value(arg_type) -> str:
        if arg_type.kind in NUMERIC_KINDS:
            return rng.choice(C_BOUNDS)
        return rng.choice(values_for(arg_type.kind, arg_type.choices))

    words = [cmd.name]
    for arg in cmd.args:
        if not arg.optional or arg.type.kind in NUMERIC_KINDS or rng.random() < 0.5:
            words.append(value(arg.type))
    for opt in cmd.options:
        if opt.type is not None and opt.type.kind in NUMERIC_KINDS and rng.random() < 0.7:
            words += [opt.name, value(opt.type)]
    return " ".join(words)
