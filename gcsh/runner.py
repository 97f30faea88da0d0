"""Running commands: one path for files, -c, stdin, the interactive shell and tests.

A `Session` holds the backends and the output streams. `run_text`, `run_lines`
and `run_file` split their input into statements, run each through the registry
and print what it returned (text or JSON). A user's mistake, running out of memory
and Ctrl-C each become one line `SOURCE:LINE: error: MESSAGE`, and the heap stays as
it was. Output is buffered: it is flushed before an error line, before input is read
from a pipe or a terminal, before long work (progress) and at the end of a run.
"""

from __future__ import annotations

import re
import sys
from operator import itemgetter
from typing import Callable, TextIO

from .color import is_terminal, paint
from .commands.parser import parse_statement, plain_invocation
from .commands.result import Result
from .errors import AlreadyReported, UserError
from .fileio import read_bytes
from .hostgc import HostCollector
from .interrupts import CommandInterrupts
from .syntax import Statement, SyntaxProblem, plain_statement, plain_words, split_line, split_lines

MAX_SOURCE_DEPTH = 20
_UNKNOWN_NAME = re.compile(r"unknown name '([^']*)'\Z")


class Context(tuple):
    """What a handler sees: the session, its current backend, and the word typed.
    (A tuple: made for every command, and a tuple is the cheapest object to make.)"""

    __slots__ = ()

    def __new__(cls, session: "Session", backend: object, word: str):
        return tuple.__new__(cls, (session, backend, word))

    session = property(itemgetter(0))
    backend = property(itemgetter(1))
    word = property(itemgetter(2))


_context = tuple.__new__


