"""The interactive shell's loop: ask for a line, run it, again.

Where the prompt runs depends on the heap being looked at. For the simulator it runs in gcsh's
own process (`app.LocalPrompt`). Once the live backend is in use, this process is the observed
one, and prompt_toolkit's redraws, completion and toolbar would leave their garbage in it; so the
prompt moves to a process of its own (`PromptProcess`, running `gcsh.shell.frontend`), as Jupyter
splits its front end from its kernel. This process keeps the command runner and writes command
output to the terminal; the prompt process owns the line editor, the history, completion and
the toolbar, and the two talk over two pipes (`gcsh.shell.wire`). It stays in use for the rest
of the session (in `backend sim` too: the live heap is still here, and a prompt in this process
would add to it). This module imports no prompt_toolkit: with `--backend live` none is loaded
in the observed process at all.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Iterable, Mapping

from .. import __version__
from ..color import ColorDecision, decide, paint
from ..render.fold import fold
from . import wire


def run_shell(session, color: str = "auto", env: Mapping[str, str] | None = None,
              settings: dict | None = None, warnings: Iterable[str] = (), split: bool | None = None) -> None:
    """Read and run lines until `quit` or Ctrl-D. Ctrl-C drops the line being typed, or
    interrupts the running command (the runner reports it) and comes back to the prompt.
    SETTINGS are the config file's (`shell.config`); WARNINGS are shown first. SPLIT: whether the
    live backend's prompt runs in a process of its own (default: where the terminal allows it)."""
    from .config import DEFAULTS
    env = os.environ if env is None else env
    settings = {**DEFAULTS, **(settings or {})}
    decision = decide(color, session.stdout, env)
    split = can_split() if split is None else split
    front = None  # LocalPrompt or PromptProcess
    kept = []  # a LocalPrompt given up for a prompt process: its objects stay (dropped, they are garbage)
    session.carets = True
    session.pager = Pager(session.stdout, settings["pager"], env)
    session.history_lines = lambda: front.lines()
    print(paint(f"gcsh {__version__} ({session.backend.describe()}): 'help' lists the commands, "
                f"Tab completes, Ctrl-D leaves.", "dim", decision.enabled), file=session.stdout, flush=True)
    for line in warnings:
        print(f"gcsh: {line}", file=session.stderr, flush=True)
    number, failed = 0, False
    try:
        while not session.quit_requested:
            try:
                front = _front(front, session, decision, settings, env, split, kept)
                line = _read(front, session, failed)
            except PromptGone as e:
                print(f"gcsh: {e}; the prompt goes on in this process", file=session.stderr, flush=True)
                if front is not None:
                    front.close()
                front, split = _local(session, decision, settings, env), False
                continue
            except KeyboardInterrupt:  # a Ctrl-C just as a command ended, before the prompt was asked for
                continue
            if line is None:  # Ctrl-D on an empty line
                break
            number += 1
            failures = session.failures
            try:
                session.run_line(line, "<stdin>", number)
            except KeyboardInterrupt:  # between commands: the runner catches it inside one
                session.error("<stdin>", number, "interrupted")
            failed = session.failures > failures
            session.flush()
    finally:
        if front is not None:
            front.close()
        session.carets, session.pager, session.history_lines = False, None, None


def _read(front, session, failed: bool) -> str | None:
    """The next line from FRONT. While a prompt process has the terminal, a SIGINT that reaches
    this process (one sent from outside, or a Ctrl-C a moment before the terminal went raw) is
    held and dropped: the conversation over the pipes is never cut in the middle."""
    if not front.split:
        return front.read(failed, session.backend.describe(), session.backend.status())
    guard = session.interrupts
    guard.enter(_nothing_to_undo)
    try:
        return front.read(failed, session.backend.describe(), session.backend.status())
    finally:
        guard.leave()
        guard.take_pending()


def _nothing_to_undo() -> None:
    return None


def _front(front, session, decision: ColorDecision, settings: Mapping, env: Mapping[str, str], split: bool,
           kept: list):
    """The prompt for the next line: the one in use, or a prompt process once the live backend is."""
    wanted = split and "live" in session.backends
    if front is not None and (front.split or not wanted):
        return front
    if not wanted:
        return _local(session, decision, settings, env)
    carried = front.in_memory() if front is not None else []
    if front is not None:
        front.close()
        kept.append(front)
    return PromptProcess(session, decision, settings, env, carried)


