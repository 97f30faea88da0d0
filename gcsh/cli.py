"""The command line: `gcsh [options] [FILE...]`, `gcsh -c CMDS`, `... | gcsh`.

The options are declared once, in `OPTIONS`; the parser, `--help`, the generated
docs, the man page and the shell completions read that table. The parser is a small
one of gcsh's own (argparse and what it imports cost more than the rest of a
`gcsh -c count`), with argparse's conventions: `--opt VALUE`, `--opt=VALUE`, `-cCMDS`,
`--` ends the options, a unique prefix of a long option is the option, usage errors
exit 2 with one line.
"""

from __future__ import annotations

import os
import sys
from typing import Callable, Sequence

from . import __version__
from .color import is_terminal as is_tty
from .errors import UserError
from .interrupts import EXIT_INTERRUPTED, EXIT_TERMINATED, Terminated, Termination
from .values import BACKENDS

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
DOCS = "https://github.com/gcsh/gcsh/tree/main/docs (or docs/ beside this README)"


def _models() -> dict[str, str]:
    from .commands.argtypes import model_choices
    return model_choices()


def _model_of(version: str) -> str:
    """Any CPython 3.14.N names the model of its collector (`--model 3.14.3` is 3.14.2)."""
    from .backends.sim.models import resolve
    return resolve(version) or version


class Opt:
    """One option of the command line."""

    __slots__ = ("flags", "dest", "metavar", "help", "choices", "default", "action", "resolve")

    def __init__(self, flags: tuple[str, ...], dest: str, help: str, metavar: str | None = None,
                 choices: "Callable[[], dict] | dict | tuple | None" = None, default=None, action: str = "store",
                 resolve: "Callable[[str], str] | None" = None):
        self.flags, self.dest, self.help, self.metavar = flags, dest, help, metavar
        self.resolve = resolve  # what a value stands for, before it is checked against the choices
        self.choices, self.default, self.action = choices, default, action  # action: store, true, help, version

    @property
    def takes_value(self) -> bool:
        return self.action == "store"

    def choice_words(self) -> tuple[str, ...] | None:
        choices = self.choices() if callable(self.choices) else self.choices
        return tuple(choices) if choices is not None else None

    def shown(self) -> str:
        """`-c CMDS`, `--backend {sim,live}`, `--json`."""
        words = self.choice_words()
        value = "{" + ",".join(words) + "}" if words else self.metavar
        return f"{self.flags[0]} {value}" if self.takes_value else self.flags[0]


OPTIONS: tuple[Opt, ...] = (
    Opt(("-h", "--help"), "help", "show this help and exit", action="help"),
    Opt(("-c",), "commands", "run these commands (';' or new lines separate them), then exit", "CMDS"),
    Opt(("--backend",), "backend", "start in this backend (default sim)", "NAME", BACKENDS),
    Opt(("--model",), "model", "the CPython version the simulator models (default: this interpreter's; "
        "any 3.14.N picks the model of its collector)", "VERSION", _models, resolve=_model_of),
    Opt(("--json",), "json", "one JSON object per command on stdout", action="true"),
    Opt(("--keep-going",), "keep_going", "in files, go on after a failing command", action="true"),
    Opt(("--echo",), "echo", "print each command before its output", action="true"),
    Opt(("--color",), "color", "colour: auto (on a terminal, unless NO_COLOR is set), always or never", "WHEN",
        ("auto", "always", "never"), "auto"),
    Opt(("-i",), "interactive", "after FILEs or -c, stay in the interactive shell", action="true"),
    Opt(("--completion",), "completion", "print the completion script for this shell and exit", "SHELL",
        ("bash", "zsh", "fish")),
    Opt(("--man-page",), "man_page", "print gcsh's man page (roff) and exit", action="true"),
    Opt(("--version",), "version", "show gcsh's version and exit", action="version"),
)
POSITIONAL = ("FILE", "command files to run, in order")
EXAMPLES = (
    ("gcsh", "the interactive shell (Tab completes, 'help' lists the commands)"),
    ('gcsh -c "alloc a; alloc b; link a b; link b a; del a b; collect 0"', "a cycle, found and freed"),
    ("gcsh --model 3.12 examples/cycle.gcsh", "run a command file as CPython 3.12's collector would"),
    ("gcsh --json -c \"alloc a; collect\" | jq .result", "one JSON object per command"),
    ("gcsh --backend live", "the real gc module, on real objects"),
)


class UsageError(Exception):
    pass


class Args:
    """The parsed command line: one attribute per option's `dest`, and `files`."""

    def __init__(self) -> None:
        self.files: list[str] = []
        for opt in OPTIONS:
            setattr(self, opt.dest, False if opt.action == "true" else opt.default)


def _find_option(flag: str) -> Opt:
    for opt in OPTIONS:
        if flag in opt.flags:
            return opt
    if flag.startswith("--"):  # a unique prefix, as argparse allows
        matches = [opt for opt in OPTIONS for f in opt.flags if f.startswith(flag) and f.startswith("--")]
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise UsageError(f"ambiguous option: {flag} could match " + ", ".join(m.flags[-1] for m in matches))
    raise UsageError(f"unrecognized arguments: {flag}")


