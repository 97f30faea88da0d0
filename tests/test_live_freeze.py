"""freeze and freezecount in the live backend: the backend's own bookkeeping from one command to the
next is kept in place, so a freeze does not take objects of gcsh's that the next command frees."""

import gc
import io

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
