"""`view`: the live page beside the shell, by HTTP, from a gcsh reading commands from a pipe."""

import gc
import io
import json
import re
import shutil
import socket
import threading
import time
import urllib.request

import pytest

from gcsh.cli import main
from gcsh.runner import Session
from pages import Gcsh, get, get_until, listening, port_of, wait_closed

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")


@pytest.fixture
def gcsh_process(tmp_path):
    started = []

    def start(*args):
        g = Gcsh(tmp_path, "--model", "3.11", *args)
        started.append(g)
        return g

    yield start
    for g in started:
        g.close()


@needs_dot
def test_the_page_shows_a_name_allocated_after_it_was_opened(gcsh_process):
    g = gcsh_process()
    url = g.open_page()
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/", url)
    status, kind, svg = get(url + "heap.svg")
    assert status == 200 and kind == "image/svg+xml" and svg.startswith("<svg") and "zebra" not in svg
    assert g.run("alloc zebra")["ok"]
    status, _, svg = get_until(url + "heap.svg", ">zebra</text>")
    assert status == 200 and ">zebra</text>" in svg
    status, _, state = get_until(url + "state.json", '"objects": 1')
    state = json.loads(state)
    assert state["status"]["objects"] == 1 and state["describe"] == "sim 3.11" and state["error"] is None
    status, kind, page = get(url)
    assert status == 200 and kind.startswith("text/html") and "EventSource('/events')" in page
    assert g.end("eof") == 0


@needs_dot
def test_the_event_stream_sends_a_drawing_after_every_command(gcsh_process):
    g = gcsh_process()
    url = g.open_page()
    stream = urllib.request.urlopen(url + "events", timeout=20)
    assert stream.headers["Content-Type"] == "text/event-stream"

    def next_event():
        fields = {}
        while True:
            line = stream.readline().decode("utf-8").rstrip("\n")
            if not line:
                if "data" in fields:
                    return fields
                continue
            if not line.startswith(":"):
                key, _, value = line.partition(": ")
                fields[key] = value

    first = json.loads(next_event()["data"])  # the current drawing, at once
    assert first["svg"].startswith("<svg") and first["status"]["objects"] == 0
    assert g.run("alloc a; alloc b")["ok"]  # one line, two commands: the page sees the last state
    g.process.stdout.readline()
    event = next_event()
    while json.loads(event["data"])["status"]["objects"] < 2:
        event = next_event()
    data = json.loads(event["data"])
    assert ">a</text>" in data["svg"] and ">b</text>" in data["svg"]
    words = "".join(text for _, text in data["toolbar"])
    assert "sim 3.11" in words and "2/700" in words and "2 objects" in words
    stream.close()
    g.end("quit")


@needs_dot
def test_the_page_offers_the_last_collection_step_by_step(gcsh_process):
    g = gcsh_process()
    url = g.open_page()
    status, _, text = get(url + "collection.html")
    assert status == 404 and "no collection" in text
    for command in ("alloc a", "alloc b", "link a b", "link b a", "del a b", "collect 0"):
        assert g.run(command)["ok"], command
    deadline = time.monotonic() + 20
    while True:  # the step-through page is made after the heap's picture
        collection = json.loads(get(url + "state.json")[2])["collection"]
        if collection or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert collection["generation"] == 0 and collection["unreachable"] == 2 and collection["phases"] == 6
    status, kind, page = get(url + "collection.html")
    assert status == 200 and page.count('class="frame"') == 6 and "move_unreachable" in page
    g.end("eof")


def test_an_automatic_collection_inside_another_command_is_not_passed_off_as_a_collect(session):
    s = session()
    assert s.run_text("threshold 2; alloc a; alloc b; link a b; link b a; del a b")
    from gcsh.web.replay import Recorder, copy
    recorder = Recorder()
    recorder.after_command(s.backend, copy(s.backend)[0])
    assert s.run_text("alloc c")  # gen0 passes 2: an automatic collection frees a and b
    assert s.backend.get_stats()[0]["collections"] == 1
    recorded = recorder.after_command(s.backend, copy(s.backend)[0])
    assert recorded is not None and recorded.generation == 0
    assert recorder.page(recorded) is None and "inside another command" in recorder.note
    assert s.run_text("collect 0")
    recorded = recorder.after_command(s.backend, copy(s.backend)[0])
    page = recorder.page(recorded)
    assert page is not None and recorder.summary()["generation"] == 0


def test_a_second_view_says_where_the_first_is(gcsh_process):
    g = gcsh_process()
    url = g.open_page()
    again = g.run("view")
    assert again["ok"] and again["result"]["already"] and again["result"]["url"] == url
    other = g.run("view --port 1")
    assert not other["ok"] and url in other["error"]
    stopped = g.run("view stop")
    assert stopped["ok"] and stopped["result"]["stopped"]
    assert wait_closed(port_of(url))
    assert g.run("view stop")["result"]["stopped"] is False
    g.end("eof")


def test_a_port_in_use_is_one_clear_error(gcsh_process):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        g = gcsh_process()
        answer = g.run(f"view --port {port}")
        assert not answer["ok"] and answer["error"].startswith(f"cannot serve the page on 127.0.0.1:{port}: ")
        assert not g.run("view --port 70000")["ok"]
        assert g.run("count")["ok"]
    assert "Traceback" not in g.stderr()
    g.end("eof")


def test_the_page_listens_on_the_loopback_interface_only(session):
    s = session()
    assert s.run_text("view --port 0")
    from gcsh.web.live import viewer_of
    viewer = viewer_of(s)
    try:
        assert viewer.server.server_address[0] == "127.0.0.1"
        assert viewer.server.socket.getsockname()[0] == "127.0.0.1"
        status, _, _ = get(viewer.url + "heap.svg", headers={"Host": f"example.com:{viewer.port}"})
        assert status == 403  # a name pointed at this machine does not reach the heap
    finally:
        viewer.stop()
    assert not listening(viewer.port)