def parse_args(argv: Sequence[str]) -> Args:
    """The command line's options and files; UsageError for a mistake. -h and --version are
    returned as `args.help` / `args.version` for the caller to print."""
    args = Args()
    i, n = 0, len(argv)
    while i < n:
        word = argv[i]
        i += 1
        if word == "--":
            args.files += argv[i:]
            break
        if not word.startswith("-") or word == "-":
            args.files.append(word)
            continue
        value = None
        if word.startswith("--"):
            flag, eq, inline = word.partition("=")
            value = inline if eq else None
        else:  # -c CMDS, -cCMDS, -ic CMDS
            flag, rest = word[:2], word[2:]
            opt = _find_option(flag)
            while rest and not opt.takes_value:
                _store(args, opt, None)
                flag, rest = "-" + rest[0], rest[1:]
                opt = _find_option(flag)
            value = rest or None
        opt = _find_option(flag)
        if opt.takes_value and value is None:
            if i >= n:
                raise UsageError(f"argument {'/'.join(opt.flags)}: expected one argument")
            value = argv[i]
            i += 1
        elif not opt.takes_value and value is not None:
            raise UsageError(f"argument {'/'.join(opt.flags)}: ignored explicit argument {value!r}")
        _store(args, opt, value)
    return args


def _store(args: Args, opt: Opt, value: str | None) -> None:
    if opt.action == "store":
        if opt.resolve is not None and value is not None:
            value = opt.resolve(value)
        words = opt.choice_words()
        if words is not None and value not in words:
            raise UsageError(f"argument {'/'.join(opt.flags)}: invalid choice: {value!r} "
                             f"(choose from {', '.join(repr(w) for w in words)})")
        setattr(args, opt.dest, value)
    else:
        setattr(args, opt.dest, True)


def usage() -> str:
    parts = " ".join(f"[{opt.shown()}]" for opt in OPTIONS)
    return _wrap(f"usage: gcsh {parts} [{POSITIONAL[0]} ...]", "            ")


def _wrap(text: str, indent: str, width: int = 100) -> str:
    lines, line = [], ""
    for word in text.split(" "):
        if line and len(line) + 1 + len(word) > width and word.startswith("["):
            lines.append(line)
            line = indent + word
        else:
            line = f"{line} {word}" if line else word
    return "\n".join(lines + [line])


def help_text() -> str:
    width = max(len(", ".join(o.flags) + (" " + o.metavar if o.takes_value else "")) for o in OPTIONS) + 2
    rows = [f"  {POSITIONAL[0].ljust(width)}{POSITIONAL[1]}"]
    for opt in OPTIONS:
        term = ", ".join(opt.flags) + (" " + opt.metavar if opt.takes_value else "")
        words = opt.choice_words()
        extra = f" (one of: {', '.join(words)})" if words and opt.dest in ("backend", "model") else ""
        rows.append(f"  {term.ljust(width)}{opt.help}{extra}")
    examples = [f"  {cmd}\n      {what}" for cmd, what in EXAMPLES]
    return "\n".join([usage(), "", "An interactive shell for seeing CPython's garbage collector work.", "",
                      "Without FILE or -c, gcsh reads commands from stdin, or starts the interactive shell",
                      "when stdin and stdout are terminals.", "", "options:", *rows, "", "examples:", *examples,
                      "", "Inside gcsh, 'help' lists the commands and 'help COMMAND' explains one.",
                      f"Exit status: 0 all commands succeeded, 1 a command failed, 2 a usage error, "
                      f"130 interrupted.", f"Documentation: {DOCS}; man gcsh"])


def main(argv: Sequence[str] | None = None, stdin=None, stdout=None, stderr=None,
         env: dict | None = None) -> int:
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    env = os.environ if env is None else env
    try:
        args = parse_args(sys.argv[1:] if argv is None else list(argv))
    except UsageError as e:
        print(usage(), file=stderr)
        print(f"gcsh: error: {e}", file=stderr)
        return EXIT_USAGE
    if args.help or args.version or args.completion or args.man_page:
        print(_information(args), file=stdout, end="" if args.completion or args.man_page else "\n")
        return EXIT_OK
    settings, warnings = _settings(args, stdin, stdout, env)
    from .runner import Session
    from .color import decide
    session = Session(stdout, stderr, json_mode=args.json, echo=args.echo, keep_going=args.keep_going,
                      model=args.model, color=decide(args.color, stdout, env).enabled)
    session.settings, session.warnings = settings, warnings
    termination = Termination()
    with termination.exits(), session.interrupts.handling():  # SIGTERM leaves through the finally below
        try:
            try:
                if args.backend not in (None, "sim"):
                    if _will_prompt(args, stdin, stdout):  # loaded before the live backend's clean start:
                        import gcsh.shell.loop  # noqa: F401  (its imports are not the user's)
                    session.switch_backend(args.backend)
            except UserError as e:
                print(f"gcsh: error: {e.message}", file=stderr)
                return EXIT_USAGE
            status = _run(args, session, stdin, stdout, stderr, env)
            if session.interrupted:
                status = EXIT_INTERRUPTED
        except KeyboardInterrupt:  # between commands, or while reading input
            session.flush()
            print("gcsh: interrupted", file=stderr)
            status = EXIT_INTERRUPTED
        except MemoryError:  # reading a file or stdin, outside any command
            print("gcsh: error: out of memory reading the input", file=stderr)
            status = EXIT_FAILED
        except Terminated:
            status = EXIT_TERMINATED
        finally:
            termination.closing = True  # first, before any call: a late SIGTERM is only remembered now
            termination.close(session)  # every backend restores what it changed
    if termination.received:  # during the run, or as it was ending
        print("gcsh: terminated", file=stderr)
        status = EXIT_TERMINATED
    elif termination.interrupted and status == EXIT_OK:
        status = EXIT_INTERRUPTED
    return status


