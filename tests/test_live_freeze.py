"""freeze and freezecount in the live backend: the backend's own bookkeeping from one command to the
next is kept in place, so a freeze does not take objects of gcsh's that the next command frees."""

import gc
import io

import pytest

from gcsh.runner import Session


def test_the_backend_keeps_nothing_a_freeze_would_take_and_then_lose():
    s = Session(io.StringIO(), io.StringIO(), backend="live")
    backend = s.backend
    try:
        for _ in range(3):  # as the runner calls it, command after command
            backend.begin_command()
            frozen = backend.freeze()
            backend.end_command()
            backend.begin_command()
            counted = backend.freeze_count()
            backend.end_command()
            assert counted == frozen
    finally:
        gc.unfreeze()
        s.close()


@pytest.mark.parametrize("text", ["freeze\nfreezecount\nfreezecount", "freeze; freezecount; freezecount",
                                  "freeze\npy print(gc.get_freeze_count())\nfreezecount"])
def test_freeze_prints_what_freezecount_and_gc_say_after_it(gcsh, text):
    """What freeze counts stays frozen: gcsh keeps alive the few objects of its own that the freeze
    took while the command ran (the line, its statements, the command's parts), so neither a
    later command on the same line nor one on the next line sees the count move."""
    r = gcsh("--backend", "live", "-c", "py import gc\n" + text)
    assert r.status == 0, r.err
    frozen, *later = r.out.splitlines()
    assert frozen.endswith(" objects in the permanent generation")
    assert later == [frozen.split()[0]] * 2


def test_unfreeze_moves_back_what_freeze_counted(gcsh):
    r = gcsh("--backend", "live", "-c", "freeze\nunfreeze\nfreezecount")
    assert r.status == 0, r.err
    frozen, moved, left = r.out.splitlines()
    assert moved.split()[0] == frozen.split()[0] and left == "0"
