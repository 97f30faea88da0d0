"""The prompt process: the live backend's prompt, in a process of its own.

    python -m gcsh.shell.frontend READ_FD WRITE_FD

Started by `gcsh.shell.loop.PromptProcess` with the shell's terminal as its standard streams
and two pipes to the shell. It waits for PROMPT, reads one line with gcsh's PromptSession (the
history, completion, highlighting and toolbar are all here) and sends it back. The heap's names
for completion are asked for when a key first needs them, once per prompt.

Ctrl-C outside the prompt belongs to the shell (it interrupts the running command): SIGINT is
ignored here. The process ends when the shell closes its end of the pipe, also in the middle of
a prompt (the shell died), and on Linux when the shell's process ends (PR_SET_PDEATHSIG).
"""

from __future__ import annotations

import ast
import os
import signal
import sys

from . import wire


class Names:
    """The shell's names, asked for at most once per prompt (names, then roots)."""

    def __init__(self, channel: wire.Channel):
        self.channel = channel
        self.cache: dict[str, list[str]] = {}

    def ask(self, kind: str) -> list[str]:
        if kind not in self.cache:
            self.channel.send(kind)
            if self.channel.receive() != kind:
                raise SystemExit(0)  # the shell has gone
            text = self.channel.text
            self.cache[kind] = text.split("\n") if text else []
        return self.cache[kind]


class ShellGone(Exception):
    """The shell closed its pipe while the prompt was up."""


def main(argv: list[str]) -> int:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _end_with_parent()
    channel = wire.Channel(int(argv[0]), int(argv[1]))
    if channel.receive() != wire.START:
        return 1
    options = ast.literal_eval(channel.text)
    from ..color import ColorDecision
    from .app import build_prompt
    from .history import make_history
    history, warning = make_history(os.environ, options["history_size"])
    for line in options["carried"]:  # typed before this process started, kept in no file
        history.append_string(line)
    if warning:
        print(f"gcsh: {warning}", file=sys.stderr, flush=True)
    names = Names(channel)
    prompt = build_prompt(lambda: names.ask(wire.NAMES), lambda: names.ask(wire.ROOTS),
                          ColorDecision(options["color"], options["depth"]), history, vi=options["vi"])
    while True:
        kind = channel.receive()
        if kind == wire.PROMPT:
            names.cache.clear()
            failed, describe, status = wire.read_prompt(channel.text)
            try:
                line = _line(prompt, channel, failed, describe, status)
            except ShellGone:
                return 0
            if line is None:
                channel.send(wire.END)
            else:
                channel.send(wire.LINE, line)
        elif kind == wire.HISTORY:
            channel.send(wire.HISTORY, "\x00".join(history.get_strings()))
        elif kind == wire.GONE:
            return 0


def _line(prompt, channel: wire.Channel, failed: bool, describe: str, status: dict) -> str | None:
    """One line (None for Ctrl-D); Ctrl-C drops the line being typed and asks again. While the
    prompt is up, the end of the shell's pipe ends it."""
    import asyncio
    from prompt_toolkit.application import get_app
    from .app import ask
    loops = []

    def watch() -> None:
        loop = asyncio.get_running_loop()
        loops.append(loop)
        loop.add_reader(channel.read_fd, lambda: channel.fill() or get_app().exit(exception=ShellGone()))

    while True:
        try:
            return ask(prompt, failed, describe, status, pre_run=watch)
        except KeyboardInterrupt:
            continue
        except EOFError:
            return None
        finally:
            for loop in loops:
                try:
                    loop.remove_reader(channel.read_fd)
                except Exception:  # the loop is closed already, and its reader with it
                    pass
            loops.clear()


def _end_with_parent() -> None:
    """On Linux, be sent SIGHUP when the shell's process ends, however it ends."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGHUP)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    signal.signal(signal.SIGHUP, _on_parent_death)


def _on_parent_death(signum, frame) -> None:
    raise SystemExit(0)  # through prompt_toolkit's own exits: the terminal is put back as it was


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
