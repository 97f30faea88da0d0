"""The pipe protocol between the live shell and its prompt process (gcsh.shell.wire): frames
arrive whole and in order however the pipe splits them, the end of the other side is seen, and
the shell's side of the conversation makes no object the collector tracks."""

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from gcsh.shell import wire
from gcsh.shell.frontend import Names

ROOT = str(Path(__file__).resolve().parent.parent)


@pytest.fixture
def ends():
    """(shell, prompt): two Channels joined by two pipes."""
    a_read, b_write = os.pipe()
    b_read, a_write = os.pipe()
    shell, prompt = wire.Channel(a_read, a_write), wire.Channel(b_read, b_write)
    yield shell, prompt
    shell.close()
    prompt.close()


def test_frames_arrive_whole_and_in_order(ends):
    shell, prompt = ends
    texts = ["alloc a", "", "py s = 'é\\n'\nline two", "a\x00b", "\udcff raw byte", "x" * 70_000]
    sender = threading.Thread(target=lambda: [prompt.send(wire.LINE, text) for text in texts])
    sender.start()  # (70,000 bytes do not fit in a pipe: the writer waits for the reader)
    got = []
    for _ in texts:
        assert shell.receive() == wire.LINE
        got.append(shell.text)
    sender.join()
    assert got == texts


def test_a_frame_split_into_single_bytes(ends):
    shell, prompt = ends
    frame = wire.NAMES.encode() + (5).to_bytes(4, "big") + b"a\nb\nc"

    def trickle():
        for byte in frame:
            os.write(prompt.write_fd, bytes([byte]))
            time.sleep(0.002)

    sender = threading.Thread(target=trickle)
    sender.start()
    assert shell.receive() == wire.NAMES and shell.text == "a\nb\nc"
    sender.join()


def test_the_end_of_the_other_side(ends):
    shell, prompt = ends
    os.write(prompt.write_fd, wire.LINE.encode() + (10).to_bytes(4, "big") + b"half")
    os.close(prompt.write_fd)
    prompt.write_fd = os.open(os.devnull, os.O_WRONLY)
    assert shell.receive() == wire.GONE  # in the middle of a frame, as at its start
    assert shell.receive() == wire.GONE


def test_the_prompt_and_its_status_go_across(ends):
    shell, prompt = ends
    status = {"backend": "live", "model": "3.11.7", "enabled": False, "count": [3, 0, 0],
              "threshold": [700, 10, 10], "debug": 32, "frozen": 0, "objects": 2, "none": None}
    shell.send(wire.PROMPT, wire.prompt_payload(True, "live 3.11.7", status))
    assert prompt.receive() == wire.PROMPT
    assert wire.read_prompt(prompt.text) == (True, "live 3.11.7", status)


MEASURE = """
import gc, os
from gcsh.shell import wire
a, b = os.pipe(); c, d = os.pipe()
shell, prompt = wire.Channel(a, d), wire.Channel(c, b)
status = {"backend": "live", "enabled": True, "count": [1, 2, 3], "debug": 0}
moves, collections = [], []
gc.callbacks.append(lambda phase, info: collections.append(phase))
gc.disable()
for _ in range(3):  # the first round fills the interpreter's caches
    for i in range(100):
        prompt.send(wire.LINE, f"count {i}")
    gc.collect()
    collections.clear()
    gc.get_count()  # (its tuple goes to a free list: the next reading reuses it and moves nothing)
    before = gc.get_count()[0]
    for _ in range(100):
        shell.send(wire.PROMPT, wire.prompt_payload(False, "live 3.11.7", status))
        assert shell.receive() == wire.LINE
    moves.append(gc.get_count()[0] - before)
    for _ in range(100):
        prompt.receive()
print(moves[1:], list(collections), gc.collect())
"""


def test_the_shells_side_makes_nothing_the_collector_tracks():
    """Sending 100 prompts and reading 100 lines: gen0's count does not move and no collection
    runs (gc off, as the live backend keeps it between commands), so nothing is left to collect.
    (In a fresh interpreter: no other thread allocates meanwhile.)"""
    run = subprocess.run([sys.executable, "-c", MEASURE], capture_output=True, text=True, timeout=60,
                         env={**os.environ, "PYTHONPATH": ROOT})
    assert run.stdout == "[0, 0] [] 0\n", run.stdout + run.stderr


def test_the_prompt_process_asks_for_the_names_once_per_prompt(ends):
    shell, prompt = ends
    names = Names(prompt)
    shell.send(wire.NAMES, "a\nbc")  # the answer is waiting: one question, one answer
    assert names.ask(wire.NAMES) == ["a", "bc"] and names.ask(wire.NAMES) == ["a", "bc"]
    assert shell.receive() == wire.NAMES and shell.text == ""
    shell.send(wire.ROOTS, "")
    assert names.ask(wire.ROOTS) == [] and names.ask(wire.ROOTS) == []
    assert shell.receive() == wire.ROOTS
    os.set_blocking(shell.read_fd, False)
    with pytest.raises(BlockingIOError):  # nothing more was asked
        shell.fill()
