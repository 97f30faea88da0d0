"""Fuzzing the command language through -c, files and stdin: random unicode and bytes, huge
lines, NUL bytes, deep nesting, files that are not UTF-8. Always one clear error line per
failing command, never a traceback, never a hang."""

import io
import os
import random
import re
import subprocess
import sys
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gcsh.tools import fuzzing
from gcsh.backends.sim import invariants
from gcsh.cli import main
from heapcheck import session

ERROR_LINE = re.compile(r".+:\d+: (error: .+|not valid UTF-8 .+|interrupted .+)\Z")
DEBUG_LINE = re.compile(r"gc: .+")  # what DEBUG_STATS and friends print, as CPython does
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                       HealthCheck.function_scoped_fixture])
TIME_LIMIT = 10.0  # seconds for one input: far above what any of them needs


@pytest.fixture(autouse=True)
def scratch(tmp_path, monkeypatch):
    """Generated commands write files: run them in a directory of their own."""
    monkeypatch.chdir(tmp_path)
    fuzzing.prepare_directory(str(tmp_path))


def strict_stream():
    """A stream that refuses what a UTF-8 terminal cannot show (lone surrogates)."""
    return io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict", write_through=True)


def text_of(stream) -> str:
    return stream.buffer.getvalue().decode("utf-8")


def run_main(argv, stdin_bytes=b""):
    stdin = io.TextIOWrapper(io.BytesIO(stdin_bytes), encoding="utf-8")
    out, err = strict_stream(), strict_stream()
    started = time.monotonic()
    status = main(list(argv), stdin=stdin, stdout=out, stderr=err, env={})
    elapsed = time.monotonic() - started
    return status, text_of(out), text_of(err), elapsed


def assert_clean(err: str, failures: int | None = None):
    """stderr holds error lines (one per failing command) and debug lines, nothing else."""
    lines = err.splitlines()
    strange = [line for line in lines if not (ERROR_LINE.match(line) or DEBUG_LINE.match(line))]
    assert strange == [], strange[:3]
    if failures is not None:
        assert sum(1 for line in lines if ERROR_LINE.match(line)) == failures


def run_session(text: str):
    s = session("3.12")
    started = time.monotonic()
    s.run_text(text, "<fuzz>")  # an internal error is an exception: the test fails on it
    assert time.monotonic() - started < TIME_LIMIT
    assert_clean(s.stderr.getvalue(), s.failures)
    assert invariants.problems(s.sim.heap) == []
    return s


@FAST
@given(st.text(max_size=400))
def test_random_text(text):
    run_session(text)


@FAST
@given(st.lists(st.sampled_from([c.name for c in fuzzing.sim_commands()] + list(fuzzing.JUNK_WORDS)
                                + list(fuzzing.NAMES) + ["'", '"', ";", "#", "\\", "=", "--trace", "\n"]),
                max_size=40))
def test_random_words(words):
    run_session(" ".join(words))


@pytest.mark.slow  # seconds: the full suite runs it
@FAST
@given(st.integers(0, 2 ** 32))
def test_programs_from_the_registry(seed):
    run_session("\n".join(fuzzing.program(random.Random(seed), 30, junk=0.3)))


@FAST
@given(st.integers(0, 2 ** 32))
def test_noise(seed):
    run_session(fuzzing.noise_text(random.Random(seed), 600))


@pytest.mark.parametrize("index", range(8))
def test_hostile_lines(index):
    for seed in range(3):
        run_session(fuzzing.hostile_lines(random.Random(seed))[index])


@FAST
@given(st.binary(max_size=400))
def test_random_bytes_as_a_file(tmp_path, data):
    path = tmp_path / "fuzz.gcsh"
    path.write_bytes(data)
    status, out, err, elapsed = run_main(["--keep-going", str(path)])
    assert status in (0, 1) and elapsed < TIME_LIMIT
    assert_clean(err)


@FAST
@given(st.binary(max_size=400))
def test_random_bytes_on_stdin(data):
    status, out, err, elapsed = run_main(["--keep-going"], data)
    assert status in (0, 1) and elapsed < TIME_LIMIT
    assert_clean(err)


@FAST
@given(st.text(st.characters(blacklist_categories=()), max_size=200))
def test_random_text_after_dash_c(text):
    """Including lone surrogates: how bytes that are not UTF-8 arrive in sys.argv."""
    status, out, err, elapsed = run_main(["--keep-going", "--echo", "-c", text])
    assert elapsed < TIME_LIMIT
    if text.startswith("-") and status == 2:  # argparse reads it as an option: a usage error
        return
    assert status in (0, 1)
    assert_clean(err)


