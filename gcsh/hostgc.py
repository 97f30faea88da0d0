"""The collector of the interpreter running gcsh, eased while the simulator runs a batch of lines.

The simulator's undo journal keeps a few small records per command alive for long, and the host's
own collector would rescan them again and again: that cost more than the simulation itself (as
mypy found for its own data, and answers the same way). So while a run of lines goes through the
simulator, the host collects its young objects less often. Nothing here looks at the host's heap,
and the thresholds are put back before any other backend looks at the host's gc (the live
backend observes it), at the end of the run and when gcsh closes.
"""

from __future__ import annotations

import gc

EASED_THRESHOLD0 = 100_000


class HostCollector:
    def __init__(self) -> None:
        self.saved: tuple | None = None  # the host's thresholds while eased

    def ease(self) -> bool:
        """Raise threshold0; True if this call did (so the caller restores)."""
        if self.saved is not None:
            return False
        threshold = gc.get_threshold()
        if not threshold[0] or threshold[0] >= EASED_THRESHOLD0:  # (0: the host's collection is off)
            return False
        self.saved = threshold
        gc.set_threshold(EASED_THRESHOLD0, *threshold[1:])
        return True

    def restore(self) -> None:
        if self.saved is not None:
            gc.set_threshold(*self.saved)  # (one call: a Ctrl-C before it leaves `saved` for close)
            self.saved = None
