"""The shell in a real terminal: tmux runs gcsh, we type, and read the screen."""

import os
import re
import shlex
import shutil
import signal
import sys
import time

import pytest

from tmux import Tmux

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux")

# capture-pane drops trailing blanks, so patterns end at the last visible character
TOOLBAR = re.compile(r"sim 3\.11 │ gc on │ gen0 (\d+)/700 .* │ (\d+) objects?$", re.M)


def objects(t):
    """The number of objects the toolbar shows."""
    return int(t.wait(TOOLBAR.pattern).group(2))


@pytest.fixture
def terminal(tmp_path):
    sessions = []

    def start(args="--model 3.11", ready=r"^gcsh sim 3\.11>", **options):
        t = Tmux(tmp_path, f"{shlex.quote(sys.executable)} -m gcsh {args}", **options)
        sessions.append(t)
        t.wait(ready)
        return t

    yield start
    for t in sessions:
        t.close()


def test_a_first_session(terminal):
    t = terminal()
    assert objects(t) == 0
    t.keys("al")
    t.wait(r"^ +alloc +create an object bound to a root name")  # the menu opens as you type
    t.keys("Tab")
    t.wait(r"^gcsh sim 3\.11> alloc\s*$")
    t.keys(" a")
    t.wait(r"^gcsh sim 3\.11> alloc a\s*$")
    coloured = t.screen(colours=True)
    assert re.search(r"\x1b\[[0-9;]*36m(\x1b\[[0-9;]*m)*alloc", coloured), coloured  # highlighted as a command
    t.keys("Enter")
    t.wait(r"^a: list, refcount 1, generation 0")
    assert objects(t) == 1 and int(t.wait(TOOLBAR.pattern).group(1)) == 1
    t.keys("link a a", "Enter")
    t.wait(r"^a -> a \[0\]  \(a: refcount 2\)")
    t.keys("del a", "Enter")
    t.wait(r"^a: unbound, still alive \(refcount 1\)")
    assert objects(t) == 1
    t.keys("collect", "Enter")
    t.wait(r"^collect\(2\): 1 unreachable \(1 collected, 0 uncollectable\)\s+^freed: a")
    t.wait(r"│ 0 objects$")
    t.keys("C-d")
    t.wait(r"^EXITED 0")


def test_ctrl_c_stops_a_running_command_and_the_shell_goes_on(terminal, tmp_path):
    (tmp_path / "long.gcsh").write_text("#\n" * 5_000_000)  # several seconds of reading comments
    t = terminal()
    t.keys("source long.gcsh", "Enter")
    t.wait(r"^gcsh sim 3\.11> source long\.gcsh\s+(?![\s\S]*gen0)")  # running: the toolbar is gone
    time.sleep(0.5)  # the terminal back from raw mode: Ctrl-C is a signal now, not a key for the next prompt
    t.keys("C-c")
    t.wait(r"interrupted", timeout=60)  # undone, or stopped after the command: the runner decides
    t.wait(r"^gcsh sim 3\.11>$")
    t.keys("count", "Enter")
    t.wait(r"^\(0, 0, 0\)")
    t.keys("quit", "Enter")
    t.wait(r"^EXITED 0")


def test_unknown_commands_are_marked_and_reported(terminal):
    t = terminal()
    t.keys("bogus 1")
    t.wait(r"^gcsh sim 3\.11> bogus 1")
    assert re.search(r"\x1b\[[0-9;]*4[;m][^\n]*bogus", t.screen(colours=True))  # underlined
    t.keys("Enter")
    t.wait(r"<stdin>:1: error: unknown command 'bogus'")
    t.keys("C-d")
    t.wait(r"^EXITED 0")