def test_argument_bytes_that_are_not_utf8_are_one_error():
    status, out, err, _ = run_main(["-c", "count\nalloc a list \udcff\ncount"])
    assert status == 1 and err == "<command line>:2: error: not valid UTF-8 (byte 0xff at column 14)\n"
    assert out == "(0, 0, 0)\n"


def test_a_file_that_is_not_utf8(tmp_path):
    path = tmp_path / "latin1.gcsh"
    path.write_bytes("alloc a\nalloc é\n".encode("latin-1"))
    status, out, err, _ = run_main([str(path)])
    assert status == 1
    assert err == f"{path}:2: error: not valid UTF-8 (byte 0xe9 at column 7)\n"


def test_a_nul_byte_and_a_huge_line():
    s = run_session("count\0count\nalloc " + "a" * 70000 + "\ncount")
    assert s.failures == 2
    err = s.stderr.getvalue().splitlines()
    assert "NUL byte" in err[0] and "line too long" in err[1] and len(err[1]) < 200


def test_deep_nesting_of_source_is_one_error(tmp_path):
    for i in range(30):
        (tmp_path / f"f{i}.gcsh").write_text(f"alloc x{i}\nsource f{i + 1}.gcsh\n")
    s = session()
    s.run_text("source f0.gcsh", "<fuzz>")
    errors = s.stderr.getvalue().splitlines()
    assert len(errors) == 1 and "source nested more than" in errors[0]
    assert invariants.problems(s.sim.heap) == []


def test_deep_quotes_and_escapes():
    run_session('alloc a list "' + "\\\\" * 20000 + '"\nalloc b list ' + "'\"'" * 5000)


CHILD_ENV = {k: v for k, v in os.environ.items() if not k.startswith("PYTHONIOENCODING")}


@pytest.mark.parametrize("seed", range(6))
def test_a_real_process_with_random_bytes(tmp_path, seed):
    """Through the real interpreter: argv and stdin bytes that are not UTF-8, and the real streams."""
    rng = random.Random(seed)
    arg = fuzzing.noise_bytes(rng, 300).replace(b"\0", b"")
    data = fuzzing.noise_bytes(rng, 2000)
    for argv, stdin in (([os.fsdecode(b"-c"), os.fsdecode(arg)], b""), ([], data)):
        done = subprocess.run([sys.executable, "-m", "gcsh", "--keep-going", "--echo", *argv], input=stdin,
                              capture_output=True, timeout=60, env=CHILD_ENV, cwd=tmp_path)
        assert done.returncode in (0, 1), done.stderr[-2000:]
        assert b"Traceback" not in done.stderr, done.stderr[-2000:]


@pytest.mark.skipif(not hasattr(os, "mkfifo") or not os.path.exists("/dev/zero"), reason="needs FIFOs and /dev/zero")
def test_source_refuses_files_that_would_block_or_never_end(tmp_path):
    os.mkfifo(tmp_path / "pipe")
    s = session()
    started = time.monotonic()
    s.run_text(f'source "{tmp_path / "pipe"}"\nsource /dev/zero', "<fuzz>")
    assert time.monotonic() - started < TIME_LIMIT
    assert [line.split(": ", 2)[-1] for line in s.stderr.getvalue().splitlines()] == \
        [f"{tmp_path / 'pipe'}: not a regular file", "/dev/zero: not a regular file"]


@pytest.mark.parametrize("text", ["threshold {n}", "alloc a list {n}", "collect {n}", "flags {n}", "flags +{n}",
                                  "objects {n}", "chain c {n}"])
def test_an_integer_longer_than_python_converts_is_one_error(text):
    s = run_session(text.format(n="9" * 5000))
    assert s.failures == 1 and "integer too long: 5000 digits" in s.stderr.getvalue()


@pytest.mark.parametrize("text", ['flags ""', "set_debug ''", 'threshold ""', 'collect ""', 'alloc ""', 'link "" ""',
                                  'source ""', 'save ""', 'export ""', 'model ""', 'help ""'])
def test_empty_quoted_words_are_one_error(text):
    s = run_session(text)
    assert s.failures == 1


@pytest.mark.parametrize("text", ['save "\udf9c.json"', 'load "\udf9c.json"', 'source "\udf9c"', 'export "\udf9c.dot"',
                                  'collect --frames "\udf9c"', 'graph -o "x\udf9c.dot"'])
def test_a_file_name_the_system_cannot_encode_is_one_error(text):
    """Lone surrogates reach a session only from Python callers, but even then: one line."""
    s = run_session(text)
    assert s.failures == 1
