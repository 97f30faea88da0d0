"""Ctrl-C and SIGTERM never leave half a command behind.

While a command runs, SIGINT raises KeyboardInterrupt at once only when the
backend gave the runner a way to undo the command; the command is then undone
(with further Ctrl-C held off) before the error is reported. A command that
cannot be undone is never cut in half: Ctrl-C is remembered, the command runs
to its end, and the run stops after it. Between commands Ctrl-C interrupts
at once, as usual: the heap is consistent there.

SIGTERM makes gcsh exit with status 143 through the normal path, so that
every backend restores what it changed (`Session.close`); a SIGTERM or a
Ctrl-C while it closes is remembered or ignored rather than cutting the
restoring short.

The SIGINT handler is installed once for a whole run (`CommandInterrupts.handling`,
around gcsh's main loop), not once per command: between commands it does what
Python's default handler does. A command run outside it (a test, an embedding
program) installs it for that command only. Handlers are installed only in the
main thread, and only over Python's default handlers: an embedding program's own
handlers are left alone.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import Callable, Iterator

try:  # the C module: `signal` wraps handlers in enums (which costs more than a small command), and
    import _signal as signal  # importing it leaves garbage in a program the live backend watches
except ImportError:  # other interpreters
    import signal

EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report it
EXIT_TERMINATED = 128 + signal.SIGTERM


class Terminated(SystemExit):
    """SIGTERM arrived: leave through the normal exit path."""

    def __init__(self) -> None:
        super().__init__(EXIT_TERMINATED)


def _main_thread() -> bool:
    threading = sys.modules.get("threading")  # not imported: no thread but the main one was started
    return threading is None or threading.current_thread() is threading.main_thread()


class CommandInterrupts:
    """SIGINT around the commands of one session."""

    def __init__(self) -> None:
        self.pending = False  # Ctrl-C arrived during a command that cannot be undone
        self._undoable: list[bool] = []  # one entry per running (possibly nested) command
        self._installed = False  # the handler is in place for the whole run
        self._previous: list = []  # per running command: the handler to put back, or None

    @contextmanager
    def handling(self) -> Iterator["CommandInterrupts"]:
        """Install the SIGINT handler for everything inside (once, rather than per command)."""
        was = self._installed  # (nested: the outer one's handler stays, and so does the flag)
        previous = self._install()
        self._installed = was or previous is not None
        try:
            yield self
        finally:
            self._installed = was
            if previous is not None:
                signal.signal(signal.SIGINT, previous)

    def _on_sigint(self, signum, frame) -> None:
        if self._undoable and self._undoable[-1]:
            self._undoable[-1] = False  # a second Ctrl-C while the command is undone waits
            raise KeyboardInterrupt
        if self._undoable:
            self.pending = True
            return
        raise KeyboardInterrupt

    def command(self, checkpoint: Callable[..., Callable[[], None] | None], *args) -> "_Command":
        """Context for one command. CHECKPOINT(*ARGS) is called first (with Ctrl-C held off) and
        returns the command's undo, or None; if the command fails or is interrupted it is undone."""
        return _Command(self, checkpoint, args)

    def enter(self, checkpoint: Callable[..., Callable[[], None] | None], *args) -> Callable[[], None] | None:
        """A command starts: CHECKPOINT(*ARGS) is taken with Ctrl-C held off; returns the undo (or
        None). Then exactly one of `leave()` (it succeeded) or `abandon()` (it raised) follows.
        (Inside `handling` the handler is in place already: nothing but the stack to keep.)"""
        if not self._installed:
            self._previous.append(self._install())
        stack = self._undoable
        stack.append(False)  # Ctrl-C while the checkpoint is taken waits for it
        try:
            undo = checkpoint(*args)
            if undo is not None:
                stack[-1] = True
            if self.pending:  # Ctrl-C while the checkpoint was taken, or between the commands of
                self.pending = False  # a `source`d file: the command does not start
                raise KeyboardInterrupt
        except BaseException as e:
            self.abandon(None, type(e))
            raise
        return undo

    def leave(self) -> None:
        self._undoable.pop()
        if not self._installed:
            previous = self._previous.pop()
            if previous is not None:
                signal.signal(signal.SIGINT, previous)

    def abandon(self, undo: Callable[[], None] | None, kind: type) -> None:
        """The command raised KIND: undo it (with a second Ctrl-C held off), then leave."""
        try:
            self._undoable[-1] = False  # a second Ctrl-C while undoing waits
            if undo is not None and issubclass(kind, (KeyboardInterrupt, Exception)):
                undo()
        finally:
            self.leave()

    def take_pending(self) -> bool:
        """Did Ctrl-C arrive during the command that just finished? (Clears it.)"""
        pending, self.pending = self.pending, False
        return pending

    def _install(self):
        """Install the handler; returns the handler to put back, or None if nothing was installed."""
        if self._installed or not _main_thread():
            return None
        current = signal.getsignal(signal.SIGINT)
        if current is not signal.default_int_handler:
            return None  # ours already (a nested command), or an embedding program's own
        signal.signal(signal.SIGINT, self._on_sigint)
        return current


class _Command:
    """One running command as a context manager (`CommandInterrupts.command`)."""

    __slots__ = ("guard", "checkpoint", "args", "undo")

    def __init__(self, guard: CommandInterrupts, checkpoint: Callable[..., Callable[[], None] | None], args=()):
        self.guard, self.checkpoint, self.args, self.undo = guard, checkpoint, args, None

    @property
    def undoable(self) -> bool:
        return self.undo is not None

    def __enter__(self) -> "_Command":
        self.undo = self.guard.enter(self.checkpoint, *self.args)
        return self

    def __exit__(self, kind, error, traceback) -> bool:
        if kind is None:
            self.guard.leave()
        else:
            self.guard.abandon(self.undo, kind)
        return False


class Termination:
    """SIGTERM for the whole of a gcsh run: `exits()` around the run; when the run ends, set
    `closing` (an attribute store: Python runs no signal handler before it) and call `close`."""

    def __init__(self) -> None:
        self.received = False
        self.closing = False
        self.interrupted = False  # Ctrl-C arrived while gcsh was closing

    def _on_sigterm(self, signum, frame) -> None:
        self.received = True
        if not self.closing:  # each time: CPython swallows one raised inside a gc callback or __del__
            raise Terminated

    @contextmanager
    def exits(self) -> Iterator["Termination"]:
        previous = None
        if _main_thread() and signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:
            previous = signal.signal(signal.SIGTERM, self._on_sigterm)
        try:
            yield self
        finally:
            if previous is not None:
                signal.signal(signal.SIGTERM, previous)

    def close(self, session) -> None:
        """Close the session with Ctrl-C ignored: restoring what gcsh changed is never cut short.
        A Ctrl-C that lands before it is ignored (whichever handler is in place, gcsh's own
        included) is remembered in `interrupted`, and the closing starts again."""
        self.closing = True
        while True:
            try:
                self._close(session)
                return
            except KeyboardInterrupt:
                self.interrupted = True

    def _close(self, session) -> None:
        held = None
        if _main_thread() and callable(signal.getsignal(signal.SIGINT)):
            held = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            session.close()
        finally:
            if held is not None:
                signal.signal(signal.SIGINT, held)
