"""gcsh run as a person runs it beside a page: a process reading commands from a pipe (--json, so that
each command answers with exactly one line), and HTTP requests to the page it serves."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path


class Gcsh:
    def __init__(self, tmp_path: Path, *args: str, cwd: Path | None = None):
        self.stderr_path = tmp_path / f"stderr-{id(self)}.txt"
        self._stderr = open(self.stderr_path, "w")
        self.process = subprocess.Popen([sys.executable, "-m", "gcsh", "--json", "--keep-going", *args],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr,
                                        text=True, cwd=cwd or tmp_path,
                                        env={**os.environ, "NO_COLOR": "1", "PYTHONFAULTHANDLER": "1"})

    def run(self, command: str, timeout: float = 60.0) -> dict:
        """Run one command (no ';'): its JSON answer."""
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        assert line, f"gcsh stopped; stderr: {self.stderr()}"
        return json.loads(line)

    def open_page(self, port: int = 0) -> str:
        answer = self.run(f"view --port {port}")
        assert answer["ok"], answer
        return answer["result"]["url"]

    def stderr(self) -> str:
        self._stderr.flush()
        return self.stderr_path.read_text()

    def end(self, how: str = "eof", timeout: float = 20.0) -> int:
        """Leave gcsh: eof, quit, sigint or sigterm; its exit status."""
        if how == "quit":
            self.process.stdin.write("quit\n")
            self.process.stdin.flush()
        elif how in ("sigint", "sigterm"):
            self.process.send_signal(signal.SIGINT if how == "sigint" else signal.SIGTERM)
        if how != "sigterm" and how != "sigint":
            self.process.stdin.close()
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:  # say where it hangs: faulthandler prints every thread's stack
            self.process.send_signal(signal.SIGABRT)
            self.process.wait(timeout=10)
            raise AssertionError(f"gcsh did not exit after {how}:\n{self.stderr()}") from None
        finally:
            self.close()

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            try:
                stream.close()
            except OSError:
                pass
        self._stderr.close()


def get(url: str, timeout: float = 20.0, headers: dict | None = None) -> tuple[int, str, str]:
    """(status, content type, body) of a GET."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return answer.status, answer.headers.get("Content-Type", ""), answer.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type", ""), e.read().decode("utf-8")


def get_until(url: str, contains: str, timeout: float = 10.0) -> tuple[int, str, str]:
    """GET until the body contains CONTAINS (a command's output comes just before its page is
    redrawn: the runner calls the page's observer after printing), or the last answer at TIMEOUT."""
    deadline = time.monotonic() + timeout
    while True:
        answer = get(url)
        if contains in answer[2] or time.monotonic() > deadline:
            return answer
        time.sleep(0.02)


def port_of(url: str) -> int:
    return int(url.rstrip("/").rsplit(":", 1)[1])


def listening(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as s:
        s.settimeout(2)
        return s.connect_ex((host, port)) == 0


def wait_closed(port: int, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while listening(port):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True
