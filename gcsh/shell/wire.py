"""The pipe protocol between the shell and its prompt process (`gcsh.shell.frontend`).

A frame is one kind byte, the payload's length (4 bytes, big-endian) and the payload (UTF-8).
The two sides take turns: the shell sends PROMPT and waits; the prompt process may ask for
NAMES or ROOTS (the shell answers with the same kind) and ends its turn with LINE or END; while
a command runs the shell may ask for HISTORY. Nothing else is ever in flight, so neither side
blocks the other.

The shell's side is the observed process of the live backend, so reading and writing here make
no objects that the collector tracks: `os.read` and `os.write` on raw descriptors, bytes, str
and int only (none of them is a gc container), one bytearray per channel that is filled and
emptied in place, the kind of a frame a one-character str (CPython keeps those), the payload
left in an attribute rather than returned in a tuple.
"""

from __future__ import annotations

import os

START = "S"  # shell -> prompt: the settings, once (a Python literal: see frontend.start_options)
PROMPT = "P"  # shell -> prompt: show the prompt; FAILED (0/1), the prompt's text, \x1f, the status
NAMES = "N"  # either way: the object names, one a line (asked with an empty payload)
ROOTS = "R"  # either way: the names bound as roots, one a line
HISTORY = "H"  # either way: the lines typed, oldest first, separated by \x00
LINE = "L"  # prompt -> shell: the line typed
END = "E"  # prompt -> shell: Ctrl-D on an empty line
GONE = ""  # what `receive` returns when the other side has closed its end

HEADER = 5
CHUNK = 1 << 16


class Channel:
    """One side's end of the two pipes: frames out on WRITE_FD, frames in from READ_FD."""

    __slots__ = ("read_fd", "write_fd", "text", "_buffer")

    def __init__(self, read_fd: int, write_fd: int):
        self.read_fd = read_fd
        self.write_fd = write_fd
        self.text = ""  # the payload of the frame `receive` returned
        self._buffer = bytearray()  # bytes read and not yet taken

    def send(self, kind: str, text: str = "") -> None:
        data = text.encode("utf-8", "surrogateescape")
        data = kind.encode("ascii") + len(data).to_bytes(4, "big") + data
        while data:
            data = data[os.write(self.write_fd, data):]

    def receive(self) -> str:
        """The next frame's kind (its payload in `text`), waiting for it; GONE at end of file."""
        buffer = self._buffer
        while len(buffer) < HEADER:
            if not self.fill():
                return GONE
        end = HEADER + int.from_bytes(buffer[1:HEADER], "big")
        while len(buffer) < end:
            if not self.fill():
                return GONE
        kind = chr(buffer[0])
        self.text = buffer[HEADER:end].decode("utf-8", "surrogateescape")
        del buffer[:end]
        return kind

    def fill(self) -> bool:
        """Read what has arrived (waiting for something); False at end of file."""
        chunk = os.read(self.read_fd, CHUNK)
        if not chunk:
            return False
        self._buffer += chunk
        return True

    def close(self) -> None:
        for fd in (self.write_fd, self.read_fd):
            try:
                os.close(fd)
            except OSError:  # closed already
                pass


def prompt_payload(failed: bool, describe: str, status: dict) -> str:
    """PROMPT's payload. The status is written as a Python literal (`repr` of a dict of str, int,
    bool, None and lists of int makes strings only); the prompt process reads it back."""
    return f"{'1' if failed else '0'}{describe}\x1f{status!r}"


def read_prompt(payload: str) -> tuple[bool, str, dict]:
    """(failed, describe, status) from PROMPT's payload (the prompt process's side)."""
    import ast
    head, _, status = payload.partition("\x1f")
    return head[:1] == "1", head[1:], ast.literal_eval(status)