def _dumps(obj) -> str:
    import json  # the first --json line pays for it, not every start
    return json.dumps(obj, default=str)


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
        # set by the interactive shell: a caret under an error's column, a pager for long output
        # (called with the text; False if it did not page), the history of typed lines
        self.carets = False
        self.pager: Callable[[list[str]], bool] | None = None
        self.history_lines: Callable[[], list[str]] | None = None
        self.settings: dict | None = None  # the config file's, when the shell read it (cli)
        self.warnings: list[str] = []
        self.quit_requested = False
        self.interrupted = False  # Ctrl-C stopped the run (even with keep_going)
        self.interrupts = CommandInterrupts()
        self.failures = 0
        self._events: list[str] | None = None  # JSON mode: events of the running command
        self._progress = False  # a progress line is on stderr and must be cleared
        self._depth = 0
        self.backends: dict[str, object] = {}
        # Called with the session after every command, whether it succeeded or not (a page
        # that redraws the heap listens here); an observer must not run commands itself.
        self.observers: list[Callable[["Session"], None]] = []
        self._inline = type(self).show is Session.show  # a subclass that shows results its own way
        self._lane = type(self).execute is Session.execute  # (one that parses its own way sees every Statement)
        self.closers: list[Callable[[], None]] = []  # called once when the session closes (a page stops)
        self.host_collector = HostCollector()  # eased while the simulator runs lines (hostgc.py)
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
                self.backends[name] = LiveBackend(self.emit, warm_up=_load_the_commands)
            else:
                raise UserError(f"unknown backend {name!r}")
        if self.backends[name] is not self.sim:
            self.host_collector.restore()  # before the live backend looks at the host's gc
        if self.backend is not self.backends[name] and hasattr(self.backend, "suspend"):
            self.backend.suspend()
        self.backend = self.backends[name]
        if hasattr(self.backend, "resume"):
            self.backend.resume()

    def close(self) -> None:
        """Leave gcsh: every backend restores what it changed outside gcsh."""
        self.flush()
        self.host_collector.restore()
        while self.closers:
            self.closers.pop()()
        for b in self.backends.values():
            b.close()
        # the backends hold the session's `emit`: with them held here, gcsh would be a cycle once gone,
        # garbage in the heap of a program that embedded it
        self.backends.clear()
        self.backend = None
        self.observers.clear()

    # ------------------------------------------------------------ output

    def flush(self) -> None:
        self.stdout.flush()

    def emit(self, kind: str, text: str) -> None:
        """Output that happens during a command: CPython's debug lines go to stderr; "progress"
        is one line on stderr, overwritten by the next and cleared when the command ends, and
        only when stderr is a terminal."""
        if kind == "debug":
            self.stdout.flush()
            print(paint(text, "dim", self.color), file=self.stderr, flush=True)
        elif kind == "progress":
            if is_terminal(self.stderr):
                self.stdout.flush()
                self.stderr.write("\r\x1b[2K" + text[:200])
                self.stderr.flush()
                self._progress = True
        elif self._events is not None:
            self._events.append(text)
        else:
            print(text, file=self.stdout)

    def _clear_progress(self) -> None:
        if self._progress:
            self._progress = False
            self.stderr.write("\r\x1b[2K")
            self.stderr.flush()

    def error(self, source: str, line: int, message: str, column: int | None = None, command: str = "",
              text: str | None = None) -> None:
        """Report one failure: `SOURCE:LINE: error: MESSAGE`; in the shell, with the line and a
        caret under COLUMN (TEXT is the line), elsewhere with `(column N)`."""
        self.failures += 1
        self.stdout.flush()
        self._clear_progress()
        label = paint("error:", "error", self.color)
        caret = self.carets and column and text is not None and column <= len(text) + 1
        where = f" (column {column})" if column and not caret else ""
        print(f"{source}:{line}: {label} {message}{where}", file=self.stderr)
        if caret:
            shown = "".join(" " if ch == "\t" else ch for ch in text)
            print(f"  {shown}\n  {' ' * (column - 1)}{paint('^', 'error', self.color)}", file=self.stderr)
        self.stderr.flush()
        if self.json_mode:
            obj = {"command": command, "ok": False, "error": message, "line": line, "source": source,
                   "backend": self.backend.name}
            if column:
                obj["column"] = column
            print(_dumps(obj), file=self.stdout)

    # ------------------------------------------------------------ running

    def run_text(self, text: str, source: str = "<command line>") -> bool:
        """Run commands given as text; False if one failed (stops there unless keep_going)."""
        return self.run_lines(split_lines(text), source)

    def run_lines(self, lines, source: str) -> bool:
        """Run LINES (strings; a UserError stands for a line that could not be read)."""
        ok = True
        number = 0
        eased = self.backend is self.sim and self.host_collector.ease()
        try:
            for number, line in enumerate(lines, 1):
                if line.__class__ is str:
                    line_ok = self.run_line(line, source, number)
                else:
                    self.error(source, number, line.message)
                    line_ok = False
                if not line_ok:
                    ok = False
                    if not self.keep_going:
                        return False
                if self.quit_requested or self.interrupted:
                    break
        except MemoryError:  # while reading the next line
            self.error(source, number + 1, "out of memory while reading the input")
            return False
        finally:
            if eased:
                self.host_collector.restore()
            self.stdout.flush()
        return ok

    def run_line(self, line: str, source: str = "<stdin>", number: int = 1) -> bool:
        self.interrupted = False
        try:
            texts = plain_words(line) if self._lane else None
            if texts is not None:  # most script lines: one statement of plain words, run without a Statement
                return self._execute(None, source, line, texts, number) if texts else True
            statements = split_line(line, number)
        except SyntaxProblem as e:
            self.error(source, number, e.message, e.column, text=line)
            return False
        except MemoryError:
            self.error(source, number, "out of memory reading this line; nothing was run")
            return False
        ok = True
        for i in range(len(statements)):  # (by index: a list iterator would be one more object per line)
            statement = statements[i]
            if not self.execute(statement, source, line):
                ok = False
                if not self.keep_going:
                    return False
            if self.quit_requested or self.interrupted:
                break
        return ok

    def execute(self, statement: Statement, source: str, line: str | None = None) -> bool:
        """Run one statement; print its result or its error. True if it succeeded."""
        return self._execute(statement, source, line, statement.texts, statement.line)

    def _execute(self, statement: Statement | None, source: str, line: str | None, texts: list,
                 number: int) -> bool:
        """Run one statement; with STATEMENT None, the plain line LINE of words TEXTS (its Statement
        is made only if something goes wrong). One function rather than several: it runs for every
        command."""
        if self.echo:
            print(f"gcsh> {statement.text if statement is not None else line.strip()}", file=self.stdout)
        self._events = [] if self.json_mode else None
        backend = self.backend
        interrupts = self.interrupts
        undo = command = None
        started = printing = False
        try:
            bound = plain_invocation(texts) if statement is None else None
            if bound is not None:
                command, args = bound
                word = texts[0]
            else:  # (a plain line the quick binding leaves to the parser: it says what is wrong)
                statement = statement or plain_statement(texts, number, line)
                inv = parse_statement(statement)
                command, args, word = inv.command, inv.args, inv.word
            if backend.name not in command.backends:  # (a tuple of one or two)
                raise UserError(f"{command.name} is only available in the {'/'.join(command.backends)} "
                                f"backend (now: {backend.name})")
            undo = interrupts.enter(backend.checkpoint, command.name, len(texts))
            started = True
            try:  # undone if it fails or is interrupted
                backend.begin_command()
                result = command.call(_context(Context, (self, backend, word)), args)
                automatic = backend.end_command()
            except BaseException as e:
                interrupts.abandon(undo, type(e))
                raise
            interrupts.leave()
            printing = True  # the command is done: running out of memory now loses only its output
            events, self._events = self._events, None
            if events is None and not automatic and self.pager is None and self._inline:  # the common case
                if result.text:
                    self.stdout.write("\n".join(result.text) + "\n")
            else:
                self.show(command.name, result, automatic, events)
            if interrupts.pending and interrupts.take_pending():  # Ctrl-C during a command that
                self.interrupted = True  # runs to its end
                self.stdout.flush()
                print(f"{source}:{number}: interrupted (after {texts[0]} had finished)",
                      file=self.stderr, flush=True)
            return True
        except AlreadyReported:
            return False
        except UserError as e:
            statement = statement or plain_statement(texts, number, line)
            message, column = self._explained(e, statement, backend)
            self.error(source, number, message, column, texts[0], line)
            return False
        except KeyboardInterrupt:
            self.interrupted = True
            interrupts.take_pending()  # a second Ctrl-C while undoing is the same interruption
            done = "; the heap is as it was before this command" if undo is not None else ""
            self.error(source, number, "interrupted" + done, None, texts[0])
            return False
        except MemoryError:
            pass  # reported below, once the traceback has let go of all the command held
        finally:
            self._events = None
            if self._progress:
                self._clear_progress()
            for observe in self.observers:
                observe(self)
        if printing:
            self.error(source, number, f"out of memory printing what {command.name} found")
            return False
        return self._out_of_memory(source, number, texts[0], started, undo, command)

    def _out_of_memory(self, source: str, number: int, word: str, started: bool, undo, command) -> bool:
        """A MemoryError in a command: undone like a failing command (the guard did it), one line."""
        name = command.name if command is not None else word
        if not started:
            how = "; nothing was run"
        elif undo is not None:
            how = "; the heap is as it was"
        else:
            how = "; the heap may hold part of its work"
        self.error(source, number, f"out of memory in {name}{how}", None, word)
        return False

    def _explained(self, e: UserError, statement: Statement, backend) -> tuple[str, int | None]:
        """E's message and column, with the column of an unknown name and a name it may have meant."""
        message, column = e.message, e.column
        unknown = _UNKNOWN_NAME.match(message)
        if unknown:
            from .commands.argtypes import did_you_mean
            name = unknown.group(1)
            try:
                message += did_you_mean(name, backend.names())
            except Exception:  # a backend that cannot list its names gives no hint
                pass
            if column is None:
                column = next((w.column for w in statement.words[1:] if w.text == name and not w.quoted), None)
        return message, column

    def show(self, name: str, result: Result, automatic: list[dict], events: list[str] | None) -> None:
        if self.json_mode:
            obj = {"command": name, "ok": True, "backend": self.backend.name, "result": result.data}
            if events:
                obj["events"] = events
            if automatic:
                obj["automatic"] = automatic
            print(_dumps(obj), file=self.stdout)
        elif result.text:
            if self.pager is not None and self.pager(result.text):
                return
            self.stdout.write("\n".join(result.text) + "\n")

    def run_file(self, path: str, nested: bool = False) -> bool:
        """Run a command file. Nested (`source`): a failure is raised as the caller's error."""
        lines = read_command_file(path)
        if self._depth >= MAX_SOURCE_DEPTH:
            raise UserError(f"source nested more than {MAX_SOURCE_DEPTH} deep (does {path} source itself?)")
        self._depth += 1
        try:
            ok = self.run_lines(lines, path)
        finally:
            self._depth -= 1
        if nested and not ok:
            raise AlreadyReported(f"{path} stopped at an error")
        return ok


def read_command_file(path: str) -> list:
    """A command file's lines; a line that is not UTF-8 is a UserError in its place (that line
    fails, as on stdin). Unreadable files raise a UserError that says why."""
    return decode_lines(read_bytes(path, what="a command file"))  # a FIFO is refused, not read forever


def decode_lines(data: bytes) -> list:
    """DATA's lines (split at \\n and \\r\\n), each a str or a UserError for bytes that are not UTF-8."""
    try:
        return split_lines(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    raws = data.split(b"\n")
    if raws[-1] == b"":
        raws.pop()
    return [decode_line(raw[:-1] if raw.endswith(b"\r") else raw) for raw in raws]


def decode_line(raw: bytes):
    """One line's text, or a UserError naming the first byte that is not UTF-8."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        return UserError(f"not valid UTF-8 (byte 0x{raw[e.start]:02x} at column {e.start + 1})")


def _load_the_commands() -> None:
    """Every command module and the renderers they use, loaded before the live backend's clean
    start rather than during the user's first commands."""
    import importlib
    from .commands import registry
    registry.load_all()
    for module in ("table", "explain", "graph_text"):
        importlib.import_module(f"{__package__}.render.{module}")
