"""`gcsh.embed()`: the shell inside a running program, on its live heap.

The caller's local variables (at module level: its globals) become the shell's
names, so `referrers cache`, `types`, `growth` and `graph cache` look at the
program's own objects. The names are a copy: binding a name in the shell does not
change the program's variables, and the copy holds one more reference to each
object (shown in refcounts) until the shell closes. On the way out, by any path
(`quit`, end of input, an exception, SIGTERM), gc is put back as it was found.
"""

from __future__ import annotations

import os
import sys

from .cli import EXIT_FAILED, EXIT_OK, is_tty, stdin_lines
from .interrupts import EXIT_INTERRUPTED, EXIT_TERMINATED, Terminated, Termination


def embed(namespace: dict, *, commands: str | None = None, stdin=None, stdout=None, stderr=None,
          json: bool = False, made_by_gcsh=()) -> int:
    """Run gcsh's live backend over NAMESPACE: COMMANDS if given, else the interactive shell
    on a terminal, else the commands read from STDIN. Returns an exit status as gcsh's.
    MADE_BY_GCSH: objects that exist only because gcsh looked (counted as gcsh's own)."""
    from .backends.live import LiveBackend
    from .runner import Session

    stdin = stdin or sys.stdin
    session = Session(stdout or sys.stdout, stderr or sys.stderr, json_mode=json, keep_going=True)
    session.backends["live"] = backend = LiveBackend(session.emit, namespace)
    backend.own_extra.update(map(id, made_by_gcsh))
    del made_by_gcsh
    termination = Termination()
    status = EXIT_OK
    with termination.exits():
        try:
            session.switch_backend("live")
            if commands is not None:
                ok = session.run_text(commands, "<embed>")
            elif is_tty(stdin) and is_tty(session.stdout):
                from .shell.loop import run_shell
                run_shell(session, env=os.environ)
                ok = True
            else:
                ok = session.run_lines(stdin_lines(stdin), "<stdin>")
            status = EXIT_OK if ok else EXIT_FAILED
        except KeyboardInterrupt:
            status = EXIT_INTERRUPTED
        except Terminated:
            status = EXIT_TERMINATED
        finally:
            termination.closing = True  # first: a late SIGTERM is only remembered now
            termination.close(session)  # every backend restores what it changed
    return EXIT_TERMINATED if termination.received else status
