"""Commands about the shell itself: backends, models, scripts, help."""

from __future__ import annotations

import textwrap

from ..color import is_terminal, paint
from ..render.table import pad, table, width
from ..errors import UserError
from .registry import BACKEND, COMMAND, INT, MODEL, PATH, TOPICS, Arg, all_commands, command, lookup
from .result import Result


@command("backend", topic="shell", summary="show or switch the backend (each keeps its own heap)",
         args=(Arg("NAME", BACKEND, "sim or live", optional=True),), examples=("backend", "backend live"),
         details="In the interactive shell the live backend's prompt runs in a process of its own (from "
                 "`backend live` on, for the rest of the session), so that typing, completion and the "
                 "toolbar leave no garbage in the observed heap: a second `collect` finds 0 unreachable "
                 "and two `count`s in a row move gen0 by at most 8 (docs/reference/live.md).")
def backend(ctx, name):
    if name is not None:
        ctx.session.switch_backend(name)
    return Result({"backend": ctx.session.backend.name, "describe": ctx.session.backend.describe()},
                  [ctx.session.backend.describe()])


@command("model", topic="shell", summary="show or change the CPython version the simulator models",
         args=(Arg("VERSION", MODEL, "3.10 to 3.15, or a 3.14 release: 3.14.0-3.14.4 the incremental "
                                     "collector, 3.14.5 and later the generational one", optional=True),),
         examples=("model", "model 3.10", "model 3.14.2"),
         details="Changing the model starts the simulator with an empty heap. The models: 3.10, 3.11, 3.12, "
                 "3.13 (checked against the real interpreters), 3.14.0 (the incremental collector, count0 per "
                 "allocation, no `gc: done` line; from CPython's source), 3.14.2 (the incremental collector of "
                 "3.14.1-3.14.4, checked against CPython 3.14.2 in WebAssembly), 3.14 (3.14.5 and later, "
                 "generational again; from CPython's source and changelog) and 3.15 (checked against 3.15.0rc1 in WebAssembly).",
         backends=("sim",))
def model(ctx, version):
    sim = ctx.session.sim
    if version is not None:
        sim.set_model(version)
    m = sim.model
    return Result({"model": m.version, "threshold": list(m.thresholds)},
                  [f"CPython {m.version} (thresholds {m.thresholds}; checked against {m.checked})"])


@command("source", topic="shell", summary="run the commands of a file",
         args=(Arg("FILE", PATH, "a command file"),), examples=("source examples/cycle.gcsh",))
def source(ctx, file):
    ok = ctx.session.run_file(file, nested=True)
    return Result({"file": file, "ok": ok}, [])


@command("help", topic="shell", summary="list the commands, or explain one",
         args=(Arg("COMMAND", COMMAND, "a command name", optional=True),), examples=("help", "help collect"))
def help_(ctx, command):
    color = ctx.session.color
    if command is None:
        return Result({"commands": [c.name for c in all_commands()]}, overview_lines(color))
    cmd, _ = lookup(command)
    return Result({"command": cmd.name, "usage": cmd.usage}, command_help_lines(cmd, color))


@command("clear", topic="shell", summary="clear the screen", examples=("clear",),
         details="On a terminal the screen is cleared and the prompt comes back at the top; elsewhere "
                 "(a file, a pipe) it does nothing.")
def clear(ctx):
    out = ctx.session.stdout
    if not ctx.session.json_mode and is_terminal(out):
        out.write("\x1b[H\x1b[2J\x1b[3J")
    return Result({}, [])


@command("history", topic="shell", summary="the lines typed in the interactive shell, numbered",
         args=(Arg("N", INT, "how many of the newest lines (default 20)", optional=True, default=20),),
         examples=("history", "history 100"),
         details="The history is the shell's own (also searched with Ctrl-R and kept between sessions in "
                 "the history file); in a script there is none.")
def history(ctx, n):
    lines = ctx.session.history_lines() if ctx.session.history_lines is not None else None
    if lines is None:
        raise UserError("history: there is none outside the interactive shell")
    if n < 0:
        raise UserError(f"history: N must be 0 or more, not {n}")
    first = max(len(lines) - n, 0)
    shown = lines[first:]
    numbers = [str(i) for i in range(first + 1, len(lines) + 1)]
    return Result({"history": shown, "first": first + 1},
                  table([(num, line.replace("\n", " ")) for num, line in zip(numbers, shown)], right=(0,), indent=" "))


@command("quit", topic="shell", summary="leave gcsh", aliases=("exit",), examples=("quit",))
def quit_(ctx):
    ctx.session.quit_requested = True
    return Result({}, [])


HELP_WIDTH = 78  # details are wrapped to this width


def overview_lines(color: bool = False) -> list[str]:
    """The commands by topic, one row each: name, what it does, the gc API it shows."""
    commands = all_commands()
    columns = max(width(c.name) for c in commands)  # one width for every topic's names
    lines = []
    for topic, title in TOPICS.items():
        members = [c for c in commands if c.topic == topic]
        if not members:
            continue
        lines.append(paint(f"{title}:", "heading", color))
        for c in members:
            api = "  " + paint(f"[{c.gc_api}]", "dim", color) if c.gc_api else ""
            lines.append(f"  {paint(pad(c.name, columns), 'command', color)}  {c.summary}{api}")
        lines.append("")
    lines.append(f"Type {paint('help COMMAND', 'command', color)} for its arguments and examples.")
    return lines


def command_help_lines(cmd, color: bool = False) -> list[str]:
    """Usage, what it does, its arguments and options, other names, gc API and examples."""
    def heading(text: str) -> str:
        return paint(text, "heading", color)

    usage = paint(cmd.name, "command", color) + cmd.usage[len(cmd.name):]
    lines = [f"{heading('usage:')} {usage}", "", cmd.summary[0].upper() + cmd.summary[1:] + "."]
    if cmd.details:
        lines += [""] + textwrap.wrap(cmd.details, HELP_WIDTH)
    rows = [(a.name + ("..." if a.variadic else ""), "value", a.help) for a in cmd.args]
    rows += [((o.short + ", " if o.short else "") + o.name + (f" {o.metavar}" if o.type else ""), "option", o.help)
             for o in cmd.options]
    if rows:
        columns = max(14, *(width(term) + 1 for term, _, _ in rows))
        lines += ["", heading("arguments:")]
        lines += [f"  {paint(pad(term, columns), style, color)} {text}" for term, style, text in rows]
    words = [*cmd.aliases, *cmd.query_aliases]
    if words:
        lines += ["", f"{heading('also:')} " + ", ".join(words)]
    if cmd.gc_api:
        lines += [f"{heading('gc API:')} {cmd.gc_api}"]
    if cmd.examples:
        lines += ["", heading("examples:")] + [f"  {_example(e, color)}" for e in cmd.examples]
    return lines


def _example(text: str, color: bool) -> str:
    word, space, rest = text.partition(" ")
    return paint(word, "command", color) + space + rest
