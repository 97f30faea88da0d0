"""`py STATEMENT`: one line of Python in the live namespace, whose names are the user's roots.

An expression shows its value's repr, as Python's REPL does, but the value is not
kept in `_`: that would be a reference the user did not make. What the statement
prints is shown; what it writes to stderr goes with the collector's lines. A
statement that raises is reported in one line, and the names it had bound are
taken back; names it had already deleted or rebound cannot be (gcsh keeps no
reference that could bring them back), and the message says which.
"""

from __future__ import annotations

import io
import threading
from contextlib import contextmanager, redirect_stdout
from typing import Iterator

from ...errors import UserError
from ...interrupts import signal  # (its C core: see there)

REPR_LIMIT = 2000


class PythonError(UserError):
    """The statement raised; `printed` is what it had printed before."""

    def __init__(self, message: str, printed: list[str]):
        super().__init__(message)
        self.printed = printed


@contextmanager
def default_sigint() -> Iterator[None]:
    """Ctrl-C interrupts the user's statement at once (gcsh's runner would wait for its end)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


STATEMENT_NAMES: set[str] = set()  # names `py` statements used: attribute names pictures may label


def compile_statement(source: str):
    """(code, is_expression); a SyntaxError becomes one line."""
    try:
        code, is_expression = compile(source, "<py>", "eval"), True
    except SyntaxError:
        try:
            code, is_expression = compile(source, "<py>", "exec"), False
        except SyntaxError as e:
            where = f" (column {e.offset})" if e.offset else ""
            raise UserError(f"SyntaxError: {e.msg}{where}") from None
    _remember_names(code)
    return code, is_expression


def _remember_names(code) -> None:
    stack = [code]
    while stack:
        c = stack.pop()
        STATEMENT_NAMES.update(c.co_names)
        stack.extend(k for k in c.co_consts if type(k) is type(code))


def execute(ns: dict, source: str) -> tuple[list[str], str | None]:
    """Run SOURCE in NS; returns (printed lines, repr of an expression's value or None)."""
    code, is_expression = compile_statement(source)
    before = {name: id(value) for name, value in ns.items()}
    out = io.StringIO()
    try:
        with redirect_stdout(out), default_sigint():
            if is_expression:
                value = eval(code, ns)
                shown = None if value is None else _bounded(repr(value))
                del value
            else:
                exec(code, ns)
                shown = None
    except KeyboardInterrupt as e:  # Ctrl-C: the runner reports `interrupted` and the run stops (130)
        e.__traceback__ = None  # its frames would keep the statement's objects alive
        del e
        _take_back(ns, before)
        raise KeyboardInterrupt from None
    except Exception as e:
        message = one_line(e)
        e.__traceback__ = None
        del e
        raise PythonError(message + _take_back(ns, before), out.getvalue().splitlines()) from None
    return out.getvalue().splitlines(), shown


def one_line(e: BaseException) -> str:
    text = str(e).strip().splitlines()
    return f"{type(e).__name__}: {text[0]}" if text else type(e).__name__


def _bounded(text: str) -> str:
    return text if len(text) <= REPR_LIMIT else text[:REPR_LIMIT] + "…"


def _take_back(ns: dict, before: dict[str, int]) -> str:
    """Unbind the names the failed statement added; say which names it had changed."""
    for name in [n for n in ns if n not in before]:
        del ns[name]
    changed = sorted(n for n, i in before.items() if n not in ns or id(ns[n]) != i)
    return f" (before failing it had already rebound or deleted: {', '.join(changed)})" if changed else ""


def collection_change(before: bool, after: bool) -> str:
    """Python's semantics are kept (a failing statement's gc.disable() stays); the error says so."""
    if before == after:
        return ""
    return "; automatic collection is now " + ("on" if after else "off") + " (the statement had turned it so)"
