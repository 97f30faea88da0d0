"""The interactive shell: a prompt_toolkit PromptSession around a runner Session.

The pieces are pure and live beside this module (completion, toolbar, style,
history); this module wires them into prompt_toolkit and runs the loop:
prompt, run the line, refresh the prompt and toolbar from the backend, again.
It is imported only when gcsh talks to a terminal.
"""

from __future__ import annotations

import os
import sys
from typing import Callable, Hashable, Iterable, Mapping, TextIO

from prompt_toolkit import PromptSession
from prompt_toolkit.application import get_app
from prompt_toolkit.auto_suggest import AutoSuggestFromHistory
from prompt_toolkit.completion import CompleteEvent, Completer, Completion
from prompt_toolkit.document import Document
from prompt_toolkit.filters import completion_is_selected
from prompt_toolkit.history import History
from prompt_toolkit.key_binding import KeyBindings
from prompt_toolkit.lexers import Lexer, PygmentsLexer
from prompt_toolkit.output import ColorDepth
from prompt_toolkit.patch_stdout import patch_stdout
from prompt_toolkit.styles import Style

from .. import __version__
from ..color import ColorDecision, decide, paint
from .history import make_history
from .style import rules
from .toolbar import prompt_fragments, toolbar_fragments


class GcshCompleter(Completer):
    """prompt_toolkit's view of `completion.complete`, with the backend's names read at each key."""

    def __init__(self, names: Callable[[], Iterable[str]], roots: Callable[[], Iterable[str]] | None = None):
        self.names = names
        self.roots = roots

    def get_completions(self, document: Document, complete_event: CompleteEvent) -> Iterable[Completion]:
        from .completion import complete  # at the first key, not before the first prompt
        roots = _Lazy(self.roots) if self.roots is not None else None
        for c in complete(document.text_before_cursor, self.names(), roots=roots):
            yield Completion(c.text, -c.replace, display=c.display, display_meta=c.meta)


class _Lazy:
    """An iterable that asks for its items only when iterated (root names cost a heap walk)."""

    def __init__(self, produce: Callable[[], Iterable[str]]):
        self.produce = produce

    def __iter__(self):
        return iter(self.produce())


class ShellLexer(Lexer):
    """gcsh's pygments lexer: lenient while the line is typed (the word being typed is not an
    error yet), strict once it is entered, so the line left on the screen marks an unknown
    last word too. Pygments is loaded at the first character, not before the first prompt."""

    def __init__(self) -> None:
        self._typing: Lexer | None = None
        self._entered: Lexer | None = None

    def _load(self) -> None:
        from ..lexer import GcshLexer

        class TypingLexer(GcshLexer):
            def __init__(self, **options):
                super().__init__(**{**options, "partial": True})

        self._typing, self._entered = PygmentsLexer(TypingLexer), PygmentsLexer(GcshLexer)

    def lex_document(self, document: Document):
        if not document.text:
            return lambda lineno: []
        if self._typing is None:
            self._load()
        return (self._entered if get_app().is_done else self._typing).lex_document(document)

    def invalidation_hash(self) -> Hashable:
        return get_app().is_done


class Route:
    """A stream that writes to `target`: the real stream while a command runs, and
    prompt_toolkit's proxy while the prompt is up, so that output arriving then (the
    live collector's callbacks and debug lines) is drawn above the line being typed."""

    def __init__(self, stream: TextIO):
        self.stream = stream
        self.target = stream

    def write(self, text: str) -> int:
        return self.target.write(text)

    def flush(self) -> None:
        self.target.flush()

    def isatty(self) -> bool:
        return self.stream.isatty()

    def __getattr__(self, name: str):  # encoding, fileno...
        return getattr(self.stream, name)


def _accept_completion_bindings() -> KeyBindings:
    """Enter on a selected completion takes it, rather than running a half-typed line."""
    bindings = KeyBindings()

    @bindings.add("enter", filter=completion_is_selected)
    def _(event) -> None:
        event.current_buffer.complete_state = None

    return bindings


