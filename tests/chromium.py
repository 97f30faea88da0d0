"""Debian's headless chromium, driven by playwright-core (tests/browser/drive.mjs), for the page tests.

`Chromium()` starts one browser with one page; each method sends one request and returns the answer.
The tests that use it are marked `browser` and skip when chromium, node or playwright-core is missing
(.ci/run installs all three).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent / "browser"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if not Path(CHROMIUM).exists():
        return f"needs chromium at {CHROMIUM} (apt-get install chromium)"
    if shutil.which("node") is None:
        return "needs node"
    if not (HERE / "node_modules" / "playwright-core").is_dir():
        return "needs playwright-core (npm ci --prefix tests/browser)"
    return None


needs_browser = [pytest.mark.browser, pytest.mark.skipif(missing() is not None, reason=missing() or "")]


class Chromium:
    def __init__(self):
        self.process = subprocess.Popen(["node", str(HERE / "drive.mjs")], cwd=HERE, stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, text=True, env={**os.environ, "CHROMIUM": CHROMIUM})
        assert self._read().get("ready"), "the browser did not start"

    def _read(self) -> dict:
        line = self.process.stdout.readline()
        assert line, "the browser driver stopped"
        return json.loads(line)

    def send(self, op: str, **args) -> dict:
        self.process.stdin.write(json.dumps({"op": op, **args}) + "\n")
        self.process.stdin.flush()
        answer = self._read()
        assert answer.pop("ok"), f"{op} {args}: {answer.get('error')}"
        return answer

    def goto(self, url: str, offline: bool = False) -> dict:
        return self.send("goto", url=url, offline=offline)

    def text(self, selector: str) -> str:
        return self.send("text", selector=selector)["text"]

    def wait_text(self, selector: str, contains: str, timeout: float = 10.0) -> float:
        """Wait until SELECTOR's text contains CONTAINS; the seconds it took."""
        return self.send("wait_text", selector=selector, contains=contains, timeout=int(timeout * 1000))["ms"] / 1000

    def press(self, key: str) -> None:
        self.send("press", key=key)

    def screenshot(self, path, full: bool = False) -> Path:
        self.send("screenshot", path=str(path), full=full)
        return Path(path)

    def close(self) -> None:
        if self.process.poll() is None:
            try:
                self.send("close")
            except (AssertionError, OSError, ValueError):
                pass
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture
def chromium():
    browser = Chromium()
    yield browser
    browser.close()