def _information(args) -> str:
    if args.help:
        return help_text()
    if args.version:
        return f"gcsh {__version__}"
    from .shell import scripts
    return scripts.man_page() if args.man_page else scripts.completion_script(args.completion)


def _settings(args, stdin, stdout, env) -> tuple[dict | None, list[str]]:
    """The config file's settings when the interactive shell starts with nothing to run first;
    the command line's own choices win. (A script never reads the file.)"""
    if args.files or args.commands is not None or not (is_tty(stdin) and is_tty(stdout)):
        return None, []
    from .shell.config import load_config
    settings, warnings = load_config(env)
    for key in ("model", "backend", "color"):
        if settings[key] is not None and getattr(args, key) in (None, "auto"):
            setattr(args, key, settings[key])
    return settings, warnings


def _will_prompt(args, stdin, stdout) -> bool:
    """Does this run end in the interactive shell?"""
    ran_something = bool(args.files) or args.commands is not None
    return is_tty(stdin) and is_tty(stdout) and (args.interactive or not ran_something)


def _run(args, session, stdin, stdout, stderr, env) -> int:
    ok = True
    for path in args.files:
        if not os.path.isfile(path):
            why = "is a directory" if os.path.isdir(path) else "no such file"
            print(f"gcsh: error: {path}: {why}", file=stderr)
            return EXIT_USAGE
    for path in args.files:
        try:
            ok = session.run_file(path) and ok
        except UserError as e:
            session.error(path, 0, e.message)
            ok = False
        if (not ok and not args.keep_going) or session.quit_requested or session.interrupted:
            return EXIT_FAILED if not ok else EXIT_OK
    if args.commands is not None:
        ok = session.run_lines(argument_lines(args.commands), "<command line>") and ok
        if (not ok and not args.keep_going) or session.quit_requested or session.interrupted:
            return EXIT_OK if ok else EXIT_FAILED
    ran_something = bool(args.files) or args.commands is not None
    if _will_prompt(args, stdin, stdout):
        from .shell.loop import run_shell
        run_shell(session, color=args.color, env=env, settings=session.settings, warnings=session.warnings)
        return EXIT_OK if ok else EXIT_FAILED
    if not ran_something:
        ok = session.run_lines(stdin_lines(stdin, session.flush), "<stdin>")
    return EXIT_OK if ok else EXIT_FAILED


def stdin_lines(stdin, before_read: Callable[[], None] | None = None):
    """Lines of stdin as they arrive (split at \\n and \\r\\n), each decoded as UTF-8 (a bad line
    is an error there). BEFORE_READ (flushing the output) runs before each read that may wait:
    a pipe or a terminal, not a regular file."""
    from .runner import decode_line
    if before_read is not None and _is_regular_file(stdin):
        before_read = None
    buffer = getattr(stdin, "buffer", None)
    if buffer is None:  # a text stream (tests, an embedding program)
        lines = iter(stdin.readline, "")
        decode = None
    else:
        lines = iter(buffer.readline, b"")
        decode = decode_line
    while True:
        if before_read is not None:
            before_read()
        raw = next(lines, None)
        if raw is None:
            return
        if decode is None:
            yield raw[:-2] if raw.endswith("\r\n") else raw[:-1] if raw.endswith("\n") else raw
        else:
            yield decode(raw[:-2] if raw.endswith(b"\r\n") else raw[:-1] if raw.endswith(b"\n") else raw)


def _is_regular_file(stream) -> bool:
    import stat
    try:
        return stat.S_ISREG(os.fstat(stream.fileno()).st_mode)
    except (AttributeError, OSError, ValueError):
        return False


def argument_lines(text: str):
    """The lines of -c (split at \\n and \\r\\n). Bytes that were not UTF-8 reach Python as lone
    surrogates: such a line is an error there, as it is in a file or on stdin."""
    from .syntax import split_lines
    for line in split_lines(text):
        try:
            line.encode("utf-8")
            yield line
        except UnicodeEncodeError as e:
            byte = ord(line[e.start]) & 0xFF
            yield UserError(f"not valid UTF-8 (byte 0x{byte:02x} at column {e.start + 1})")


def console_main() -> None:
    try:
        status = main()
        sys.stdout.flush()
    except BrokenPipeError:  # `gcsh ... | head`: the reader has gone; that is not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        status = EXIT_OK
    sys.exit(status)
