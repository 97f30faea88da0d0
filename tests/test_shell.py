"""The interactive shell: colour decision, prompt and toolbar, history, and a PromptSession
driven through a pipe (prompt_toolkit's create_pipe_input + DummyOutput)."""

import io
import subprocess
import sys
import threading
import time

import pytest
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from gcsh.color import decide, paint
from gcsh.shell.app import run_shell
from gcsh.shell.history import MAX_ENTRIES, BoundedFileHistory, history_path, make_history
from gcsh.shell.toolbar import debug_text, prompt_fragments, toolbar_fragments


class Terminal(io.StringIO):
    def isatty(self):
        return True


# ---------------------------------------------------------------- colour: one decision


@pytest.mark.parametrize("choice, tty, env, enabled", [
    ("auto", True, {}, True),
    ("auto", False, {}, False),  # a pipe or a file
    ("auto", True, {"NO_COLOR": "1"}, False),
    ("auto", True, {"NO_COLOR": ""}, True),  # empty means unset (no-color.org)
    ("auto", True, {"TERM": "dumb"}, False),
    ("auto", False, {"FORCE_COLOR": "1"}, True),
    ("auto", True, {"NO_COLOR": "1", "FORCE_COLOR": "1"}, False),
    ("always", False, {"NO_COLOR": "1"}, True),  # the command line wins
    ("never", True, {}, False),
])
def test_colour_decision(choice, tty, env, enabled):
    stream = Terminal() if tty else io.StringIO()
    assert decide(choice, stream, env).enabled is enabled


def test_colour_depth_follows_the_terminal():
    assert decide("never", Terminal(), {}).depth_name == "DEPTH_1_BIT"
    assert decide("always", None, {"COLORTERM": "truecolor"}).depth == 24
    assert decide("always", None, {"TERM": "xterm-256color"}).depth == 8
    assert decide("always", None, {"TERM": "linux"}).depth == 4


def test_paint_is_plain_text_without_colour():
    assert paint("error:", "error", False) == "error:"
    assert paint("error:", "error", True) == "\x1b[1;31merror:\x1b[0m"


def test_help_and_errors_are_coloured_only_when_asked(gcsh):
    plain = gcsh("-c", "help collect; bogus")
    assert "\x1b[" not in plain.out + plain.err
    coloured = gcsh("--color", "always", "-c", "help collect; bogus")
    assert "\x1b[36mcollect\x1b[0m" in coloured.out
    assert "\x1b[1;31merror:\x1b[0m unknown command" in coloured.err
    assert "\x1b[" not in gcsh("--color", "always", "--json", "-c", "help collect").out


# ---------------------------------------------------------------- prompt and toolbar


def text_of(fragments):
    return "".join(text for _, text in fragments)


def test_prompt_shows_the_backend_and_marks_a_failure():
    assert text_of(prompt_fragments("sim 3.11")) == "gcsh sim 3.11> "
    assert prompt_fragments("sim 3.11", failed=True)[-1][0] == "class:prompt.arrow.error"


def test_toolbar_from_status(session):
    s = session()
    s.run_text("flags DEBUG_LEAK; alloc a; alloc b; disable")
    text = text_of(toolbar_fragments(s.backend.status()))
    assert text == " sim 3.11 │ gc off │ gen0 2/700  gen1 0/10  gen2 0/10 │ debug LEAK │ frozen 0 │ 2 objects "
    s.run_text("flags DEBUG_STATS; freeze; del a")
    text = text_of(toolbar_fragments(s.backend.status()))
    assert "debug STATS │ frozen 1 │ 1 object " in text  # a frozen object is still freed by refcounting


def test_toolbar_tolerates_a_backend_without_a_model():
    text = text_of(toolbar_fragments({"backend": "live", "enabled": True, "count": [1, 2, 3],
                                      "threshold": [700, 10, 10], "debug": 3, "frozen": 5, "objects": 1}))
    assert text == " live │ gc on │ gen0 1/700  gen1 2/10  gen2 3/10 │ debug STATS|COLLECTABLE │ frozen 5 │ 1 object "
    assert debug_text(0) == "off"


# ---------------------------------------------------------------- history


def test_history_file_location(tmp_path):
    assert history_path({"GCSH_HISTFILE": str(tmp_path / "h")}) == str(tmp_path / "h")
    assert history_path({"GCSH_HISTFILE": ""}) is None
    assert history_path({}).endswith("history") and "gcsh" in history_path({})


def test_history_is_trimmed_to_the_newest_entries(tmp_path):
    path = tmp_path / "history"
    history = BoundedFileHistory(str(path), limit=3)
    for n in range(5):
        history.store_string(f"alloc x{n}")
    history.store_string("link a\nb")  # a multi-line entry survives the rewrite
    assert list(BoundedFileHistory(str(path), limit=3).load_history_strings()) == ["link a\nb", "alloc x4", "alloc x3"]
    assert list(BoundedFileHistory(str(path), limit=10).load_history_strings()) == ["link a\nb", "alloc x4", "alloc x3"]
    assert MAX_ENTRIES >= 1000


