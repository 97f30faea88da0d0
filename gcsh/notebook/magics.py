"""`%gcsh LINE` and `%%gcsh` cells: gcsh's command language in IPython and Jupyter.

One gcsh session per IPython shell: the simulator's heap lives across the cells of a notebook.
Each command's result is shown as it comes: a heap picture as SVG (`graph`, and the picture a
`graph -o FILE.svg` wrote), `heap`, `stats`, `types` and `growth` as HTML tables, a step-through
page (`collect --html FILE`) inside the notebook, anything else as the text the shell prints.
A mistake is one line on stderr, `In[N]:LINE: error: MESSAGE`, and the heap is left as it was.

With `--backend live` gcsh looks at the notebook's own objects: its names are the notebook's
variables (the same dict, so `alloc x` in gcsh is `x` in Python, and refcounts are exact). gc is
set as gcsh needs it only while a `%gcsh` runs; the notebook's own code runs with gc as it was.
"""

from __future__ import annotations

import sys

from IPython.core.magic import Magics, line_cell_magic, magics_class, no_var_expand

from ..commands.parser import parse_statement
from ..errors import UserError
from ..runner import Session
from ..values import BACKENDS

USAGE = ("usage: %gcsh [--backend sim|live] [--model VERSION] [--echo] [--keep-going] COMMANDS, or a %%gcsh "
         "cell (the options on its first line)")


class _Stream:
    """Writes to whatever sys.stdout (or sys.stderr) is when it writes: the cell that runs now."""

    def __init__(self, name: str):
        self.name = name

    def write(self, text: str) -> int:
        return getattr(sys, self.name).write(text)

    def flush(self) -> None:
        getattr(sys, self.name).flush()

    def isatty(self) -> bool:
        return False


class NotebookSession(Session):
    """A session whose results are shown as rich outputs (see `show`)."""

    def __init__(self, shell, **options):
        super().__init__(_Stream("stdout"), _Stream("stderr"), keep_going=False, **options)
        self.shell = shell
        self._invocation = None
        self.pictures = 0

    def switch_backend(self, name: str) -> None:
        if name == "live" and "live" not in self.backends:  # the notebook's own variables are the names
            from ..backends.live import LiveBackend
            self.backends["live"] = LiveBackend(self.emit, self.shell.user_ns)
        super().switch_backend(name)

    def execute(self, statement, source: str, line: str | None = None) -> bool:
        if self._depth == 0:  # what was asked for, so that `show` can draw it (a `source`d file's commands print)
            try:
                self._invocation = parse_statement(statement)
            except UserError:
                self._invocation = None
        return super().execute(statement, source, line)

    def show(self, name: str, result, automatic, events) -> None:
        shown = None
        if not self.json_mode and self._depth == 0 and self._invocation is not None:
            from .render import rich_result
            shown = rich_result(self, name, result, self._invocation.args)
        if shown is None:
            super().show(name, result, automatic, events)
            return
        from IPython.display import display
        for output in shown:
            if isinstance(output, str):
                print(output, file=self.stdout)
            else:
                self.stdout.flush()
                display(output)


@magics_class
class GcshMagics(Magics):
    def __init__(self, shell):
        super().__init__(shell)
        self.session: NotebookSession | None = None

    @no_var_expand  # the command language is taken as written ({…} and $ are not Python here)
    @line_cell_magic
    def gcsh(self, line: str, cell: str | None = None) -> None:
        """Run gcsh commands: `%gcsh alloc a; link a a`, or a `%%gcsh` cell of them."""
        try:
            options, rest = split_options(line)
        except UserError as e:
            print(f"%gcsh: error: {e.message}", file=sys.stderr)
            return
        text = rest if cell is None else (rest + "\n" if rest else "") + cell
        session = self._session(options.get("model"))
        source = f"In[{self.shell.execution_count}]"
        try:
            if "backend" in options and options["backend"] != session.backend.name:
                session.switch_backend(options["backend"])
            if "model" in options and session.sim.model.version != options["model"]:
                session.sim.set_model(options["model"])
        except UserError as e:
            session.error(source, 1, e.message)
            return
        session.echo = "echo" in options
        session.keep_going = "keep-going" in options
        backend = session.backend
        if hasattr(backend, "resume"):
            backend.resume()
        try:
            if text.strip():
                session.run_text(text, source)
            elif not options:
                print(f"gcsh ({session.backend.describe()}): {USAGE}; 'help' lists the commands")
        finally:
            session.quit_requested = False  # `quit` ends nothing in a notebook: the session goes on
            if hasattr(session.backend, "suspend"):  # the notebook's code runs with gc as it set it
                session.backend.suspend()

    def _session(self, model: str | None) -> NotebookSession:
        if self.session is None:
            self.session = NotebookSession(self.shell, model=model)
        return self.session

    def close(self) -> None:
        if self.session is not None:
            from ..web.live import viewer_of
            viewer = viewer_of(self.session)
            if viewer is not None:
                viewer.stop()
            self.session.close()
            self.session = None


def split_options(line: str) -> tuple[dict, str]:
    """The magic's own options at the start of LINE, and the commands after them."""
    from ..backends.sim.models import MODELS

    options: dict = {}
    words = line.split()
    i = 0
    while i < len(words) and words[i].startswith("--"):
        word = words[i]
        if word in ("--backend", "--model"):
            if i + 1 >= len(words):
                raise UserError(f"{word} needs a value; {USAGE}")
            value, choices = words[i + 1], BACKENDS if word == "--backend" else MODELS
            if value not in choices:
                raise UserError(f"{word}: unknown value {value!r} (one of: {', '.join(choices)})")
            options[word[2:]] = value
            i += 2
        elif word in ("--echo", "--keep-going"):
            options[word[2:]] = True
            i += 1
        else:
            raise UserError(f"unknown option {word}; {USAGE}")
    rest = line.strip()
    for word in words[:i]:
        rest = rest[rest.index(word) + len(word):].lstrip()
    return options, rest
