"""The command line: `gcsh [options] [FILE...]`, `gcsh -c CMDS`, `... | gcsh`."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Sequence

from . import __version__
from .errors import UserError
from .interrupts import EXIT_INTERRUPTED, EXIT_TERMINATED, Terminated, Termination
from .values import BACKENDS

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # usage errors exit 2 with one line, as argparse does, but with our name
        self.print_usage(sys.stderr)
        print(f"gcsh: error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def build_parser() -> argparse.ArgumentParser:
    from .backends.sim.models import MODELS
    p = _Parser(prog="gcsh", description="An interactive shell for seeing CPython's garbage collector work.",
                epilog="Without FILE or -c, gcsh reads commands from stdin, or starts the interactive "
                       "shell when stdin and stdout are terminals. Type 'help' inside for the commands.")
    p.add_argument("files", nargs="*", metavar="FILE", help="command files to run, in order")
    p.add_argument("-c", dest="commands", metavar="CMDS", help="run these commands ('; ' separates them)")
    p.add_argument("--backend", choices=list(BACKENDS), default="sim", help="start in this backend (default sim)")
    p.add_argument("--model", choices=list(MODELS), help="the CPython version the simulator models "
                                                         "(default: this interpreter's)")
    p.add_argument("--json", action="store_true", help="one JSON object per command on stdout")
    p.add_argument("--keep-going", action="store_true", help="in files, go on after a failing command")
    p.add_argument("--echo", action="store_true", help="print each command before its output")
    p.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                   help="colour: auto (on a terminal, unless NO_COLOR is set), always or never")
    p.add_argument("-i", dest="interactive", action="store_true", help="after FILEs or -c, stay interactive")
    p.add_argument("--version", action="version", version=f"gcsh {__version__}")
    return p


def main(argv: Sequence[str] | None = None, stdin=None, stdout=None, stderr=None,
         env: dict | None = None) -> int:
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    env = os.environ if env is None else env
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as e:
        return int(e.code or 0)
    from .runner import Session
    from .color import decide
    session = Session(stdout, stderr, json_mode=args.json, echo=args.echo, keep_going=args.keep_going,
                      model=args.model, color=decide(args.color, stdout, env).enabled)
    termination = Termination()
    with termination.exits():  # SIGTERM leaves through the finally below
        try:
            try:
                if args.backend != "sim":
                    session.switch_backend(args.backend)
            except UserError as e:
                print(f"gcsh: error: {e.message}", file=stderr)
                return EXIT_USAGE
            status = _run(args, session, stdin, stdout, stderr, env)
            if session.interrupted:
                status = EXIT_INTERRUPTED
        except KeyboardInterrupt:  # between commands, or while reading input
            print("gcsh: interrupted", file=stderr)
            status = EXIT_INTERRUPTED
        except Terminated:
            status = EXIT_TERMINATED
        finally:
            termination.closing = True  # first, before any call: a late SIGTERM is only remembered now
            termination.close(session)  # every backend restores what it changed
    if termination.received:  # during the run, or as it was ending
        print("gcsh: terminated", file=stderr)
        status = EXIT_TERMINATED
    return status


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
        ok = session.run_lines(_argument_lines(args.commands), "<command line>") and ok
        if (not ok and not args.keep_going) or session.quit_requested or session.interrupted:
            return EXIT_OK if ok else EXIT_FAILED
    ran_something = bool(args.files) or args.commands is not None
    if is_tty(stdin) and is_tty(stdout) and (args.interactive or not ran_something):
        from .shell.app import run_shell
        run_shell(session, color=args.color, env=env)
        return EXIT_OK if ok else EXIT_FAILED
    if not ran_something:
        ok = session.run_lines(stdin_lines(stdin), "<stdin>")
    return EXIT_OK if ok else EXIT_FAILED


def stdin_lines(stdin):
    """Lines of stdin as they arrive, decoded as UTF-8 line by line (a bad line is an error there)."""
    buffer = getattr(stdin, "buffer", None)
    if buffer is None:
        yield from (line.rstrip("\n") for line in stdin)
        return
    for raw in buffer:
        try:
            yield raw.decode("utf-8").rstrip("\r\n")
        except UnicodeDecodeError as e:
            yield UserError(f"not valid UTF-8 (byte 0x{raw[e.start]:02x} at column {e.start + 1})")


def _argument_lines(text: str):
    """The lines of -c. Bytes that were not UTF-8 reach Python as lone surrogates: such a line
    is an error there, as it is in a file or on stdin."""
    for line in text.splitlines():
        try:
            line.encode("utf-8")
            yield line
        except UnicodeEncodeError as e:
            byte = ord(line[e.start]) & 0xFF
            yield UserError(f"not valid UTF-8 (byte 0x{byte:02x} at column {e.start + 1})")


def is_tty(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def console_main() -> None:
    try:
        status = main()
        sys.stdout.flush()
    except BrokenPipeError:  # `gcsh ... | head`: the reader has gone; that is not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        status = EXIT_OK
    sys.exit(status)
