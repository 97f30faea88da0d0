"""What differs between the CPython versions the simulator models, as data.

Every version difference lives here; the heap and collector read these fields
instead of comparing version numbers.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass


@dataclass(frozen=True)
class Model:
    version: str
    thresholds: tuple[int, int, int]
    # 3.10 keeps instance attributes in a separate dict object (a GC object of its own)
    instance_dict: bool
    # 3.12+ only schedule an automatic collection; it runs at the next safe point
    # (for gcsh: the end of the current command) after re-checking the thresholds
    deferred_collection: bool
    set_threshold_error: str
    # 3.14: dicts are tracked from birth and never untracked
    dicts_always_tracked: bool = False
    # 3.14.1+: tuples whose items cannot be tracked are created untracked
    tuples_untracked_at_creation: bool = False
    checked: str = "the real interpreter"  # what the profile was checked against

    @property
    def name(self) -> str:
        return self.version


_OLD_SET_THRESHOLD = "set_threshold() takes at least 1 argument (0 given)"
_NEW_SET_THRESHOLD = "gc.set_threshold requires 1 to 3 arguments"

MODELS: dict[str, Model] = {
    "3.10": Model("3.10", (700, 10, 10), instance_dict=True, deferred_collection=False,
                  set_threshold_error=_OLD_SET_THRESHOLD),
    "3.11": Model("3.11", (700, 10, 10), instance_dict=False, deferred_collection=False,
                  set_threshold_error=_OLD_SET_THRESHOLD),
    "3.12": Model("3.12", (700, 10, 10), instance_dict=False, deferred_collection=True,
                  set_threshold_error=_OLD_SET_THRESHOLD),
    "3.13": Model("3.13", (2000, 10, 10), instance_dict=False, deferred_collection=True,
                  set_threshold_error=_NEW_SET_THRESHOLD),
    "3.14": Model("3.14", (2000, 10, 10), instance_dict=False, deferred_collection=True,
                  set_threshold_error=_NEW_SET_THRESHOLD, dicts_always_tracked=True,
                  tuples_untracked_at_creation=True, checked="the fact sheet only (3.14.5+)"),
}


def default_model() -> str:
    """The running interpreter's version, or the nearest one modelled."""
    here = f"{sys.version_info.major}.{sys.version_info.minor}"
    if here in MODELS:
        return here
    return "3.10" if sys.version_info < (3, 10) else "3.13"