def test_an_error_points_at_its_spot_and_names_what_was_meant(terminal):
    t = terminal()
    t.keys("alloc alpha", "Enter")
    t.keys("link alpha alpah", "Enter")
    t.wait(r"^<stdin>:2: error: unknown name 'alpah' \(did you mean 'alpha'\?\)$")
    t.wait(r"^  link alpha alpah\n {13}\^$")
    t.keys("C-d")
    t.wait(r"^EXITED 0")


@pytest.mark.skipif(shutil.which("less") is None, reason="needs less")
def test_long_output_is_paged_and_the_toolbar_fits_80_columns(terminal, tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('pager = "less -SRX"\n')
    t = terminal(columns=80, config=str(config))
    t.wait(r"^ sim 3\.11 │ gc on │ count 0/700 0/10 0/10 │ debug off │ frozen 0 │ 0 objects$")
    t.keys("chain c 300", "Enter")
    t.keys("heap --all", "Enter")
    t.wait(r"^c_1 +list +\d")  # the pager shows the top of the table
    assert "c_299" not in t.screen()
    t.keys("q")
    t.wait(r"^gcsh sim 3\.11>\s*$")
    t.keys("C-d")
    t.wait(r"^EXITED 0")


@pytest.mark.skipif(shutil.which("less") is None, reason="needs less")
def test_long_lines_fold_at_words_in_the_pager_and_out_of_it(terminal):
    t = terminal(columns=80)
    t.keys("alloc a; alloc b; link a b; link b a; del a b", "Enter")
    t.keys("collect 0 --trace", "Enter")  # more lines than the screen: the default pager shows them
    t.wait(r"^ 6\. move_legacy_finalizers: no legacy finalizer among the unreachable; the$")
    t.wait(r"^    garbage is \[a, b\]$")  # under the step's text, not cut in the middle of a word
    t.keys("q")
    t.wait(r"^gcsh sim 3\.11>\s*$")
    t.keys("help del", "Enter")  # short output, folded all the same: the option's help in its column
    t.wait(r"^  --all +list every name \(long lists are summarised: the first 10 and$")
    t.wait(r"^ {17}how many more\)$")
    t.keys("C-d")
    t.wait(r"^EXITED 0")


def test_vi_editing_from_the_config_file(terminal, tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('editing_mode = "vi"\n')
    t = terminal(config=str(config))
    t.keys("alloc vx")
    t.wait(r"^gcsh sim 3\.11> alloc vx")
    t.keys("Escape")
    time.sleep(0.6)  # the escape timeout: then it is a key of its own
    t.keys("x", "Enter")
    t.wait(r"^v: list, refcount 1, generation 0")
    t.keys("history", "Enter")
    t.wait(r"^ 1  alloc v\s+^ 2  history$")
    t.keys("C-d")
    t.wait(r"^EXITED 0")


# ---------------------------------------------------------------- the live backend's shell
# Its prompt runs in a process of its own (gcsh.shell.frontend): the observed process only runs
# the commands, so the prompt's redraws, completion and toolbar leave nothing in its heap.

LIVE = r"^gcsh live 3\.\d+\.\d+>"


def live_terminal(terminal, **options):
    return terminal("--backend live", ready=LIVE, **options)


def typed(t, line, wait_for):
    """Type LINE a few keys at a time (the completion menu and the toolbar redraw between), run it."""
    for piece in re.findall(r".{1,3}(?<!;)|.+", line):  # (tmux takes a word ending in ; for its own)
        t.keys("-l", piece)
        time.sleep(0.02)
    t.keys("Enter")
    return t.wait(wait_for)


def converse(t, *steps):
    """Type each (line, what then appears) in turn."""
    for line, wait_for in steps:
        typed(t, line, wait_for)


def test_the_live_shell_leaves_no_garbage_and_count_barely_moves(terminal):
    from test_live_observer import COUNT_MOVES_AT_MOST
    t = live_terminal(terminal)
    t.keys("he")
    t.wait(r"^ +help +list the commands")  # completion works as in the simulator's shell
    t.keys("C-u")
    typed(t, "disable; collect; count; collect",
          r"^collect\(2\): 0 unreachable.*\n\(\d+, 0, 0\)\ncollect\(2\): 0 unreachable")
    typed(t, "count", r"^gcsh live [\d.]+> count\n\((\d+), 0, 0\)\n(?![\s\S]*> count)")
    typed(t, "count", r"^gcsh live [\d.]+> count\n\(\d+, 0, 0\)\n[\s\S]*> count\n\((\d+), 0, 0\)")
    first, second = (int(n) for n in re.findall(r"> count\n\((\d+), 0, 0\)", t.screen()))
    assert abs(second - first) <= COUNT_MOVES_AT_MOST, t.screen()
    typed(t, "collect", r"> collect\ncollect\(2\): 0 unreachable")
    t.wait(r"│ gc off │ gen0 \d+/700 ")  # the toolbar follows the observed process
    t.keys("exit", "Enter")
    t.wait(r"^EXITED 0")


def test_forty_self_cycles_are_pending_and_then_exactly_what_collect_frees(terminal):
    t = live_terminal(terminal)
    converse(t,
             ("disable; collect", r"collect\(2\): 0 unreachable"),
             ("py for i in range(40): l = []; l.append(l)", r"range\(40\).*\n" + LIVE[1:]),
             ("py del l, i", r"del l, i\n" + LIVE[1:]),
             ("pending", r"would find 40 objects unreachable now"),
             ("collect", r"> collect\ncollect\(2\): 40 unreachable \(40 collected, 0 uncollectable\)"),
             ("collect", r"collect\(2\): 40 unreachable[\s\S]*> collect\ncollect\(2\): 0 unreachable"),)
    t.keys("C-d")
    t.wait(r"^EXITED 0")


def test_ctrl_c_in_the_live_shell(terminal):
    t = live_terminal(terminal)
    typed(t, "py import time; kept = 41", LIVE + r"$")
    t.keys("py time.sleep(3")
    t.keys("C-c")  # at the prompt: the line is dropped
    t.wait(LIVE + r" py time\.sleep\(3\n" + LIVE[1:] + r"\s*$")
    t.keys("py time.sleep(30)", "Enter")
    t.wait(r"> py time\.sleep\(30\)\s+(?![\s\S]*gen0)")  # running: the toolbar is gone
    time.sleep(0.5)
    t.keys("C-c")  # during the command: it is interrupted and the shell goes on
    t.wait(r"<stdin>:\d+: error: interrupted")
    typed(t, "py print('still', kept + 1)", r"^still 42")  # py's state is kept
    t.keys("C-d")
    t.wait(r"^EXITED 0")


def test_switching_between_the_backends(terminal):
    t = terminal()
    converse(t,
             ("alloc a", r"^a: list"),
             ("backend live", r"^live 3\."),
             ("disable; collect; count; collect", r"\(\d+, 0, 0\)\ncollect\(2\): 0 unreachable"),
             ("py kept = [1]", LIVE + r"$"),
             ("backend sim", r"^sim 3\.11$"),
             ("heap", r"^a +list"),
             ("backend live", r"> backend live\nlive 3\.[\s\S]*> backend live\nlive 3\."),
             ("py print(kept)", r"^\[1\]"),
             ("collect", r"> collect\ncollect\(2\): 0 unreachable"),
             ("history 3", r"^ +\d+  py print\(kept\)\n +\d+  collect\n +\d+  history 3$"),)
    t.keys("C-d")
    t.wait(r"^EXITED 0")


def test_the_shells_objects_never_land_in_gc_garbage(terminal):
    t = live_terminal(terminal)
    typed(t, "flags DEBUG_SAVEALL", r"DEBUG_SAVEALL")
    t.keys("col")  # completion and redraws with SAVEALL on
    t.wait(r"^ +collect +collect a generation")
    t.keys("C-u")
    typed(t, "collect", r"> collect\ncollect\(2\): 0 unreachable")
    typed(t, "count", r"^\(\d+, 0, 0\)")
    typed(t, "py import gc; print('saved', len(gc.garbage))", r"^saved 0$")
    t.keys("C-d")
    t.wait(r"^EXITED 0")


@pytest.mark.skipif(shutil.which("less") is None, reason="needs less")
def test_the_pager_and_clear_in_the_live_shell(terminal, tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('pager = "less -SRX"\n')
    t = live_terminal(terminal, config=str(config))
    typed(t, "disable; collect", r"0 unreachable")
    t.keys("help", "Enter")
    t.wait(r"^ +alloc +create an object")  # the pager shows the top of the list
    t.keys("q")
    t.wait(LIVE + r"\s*$")
    typed(t, "collect", r"> collect\ncollect\(2\): 0 unreachable")  # paging left nothing behind
    t.keys("clear", "Enter")
    t.wait(r"\A" + LIVE[1:] + r"\s*$")  # the prompt at the top of an empty screen
    t.keys("C-d")
    t.wait(r"^EXITED 0")


def _children(pid):
    with open(f"/proc/{pid}/task/{pid}/children") as f:
        return [int(p) for p in f.read().split()]


@pytest.mark.skipif(not os.path.exists("/proc/self/task"), reason="needs Linux's /proc")
def test_the_prompt_process_ends_with_the_shell(terminal):
    t = live_terminal(terminal)
    shell_pid = int(t.tmux("display-message", "-p", "#{pane_pid}").stdout)
    gcsh_pid, = _children(shell_pid)
    prompt_pid, = _children(gcsh_pid)
    os.kill(gcsh_pid, signal.SIGKILL)  # the observed process dies while the prompt is up
    t.wait(r"^EXITED 137")
    deadline = time.monotonic() + 10
    while os.path.exists(f"/proc/{prompt_pid}") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not os.path.exists(f"/proc/{prompt_pid}") or open(f"/proc/{prompt_pid}/stat").read().split()[2] == "Z"


@pytest.mark.skipif(not os.path.exists("/proc/self/task"), reason="needs Linux's /proc")
def test_the_shell_goes_on_if_the_prompt_process_dies(terminal):
    t = live_terminal(terminal)
    typed(t, "py kept = 7", LIVE + r"$")
    gcsh_pid, = _children(int(t.tmux("display-message", "-p", "#{pane_pid}").stdout))
    prompt_pid, = _children(gcsh_pid)
    os.kill(prompt_pid, signal.SIGKILL)
    t.wait(r"gcsh: the prompt process has ended; the prompt goes on in this process")
    typed(t, "py print(kept * 6)", r"^42$")  # the terminal is as it was: the line starts at column 0
    t.keys("C-d")
    t.wait(r"^EXITED 0")


def test_a_history_kept_in_memory_goes_with_the_prompt_to_its_process(terminal):
    t = terminal(env={"GCSH_HISTFILE": ""})
    converse(t, ("alloc a", r"^a: list"), ("backend live", r"^live 3\."),
             ("history", r"^ 1  alloc a\n 2  backend live\n 3  history$"))
    t.keys("Up", "Up", "Up")
    t.wait(LIVE + r" alloc a$")
    t.keys("C-u", "C-d")
    t.wait(r"^EXITED 0")


def test_embed_in_a_program_keeps_its_prompt_apart_too(tmp_path):
    (tmp_path / "program.py").write_text("import gcsh\nkept = [1]\ngcsh.embed()\nprint('the program goes on')\n")
    t = Tmux(tmp_path, f"{shlex.quote(sys.executable)} program.py")
    try:
        t.wait(LIVE)
        converse(t, ("disable; collect; collect", r"\ncollect\(2\): 0 unreachable"),
                 ("py print(kept)", r"^\[1\]$"))
        t.keys("C-d")
        t.wait(r"^the program goes on\nEXITED 0")
    finally:
        t.close()
