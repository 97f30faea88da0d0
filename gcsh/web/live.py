"""The live page of one session: it listens after every command and redraws.

`open_page(session, port)` starts a `Viewer`: the HTTP server (`server.py`) and a drawing thread.
After every command (`Session.observers`) the viewer reads, on the shell's own thread, what the
page shows: the toolbar's state and a copy of the heap (the simulator's as `save` writes it; the live
backend's as a `HeapView`). The drawing thread makes the picture of it with Graphviz, so the shell
does not wait for a picture; when commands come faster than pictures, only the latest is drawn. In
the live backend the shell does wait: a drawing under way would be objects, allocations and
collections of the very interpreter the user watches.
Commands run by a file or `source` are read at most as often as reading costs a fifth of the time
(the `source` command itself always is, when it ends); a command typed or given with -c always is.

The viewer stops with `view stop`, `quit`, when gcsh's process ends by any path (its threads are
daemons, and an exit hook closes the socket), and when the session is gone (a program that embeds
gcsh goes on after it: the session is freed by its next collection): nothing listens after gcsh.
"""

from __future__ import annotations

import threading
import time
import weakref
from dataclasses import dataclass, field, replace

from ..errors import UserError
from .server import HOST, PageServer, leave_signals_to_the_shell

DEFAULT_PORT = 8035  # a fixed port by default, so a page left open reconnects to the next gcsh
NESTED_SHARE = 0.2  # inside a file, reading the heap may take at most this share of the time
LIVE_WAIT = 5.0  # seconds the live backend waits after a command for its picture (see observe)
_VIEWERS: "weakref.WeakKeyDictionary[object, Viewer]" = weakref.WeakKeyDictionary()  # session -> its page


@dataclass
class Drawing:
    """What the page shows at one version: the toolbar's state and the picture (or why there is none)."""

    version: int  # the snapshot's: one per command read
    status: dict
    describe: str
    svg: str | None = None
    error: str | None = None
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0  # from the end of the command to the picture
    collection: dict | None = None  # the last collection the page can step through
    serial: int = 0  # one per drawing published (a picture, then perhaps its collection's page)

    def state(self) -> dict:
        return {"version": self.version, "serial": self.serial, "status": self.status, "describe": self.describe,
                "error": self.error, "notes": self.notes, "seconds": round(self.seconds, 4),
                "collection": self.collection}

    def event(self) -> dict:
        from ..shell.toolbar import toolbar_fragments
        return {**self.state(), "svg": self.svg, "toolbar": toolbar_fragments(self.status, columns=1000)}  # a page has room: in full


@dataclass
class _Snapshot:
    version: int
    status: dict
    describe: str
    view: object | None  # HeapView (the live backend's, read on the shell's thread)
    error: str | None
    taken: float  # perf_counter() when the command had ended
    collection: object | None = None  # a replay.Recorded to draw
    dump: dict | None = None  # the simulator's heap (replay.copy), for a view made on the drawing thread
    unreachable: set | None = None