def _local(session, decision, settings, env):
    from .app import LocalPrompt
    front = LocalPrompt(session, decision, settings, env)
    if front.warning:
        print(f"gcsh: {front.warning}", file=session.stderr, flush=True)
    return front


def can_split() -> bool:
    """Can the prompt run in a process of its own? (It needs this process's terminal on stdin.)"""
    try:
        return os.name == "posix" and hasattr(os, "posix_spawn") and os.isatty(0) and sys.stdin.fileno() == 0
    except (AttributeError, OSError, ValueError):  # no stdin, or a replaced one
        return False


class PromptGone(Exception):
    """The prompt process ended on its own (it crashed, or was killed)."""


class PromptProcess:
    """The prompt in a process of its own (`python -m gcsh.shell.frontend`), spawned with
    os.posix_spawn (subprocess's first import leaves garbage in this heap). Its standard streams
    are this process's: it reads the keys and draws the prompt and toolbar while this process
    waits, and this process writes the output while it waits. It ends when its pipe from this
    process closes, so it never outlives it."""

    split = True

    def __init__(self, session, decision: ColorDecision, settings: Mapping, env: Mapping[str, str],
                 carried: list[str] = ()):
        self.session = session
        self.terminal = _terminal_mode()  # put back if the prompt process dies with the terminal raw
        to_prompt, from_shell = os.pipe()
        to_shell, from_prompt = os.pipe()
        os.set_inheritable(to_prompt, True)
        os.set_inheritable(from_prompt, True)
        argv = [sys.executable, "-m", "gcsh.shell.frontend", str(to_prompt), str(from_prompt)]
        self.channel = wire.Channel(to_shell, from_shell)
        try:
            self.pid = os.posix_spawn(sys.executable, argv, _child_env(env))
        except OSError as e:
            self.channel.close()
            raise PromptGone(f"the prompt process could not start ({e.strerror})") from None
        finally:
            os.close(to_prompt)
            os.close(from_prompt)
        self._send(wire.START, repr({
            "color": decision.enabled, "depth": decision.depth, "vi": settings["editing_mode"] == "vi",
            "history_size": settings["history_size"], "carried": list(carried)}))

    def read(self, failed: bool, describe: str, status: dict) -> str | None:
        """The next line typed; None after Ctrl-D. Answers the prompt's questions meanwhile."""
        self._send(wire.PROMPT, wire.prompt_payload(failed, describe, status))
        while True:
            kind = self._receive()
            if kind == wire.LINE:
                return self.channel.text
            if kind == wire.NAMES:
                self._send(wire.NAMES, "\n".join(self.session.backend.names()))
            elif kind == wire.ROOTS:
                self._send(wire.ROOTS, "\n".join(self.session.backend.root_names()))
            elif kind == wire.END:
                return None
            else:
                raise PromptGone("the prompt process has ended")

    def lines(self) -> list[str]:
        """What was typed, oldest first (the prompt process keeps the history)."""
        try:
            self._send(wire.HISTORY)
            if self._receive() != wire.HISTORY:
                raise PromptGone("the prompt process has ended")
        except PromptGone as e:  # (the next prompt says so, and goes on without it)
            from ..errors import UserError
            raise UserError(f"history: {e}") from None
        text = self.channel.text
        return text.split("\x00") if text else []

    def in_memory(self) -> list[str]:
        return []  # never asked: the prompt process stays in use

    def _send(self, kind: str, text: str = "") -> None:
        try:
            self.channel.send(kind, text)
        except OSError:  # its end is closed
            raise PromptGone("the prompt process has ended") from None

    def _receive(self) -> str:
        while True:
            try:
                return self.channel.receive()
            except KeyboardInterrupt:  # a SIGINT from outside while the prompt is up: it stays up
                continue
            except OSError:
                return wire.GONE

    def close(self) -> None:
        """Close the pipes (the prompt process then ends) and wait for it, a second at most."""
        self.channel.close()
        deadline = time.monotonic() + 1.0
        while True:
            try:
                pid, _ = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:  # waited for already
                return
            if pid or time.monotonic() > deadline:
                break
            time.sleep(0.01)
        if not pid:
            os.kill(self.pid, 9)
            os.waitpid(self.pid, 0)
        _set_terminal_mode(self.terminal)


