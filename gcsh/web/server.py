"""The live page's HTTP server: the standard library's, on 127.0.0.1 only.

    GET /              the page (it listens on /events and redraws)
    GET /events        server-sent events: one `heap` event per new drawing, the latest first
    GET /heap.svg      the current picture (waits for the drawing of the latest command)
    GET /state.json    the toolbar's state and the drawing's version
    GET /collection.html   the step-through page of the last collection, once there is one

Requests must name this server in their Host header (127.0.0.1 or localhost, with the port), so a
page elsewhere cannot read the heap through a DNS name it points here. The page's script runs
under a nonce: markup inside a picture cannot run code.
"""

from __future__ import annotations

import json
import secrets
import signal
import socketserver
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HOST = "127.0.0.1"
MAX_STREAMS = 32  # event streams open at once; more are refused (each holds a thread)
KEEPALIVE = 15.0  # seconds between comments on an idle event stream (a closed tab is noticed)
WAIT_FOR_DRAWING = 15.0  # seconds /heap.svg waits for the drawing of the latest command


_SIGNALS = ("SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT", "SIGWINCH", "SIGALRM", "SIGUSR1", "SIGUSR2")


def leave_signals_to_the_shell() -> None:
    """Called first in each of the page's threads: a signal sent to gcsh (Ctrl-C, SIGTERM) is taken by
    the shell's thread, never by one of these. (A signal that lands on another thread leaves the
    shell's thread asleep in its read of the next command: Python runs handlers on the main thread
    only.) The threads these start, and the programs they run (Graphviz), inherit the mask."""
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_BLOCK, {getattr(signal, n) for n in _SIGNALS if hasattr(signal, n)})


class PageServer(ThreadingHTTPServer):
    """One thread accepts, one thread per connection answers. Everything they hold while they wait is
    reachable from the server (`answering`), so the live backend counts it as gcsh's own."""

    daemon_threads = True  # a stream never keeps gcsh alive
    block_on_close = False

    def __init__(self, viewer, port: int):
        self.viewer = viewer
        self.nonce = secrets.token_urlsafe(16)
        self.streams = 0
        self.streams_lock = threading.Lock()
        self.answering: set = set()  # the handlers at work
        self.stopping = False
        super().__init__((HOST, port), Handler)

    def serve(self) -> None:
        """Accept until `stop`: blocked in accept() the thread holds no object (serve_forever's poll
        loop would keep a fresh list of ready keys alive all the time)."""
        leave_signals_to_the_shell()
        while not self.stopping:
            try:
                request, address = self.socket.accept()
            except OSError:
                continue  # a connection that failed before it was accepted, or the socket closing
            if self.stopping:  # the poke from `stop`: let it close first (no TIME_WAIT left on the port)
                request.settimeout(1.0)
                try:
                    request.recv(1)
                except OSError:
                    pass
                request.close()
                break
            self.process_request(request, address)

    def stop(self) -> None:
        """End `serve` (a last connection of our own wakes its accept()), then close the socket."""
        import socket

        self.stopping = True
        try:
            socket.create_connection(self.server_address, timeout=2).close()
        except OSError:
            pass
        self.server_close()

    def server_bind(self) -> None:
        # TCPServer's (SO_REUSEADDR, so a port just closed can be served again), without HTTPServer's
        # look-up of the host's name (getfqdn), which can wait on DNS
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = HOST, self.server_address[1]

    def handle_error(self, request, client_address) -> None:
        pass  # a tab closed mid-answer is not gcsh's error; nothing is printed into the shell


class Handler(BaseHTTPRequestHandler):
    server: PageServer
    protocol_version = "HTTP/1.1"
    server_version = "gcsh-view"
    sys_version = ""

    def log_message(self, format, *args) -> None:  # the shell's screen is not a server log
        pass

    def setup(self) -> None:
        super().setup()
        self.server.answering.add(self)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.answering.discard(self)

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        if not self._host_is_ours():
            return self._send(HTTPStatus.FORBIDDEN, "text/plain", b"this page answers only to its own address\n")
        path = self.path.split("?", 1)[0]
        viewer = self.server.viewer
        if path == "/":
            from .livepage import live_page
            return self._send(HTTPStatus.OK, "text/html", live_page(self.server.nonce).encode("utf-8"))
        if path == "/heap.svg":
            drawing = viewer.latest_drawing(WAIT_FOR_DRAWING) or viewer.current
            if drawing.svg is None:
                return self._send(HTTPStatus.SERVICE_UNAVAILABLE, "text/plain",
                                  f"{drawing.error or 'nothing drawn yet'}\n".encode("utf-8"))
            return self._send(HTTPStatus.OK, "image/svg+xml", drawing.svg.encode("utf-8"))
        if path == "/state.json":
            drawing = viewer.latest_drawing(WAIT_FOR_DRAWING) or viewer.current
            return self._send(HTTPStatus.OK, "application/json", json.dumps(drawing.state()).encode("utf-8"))
        if path == "/collection.html":
            page = viewer.collection_page()
            if page is None:
                return self._send(HTTPStatus.NOT_FOUND, "text/plain",
                                  f"{viewer.collection_note()}\n".encode("utf-8"))
            return self._send(HTTPStatus.OK, "text/html", page.encode("utf-8"))
        if path == "/events":
            return self._stream()
        return self._send(HTTPStatus.NOT_FOUND, "text/plain", b"not found\n")

    def do_POST(self) -> None:
        self._send(HTTPStatus.METHOD_NOT_ALLOWED, "text/plain", b"the page only shows the heap\n")

    do_PUT = do_DELETE = do_PATCH = do_POST

    def _host_is_ours(self) -> bool:
        port = self.server.server_port
        return self.headers.get("Host", "") in (f"{HOST}:{port}", f"localhost:{port}")

    def _send(self, status: HTTPStatus, kind: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", f"{kind}; charset=utf-8" if kind.startswith("text/") else kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        if kind == "text/html":
            self.send_header("Content-Security-Policy", f"default-src 'none'; script-src 'nonce-{self.server.nonce}'; "
                             "style-src 'unsafe-inline'; img-src 'self' data:; connect-src 'self'")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _stream(self) -> None:
        server = self.server
        with server.streams_lock:
            if server.streams >= MAX_STREAMS:
                return self._send(HTTPStatus.SERVICE_UNAVAILABLE, "text/plain", b"too many pages open\n")
            server.streams += 1
        try:
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.close_connection = True
            sent = -1
            drawing = server.viewer.latest_drawing(WAIT_FOR_DRAWING)  # first, the heap as it is now
            while True:
                if drawing is None:  # the page is closing
                    return
                if drawing.serial == sent:
                    self.wfile.write(b": still here\n\n")
                else:
                    data = json.dumps(drawing.event(), separators=(",", ":"))
                    self.wfile.write(f"id: {drawing.serial}\nevent: heap\ndata: {data}\n\n".encode("utf-8"))
                    sent = drawing.serial
                self.wfile.flush()
                drawing = server.viewer.next_drawing(sent, KEEPALIVE)
        except OSError:  # the tab went away
            return
        finally:
            with server.streams_lock:
                server.streams -= 1