class Viewer:
    def __init__(self, session, port: int):
        from .replay import Recorder

        self.server = PageServer(self, port)
        self.port = self.server.server_port
        self.url = f"http://{HOST}:{self.port}/"
        self.instead_of: int | None = None  # the default port, when it was taken
        self._session = weakref.ref(session)
        self._changed = threading.Condition()
        self._pending: _Snapshot | None = None
        self._stopping = False
        self._version = 1  # the first snapshot is due: the runner calls `observe` after `view` itself
        self._serial = 0
        self._read_cost = 0.0
        self._last_read = 0.0
        self.recorder = Recorder()
        self.current = Drawing(0, {}, "", error="nothing drawn yet")
        self._collection_html: str | None = None
        self._threads = [threading.Thread(target=self.server.serve, name="gcsh-view-server", daemon=True),
                         threading.Thread(target=self._draw_loop, name="gcsh-view-drawing", daemon=True)]
        for t in self._threads:
            t.start()
        session.observers.append(self.observe)  # (the runner calls it after `view`: the first picture)
        session.closers.append(self.stop)  # the session closes: so does its page, at once
        _VIEWERS[session] = self
        # when gcsh's process ends (atexit), or the session is gone (an embedding program goes on)
        self._finalizer = weakref.finalize(session, self.stop)

    # ------------------------------------------------------------ the shell's thread

    def observe(self, session) -> None:
        """After every command: read what the page shows (never raises into the shell)."""
        if self._stopping:
            return
        if session.quit_requested:
            self.stop()
            return
        now = time.perf_counter()
        if getattr(session, "_depth", 0) and now - self._last_read < self._read_cost / NESTED_SHARE:
            return  # inside a file: a later command, or the `source` that runs it, redraws
        try:
            snapshot = self._read(session, now)
        except Exception as e:  # a picture must never break the shell
            snapshot = _Snapshot(self._version + 1, {}, "", None, f"could not read the heap: {e}", now)
        self._last_read = time.perf_counter()
        self._read_cost = self._last_read - now
        with self._changed:
            self._version = snapshot.version
            self._pending = snapshot
            self._changed.notify_all()
        if session.backend.name == "live":  # the next command must find no drawing under way: its objects,
            self.latest_drawing(LIVE_WAIT)  # its allocations and its collections would be the user's to see

    def _read(self, session, ended: float) -> _Snapshot:
        from .replay import copy

        backend = session.backend
        status, describe = backend.status(), backend.describe()
        view = dump = unreachable = error = None
        try:
            if backend.name == "sim":  # a copy now, the HeapView later on the drawing thread
                dump, unreachable = copy(backend)
            elif hasattr(backend, "view"):
                view = backend.view()
            else:
                error = f"the {backend.name} backend cannot draw its heap"
        except UserError as e:
            error = e.message
        except Exception as e:  # noqa: BLE001 (the page says so; the shell goes on)
            error = f"could not read the heap: {e}"
        recorded = self.recorder.after_command(backend, dump)
        return _Snapshot(self._version + 1, status, describe, view, error, ended, recorded, dump, unreachable)

    # ------------------------------------------------------------ the drawing thread

    def _draw_loop(self) -> None:
        leave_signals_to_the_shell()
        while True:
            with self._changed:
                while self._pending is None and not self._stopping:
                    self._changed.wait()
                if self._stopping:
                    return
                snapshot, self._pending = self._pending, None
            self._publish(self._draw(snapshot))
            if snapshot.collection is not None:  # after the heap's picture: it is what the user waits for
                self._collection_html = self.recorder.page(snapshot.collection, self.server.nonce)
                self._publish(replace(self.current, collection=self.recorder.summary()))
            snapshot = None  # drawn: nothing of it stays alive (the live backend would count it)

    def _publish(self, drawing: "Drawing") -> None:
        with self._changed:
            self._serial += 1
            self.current = replace(drawing, serial=self._serial)
            self._changed.notify_all()

    def _draw(self, snapshot: _Snapshot) -> Drawing:
        from .picture import drawable, svg_text

        drawing = Drawing(snapshot.version, snapshot.status, snapshot.describe, error=snapshot.error,
                          collection=self.recorder.summary())
        if snapshot.view is not None or snapshot.dump is not None:
            try:
                view = snapshot.view
                if view is None:
                    from .replay import rebuilt
                    view = rebuilt(snapshot.dump, snapshot.unreachable).view()
                small = drawable(view)
                drawing.notes = list(small.notes)
                drawing.svg = svg_text(small)
            except UserError as e:
                drawing.error = e.message
            except Exception as e:  # noqa: BLE001 (the page says what went wrong; the shell goes on)
                drawing.error = f"could not draw the heap: {e}"
        drawing.seconds = time.perf_counter() - snapshot.taken
        return drawing

    # ------------------------------------------------------------ the server's threads

    def latest_drawing(self, timeout: float) -> Drawing | None:
        """The drawing of the latest snapshot (waiting up to TIMEOUT for it); None once stopping."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while self.current.version < self._version and not self._stopping:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._changed.wait(left)
            return None if self._stopping else self.current

    def next_drawing(self, after: int, timeout: float) -> Drawing | None:
        """A drawing published after serial AFTER, or the current one after TIMEOUT; None once stopping."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while self.current.serial <= after and not self._stopping:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._changed.wait(left)
            return None if self._stopping else self.current

    def collection_page(self) -> str | None:
        return self._collection_html

    def collection_note(self) -> str:
        return self.recorder.note

    # ------------------------------------------------------------ stopping

    def stop(self) -> None:
        """Close the page: the socket first, then the threads (idempotent)."""
        if threading.current_thread() in self._threads:  # a collection freed the session on our own thread
            threading.Thread(target=self.stop, name="gcsh-view-stop", daemon=True).start()
            return
        with self._changed:
            if self._stopping:
                return
            self._stopping = True
            self._changed.notify_all()
        self._finalizer.detach()
        session = self._session()
        if session is not None:
            if self.observe in session.observers:
                session.observers.remove(self.observe)
            if self.stop in session.closers:
                session.closers.remove(self.stop)
            if _VIEWERS.get(session) is self:
                del _VIEWERS[session]
        self.server.stop()  # nothing listens from here on
        for t in self._threads:
            if t is not threading.current_thread():
                t.join(timeout=2.0)


def viewer_of(session) -> Viewer | None:
    return _VIEWERS.get(session)


def open_page(session, port: int | None) -> tuple[Viewer, bool]:
    """The session's page, started on PORT (None: the default port, or a free one if it is taken);
    returns (viewer, whether it was already open)."""
    running = viewer_of(session)
    if running is not None:
        return running, True
    try:
        return Viewer(session, DEFAULT_PORT if port is None else port), False
    except OSError as e:
        if port is None:  # the default port is taken (another gcsh's page, say): any free one will do
            try:
                viewer = Viewer(session, 0)
                viewer.instead_of = DEFAULT_PORT
                return viewer, False
            except OSError as again:
                e = again
        raise UserError(f"cannot serve the page on {HOST}:{port if port is not None else 0}: "
                        f"{e.strerror or e}") from None
