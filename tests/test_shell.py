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
from gcsh.shell.loop import run_shell
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
    text = text_of(toolbar_fragments(s.backend.status(), 100))
    assert text == " sim 3.11 │ gc off │ gen0 2/700  gen1 0/10  gen2 0/10 │ debug LEAK │ frozen 0 │ 2 objects "
    assert text_of(toolbar_fragments(s.backend.status())) == \
        " sim 3.11 │ gc off │ count 2/700 0/10 0/10 │ debug LEAK │ frozen 0 │ 2 objects "  # 80 columns
    s.run_text("flags DEBUG_STATS; freeze; del a")
    text = text_of(toolbar_fragments(s.backend.status()))
    assert "debug STATS │ frozen 1 │ 1 object " in text  # a frozen object is still freed by refcounting


def test_toolbar_tolerates_a_backend_without_a_model():
    text = text_of(toolbar_fragments({"backend": "live", "enabled": True, "count": [1, 2, 3],
                                      "threshold": [700, 10, 10], "debug": 3, "frozen": 5, "objects": 1}, 120))
    assert text == " live │ gc on │ gen0 1/700  gen1 2/10  gen2 3/10 │ debug STATS|COLLECTABLE │ frozen 5 │ 1 object "
    assert debug_text(0) == "off"


@pytest.mark.parametrize("columns", [80, 72, 66])
def test_the_toolbar_fits_the_terminal_however_large_the_numbers(columns):
    status = {"backend": "live", "model": "3.13.0", "enabled": False, "count": [699_999, 99, 99],
              "threshold": [2_000_000, 10, 10], "debug": 39, "frozen": 123_456, "objects": 1_234_567}
    text = text_of(toolbar_fragments(status, columns))
    assert len(text) <= columns, text
    assert "700k/2.0M" in text and "1.2M" in text and "39" in text


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


def drive(session, chunks, env, pause=0.0, settings=None):
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
        run_shell(session, "never", env, settings=settings)
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


# ---------------------------------------------------------------- settings, scripts, pager


def test_history_file_is_private(tmp_path):
    import os
    path = tmp_path / "sub" / "history"
    make_history({"GCSH_HISTFILE": str(path)})
    assert os.stat(path).st_mode & 0o777 == 0o600
    old = tmp_path / "old-history"
    old.write_text("\n+py password = 'x'\n")
    old.chmod(0o644)
    make_history({"GCSH_HISTFILE": str(old)})
    assert os.stat(old).st_mode & 0o777 == 0o600


def test_trimming_keeps_the_file_private(tmp_path):
    import os
    path = tmp_path / "history"
    make_history({"GCSH_HISTFILE": str(path)})
    path.write_text("".join(f"\n+line {i}\n" for i in range(30)))
    h = BoundedFileHistory(str(path), limit=10)
    assert len(list(h.load_history_strings())) == 10
    assert os.stat(path).st_mode & 0o777 == 0o600 and path.read_text().count("+line") == 10


def test_config_file(tmp_path):
    from gcsh.shell.config import load_config
    path = tmp_path / "config.toml"
    path.write_text('model = "3.12"\nediting_mode = "vi"\nhistory_size = 10\ncolour = "x"\nbackend = "nope"\n')
    settings, warnings = load_config({"GCSH_CONFIG": str(path)})
    assert settings["model"] == "3.12" and settings["editing_mode"] == "vi" and settings["history_size"] == 10
    assert settings["backend"] is None
    assert len(warnings) == 2 and "unknown setting 'colour'" in warnings[0] and "backend must be one of" in warnings[1]
    path.write_text("model = [")
    settings, warnings = load_config({"GCSH_CONFIG": str(path)})
    assert settings["model"] is None and "not read" in warnings[0]
    assert load_config({"GCSH_CONFIG": ""}) == load_config({"GCSH_CONFIG": str(tmp_path / "none.toml")})


def test_the_config_file_sets_the_shell_and_never_a_script(tmp_path):
    from gcsh.cli import _settings, parse_args
    path = tmp_path / "config.toml"
    path.write_text('model = "3.12"\nbackend = "sim"\n')
    env = {"GCSH_CONFIG": str(path)}
    args = parse_args([])
    settings, _ = _settings(args, Terminal(), Terminal(), env)
    assert args.model == "3.12" and settings["model"] == "3.12"
    args = parse_args(["--model", "3.10"])
    _settings(args, Terminal(), Terminal(), env)
    assert args.model == "3.10"  # the command line wins
    args = parse_args(["-c", "count"])
    assert _settings(args, Terminal(), Terminal(), env) == (None, []) and args.model is None


@pytest.mark.slow  # the escape timeout, four times
def test_vi_mode_from_the_settings(session, env):
    s = session()
    # vi starts in insert mode; Esc, then `x` deletes the character under the cursor
    out, _ = drive(s, ["alloc vx\x1b", "x", "\r", "count\r\x04"], env, 0.7, {"editing_mode": "vi"})
    assert "v: list" in out and "(1, 0, 0)" in out


def test_history_command_and_caret_in_the_shell(session, env):
    s = session()
    out, err = drive(s, ["alloc a\rcollect 5\rhistory\r\x04"], env)
    assert "1  alloc a" in out and "2  collect 5" in out and "3  history" in out
    assert "<stdin>:2: error: invalid generation (expected 0, 1 or 2, got 5)\n  collect 5\n          ^" in err


def test_long_output_goes_through_the_pager(session, env, tmp_path):
    pager = tmp_path / "pager.sh"
    seen = tmp_path / "seen.txt"
    pager.write_text(f"#!/bin/sh\ncat > {seen}\n")
    pager.chmod(0o755)
    s = session()
    out, _ = drive(s, ["chain c 200\rheap\rcount\r\x04"], env, settings={"pager": str(pager)})
    assert "c_49" in seen.read_text() and "c_49" not in out  # the table went to the pager
    assert "(200, 0, 0)" in out  # short output is printed as usual


def test_completion_scripts_and_man_page(gcsh, tmp_path):
    import shutil
    bash = gcsh("--completion", "bash").out
    assert "complete -o filenames -F _gcsh gcsh" in bash and "--keep-going" in bash and "3.12" in bash
    zsh = gcsh("--completion", "zsh").out
    assert zsh.startswith("#compdef gcsh") and "--model" in zsh
    fish = gcsh("--completion", "fish").out
    assert "complete -c gcsh -l backend -x -a 'sim live'" in fish
    man = gcsh("--man-page").out
    assert man.startswith(".TH GCSH 1") and "\\fBcollect [GEN]" in man and ".SH EXIT STATUS" in man
    if shutil.which("bash"):
        script = tmp_path / "c.bash"
        script.write_text(bash + 'COMP_WORDS=(gcsh --model 3.1); COMP_CWORD=2; _gcsh; echo "${COMPREPLY[@]}"\n')
        done = subprocess.run(["bash", str(script)], capture_output=True, text=True)
        assert done.stdout.split() == ["3.10", "3.11", "3.12", "3.13", "3.14", "3.14.0", "3.14.2", "3.15"], done.stderr
    if shutil.which("man"):
        page = tmp_path / "gcsh.1"
        page.write_text(man)
        shown = subprocess.run(["man", str(page)], capture_output=True, text=True, env={"MANWIDTH": "80"})
        assert shown.returncode == 0 and "COMMANDS" in shown.stdout
