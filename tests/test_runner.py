"""Running commands from -c, files and stdin: output, errors, exit statuses, JSON."""

import json

import pytest


def test_exit_statuses(gcsh, tmp_path):
    assert gcsh("-c", "count").status == 0
    assert gcsh("-c", "collect 3").status == 1
    assert gcsh("--bogus").status == 2
    assert gcsh(str(tmp_path / "missing.gcsh")).status == 2
    assert gcsh("--model", "2.7", "-c", "count").status == 2


def test_error_line_names_source_and_line(gcsh, tmp_path):
    script = tmp_path / "s.gcsh"
    script.write_text("alloc a\n# comment\nlink a nobody\ncount\n")
    r = gcsh(str(script))
    assert r.status == 1
    assert r.err.strip() == f"{script}:3: error: unknown name 'nobody' (column 8)"
    assert "(0, 0, 0)" not in r.out  # stopped at the first failure


def test_command_line_and_stdin_sources(gcsh):
    assert gcsh("-c", "count; collect 5").err.startswith("<command line>:1: error: invalid generation")
    r = gcsh(stdin="count\ncollect x\n")
    assert r.status == 1 and r.err.startswith("<stdin>:2: error: invalid generation")


def test_keep_going_runs_everything_and_still_fails(gcsh, tmp_path):
    script = tmp_path / "s.gcsh"
    script.write_text("alloc a\nlink a nobody\nlink a a\ncount\n")
    r = gcsh("--keep-going", str(script))
    assert r.status == 1
    assert "a -> a [0]" in r.out and r.out.rstrip().endswith("(1, 0, 0)")


def test_echo_prints_commands_before_output(gcsh):
    r = gcsh("--echo", "-c", "alloc a; count")
    assert r.out.splitlines() == ["gcsh> alloc a", "a: list, refcount 1, generation 0", "gcsh> count", "(1, 0, 0)"]


def test_json_shape_for_success_and_failure(gcsh):
    r = gcsh("--json", "-c", "alloc a\ncount\nthreshold\nflags DEBUG_LEAK\ntracked a\nbogus 1")
    objs = r.json
    assert [o["command"] for o in objs] == ["alloc", "count", "threshold", "flags", "tracked", "bogus"]
    assert objs[1]["result"] == {"count": [1, 0, 0]}
    assert objs[2]["result"]["threshold"][1:] == [10, 10]
    assert objs[3]["result"] == {"flags": ["DEBUG_COLLECTABLE", "DEBUG_UNCOLLECTABLE", "DEBUG_SAVEALL"],
                                 "value": 38}
    assert objs[4]["result"] == {"name": "a", "tracked": True}
    fail = objs[5]
    assert fail["ok"] is False and fail["line"] == 6 and "unknown command" in fail["error"]
    assert all(o["backend"] == "sim" for o in objs)


def test_json_events_and_stderr_debug_lines(gcsh):
    r = gcsh("--json", "-c", "flags DEBUG_STATS; callbacks on; alloc a; link a a; del a; collect 0")
    last = r.last
    assert last["result"]["freed"] == ["a"]
    assert last["events"][0].startswith("gc callback: start {'generation': 0")
    assert r.err.splitlines()[0] == "gc: collecting generation 0..."
    assert r.err.splitlines()[3].startswith("gc: done, 1 unreachable, 0 uncollectable, ")


def test_non_utf8_file_reports_line(gcsh, tmp_path):
    script = tmp_path / "bad.gcsh"
    script.write_bytes(b"alloc a\nalloc b \xff\n")
    r = gcsh(str(script))
    assert r.status == 1
    assert r.err == f"{script}:2: error: not valid UTF-8 (byte 0xff at column 9)\n"


