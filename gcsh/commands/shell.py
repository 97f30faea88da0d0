"""Commands about the shell itself: backends, models, scripts, help."""

from __future__ import annotations

from ..errors import UserError
from .registry import BACKEND, COMMAND, MODEL, PATH, TOPICS, Arg, all_commands, command, lookup
from .result import Result


@command("backend", topic="shell", summary="show or switch the backend (each keeps its own heap)",
         args=(Arg("NAME", BACKEND, "sim or live", optional=True),), examples=("backend", "backend live"))
def backend(ctx, name):
    if name is not None:
        ctx.session.switch_backend(name)
    return Result({"backend": ctx.session.backend.name, "describe": ctx.session.backend.describe()},
                  [ctx.session.backend.describe()])


@command("model", topic="shell", summary="show or change the CPython version the simulator models",
         args=(Arg("VERSION", MODEL, "3.10, 3.11, 3.12 or 3.13", optional=True),),
         examples=("model", "model 3.10"),
         details="Changing the model starts the simulator with an empty heap.", backends=("sim",))
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
    if command is None:
        return Result({"commands": [c.name for c in all_commands()]}, overview_lines())
    cmd, _ = lookup(command)
    return Result({"command": cmd.name, "usage": cmd.usage}, command_help_lines(cmd))


@command("quit", topic="shell", summary="leave gcsh", aliases=("exit",), examples=("quit",))
def quit_(ctx):
    ctx.session.quit_requested = True
    return Result({}, [])


def overview_lines() -> list[str]:
    commands = all_commands()
    width = max(len(c.name) for c in commands)
    lines = []
    for topic, title in TOPICS.items():
        members = [c for c in commands if c.topic == topic]
        if not members:
            continue
        lines.append(f"{title}:")
        for c in members:
            api = f"  [{c.gc_api}]" if c.gc_api else ""
            lines.append(f"  {c.name.ljust(width)}  {c.summary}{api}")
        lines.append("")
    lines.append("Type 'help COMMAND' for its arguments and examples.")
    return lines


def command_help_lines(cmd) -> list[str]:
    lines = [f"usage: {cmd.usage}", "", cmd.summary[0].upper() + cmd.summary[1:] + "."]
    if cmd.details:
        lines += ["", cmd.details]
    if cmd.args or cmd.options:
        lines += ["", "arguments:"]
        for a in cmd.args:
            lines.append(f"  {a.name + ('...' if a.variadic else ''):<14} {a.help}")
        for o in cmd.options:
            flag = (o.short + ", " if o.short else "") + o.name + (f" {o.metavar}" if o.type else "")
            lines.append(f"  {flag:<14} {o.help}")
    words = [*cmd.aliases, *cmd.query_aliases]
    if words:
        lines += ["", "also: " + ", ".join(words)]
    if cmd.gc_api:
        lines += [f"gc API: {cmd.gc_api}"]
    if cmd.examples:
        lines += ["", "examples:"] + [f"  {e}" for e in cmd.examples]
    return lines