def _terminal_mode() -> list | None:
    try:
        import termios
    except ImportError:
        return None
    try:
        return termios.tcgetattr(0)
    except (termios.error, OSError):
        return None


def _set_terminal_mode(mode: list | None) -> None:
    if mode is not None:
        import termios
        try:
            termios.tcsetattr(0, termios.TCSADRAIN, mode)
        except (termios.error, OSError):
            pass


def _child_env(env: Mapping[str, str]) -> dict:
    """ENV, with this gcsh first on the prompt process's import path."""
    here = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    path = env.get("PYTHONPATH")
    return {**env, "PYTHONPATH": here + (os.pathsep + path if path else "")}


# gcsh folds its lines to the screen's width itself; less wraps what is wider still (a line with
# colours), as the terminal does (pgcli's `-S` would cut it at the screen's edge)
DEFAULT_PAGER = "less -RXF"


class Pager:
    """The shell's output, folded at word boundaries to the terminal's width (render/fold.py).
    Output longer than the screen goes through a pager (`pager` in the config file, else
    $PAGER, else DEFAULT_PAGER), as pgcli does; without one, or off a terminal, it is printed.
    It is started with os.posix_spawnp where there is one, so that paging leaves nothing in a
    live heap (subprocess's first import does)."""

    def __init__(self, out, command: str | None, env: Mapping[str, str]):
        self.out = out
        self.command = command if command is not None else env.get("PAGER") or DEFAULT_PAGER

    def __call__(self, lines: list[str]) -> bool:
        """Show LINES on the terminal, folded to its width, through the pager when they are longer
        than the screen. False when OUT is not a terminal: the caller prints them as they are."""
        if not _isatty(self.out):
            return False
        import shutil
        size = shutil.get_terminal_size((80, 24))
        lines = fold(lines, size.columns)
        if not (self.command and len(lines) >= size.lines - 1 and self._page(lines)):
            self.out.write("\n".join(lines) + "\n")
        return True

    def _page(self, lines: list[str]) -> bool:
        import shlex
        self.out.flush()
        try:
            target = self.out.fileno()
        except (AttributeError, OSError, ValueError):  # not a file: the pager writes to gcsh's own stdout
            target = 1
        text = ("\n".join(lines) + "\n").encode("utf-8", "replace")
        try:
            argv = shlex.split(self.command)
        except ValueError:
            return False
        return bool(argv) and page(argv, text, target)


def _isatty(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def page(argv: list[str], text: bytes, out_fd: int) -> bool:
    """Run the pager ARGV with TEXT on its stdin and OUT_FD as its stdout, until it ends; False if
    there is no such program."""
    if not hasattr(os, "posix_spawnp"):
        return _page_with_subprocess(argv, text, out_fd)
    read_end, write_end = os.pipe()
    actions = [(os.POSIX_SPAWN_DUP2, read_end, 0)]
    if out_fd != 1:
        actions.append((os.POSIX_SPAWN_DUP2, out_fd, 1))
    try:
        pid = os.posix_spawnp(argv[0], argv, os.environ, file_actions=actions)
    except OSError:  # no such program: print instead
        os.close(read_end)
        os.close(write_end)
        return False
    os.close(read_end)
    try:
        while text:
            text = text[os.write(write_end, text):]
    except (BrokenPipeError, KeyboardInterrupt):  # the reader quit early, or Ctrl-C
        _kill(pid)
    finally:
        os.close(write_end)
        _wait(pid)
    return True


def _kill(pid: int) -> None:
    try:
        os.kill(pid, 9)
    except ProcessLookupError:
        pass


def _wait(pid: int) -> None:
    while True:
        try:
            os.waitpid(pid, 0)
            return
        except KeyboardInterrupt:  # Ctrl-C while the pager is up: it goes
            _kill(pid)
        except ChildProcessError:
            return


def _page_with_subprocess(argv: list[str], text: bytes, out_fd: int) -> bool:
    import subprocess
    try:
        pager = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=out_fd)
    except (OSError, ValueError):
        return False
    try:
        pager.communicate(text)
    except (BrokenPipeError, KeyboardInterrupt):
        pager.kill()
        pager.wait()
    return True