@pytest.mark.parametrize("how, status", [("eof", {0}), ("quit", {0}), ("sigint", {130, -2}), ("sigterm", {143})])
def test_nothing_listens_after_gcsh_exits(gcsh_process, how, status):
    """(-2 for Ctrl-C: gcsh's exit path lets a Ctrl-C that lands as it closes end the process by SIGINT,
    about one time in a hundred, with or without a page; what matters here is that the port is closed.
    The signal is sent once gcsh is idle: reading commands from a pipe, Python cannot notice a signal
    that lands while another thread holds the interpreter and the main thread goes to read.)"""
    g = gcsh_process()
    url = g.open_page()
    port = port_of(url)
    assert g.run("count")["ok"]
    assert get_until(url + "state.json", '"objects": 0')[0] == 200  # drawn: gcsh waits for a command
    time.sleep(0.2)
    assert g.end(how) in status
    assert not listening(port)


def test_nothing_listens_after_gcsh_fails_with_an_exception(tmp_path):
    """A bug in gcsh (here: a command that raises) ends the process, and the page with it."""
    import subprocess
    import sys
    script = ("import sys\n"
              "from gcsh import cli\n"
              "from gcsh.commands import registry\n"
              "registry.lookup('count')[0].handler = lambda ctx: 1 / 0\n"
              "sys.exit(cli.main(['--model', '3.11']))\n")
    p = subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    p.stdin.write("view --port 0\n")
    p.stdin.flush()
    port = port_of(re.search(r"http://\S+/", p.stdout.readline()).group(0))
    assert listening(port)
    _, err = p.communicate("count\n", timeout=30)
    assert p.returncode == 1 and "ZeroDivisionError" in err
    assert not listening(port)


def test_the_page_closes_with_its_session_in_a_program_that_goes_on():
    out = io.StringIO()
    assert main(["-c", "view --port 0"], stdout=out, stderr=io.StringIO(), env={}) == 0
    port = port_of(re.search(r"http://\S+/", out.getvalue()).group(0))
    gc.collect()  # main() has returned: its session is freed, and its page closes
    assert wait_closed(port)
    assert not [t for t in threading.enumerate() if t.name.startswith("gcsh-view")]


def test_the_shell_goes_on_when_the_heap_cannot_be_drawn(monkeypatch):
    from gcsh.backends.sim.backend import SimBackend

    def broken(self, names=None):
        raise RuntimeError("no view today")

    monkeypatch.setattr(SimBackend, "view", broken)
    out, err = io.StringIO(), io.StringIO()
    s = Session(out, err, model="3.11")
    assert s.run_text("view --port 0; alloc a; count")
    from gcsh.web.live import viewer_of
    viewer = viewer_of(s)
    try:
        drawing = viewer.latest_drawing(10)
        assert drawing.svg is None and "no view today" in drawing.error and drawing.status["objects"] == 1
        status, _, text = get(viewer.url + "heap.svg")
        assert status == 503 and "no view today" in text
    finally:
        viewer.stop()
    assert "(1, 0, 0)" in out.getvalue()


def test_commands_inside_a_file_are_read_at_most_as_often_as_it_pays(session, tmp_path, monkeypatch):
    """A long file does not pay for a heap snapshot per command; the `source` that runs it ends with one."""
    from gcsh.web import live
    script = tmp_path / "many.gcsh"
    script.write_text("".join(f"alloc x{i}\n" for i in range(300)))
    s = session()
    assert s.run_text("view --port 0")
    viewer = live.viewer_of(s)
    reads = []
    monkeypatch.setattr(viewer, "_read", lambda session, ended, real=viewer._read: reads.append(1) or
                        real(session, ended))
    viewer._read_cost = 0.01  # as if reading cost 10 ms: at most one read per 50 ms inside the file
    try:
        assert s.run_text(f"source {script}")
        assert 1 <= len(reads) < 150
        assert viewer.latest_drawing(10).status["objects"] == 300  # the source's own read: the last state
    finally:
        viewer.stop()


@needs_dot
def test_the_live_backend_sees_nothing_of_the_page(gcsh_process):
    """With the page open, gcsh's drawing leaves no objects behind for `growth` to find (in a process of
    its own: a test process has other threads at work)."""
    g = gcsh_process("--backend", "live")
    g.open_page()
    assert g.run("py x = []")["ok"]
    growths = [g.run("growth")["result"]["growth"] for _ in range(3)]
    assert growths[-1] == [] and growths[-2] == [], growths[1:]
    g.end("eof")


@pytest.mark.parametrize("model", ["3.10", "3.11", "3.12", "3.13"])
@pytest.mark.parametrize("setup", [
    "alloc a; alloc b; link a b; link b a; del a b; collect 0",
    "alloc f finalizer --resurrect; link f f; alloc o object; link o o; weakref w o --callback; del f o; "
    "alloc L legacy; link L L; del L; collect 2",
    "alloc a dict; alloc t tuple a 1 's'; freeze; alloc n; flags DEBUG_SAVEALL; link n n; del n; collect",
    "random r 300 --edges 900 --seed 3; collect 0; del r; collect 1",
])
def test_the_page_draws_the_simulator_from_a_copy_that_shows_what_the_heap_shows(session, model, setup):
    """The shell's thread only copies the heap; the drawing thread's view of the copy is the heap's own."""
    from gcsh.web.replay import copy, rebuilt
    s = session(model=model)
    assert s.run_text(setup), s.err()
    dump, unreachable = copy(s.backend)
    assert rebuilt(dump, unreachable).view() == s.backend.view()