def test_a_non_utf8_line_fails_alone_as_on_stdin(gcsh, tmp_path):
    data = b"alloc a\r\nalloc b \xff\nalloc c\ncount\n"
    script = tmp_path / "bad.gcsh"
    script.write_bytes(data)
    as_file = gcsh("--keep-going", str(script))
    on_stdin = main_with_bytes(["--keep-going"], data)
    assert as_file.status == on_stdin[0] == 1
    assert as_file.err == f"{script}:2: error: not valid UTF-8 (byte 0xff at column 9)\n"
    assert on_stdin[2] == "<stdin>:2: error: not valid UTF-8 (byte 0xff at column 9)\n"
    assert as_file.out == on_stdin[1] and "c: list" in as_file.out and "(2, 0, 0)" in as_file.out


def main_with_bytes(argv, data: bytes):
    """gcsh in-process with DATA as its binary stdin: (status, out, err)."""
    import io
    from gcsh.cli import main
    stdin = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    return main(argv, stdin=stdin, stdout=out, stderr=err, env={}), out.getvalue(), err.getvalue()


# Characters that str.splitlines() takes for line ends and gcsh does not.
NOT_LINE_BREAKS = ["\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]


@pytest.mark.parametrize("char", NOT_LINE_BREAKS, ids=[f"U+{ord(c):04X}" for c in NOT_LINE_BREAKS])
def test_lines_end_only_at_newline_everywhere(gcsh, tmp_path, char):
    """One text, as a file, as -c, on stdin and through source: the same lines, the same error line."""
    text = f"alloc a\nalloc b{char}list\ncollect 7\n"
    script = tmp_path / "s.gcsh"
    script.write_bytes(text.encode("utf-8"))
    runs = {"file": gcsh(str(script)), "-c": gcsh("-c", text), "stdin": gcsh(stdin=text),
            "bytes": main_with_bytes([], text.encode("utf-8")),
            "source": gcsh("-c", f"source '{script}'")}
    where = {"file": f"{script}:3", "-c": "<command line>:3", "stdin": "<stdin>:3", "bytes": "<stdin>:3",
             "source": f"{script}:3"}
    for how, r in runs.items():
        status, out, err = (r.status, r.out, r.err) if hasattr(r, "status") else r
        assert status == 1, how
        # the character is white space between words: line 2 is `alloc b list`, line 3 fails
        assert err.startswith(f"{where[how]}: error: invalid generation"), (how, err)
        assert "b: list, refcount 1" in out, how


def test_a_separator_character_is_white_space_between_words():
    from gcsh.syntax import split_line, split_lines
    assert split_lines("a\x0cb\r\nc\rd\n") == ["a\x0cb", "c\rd"]
    (statement,) = split_line("alloc\u2028a\x1clist")
    assert [w.text for w in statement.words] == ["alloc", "a", "list"]
    assert [w.column for w in statement.words] == [1, 7, 9]


@pytest.mark.parametrize("line, how", [("chain c 50", "the heap is as it was"),
                                       ("link a b", "the heap is as it was")])  # (every sim command is journaled)
def test_out_of_memory_in_a_command_is_one_line_and_undone(session, monkeypatch, line, how):
    """Memory runs out after the command did its work: the guard undoes it where the backend gave
    an undo (as for any failing command), and the line says which it was; the session goes on."""
    s = session()
    s.run_text("alloc a; alloc b; link a b")
    rows_before, count_before = s.sim.rows(), s.sim.status()["count"]
    from gcsh.commands.registry import lookup
    command, _ = lookup(line.split()[0])
    real = command.handler

    def exhausted(ctx, *args):  # (handlers are called with their arguments in order)
        real(ctx, *args)
        raise MemoryError

    monkeypatch.setattr(command, "handler", exhausted)
    assert not s.run_line(line, "<stdin>", 2)
    assert s.err() == f"<stdin>:2: error: out of memory in {command.name}; {how}\n"
    if how == "the heap is as it was":
        assert s.sim.rows() == rows_before and s.sim.status()["count"] == count_before
    monkeypatch.setattr(command, "handler", real)
    assert s.run_line("count", "<stdin>", 3)  # the session goes on


def test_out_of_memory_while_parsing_or_reading(session, monkeypatch):
    import gcsh.runner as runner
    s = session()

    def no_memory(line, number):
        raise MemoryError

    monkeypatch.setattr(runner, "split_line", no_memory)
    monkeypatch.setattr(runner, "plain_words", lambda line: no_memory(line, 1))  # (plain lines' quick split)
    assert not s.run_line("count", "<stdin>", 1)
    assert s.err() == "<stdin>:1: error: out of memory reading this line; nothing was run\n"

    def lines():
        yield "count"
        raise MemoryError

    monkeypatch.undo()
    t = session()
    assert not t.run_lines(lines(), "<stdin>")
    assert t.err() == "<stdin>:2: error: out of memory while reading the input\n"


def test_source_runs_nested_file_and_reports_inner_line(gcsh, tmp_path):
    inner = tmp_path / "inner.gcsh"
    inner.write_text("alloc x\ncollect 9\n")
    r = gcsh("-c", f"source '{inner}'")
    assert r.status == 1
    assert r.err.strip().splitlines() == [f"{inner}:2: error: invalid generation (expected 0, 1 or 2, got 9) "
                                          f"(column 9)"]


def test_source_loop_is_stopped(gcsh, tmp_path):
    loop = tmp_path / "loop.gcsh"
    loop.write_text(f"source '{loop}'\n")
    r = gcsh(str(loop))
    assert r.status == 1 and "nested more than" in r.err


def test_quit_stops_a_script(gcsh):
    r = gcsh("-c", "count; quit; collect 7")
    assert r.status == 0 and r.out.strip() == "(0, 0, 0)"


HOSTILE = [
    "link a nobody", "alloc a", "alloc b lst", "collect 3", "del nobody", "unlink b t", "link t t",
    "alloc s set b", "weakref w b", "set_threshold", "objects 7", 'alloc "', "alloc\0", "del a a",
]


@pytest.mark.parametrize("model", ["3.10", "3.13"])
def test_failing_commands_leave_the_heap_as_it_was(session, model):
    s = session(model)
    setup = "disable; alloc a object; alloc b dict a; alloc t tuple a; link a b; alloc c; link c c; del c"
    assert s.run_text(setup)
    before = state(s)
    for bad in HOSTILE:
        assert not s.run_text(bad), bad
        assert state(s) == before, bad


def state(s):
    b = s.sim
    h = b.heap
    return (json.dumps(b.rows(), sort_keys=True), b.get_count(), [b.get_objects(g) for g in (0, 1, 2)],
            dict(h.roots), [h.items(op) for op in h.live()], list(h.refcnt))


def test_heap_table_lists_every_object(gcsh):
    r = gcsh("--model", "3.10", "-c", "alloc a object; alloc b object; link a b; link b a; del b; alloc d dict; heap")
    rows = [line.split() for line in r.out.splitlines()[-6:]]
    assert rows[0] == ["name", "type", "refcount", "generation", "flags"]
    # one type name per object: the kind alloc made and graph shows (--json adds CPython's own)
    assert rows[1:] == [["a", "object", "2", "0", "root"], ["b", "object", "1", "0"],
                        ["a.__dict__", "dict", "1", "0"], ["b.__dict__", "dict", "1", "0"],
                        ["d", "dict", "1", "untracked", "root,untracked"]]
    assert r.out.splitlines()[0] == "a: object, refcount 1, generation 0"


def test_heap_and_objects_summarise_past_a_limit_and_all_shows_everything(gcsh):
    r = gcsh("-c", "chain c 120; heap; objects")
    heap_lines = r.out.splitlines()
    assert "… and 70 more (heap --all shows them all; --json has them all)" in heap_lines
    assert heap_lines[-1].endswith(", … and 70 more]")
    everything = gcsh("-c", "chain c 120; heap --all; objects --all").out
    assert "c_119" in everything and "more" not in everything
    as_json = gcsh("--json", "-c", "chain c 120; heap").last["result"]["objects"]
    assert len(as_json) == 120


def test_tables_line_up_names_that_take_two_columns(gcsh):
    from gcsh.render.table import table, width
    assert width("名前") == 4 and width("e\u0301") == 1 and width("abc") == 3
    lines = table([("名前", "x"), ("ab", "y")])
    assert lines == ["名前  x", "ab    y"]


def test_an_unknown_name_says_which_name_was_meant_and_where(gcsh):
    r = gcsh("-c", "alloc alpha; alloc beta; link alpha betta")
    assert r.err == "<command line>:1: error: unknown name 'betta' (did you mean 'beta'?) (column 37)\n"
    r = gcsh("-c", "alloc a; del zz")
    assert "unknown name 'zz' (column 14)" in r.err


def test_help_for_an_unknown_command_points_at_it(gcsh):
    r = gcsh("-c", "help colect")
    assert r.err == ("<command line>:1: error: unknown command 'colect' (did you mean 'collect'?); "
                     "type 'help' for the list (column 6)\n")


def test_the_shell_puts_a_caret_under_the_error(session):
    s = session()
    s.carets = True
    s.run_line("alloc a;\tcollect 7", "<stdin>", 4)
    assert s.err() == ("<stdin>:4: error: invalid generation (expected 0, 1 or 2, got 7)\n"
                       "  alloc a; collect 7\n"
                       "                   ^\n")


def test_output_is_buffered_and_flushed_before_errors_and_at_the_end(session):
    import io

    class Counting(io.StringIO):
        flushes = 0

        def flush(self):
            Counting.flushes += 1

    out, err = Counting(), io.StringIO()
    from gcsh.runner import Session
    s = Session(out, err, model="3.11")
    s.run_lines([f"alloc a{i}" for i in range(200)], "<x>")
    assert Counting.flushes <= 2 and out.getvalue().count("\n") == 200


def test_help_lists_examples_and_where_the_docs_are(gcsh):
    r = gcsh("--help")
    assert r.status == 0 and "examples:" in r.out and "gcsh -c \"alloc a; alloc b" in r.out
    assert "Documentation:" in r.out and "man gcsh" in r.out


def test_usage_errors_are_one_line_after_the_usage(gcsh):
    r = gcsh("--model", "2.7")
    assert r.status == 2 and r.err.splitlines()[-1].startswith("gcsh: error: argument --model: invalid choice")
    assert gcsh("--kee", "-c", "count").status == 0  # a unique prefix of --keep-going
    assert gcsh("-c").status == 2 and gcsh("--json=1").status == 2
    assert gcsh("-ic", "count").status == 0  # -i then -c, off a terminal: runs and leaves


def test_history_and_clear_off_the_shell(gcsh):
    r = gcsh("-c", "clear; history")
    assert r.status == 1 and r.out == ""
    assert "history: there is none outside the interactive shell" in r.err


def test_progress_is_one_line_on_a_terminal_stderr_cleared_at_the_end(session):
    import io

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    s = session()
    s.stderr = Terminal()
    s.emit("progress", "collecting: 10%")
    s.emit("progress", "collecting: 90%")
    assert s.run_line("count")
    assert s.stderr.getvalue() == "\r\x1b[2Kcollecting: 10%\r\x1b[2Kcollecting: 90%\r\x1b[2K"
    quiet = session()  # stderr not a terminal: no progress at all
    quiet.emit("progress", "collecting: 10%")
    assert quiet.run_line("count") and quiet.err() == ""


def test_output_is_flushed_before_each_read_from_a_pipe():
    import io
    import os
    from gcsh.cli import stdin_lines
    read, write = os.pipe()
    os.write(write, b"alloc a\r\ncount\n")
    os.close(write)
    flushes = []
    with io.open(read, "r", encoding="utf-8") as pipe:
        lines = list(stdin_lines(pipe, lambda: flushes.append(1)))
    assert lines == ["alloc a", "count"] and len(flushes) == 3  # before each read, the last finds the end
    with io.BytesIO(b"count\n") as plain:  # not a file descriptor: treated as a pipe
        assert list(stdin_lines(io.TextIOWrapper(plain), None)) == ["count"]
