"""A real terminal for gcsh: tmux runs a command, we type, and read the screen (the tmux tests
and benchmarks/perturbation.py)."""

import os
import re
import shlex
import subprocess
import time


class Tmux:
    """One gcsh in its own tmux server (its own socket: nothing else's tmux is touched)."""

    def __init__(self, tmp_path, command, columns=100, config="", env=None):
        self.socket = f"gcsh-test-{os.getpid()}-{id(self)}"
        env = {"GCSH_HISTFILE": str(tmp_path / "history"), "NO_COLOR": "",
               "TERM": "xterm-256color", "GCSH_CONFIG": config, "PAGER": "", **(env or {})}
        shell = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
        shell = f"cd {shlex.quote(str(tmp_path))} && env {shell} {command}; echo EXITED $?; sleep 30"
        self.tmux("new-session", "-d", "-x", str(columns), "-y", "30", shell)

    def tmux(self, *args):
        return subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True, timeout=20)

    def keys(self, *keys):
        self.tmux("send-keys", *keys)

    def screen(self, colours=False, scrollback=False):
        """What the terminal shows (with SCROLLBACK, all that scrolled off above too)."""
        return self.tmux("capture-pane", "-p", *(["-e"] if colours else []),
                         *(["-S", "-"] if scrollback else [])).stdout

    def wait(self, pattern, timeout=20.0):
        """Wait until PATTERN (a regex) is on the screen; return the match."""
        deadline = time.monotonic() + timeout
        while True:
            found = re.search(pattern, self.screen(), re.M)
            if found or time.monotonic() > deadline:
                assert found, f"{pattern!r} never appeared on:\n{self.screen()}"
                return found
            time.sleep(0.05)

    def close(self):
        self.tmux("kill-server")
