"""The prompt: a prompt_toolkit PromptSession with gcsh's completion, highlighting and toolbar.

The pieces are pure and live beside this module (completion, toolbar, style, history); this
module wires them into prompt_toolkit. `LocalPrompt` runs it in gcsh's own process (the
simulator's shell); `gcsh.shell.frontend` runs it in a process of its own for the live backend.
The loop around it is `gcsh.shell.loop`. Imported only when gcsh talks to a terminal.
"""

from __future__ import annotations

import sys
from typing import Callable, Hashable, Iterable, Mapping, TextIO

from prompt_toolkit import PromptSession
from prompt_toolkit.application import get_app
from prompt_toolkit.auto_suggest import AutoSuggestFromHistory
from prompt_toolkit.completion import CompleteEvent, Completer, Completion
from prompt_toolkit.document import Document
from prompt_toolkit.filters import completion_is_selected
from prompt_toolkit.history import History, InMemoryHistory
from prompt_toolkit.key_binding import KeyBindings
from prompt_toolkit.lexers import Lexer, PygmentsLexer
from prompt_toolkit.output import ColorDepth
from prompt_toolkit.patch_stdout import patch_stdout
from prompt_toolkit.styles import Style

from ..color import ColorDecision
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


def build_prompt(names: Callable[[], Iterable[str]], roots: Callable[[], Iterable[str]] | None,
                 decision: ColorDecision, history: History, vi: bool = False) -> PromptSession:
    """The PromptSession on the current prompt_toolkit app session's terminal; NAMES and ROOTS
    give the heap's names for completion when a key needs them."""
    return PromptSession(
        history=history,
        vi_mode=vi,
        completer=GcshCompleter(names, roots),
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


def ask(prompt: PromptSession, failed: bool, describe: str, status: dict, **options) -> str:
    """One line from PROMPT, with gcsh's prompt and toolbar (KeyboardInterrupt and EOFError as
    prompt_toolkit raises them)."""
    return prompt.prompt(prompt_fragments(describe, failed),
                         bottom_toolbar=lambda: toolbar_fragments(status, _columns()), **options)


class LocalPrompt:
    """The prompt in this process (the simulator's shell): output that arrives while it is up
    (the collector's callbacks and debug lines) is drawn above the line being typed."""

    split = False

    def __init__(self, session, decision: ColorDecision, settings: Mapping, env: Mapping[str, str]):
        self.session = session
        self.history, self.warning = make_history(env, settings["history_size"])
        backend = lambda: session.backend  # noqa: E731  (the current one, at each key)
        self.prompt = build_prompt(lambda: backend().names(), lambda: backend().root_names(), decision,
                                   self.history, vi=settings["editing_mode"] == "vi")
        self.out, self.err = Route(session.stdout), Route(session.stderr)
        session.stdout, session.stderr = self.out, self.err

    def read(self, failed: bool, describe: str, status: dict) -> str | None:
        """The next line; None after Ctrl-D. Ctrl-C drops the line being typed and asks again."""
        while True:
            try:
                with patch_stdout(raw=True):
                    self.out.target = self.err.target = sys.stdout
                    try:
                        return ask(self.prompt, failed, describe, status)
                    finally:
                        self.out.target, self.err.target = self.out.stream, self.err.stream
            except KeyboardInterrupt:
                continue
            except EOFError:
                return None

    def lines(self) -> list[str]:
        """What was typed, oldest first (with earlier sessions' lines from the history file)."""
        return list(self.history.get_strings())

    def in_memory(self) -> list[str]:
        """The lines a history that no file keeps holds (for a prompt process to carry on); [] for a file."""
        return self.lines() if isinstance(self.history, InMemoryHistory) else []

    def close(self) -> None:
        """Give the session its own streams back."""
        if self.session.stdout is self.out:
            self.session.stdout, self.session.stderr = self.out.stream, self.err.stream


def _columns() -> int:
    try:
        return get_app().output.get_size().columns
    except Exception:  # no running application (a test calling the toolbar directly)
        return 80