def build_prompt(session, decision: ColorDecision, history: History, vi: bool = False) -> PromptSession:
    """The PromptSession for SESSION, on the current prompt_toolkit app session's terminal."""
    return PromptSession(
        history=history,
        vi_mode=vi,
        completer=GcshCompleter(lambda: session.backend.names(), lambda: session.backend.root_names()),
        complete_while_typing=True,
        auto_suggest=AutoSuggestFromHistory(),
        lexer=ShellLexer(),
        style=Style.from_dict(rules(decision.enabled)),
        include_default_pygments_style=False,
        color_depth=ColorDepth(decision.depth_name),
        key_bindings=_accept_completion_bindings(),
        search_ignore_case=True,
        enable_suspend=True,
    )


def run_shell(session, color: str = "auto", env: Mapping[str, str] | None = None,
              settings: dict | None = None, warnings: Iterable[str] = ()) -> None:
    """Read and run lines until `quit` or Ctrl-D. Ctrl-C drops the line being typed, or
    interrupts the running command (the runner reports it) and comes back to the prompt.
    SETTINGS are the config file's (`shell.config`); WARNINGS are shown first."""
    from .config import DEFAULTS
    env = os.environ if env is None else env
    settings = {**DEFAULTS, **(settings or {})}
    decision = decide(color, session.stdout, env)
    history, warning = make_history(env, settings["history_size"])
    prompt = build_prompt(session, decision, history, vi=settings["editing_mode"] == "vi")
    out, err = Route(session.stdout), Route(session.stderr)
    session.stdout, session.stderr = out, err
    session.carets = True
    session.pager = Pager(out, settings["pager"], env)
    session.history_lines = lambda: list(history.get_strings())
    print(paint(f"gcsh {__version__} ({session.backend.describe()}): 'help' lists the commands, "
                f"Tab completes, Ctrl-D leaves.", "dim", decision.enabled), file=out, flush=True)
    for line in (*warnings, *([warning] if warning else [])):
        print(f"gcsh: {line}", file=err, flush=True)
    number, failed = 0, False
    try:
        while not session.quit_requested:
            try:
                with patch_stdout(raw=True):
                    out.target = err.target = sys.stdout
                    status = session.backend.status()
                    try:
                        line = prompt.prompt(prompt_fragments(session.backend.describe(), failed),
                                             bottom_toolbar=lambda: toolbar_fragments(status, _columns()))
                    finally:
                        out.target, err.target = out.stream, err.stream
            except KeyboardInterrupt:  # Ctrl-C at the prompt: forget the line
                continue
            except EOFError:  # Ctrl-D on an empty line
                break
            number += 1
            failures = session.failures
            try:
                session.run_line(line, "<stdin>", number)
            except KeyboardInterrupt:  # between commands: the runner catches it inside one
                session.error("<stdin>", number, "interrupted")
            failed = session.failures > failures
            session.flush()
    finally:
        session.stdout, session.stderr = out.stream, err.stream
        session.carets, session.pager, session.history_lines = False, None, None


def _columns() -> int:
    try:
        return get_app().output.get_size().columns
    except Exception:  # no running application (a test calling the toolbar directly)
        return 80


class Pager:
    """Output longer than the screen goes through a pager (`pager` in the config file, else
    $PAGER, else `less -SRXF`), as pgcli does; without one, or off a terminal, it is printed."""

    def __init__(self, out: Route, command: str | None, env: Mapping[str, str]):
        self.out = out
        self.command = command if command is not None else env.get("PAGER") or "less -SRXF"

    def __call__(self, lines: list[str]) -> bool:
        import shutil
        rows = shutil.get_terminal_size((80, 24)).lines
        if not self.command or len(lines) < rows - 1 or not self.out.isatty():
            return False
        import shlex
        import subprocess
        self.out.flush()
        try:
            self.out.stream.fileno()
            target = self.out.stream
        except (AttributeError, OSError, ValueError):  # not a file: the pager writes to gcsh's own stdout
            target = None
        try:
            pager = subprocess.Popen(shlex.split(self.command), stdin=subprocess.PIPE, stdout=target,
                                     encoding="utf-8", errors="replace")
        except (OSError, ValueError):  # no such program: print instead
            return False
        try:
            pager.communicate("\n".join(lines) + "\n")
        except (BrokenPipeError, KeyboardInterrupt):  # the reader quit early, or Ctrl-C
            pager.kill()
            pager.wait()
        return True
