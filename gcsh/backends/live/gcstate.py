"""The gc module's settings, read and put back.

The live backend reads them when the user enters it and puts them back when
the user leaves it or gcsh exits (by `quit`, end of input, an exception,
`sys.exit` in a `py` statement, SIGTERM or `atexit`), so a program that
embeds gcsh finds its collector as it left it. The user's own live settings
are kept aside and applied again on the way back in.

The permanent generation is the one thing gc cannot put back exactly: there
is no way to freeze some objects and not others, so objects frozen before
gcsh started can only stay frozen or be unfrozen along with the user's.
"""

from __future__ import annotations

import gc


class GcSettings:
    """(A plain class, not a dataclass: `dataclasses` imports `inspect`, whose import leaves
    garbage in a program the live backend watches.)"""

    __slots__ = ("enabled", "debug", "threshold", "callbacks", "frozen")

    def __init__(self, enabled: bool, debug: int, threshold: tuple[int, ...], callbacks: list | None = None,
                 frozen: int = 0):
        self.enabled, self.debug, self.threshold = enabled, debug, threshold
        self.callbacks = [] if callbacks is None else callbacks
        self.frozen = frozen

    @classmethod
    def read(cls) -> "GcSettings":
        return cls(gc.isenabled(), gc.get_debug(), gc.get_threshold(), list(gc.callbacks), gc.get_freeze_count())

    def apply(self) -> None:
        """Put back everything but the permanent generation (see `restore_frozen`)."""
        gc.set_debug(0)  # first, so that nothing below prints debug lines
        gc.set_threshold(*self.threshold)
        gc.callbacks[:] = self.callbacks
        (gc.enable if self.enabled else gc.disable)()
        gc.set_debug(self.debug)

    def restore_frozen(self) -> str | None:
        """Undo freezes made since these settings were read; a warning if that cannot be exact."""
        now = gc.get_freeze_count()
        if now == self.frozen:
            return None
        if self.frozen == 0:
            gc.unfreeze()
            return None
        if now > self.frozen:
            return (f"gcsh: {now - self.frozen} objects frozen in the live backend stay frozen: gc cannot "
                    f"unfreeze them without also unfreezing the {self.frozen} that were frozen before")
        return (f"gcsh: {self.frozen - now} objects that were frozen before gcsh started were unfrozen "
                f"in the live backend; gc cannot freeze them alone again")


def stats_now() -> list[int]:
    """gc.get_stats() as 9 numbers: collections, collected, uncollectable of each generation."""
    return [entry[k] for entry in gc.get_stats() for k in ("collections", "collected", "uncollectable")]
