"""Running commands: one path for files, -c, stdin, the interactive shell and tests.

A `Session` holds the backends and the output streams. `run_text` and
`run_file` split their input into statements, run each through the registry
and print what it returned (text or JSON). A user's mistake becomes one line
`SOURCE:LINE: error: MESSAGE` and the heap stays as it was.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from typing import Callable, TextIO

from .color import paint
from .commands.parser import parse_statement
from .commands.result import Result
from .errors import AlreadyReported, UserError
from .fileio import read_bytes
from .interrupts import CommandInterrupts
from .syntax import Statement, SyntaxProblem, split_line

MAX_SOURCE_DEPTH = 20


@dataclass
class Context:
    """What a handler sees: the session, its current backend, and the word typed."""

    session: "Session"
    backend: object
    word: str


class Session:
    def __init__(self, stdout: TextIO | None = None, stderr: TextIO | None = None, *, json_mode: bool = False,
                 echo: bool = False, keep_going: bool = False, backend: str = "sim", model: str | None = None,
                 color: bool = False):
        self.stdout = stdout or sys.stdout
        self.stderr = stderr or sys.stderr
        self.json_mode = json_mode
        self.echo = echo
        self.keep_going = keep_going
        self.color = color
        self.quit_requested = False
        self.interrupted = False  # Ctrl-C stopped the run (even with keep_going)
        self.interrupts = CommandInterrupts()
        self.failures = 0
        self._events: list[str] | None = None  # JSON mode: events of the running command
        self._progress = False  # a progress line is on the terminal
        self._depth = 0
        self.backends: dict[str, object] = {}
        # Called with the session after every command, whether it succeeded or not (a page
        # that redraws the heap listens here); an observer must not run commands itself.
        self.observers: list[Callable[["Session"], None]] = []
        from .backends.sim.backend import SimBackend
        self.backends["sim"] = SimBackend(self.emit, model)
        self.backend = self.backends["sim"]
        if backend != "sim":
            self.switch_backend(backend)

    # ------------------------------------------------------------ backends

    @property
    def sim(self):
        return self.backends["sim"]

    def switch_backend(self, name: str) -> None:
        if name not in self.backends:
            if name == "live":
                try:
                    from .backends.live import LiveBackend
                except ImportError:
                    raise UserError("the live backend is not available in this build") from None
                self.backends[name] = LiveBackend(self.emit)
            else:
                raise UserError(f"unknown backend {name!r}")
        if self.backend is not self.backends[name] and hasattr(self.backend, "suspend"):
            self.backend.suspend()
        self.backend = self.backends[name]
        if hasattr(self.backend, "resume"):
            self.backend.resume()

    def close(self) -> None:
        """Leave gcsh: every backend restores what it changed outside gcsh."""
        for b in self.backends.values():
            b.close()

    # ------------------------------------------------------------ output

    def emit(self, kind: str, text: str) -> None:
        """Output that happens during a command: CPython's debug lines go to stderr; progress of a
        long command too, on one line overwritten each time, and only when stderr is a terminal."""
        if kind == "progress":
            if getattr(self.stderr, "isatty", bool)():
                print("\r\x1b[K" + text, end="", file=self.stderr, flush=True)
                self._progress = True
        elif kind == "debug":
            self.stdout.flush()
            print(paint(text, "dim", self.color), file=self.stderr, flush=True)
        elif self._events is not None:
            self._events.append(text)
        else:
            print(text, file=self.stdout)

    def error(self, source: str, line: int, message: str, column: int | None = None, command: str = "") -> None:
        self.failures += 1
        where = f" (column {column})" if column else ""
        self.stdout.flush()
        label = paint("error:", "error", self.color)
        print(f"{source}:{line}: {label} {message}{where}", file=self.stderr, flush=True)
        if self.json_mode:
            obj = {"command": command, "ok": False, "error": message, "line": line, "source": source,
                   "backend": self.backend.name}
            if column:
                obj["column"] = column
            print(json.dumps(obj), file=self.stdout, flush=True)

    # ------------------------------------------------------------ running

    def run_text(self, text: str, source: str = "<command line>") -> bool:
        """Run commands given as text; False if one failed (stops there unless keep_going)."""
        return self.run_lines(text.splitlines(), source)

    def run_lines(self, lines, source: str) -> bool:
        ok = True
        for number, line in enumerate(lines, 1):
            if isinstance(line, UserError):  # a line that could not even be decoded
                self.error(source, number, line.message)
                line_ok = False
            else:
                line_ok = self.run_line(line, source, number)
            if not line_ok:
                ok = False
                if not self.keep_going:
                    return False
            if self.quit_requested or self.interrupted:
                break
        return ok

    def run_line(self, line: str, source: str = "<stdin>", number: int = 1) -> bool:
        self.interrupted = False
        try:
            statements = split_line(line, number)
        except SyntaxProblem as e:
            self.error(source, number, e.message, e.column)
            return False
        ok = True
        for statement in statements:
            if not self.execute(statement, source):
                ok = False
                if not self.keep_going:
                    return False
            if self.quit_requested or self.interrupted:
                break
        return ok

    def execute(self, statement: Statement, source: str) -> bool:
        """Run one statement; print its result or its error. True if it succeeded."""
        try:
            return self._execute(statement, source)
        finally:
            if self._progress:  # the command's progress line goes when it ends
                print("\r\x1b[K", end="", file=self.stderr, flush=True)
                self._progress = False
            for observe in self.observers:
                observe(self)

    def _execute(self, statement: Statement, source: str) -> bool:
        word = statement.words[0].text
        if self.echo:
            print(f"gcsh> {statement.text}", file=self.stdout)
        self._events = [] if self.json_mode else None
        backend = self.backend
        guard = None
        try:
            inv = parse_statement(statement)
            if backend.name not in inv.command.backends:
                raise UserError(f"{inv.command.name} is only available in the {'/'.join(inv.command.backends)} "
                                f"backend (now: {backend.name})")
            name, words = inv.command.name, len(statement.words)
            guard = self.interrupts.command(lambda: backend.checkpoint(name, words))
            with guard:  # undoes the command if it fails or is interrupted
                backend.begin_command()
                result = inv.command.handler(Context(self, backend, inv.word), **inv.args)
                automatic = backend.end_command()
        except AlreadyReported:
            self._events = None
            return False
        except UserError as e:
            self._events = None
            self.error(source, statement.line, e.message, e.column, word)
            return False
        except KeyboardInterrupt:
            self._events = None
            self.interrupted = True
            self.interrupts.take_pending()  # a second Ctrl-C while undoing is the same interruption
            undone = "; the heap is as it was before this command" if guard and guard.undoable else ""
            self.error(source, statement.line, "interrupted" + undone, None, word)
            return False
        events, self._events = self._events, None
        self.show(inv.command.name, result, automatic, events)
        if self.interrupts.take_pending():  # Ctrl-C came during a command that runs to its end
            self.interrupted = True
            print(f"{source}:{statement.line}: interrupted (after {word} had finished)", file=self.stderr, flush=True)
        return True

    def show(self, name: str, result: Result, automatic: list[dict], events: list[str] | None) -> None:
        if self.json_mode:
            obj = {"command": name, "ok": True, "backend": self.backend.name, "result": result.data}
            if events:
                obj["events"] = events
            if automatic:
                obj["automatic"] = automatic
            print(json.dumps(obj, default=str), file=self.stdout, flush=True)
        else:
            for line in result.text:
                print(line, file=self.stdout)
            self.stdout.flush()

    def run_file(self, path: str, nested: bool = False) -> bool:
        """Run a command file. Nested (`source`): a failure is raised as the caller's error."""
        text = read_command_file(path)
        if self._depth >= MAX_SOURCE_DEPTH:
            raise UserError(f"source nested more than {MAX_SOURCE_DEPTH} deep (does {path} source itself?)")
        self._depth += 1
        try:
            ok = self.run_lines(text.splitlines(), path)
        finally:
            self._depth -= 1
        if nested and not ok:
            raise AlreadyReported(f"{path} stopped at an error")
        return ok


def read_command_file(path: str) -> str:
    """A command file's text, or a UserError that says why it cannot be read."""
    data = read_bytes(path, what="a command file")  # a FIFO or /dev/zero is refused, not read forever
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[:e.start].count(b"\n") + 1
        column = e.start - (data.rfind(b"\n", 0, e.start) + 1) + 1
        raise UserError(f"{path}:{line}: not valid UTF-8 (byte 0x{data[e.start]:02x} at column {column})") from None
