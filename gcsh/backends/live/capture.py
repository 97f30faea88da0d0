"""The live backend's output while it works: the collector's stderr lines and events, in order.

CPython writes its debug lines (`gc: collecting generation 0...`) to
`sys.stderr`, the Python object (spec §4.2), so while the backend works
`sys.stderr` is an `io.StringIO`: writing to it runs no Python code and makes
no container, so capturing changes nothing the collector does. Events that
happen meanwhile (a `__del__` ran, a gc callback was called) are queued with
the buffer's length at that moment; `flush` then hands lines and events to
`emit` in the order they happened.
"""

from __future__ import annotations

import io
import re
import sys
from contextlib import contextmanager
from typing import Callable, Iterator

DEBUG_OBJECT = re.compile(r"gc: (?:collectable|uncollectable) <[^ >]+ (0x[0-9a-fA-F]+)>$")


class Output:
    def __init__(self, emit: Callable[[str, str], None]):
        self.emit = emit
        self.depth = 0
        self.buffer: io.StringIO | None = None
        self.saved = None
        self.saved_hook = None
        self.events: list[tuple[int, str]] = []  # (buffer length when it happened, text)
        self.name_of: Callable[[int], str | None] = lambda address: None  # annotates debug lines

    @contextmanager
    def capturing(self) -> Iterator[None]:
        """Capture sys.stderr (nested uses share one capture)."""
        if self.depth == 0:
            self.buffer = io.StringIO()
            self.saved, sys.stderr = sys.stderr, self.buffer
            self.saved_hook, sys.unraisablehook = sys.unraisablehook, self.unraisable
        self.depth += 1
        try:
            yield
        finally:
            self.depth -= 1
            if self.depth == 0:
                sys.stderr = self.saved
                sys.unraisablehook, self.saved_hook = self.saved_hook, None
                self.saved = None
                self.flush()

    def unraisable(self, args) -> None:
        """A `__del__` or gc callback raised: one line, where CPython prints "Exception ignored in"
        and a traceback. (ARGS holds the traceback's frames: nothing of it is kept.)"""
        self.event(unraisable_line(args.object, args.exc_type, args.exc_value))

    def event(self, text: str) -> None:
        """Something happened; while capturing it waits for its place among the debug lines."""
        if self.buffer is None:
            self.emit("event", text)
        else:
            self.events.append((self.buffer.tell(), text))

    def flush(self) -> None:
        buffer, self.buffer = self.buffer, None
        events, self.events = self.events, []
        text = buffer.getvalue() if buffer is not None else ""
        position = 0
        pending = iter(events)
        upcoming = next(pending, None)
        for line in text.splitlines(keepends=True):
            while upcoming is not None and upcoming[0] <= position:
                self.emit("event", upcoming[1])
                upcoming = next(pending, None)
            position += len(line)
            self.emit("debug", self.annotate(line.rstrip("\n")))
        while upcoming is not None:
            self.emit("event", upcoming[1])
            upcoming = next(pending, None)

    def annotate(self, line: str) -> str:
        """`gc: collectable <list 0x7f…>  # a`, as the simulator writes it, for the user's objects."""
        match = DEBUG_OBJECT.match(line)
        name = self.name_of(int(match.group(1), 16)) if match else None
        return f"{line}  # {name}" if name else line


def unraisable_line(where, kind: type, value) -> str:
    """`F.__del__ raised ZeroDivisionError: division by zero (ignored, as CPython does)`."""
    name = getattr(where, "__qualname__", None) or (repr(where) if where is not None else "a finalizer")
    text = str(value).strip().splitlines() if value is not None else []
    raised = f"{kind.__name__}: {text[0]}" if text else kind.__name__
    return f"{name} raised {raised} (ignored, as CPython does)"