def test_history_that_cannot_be_saved_says_so(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    history, warning = make_history({"GCSH_HISTFILE": str(blocker / "history")})
    assert warning and "will not be saved" in warning
    assert make_history({"GCSH_HISTFILE": ""}) [1] is None


# ---------------------------------------------------------------- the shell loop, through a pipe


def drive(session, chunks, env, pause=0.0):
    """Run the shell on SESSION with KEYS typed into a pipe; returns (stdout, stderr) text."""
    out, err = Terminal(), Terminal()
    session.stdout, session.stderr = out, err
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
        def type_keys():
            for chunk in chunks:
                time.sleep(pause)
                pipe.send_text(chunk)
        typist = threading.Thread(target=type_keys, daemon=True)
        typist.start()
        run_shell(session, "never", env)
        typist.join()
    return out.getvalue(), err.getvalue()


@pytest.fixture
def env(tmp_path):
    return {"GCSH_HISTFILE": str(tmp_path / "history")}


def test_the_session_runs_lines_and_leaves_on_ctrl_d(session, env, tmp_path):
    s = session()
    out, err = drive(s, ["alloc a\rlink a a\rdel a\rcollect\rbogus\r\x04"], env)
    assert "gcsh 0.1.0 (sim 3.11)" in out.splitlines()[0]
    assert "a -> a [0]" in out and "collect(2): 1 unreachable" in out and "freed: a" in out
    assert "<stdin>:5: error: unknown command 'bogus'" in err
    assert "+collect" in (tmp_path / "history").read_text()
    assert s.backend.status()["objects"] == 0


def test_quit_ends_the_session(session, env):
    s = session()
    out, _ = drive(s, ["quit\r", "alloc never\r"], env)
    assert s.quit_requested and "never" not in out


def test_ctrl_c_drops_the_line_being_typed(session, env):
    s = session()
    out, err = drive(s, ["alloc a", "\x03", "alloc b\r\x04"], env, pause=0.2)
    assert s.backend.names() == ["b"] and err == ""


def test_ctrl_c_in_a_running_command_returns_to_the_prompt(session, env, monkeypatch):
    s = session()
    real = s.backend.collect

    def interrupted(*args, **kwargs):
        monkeypatch.setattr(s.backend, "collect", real)
        raise KeyboardInterrupt

    monkeypatch.setattr(s.backend, "collect", interrupted)
    out, err = drive(s, ["alloc a\rcollect\rcollect\r\x04"], env)
    assert "<stdin>:2: error: interrupted" in err
    assert "collect(2): 0 unreachable" in out  # the next command runs


def test_tab_completes_a_command_and_the_line_runs(session, env):
    s = session()
    out, _ = drive(s, ["al", "\t", " a\r", "link a a\r", "\x04"], env, pause=0.3)
    assert "a: list, refcount 1, generation 0" in out and "a -> a [0]" in out


def test_enter_on_a_selected_completion_takes_it_without_running_the_line(session, env):
    s = session()
    out, err = drive(s, ["al", "\t", "\r", " a\r", "\x04"], env, pause=0.3)
    assert "a: list, refcount 1, generation 0" in out and err == ""


def remembered(tmp_path, *lines):
    history = BoundedFileHistory(str(tmp_path / "history"))
    for line in lines:
        history.store_string(line)


def test_ctrl_r_finds_an_earlier_line_in_any_case(session, env, tmp_path):
    remembered(tmp_path, "collect 0", "alloc q")
    s = session()
    out, _ = drive(s, ["\x12COLL", "\r", "\r", "\x04"], env, pause=0.3)
    assert "collect(0): 0 unreachable" in out


def test_right_arrow_takes_the_grey_suggestion_from_history(session, env, tmp_path):
    remembered(tmp_path, "alloc from_history dict")
    s = session()
    drive(s, ["alloc fr", "\x1b[C", "\r", "\x04"], env, pause=0.3)
    assert s.backend.names() == ["from_history"]


def test_output_during_the_prompt_goes_above_it(session, env, monkeypatch):
    """While the prompt is up, the session's streams lead to prompt_toolkit's proxy."""
    s = session()
    seen = []
    real_prompt = __import__("prompt_toolkit").PromptSession.prompt

    def prompt(self, *args, **kwargs):
        seen.append(type(s.stdout.target).__name__)
        return real_prompt(self, *args, **kwargs)

    monkeypatch.setattr("prompt_toolkit.PromptSession.prompt", prompt)
    drive(s, ["count\r\x04"], env)
    assert seen == ["StdoutProxy", "StdoutProxy"]
    assert isinstance(s.stdout, Terminal)  # given back afterwards


# ---------------------------------------------------------------- no prompt_toolkit without a terminal


@pytest.mark.parametrize("argv, stdin", [(["-c", "alloc a; help; count"], ""), ([], "alloc a\ncount\n"),
                                         (["--json", "-c", "help collect"], "")])
def test_non_interactive_runs_never_import_prompt_toolkit(argv, stdin):
    code = ("import sys; from gcsh.cli import main; status = main(sys.argv[1:]);"
            "loaded = [m for m in sys.modules if m.split('.')[0] == 'prompt_toolkit' or m.startswith('gcsh.shell')];"
            "print('LOADED', loaded, file=sys.stderr); sys.exit(status)")
    p = subprocess.run([sys.executable, "-c", code, *argv], input=stdin, capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    assert "LOADED []" in p.stderr
